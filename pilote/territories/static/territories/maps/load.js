// What every map shares: its GeoJSON, read from a json_script block of the page (data-geometry="id of the block")
// or fetched from a URL (data-geojson="url").
export async function loadGeoJSON(el) {
  if (el.dataset.geometry) {
    return JSON.parse(document.getElementById(el.dataset.geometry).textContent);
  }
  const response = await fetch(el.dataset.geojson);
  return response.json();
}
