// The labelled sites on a plain Leaflet map (no tiles): <div class="ti-map" data-geometry="id of a JSON script">.
// Each site is its contour when known, else a circle at its point; a click opens its name, a link to its page.
// The table below the map says the same for those who do not use the map.
import { loadGeoJSON } from "../territories/maps/load.js";

const STYLE = { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: 0.7, radius: 7 };
const FRANCE = [[41.3, -5.2], [51.1, 9.6]];

function popup(feature) {
  const link = document.createElement("a");
  link.href = feature.properties.url;
  link.textContent = feature.properties.Nom;
  return link;
}

async function draw(el) {
  const data = await loadGeoJSON(el);
  const map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
  const layer = L.geoJSON(data, {
    style: () => STYLE,
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, STYLE),
    onEachFeature: (feature, shape) => shape.bindPopup(() => popup(feature)),
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 10 });
  else map.fitBounds(FRANCE);
  el.dataset.loaded = ""; // the browser tests wait for it
}

document.querySelectorAll(".ti-map[data-geometry]").forEach(draw);
