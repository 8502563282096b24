// « Proposer un site »: place a point or draw a polygon on the map; the form's latitude/longitude fields and its hidden
// polygon field (GeoJSON) follow. The fields stay editable by hand (keyboard users type the coordinates).
// <div class="sites-draw" data-lat="id_latitude" data-lon="id_longitude" data-polygon="id_polygon"
// data-commune="id_commune" data-bounds-url="…"> with buttons [data-mode="point"], [data-mode="polygon"],
// [data-action="clear"] inside the form. The map opens on France and goes to the commune once it is named (a site of
// a few hectares cannot be drawn at the scale of the country).
const FRANCE = [[41.3, -5.2], [51.1, 9.6]];
const STYLE = { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: 0.35 };

function setup(el) {
  const lat = document.getElementById(el.dataset.lat);
  const lon = document.getElementById(el.dataset.lon);
  const polygonField = document.getElementById(el.dataset.polygon);
  const map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
  map.fitBounds(FRANCE);
  const layer = L.layerGroup().addTo(map);
  let mode = "point";
  let vertices = [];

  function redraw() {
    layer.clearLayers();
    if (vertices.length > 1) {
      L.polygon(vertices, STYLE).addTo(layer);
    }
    vertices.forEach((v) => L.circleMarker(v, { radius: 4, ...STYLE }).addTo(layer));
    if (mode === "point" && lat.value && lon.value) {
      L.circleMarker([+lat.value, +lon.value], { radius: 7, ...STYLE }).addTo(layer);
    }
  }

  function writePolygon() {
    if (vertices.length < 3) {
      polygonField.value = "";
      return;
    }
    const ring = vertices.map(([y, x]) => [x, y]);
    ring.push(ring[0]);
    polygonField.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    lat.value = "";
    lon.value = ""; // the server places the site at the centre of the polygon
  }

  map.on("click", (event) => {
    const { lat: y, lng: x } = event.latlng;
    if (mode === "point") {
      lat.value = y.toFixed(6);
      lon.value = x.toFixed(6);
    } else {
      vertices.push([y, x]);
      writePolygon();
    }
    redraw();
  });

  el.closest("form").querySelectorAll("[data-mode]").forEach((button) => {
    button.addEventListener("click", () => {
      mode = button.dataset.mode;
      el.dataset.current = mode;
    });
  });
  el.closest("form").querySelector("[data-action='clear']").addEventListener("click", () => {
    vertices = [];
    polygonField.value = "";
    lat.value = "";
    lon.value = "";
    redraw();
  });
  [lat, lon].forEach((input) => input.addEventListener("change", redraw));
  redraw();

  const commune = document.getElementById(el.dataset.commune);
  async function centre() {
    const text = commune.value.trim();
    if (!text) return;
    const response = await fetch(`${el.dataset.boundsUrl}?commune=${encodeURIComponent(text)}`);
    if (!response.ok) return; // unknown or ambiguous: the form says which on submit
    const found = await response.json();
    map.fitBounds(found.bounds, { animate: false }); // there at once: « centred » means a click lands in the commune
    el.dataset.centred = found.code;
  }
  commune.addEventListener("change", centre);
  centre(); // a form sent back with its errors keeps its commune
}

document.querySelectorAll(".sites-draw").forEach(setup);
