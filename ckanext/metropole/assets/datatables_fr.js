/* The table view (ckanext-datatablesview) in the page's language.
 *
 * - numbers and dates as the language writes them: 1 250,5 and 01/09/1998 in
 *   French (the DataStore gives 1250.5 and 1998-09-01); sorting and filtering
 *   stay on the server, on the stored values;
 * - every column filter named (the view draws them without a label);
 * - a CSV download for spreadsheets set to French (`;` between columns,
 *   decimal comma: /datastore/dump/<id>?format=csv-fr);
 * - the hidden frame the resize plugin adds is marked as decoration.
 *
 * Settings come from the page (#metropole-datatables, written by the
 * portal's datatables_view.html). Runs before the view's own module, which
 * CKAN starts once the page is loaded.
 */
(function ($) {
  'use strict';
  var table = $('#dtprv');
  var settingsNode = document.getElementById('metropole-datatables');
  if (!table.length || !settingsNode) { return; }
  var settings = JSON.parse(settingsNode.textContent);
  var lang = settings.lang || document.documentElement.lang || 'en';
  // the view's data dictionary (a global of its template): column -> type
  var fields = (typeof gdataDict !== 'undefined') ? gdataDict : [];  // eslint-disable-line no-undef
  var types = {};
  fields.forEach(function (field) { types[field.id] = field.type; });

  var parts = {};
  try {
    new Intl.NumberFormat(lang).formatToParts(12345.6).forEach(function (p) { parts[p.type] = p.value; });
  } catch (e) { /* an unknown language: the raw values */ }

  /* "48215300.50" -> "48 215 300,5" (French); exact, whatever the digits */
  function number(value) {
    var text = String(value).trim();
    var match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE][-+]?\d+)?$/.exec(text);
    if (!match || /[eE]/.test(text) || !parts.decimal) { return value; }
    var whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, parts.group || '');
    var fraction = (match[3] || '').replace(/0+$/, '');
    return match[1] + whole + (fraction ? parts.decimal + fraction : '');
  }

  /* "1998-09-01" -> "01/09/1998" in French; other languages keep ISO dates */
  function date(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value));
    if (!match || lang.slice(0, 2) !== 'fr') { return value; }
    var day = match[3] + '/' + match[2] + '/' + match[1];
    return match[4] ? day + ' ' + match[4] + ':' + match[5] + (match[6] ? ':' + match[6] : '') : day;
  }

  table.on('xhr.dt', function (event, dtSettings, json) {
    if (!json || !json.data) { return; }
    json.data.forEach(function (row) {
      Object.keys(row).forEach(function (column) {
        var type = types[column];
        if (row[column] === null || row[column] === '') { return; }
        if (type === 'numeric' || type === 'int' || type === 'int4' || type === 'int8' ||
            type === 'float8' || type === 'float4') {
          row[column] = number(row[column]);
        } else if (type === 'date') {
          row[column] = date(row[column]);
        }
      });
    });
  });

  /* each column filter named by its column (DataTables may draw the header twice) */
  function nameFilters() {
    $('input.fhead, thead input[type="text"]').each(function () {
      if (this.getAttribute('aria-label')) { return; }
      var index = /-(\d+)$/.exec(this.id || '');
      var field = index ? fields[parseInt(index[1], 10)] : null;
      /* a header copied by the scroller has inputs without an id: the
         column's name from the first header row at the same place */
      var column = field ? field.id : $.trim($(this).closest('table').find('thead tr:first th')
        .eq($(this).closest('th').index()).text()) || $.trim($(this).closest('th').text());
      if (column) {
        this.setAttribute('aria-label', settings.filterLabel.replace('{column}', column));
      }
    });
    $('#refit-button').attr('aria-label', $('#refit-button').attr('title'));
    /* KeyTable's focus catcher (an input out of sight, taking Tab into the table) */
    $('input[type="text"]:not([id]):not([aria-label])').filter(function () {
      return !$(this).closest('thead').length && !this.labels.length;
    }).attr('aria-label', settings.keysLabel);
  }

  /* the resize plugin's frame: decoration, out of the keyboard's and readers' way */
  function hideSensor() {
    $('iframe').not('[data-metropole-sensor]').each(function () {
      if (this.getAttribute('src') !== 'about:blank' && !this.hasAttribute('data')) { return; }
      this.setAttribute('data-metropole-sensor', '');
      this.setAttribute('title', settings.sensorTitle);
      this.setAttribute('aria-hidden', 'true');
      this.setAttribute('tabindex', '-1');
      try {
        var doc = this.contentDocument;
        doc.documentElement.lang = lang;
        doc.title = settings.sensorTitle;
      } catch (e) { /* another origin: nothing to do */ }
    });
  }

  table.on('init.dt', function (event, dtSettings) {
    var api = new $.fn.dataTable.Api(dtSettings);
    nameFilters();
    hideSensor();
    if (settings.csvUrl) {
      api.button().add(4, {
        text: '<i class="fa fa-file-csv" aria-hidden="true"></i><span class="visually-hidden">' +
              $('<span>').text(settings.csvLabel).html() + '</span>',
        titleAttr: settings.csvLabel,
        className: 'btn-default btn-secondary metropole-csv-fr',
        action: function (e, dt) {
          var params = dt.ajax.params();
          params.visible = dt.columns().visible().toArray();
          /* the view's own download form, with the portal's format */
          run_query(params, 'csv-fr');  // eslint-disable-line no-undef
        }
      });
    }
  });
  table.on('draw.dt', function () { nameFilters(); hideSensor(); });
  /* the resize sensor and the copied headers come after a draw, in their own time */
  new MutationObserver(function () { nameFilters(); hideSensor(); })
    .observe(document.body, {childList: true, subtree: true});
})(jQuery);
