// Before (grey) / after (blue) map of a perimeter change request. Data from a JSON script or a GeoJSON URL.
(function () {
  "use strict";
  var el = document.getElementById("perimeter-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { scrollWheelZoom: false });
  function draw(data) {
    var layer = L.geoJSON(data, {
      style: function (f) {
        return f.properties.side === "avant"
          ? { color: "#666", weight: 1, dashArray: "4", fillOpacity: 0.1 }
          : { color: "#000091", weight: 2, fillOpacity: 0.25 };
      }
    }).addTo(map);
    if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
    el.dataset.loaded = String(data.features.length);
  }
  if (el.dataset.geometry) {
    draw(JSON.parse(document.getElementById(el.dataset.geometry).textContent));
  } else if (el.dataset.geojson) {
    fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(draw);
  }
})();
