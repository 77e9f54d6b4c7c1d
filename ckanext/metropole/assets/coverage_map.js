/* Spatial coverage of a dataset: the contours of the covered communes.
 * Tiles only when the site configured a tile server (none by default: no
 * third-party request at runtime). */
ckan.module('metropole-coverage-map', function ($) {
  return {
    options: {geojson: null, tiles: '', attribution: ''},
    initialize: function () {
      var data = this.options.geojson;
      if (!data || !window.L) { return; }
      var map = L.map(this.el[0], {scrollWheelZoom: false, zoomSnap: 0.25});
      if (this.options.tiles) {
        L.tileLayer(this.options.tiles, {attribution: this.options.attribution}).addTo(map);
      }
      var layer = L.geoJSON(data, {
        style: {color: '#1f5f8b', weight: 1, fillOpacity: 0.35},
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(feature.properties.name);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), {padding: [4, 4]});
    }
  };
});
