// Before (grey) / after (blue) map of a perimeter change request. Data from a JSON script or a GeoJSON URL.
import { loadGeoJSON } from "../territories/maps/load.js";

const BEFORE = { color: "#666", weight: 1, dashArray: "4", fillOpacity: 0.1 };
const AFTER = { color: "#000091", weight: 2, fillOpacity: 0.25 };

async function draw(el) {
  const map = L.map(el, { scrollWheelZoom: false });
  if (!el.dataset.geometry && !el.dataset.geojson) return;
  const data = await loadGeoJSON(el);
  const layer = L.geoJSON(data, { style: (f) => (f.properties.side === "avant" ? BEFORE : AFTER) }).addTo(map);
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
  el.dataset.loaded = String(data.features.length);
}

const el = document.getElementById("perimeter-map");
if (el && typeof L !== "undefined") draw(el);
