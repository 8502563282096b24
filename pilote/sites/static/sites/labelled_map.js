// The labelled sites on a plain Leaflet map (no tiles): <div class="ti-map" data-geometry="id of a JSON script">.
// Each site is a circle at its point, and its contour too when known (class sites-contour): a contour of a few
// hectares is a speck at the scale of France, the circle says where it is. A click on either opens its name, a link to
// its page.
// Behind them, in grey, the territories of the current phase (data-background: the URL of their GeoJSON), so that a
// site is seen where it is. The table below the map says the same for those who do not use the map.
import { loadGeoJSON } from "../territories/maps/load.js";

const STYLE = { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: 0.7, radius: 7 };
const FRANCE = [[41.3, -5.2], [51.1, 9.6]];
const BACKGROUND = { color: "#929292", weight: 1, fillColor: "#e5e5e5", fillOpacity: 0.6, interactive: false };

function popup(feature) {
  const link = document.createElement("a");
  link.href = feature.properties.url;
  link.textContent = feature.properties.Nom;
  return link;
}

async function draw(el) {
  const data = await loadGeoJSON(el);
  const map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
  if (el.dataset.background) {
    const response = await fetch(el.dataset.background);
    if (response.ok) L.geoJSON(await response.json(), { style: () => BACKGROUND, interactive: false }).addTo(map);
  }
  const marker = (feature, latlng) =>
    L.circleMarker(latlng, { ...STYLE, className: "sites-marker" }).bindPopup(() => popup(feature));
  const centres = L.layerGroup(); // above the contours, so that a click on a site's circle reaches it
  const layer = L.geoJSON(data, {
    style: () => ({ ...STYLE, className: "sites-contour" }),
    pointToLayer: marker,
    onEachFeature: (feature, shape) => {
      if (feature.geometry.type === "Point") return;
      shape.bindPopup(() => popup(feature));
      marker(feature, shape.getBounds().getCenter()).addTo(centres);
    },
  }).addTo(map);
  centres.addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 8 });
  else map.fitBounds(FRANCE);
  el.dataset.loaded = ""; // the browser tests wait for it
}

document.querySelectorAll(".ti-map[data-geometry]").forEach(draw);
