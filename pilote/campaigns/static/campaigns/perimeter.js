// Map of a perimeter change request: the current perimeter (grey, dashed), the communes the request adds (green)
// and removes (red), from a JSON script or a GeoJSON URL. On the request's page (data-communes), the communes of
// and around the territory are drawn too: a click puts the commune in « Ajouter » (or « Retirer » when the proposal
// holds it) and applies it — the same as typing its name, which stays the keyboard's way.
import { loadGeoJSON } from "../territories/maps/load.js";

const STYLES = {
  avant: { color: "#666", weight: 1.5, dashArray: "4", fillOpacity: 0.1 },
  ajout: { color: "#18753c", weight: 2, fillColor: "#18753c", fillOpacity: 0.45 },
  retrait: { color: "#ce0500", weight: 2, fillColor: "#ce0500", fillOpacity: 0.35 },
};
const COMMUNE = { color: "#929292", weight: 0.5, fillColor: "#fff", fillOpacity: 0.01 };

function pick(feature) {
  const form = document.getElementById("perimeter-form");
  if (!form) return;
  const field = feature.properties.in ? "remove_place" : "add_place";
  form.elements[field].value = feature.properties.name;
  const button = form.querySelector(`button[name="apply"][value="${field}"]`);
  form.requestSubmit(button);
}

async function drawCommunes(map, url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
  const data = await response.json();
  const layer = L.geoJSON(data, {
    style: (f) => ({ ...COMMUNE, className: `ti-commune-${f.properties.code}` }),
    onEachFeature: (feature, path) => {
      const action = feature.properties.in ? "retirer" : "ajouter";
      path.bindTooltip(`${feature.properties.name} — cliquer pour ${action}`, { sticky: true });
      path.on("click", () => pick(feature));
    },
  });
  layer.addTo(map);
  layer.bringToBack();
  // The neighbours a click may add; without animation, so that the communes are where they are drawn once the
  // page says they are ready (a click during the zoom went to a commune moving under the pointer).
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { animate: false });
  map.getContainer().dataset.communes = String(data.features.length);
}

async function draw(el) {
  const map = L.map(el, { scrollWheelZoom: false });
  if (!el.dataset.geometry && !el.dataset.geojson) return;
  const data = await loadGeoJSON(el);
  const layer = L.geoJSON(data, {
    style: (f) => STYLES[f.properties.side] || STYLES.avant,
    interactive: false,
  }).addTo(map);
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
  el.dataset.loaded = String(data.features.length);
  if (el.dataset.communes) await drawCommunes(map, el.dataset.communes);
}

const el = document.getElementById("perimeter-map");
if (el && typeof L !== "undefined") draw(el);
