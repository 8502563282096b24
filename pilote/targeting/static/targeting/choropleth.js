// Choropleth of the ranking: each unit filled with the colour the server gave it (quantile class of the mapped
// value, the same as the legend and the table beside the map). <div class="ti-map" data-geojson="url"
// data-detail="/…/__code__/"> plus the overseas insets <div class="ti-inset" data-region="01" data-bounds="…">.
import { loadGeoJSON } from "../territories/maps/load.js";

const FRANCE = [[41.3, -5.2], [51.1, 9.6]];
const EMPTY = "#ffffff";

function newMap(el, interactive) {
  return L.map(el, {
    attributionControl: false,
    zoomSnap: 0.25,
    dragging: interactive,
    scrollWheelZoom: false,
    zoomControl: interactive,
    doubleClickZoom: interactive,
    boxZoom: interactive,
    keyboard: interactive,
    touchZoom: interactive,
  });
}

function style(feature) {
  return { color: "#3a3a3a", weight: 0.5, fillColor: feature.properties.colour || EMPTY, fillOpacity: 0.9 };
}

function label(p) {
  const value = p.value === null ? "pas de valeur" : p.value.toLocaleString("fr-FR");
  return `${p.name} : ${value}${p.rank ? ` (rang ${p.rank})` : ""}`;
}

function layer(data, detailUrl, filter) {
  return L.geoJSON(data, {
    filter,
    style,
    onEachFeature: (feature, shape) => {
      shape.bindTooltip(label(feature.properties), { sticky: true });
      shape.on("click", () => {
        window.location.href = detailUrl.replace("__code__", feature.properties.code);
      });
    },
  });
}

// The table beside the map is the keyboard's way to the units: the shapes stay out of the tab order.
function outOfTabOrder(group) {
  group.eachLayer((shape) => shape.getElement()?.setAttribute("tabindex", "-1"));
  return group;
}

async function choropleth(el) {
  const map = newMap(el, true);
  map.fitBounds(FRANCE);
  const data = await loadGeoJSON(el);
  outOfTabOrder(layer(data, el.dataset.detail).addTo(map));
  for (const inset of document.querySelectorAll(".ti-inset")) {
    const small = newMap(inset, false);
    small.fitBounds(JSON.parse(inset.dataset.bounds));
    const here = (f) => f.properties.region === inset.dataset.region;
    outOfTabOrder(layer(data, el.dataset.detail, here).addTo(small));
  }
  el.dataset.loaded = String(data.features.length);
}

for (const el of document.querySelectorAll(".tg-choropleth")) choropleth(el);
