/*
 * The directory map (/vereine/karte/): progressive enhancement with the vendored Leaflet.
 *
 * Without this file (or JavaScript) the page is complete: the map section stays hidden and the
 * list below it holds the same associations. The markers and settings come from the page as
 * JSON (<script type="application/json" id="map-data">, Django's json_script): no inline
 * script, so the strict CSP stays. Leaflet positions its elements through the CSSOM
 * (element.style), which the CSP's style-src does not restrict; nothing here writes HTML.
 *
 * Each municipality's marker is a link with its number of associations (to the list filtered
 * by it); an association with its own point is a link to its page. The marker elements are
 * not Leaflet-interactive: they are plain links, reachable by keyboard and named for screen
 * readers.
 */
(function () {
  "use strict";

  function link(url, label, visible) {
    var a = document.createElement("a");
    a.href = url;
    a.className = "portal-map-marker__link";
    a.title = label;
    if (visible !== undefined) {
      var shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = visible;
      a.appendChild(shown);
    }
    var name = document.createElement("span");
    name.className = "kern-sr-only";
    name.textContent = label;
    a.appendChild(name);
    // A click on a marker follows its link instead of starting to drag the map.
    window.L.DomEvent.disableClickPropagation(a);
    return a;
  }

  function placeMarker(L, place) {
    var size = 32 + Math.min(String(place.count).length - 1, 3) * 8;
    return L.marker([place.lat, place.lon], {
      icon: L.divIcon({
        html: link(place.url, place.label, String(place.count)),
        className: "portal-map-marker portal-map-marker--place",
        iconSize: [size, size],
      }),
      keyboard: false,
      interactive: false,
    });
  }

  function entryMarker(L, entry) {
    return L.marker([entry.lat, entry.lon], {
      icon: L.divIcon({
        html: link(entry.url, entry.label),
        className: "portal-map-marker portal-map-marker--entry",
        iconSize: [24, 24],
      }),
      keyboard: false,
      interactive: false,
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function init() {
    var L = window.L;
    var source = document.getElementById("map-data");
    var section = document.getElementById("map");
    var canvas = document.getElementById("directory-map");
    if (!L || !source || !section || !canvas) {
      return;
    }
    var config = JSON.parse(source.textContent);
    section.hidden = false;

    var map = L.map(canvas, { zoomControl: false, scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.control
      .zoom({ zoomInTitle: config.labels.zoomIn, zoomOutTitle: config.labels.zoomOut })
      .addTo(map);
    if (config.tiles.url) {
      L.tileLayer(config.tiles.url, {
        attribution: escapeHtml(config.tiles.attribution),
        maxZoom: 18,
        // The portal sends no Referer elsewhere; tile servers may ask for the site's origin.
        referrerPolicy: "strict-origin",
      }).addTo(map);
    }

    var markers = [];
    config.places.forEach(function (place) {
      markers.push(placeMarker(L, place));
    });
    config.entries.forEach(function (entry) {
      markers.push(entryMarker(L, entry));
    });
    if (markers.length) {
      var group = L.featureGroup(markers).addTo(map);
      map.fitBounds(group.getBounds(), { padding: [32, 32], maxZoom: 12 });
    } else {
      map.setView(config.center, config.zoom);
    }
    canvas.setAttribute("data-markers", String(markers.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
