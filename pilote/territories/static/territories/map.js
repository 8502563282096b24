// Territory maps drawn with Leaflet on a plain background (no tiles).
// National map: <div class="ti-map" data-geojson="url" data-detail="/…/__code__/"> plus optional insets
// <div class="ti-inset" data-region="01" data-bounds="[[s,w],[n,e]]">. Territory page: data-geometry="id of a JSON script".
(function () {
  "use strict";
  var STYLE = { color: "#000091", weight: 1, fillColor: "#6a6af4", fillOpacity: 0.45 };
  var HOVER = { weight: 2, fillOpacity: 0.75 };
  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];

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
  var SLIVER = 1e-5; // square degrees, about 0.1 km²

  function ringArea(ring) {
    var sum = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    }
    return Math.abs(sum / 2);
  }

  function withoutSlivers(polygon) {
    return [polygon[0]].concat(polygon.slice(1).filter(function (hole) { return ringArea(hole) > SLIVER; }));
  }

  function polygonsOnly(geometry) {
    if (!geometry) return geometry;
    var parts = geometry.type === "GeometryCollection" ? geometry.geometries : [geometry];
    var polygons = [];
    parts.forEach(function (part) {
      if (part.type === "Polygon") polygons.push(part.coordinates);
      if (part.type === "MultiPolygon") polygons = polygons.concat(part.coordinates);
    });
    return { type: "MultiPolygon", coordinates: polygons.map(withoutSlivers) };
  }

  function cleaned(data) {
    (data.features || []).forEach(function (f) { f.geometry = polygonsOnly(f.geometry); });
    return data;
  }

  function territoryLayer(data, detailUrl, filter) {
    return L.geoJSON(data, {
      filter: filter,
      style: function (feature) {
        return L.extend({ className: "ti-territory ti-code-" + feature.properties.code }, STYLE);
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.name + " (" + p.code + ")", { sticky: true });
        layer.on("mouseover", function () { layer.setStyle(HOVER); });
        layer.on("mouseout", function () { layer.setStyle(STYLE); });
        layer.on("click", function () { window.location.href = detailUrl.replace("__code__", p.code); });
      },
    });
  }

  function regionOf(feature) {
    return feature.properties.code.slice(3, 5);
  }

  function national(el) {
    var map = newMap(el, true);
    map.fitBounds(FRANCE);
    fetch(el.dataset.geojson)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        cleaned(data);
        territoryLayer(data, el.dataset.detail).addTo(map);
        el.dataset.loaded = String(data.features.length);
        document.querySelectorAll(".ti-inset").forEach(function (inset) {
          var small = newMap(inset, false);
          small.fitBounds(JSON.parse(inset.dataset.bounds));
          territoryLayer(data, el.dataset.detail, function (f) { return regionOf(f) === inset.dataset.region; })
            .addTo(small);
        });
      });
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        map.fitBounds(JSON.parse(button.dataset.zoom));
        el.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
  }

  function single(el) {
    var map = newMap(el, true);
    var geometry = polygonsOnly(JSON.parse(document.getElementById(el.dataset.geometry).textContent));
    var layer = L.geoJSON(geometry, { style: L.extend({ className: "ti-territory" }, STYLE) }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    el.dataset.loaded = "1";
  }

  document.querySelectorAll(".ti-map").forEach(function (el) {
    if (el.dataset.geojson) {
      national(el);
    } else if (el.dataset.geometry) {
      single(el);
    }
  });
})();
