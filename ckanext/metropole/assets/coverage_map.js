/* Spatial coverage of a dataset, or the territory of an organization: the
 * contours of the communes. Tiles only when the site configured a tile
 * server (none by default: no third-party request at runtime).
 *
 * CKAN's module loader reads every data-module-* attribute as JSON and turns
 * an empty one into `true`: options are checked for their type here, and the
 * templates leave the tile attributes out when there is no tile server. */
ckan.module('metropole-coverage-map', function ($) {
  function text(value) {
    return (typeof value === 'string' || typeof value === 'number') ? String(value) : '';
  }
  return {
    options: {geojson: null, tiles: '', attribution: ''},
    initialize: function () {
      var data = this.options.geojson;
      if (!data || typeof data !== 'object' || !window.L) { return; }
      var map = L.map(this.el[0], {scrollWheelZoom: false, zoomSnap: 0.25});
      // Leaflet's credit without its English tooltip
      map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
      var tiles = text(this.options.tiles);
      if (tiles) {
        L.tileLayer(tiles, {attribution: text(this.options.attribution)}).addTo(map);
      }
      var layer = L.geoJSON(data, {
        style: {color: '#1f5f8b', weight: 1, fillOpacity: 0.35},
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(feature.properties.name);
        }
      }).addTo(map);
      if (layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), {padding: [4, 4]});
      }
      this.el.attr('data-metropole-map', 'drawn');
    }
  };
});
