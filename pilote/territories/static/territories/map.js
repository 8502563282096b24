// Territory maps drawn with Leaflet on a plain background (no tiles).
// National map: <div class="ti-map" data-geojson="url" data-detail="/…/__code__/"> plus optional insets
// <div class="ti-inset" data-region="01" data-bounds="[[s,w],[n,e]]">. Territory page: data-geometry="id of a JSON script".
import { loadGeoJSON } from "./maps/load.js";

const STYLE = { color: "#000091", weight: 1, fillColor: "#6a6af4", fillOpacity: 0.45 };
const HOVER = { weight: 2, fillOpacity: 0.75 };
const FRANCE = [[41.3, -5.2], [51.1, 9.6]];

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

// Stored contours are made valid after rounding, which can leave stray lines or points in a GeometryCollection
// and slivers of holes: keep the polygons and their real holes, so that each territory is one shape (one SVG path).
const SLIVER = 1e-5; // square degrees, about 0.1 km²

function ringArea(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return Math.abs(sum / 2);
}

function withoutSlivers(polygon) {
  return [polygon[0], ...polygon.slice(1).filter((hole) => ringArea(hole) > SLIVER)];
}

function polygonsOnly(geometry) {
  if (!geometry) return geometry;
  const parts = geometry.type === "GeometryCollection" ? geometry.geometries : [geometry];
  let polygons = [];
  for (const part of parts) {
    if (part.type === "Polygon") polygons.push(part.coordinates);
    if (part.type === "MultiPolygon") polygons = polygons.concat(part.coordinates);
  }
  return { type: "MultiPolygon", coordinates: polygons.map(withoutSlivers) };
}

function cleaned(data) {
  for (const feature of data.features || []) feature.geometry = polygonsOnly(feature.geometry);
  return data;
}

function territoryLayer(data, detailUrl, filter) {
  return L.geoJSON(data, {
    filter,
    style: (feature) => ({ className: `ti-territory ti-code-${feature.properties.code}`, ...STYLE }),
    onEachFeature: (feature, layer) => {
      const p = feature.properties;
      layer.bindTooltip(`${p.name} (${p.code})`, { sticky: true });
      layer.on("mouseover", () => layer.setStyle(HOVER));
      layer.on("mouseout", () => layer.setStyle(STYLE));
      layer.on("click", () => {
        window.location.href = detailUrl.replace("__code__", p.code);
      });
    },
  });
}

// Leaflet listens to focus on each shape for its tooltip, which Chromium takes as a reason to put every <path> in the
// tab order: 183 unnamed stops before the rest of the page. The shapes stay clickable; keyboard users reach the
// territories through the list linked above the map (and the map itself pans and zooms from the keyboard).
function outOfTabOrder(layer) {
  layer.eachLayer((shape) => shape.getElement()?.setAttribute("tabindex", "-1"));
  return layer;
}

function regionOf(feature) {
  return feature.properties.code.slice(3, 5);
}

async function national(el) {
  const map = newMap(el, true);
  map.fitBounds(FRANCE);
  for (const button of document.querySelectorAll("[data-zoom]")) {
    button.addEventListener("click", () => {
      map.fitBounds(JSON.parse(button.dataset.zoom));
      el.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  }
  const data = cleaned(await loadGeoJSON(el));
  outOfTabOrder(territoryLayer(data, el.dataset.detail).addTo(map));
  el.dataset.loaded = String(data.features.length);
  for (const inset of document.querySelectorAll(".ti-inset")) {
    const small = newMap(inset, false);
    small.fitBounds(JSON.parse(inset.dataset.bounds));
    outOfTabOrder(territoryLayer(data, el.dataset.detail, (f) => regionOf(f) === inset.dataset.region).addTo(small));
  }
}

async function single(el) {
  const map = newMap(el, true);
  const geometry = polygonsOnly(await loadGeoJSON(el));
  const layer = L.geoJSON(geometry, { style: { className: "ti-territory", ...STYLE } }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  el.dataset.loaded = "1";
}

for (const el of document.querySelectorAll(".ti-map")) {
  if (el.dataset.geojson) {
    national(el);
  } else if (el.dataset.geometry) {
    single(el);
  }
}
