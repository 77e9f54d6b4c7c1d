/* RGAA 11.1: select2 replaces a labelled <select>/<input> by a combobox
 * without a name. Give every such combobox the text of the original field's
 * <label>, now and whenever select2 draws one later. */
(function () {
  "use strict";
  function labelOf(container) {
    var original = container.previousElementSibling;
    if (!original || !original.id) { return ""; }
    var label = document.querySelector('label[for="' + original.id + '"]');
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function name(root) {
    var containers = (root.querySelectorAll ? root : document).querySelectorAll(".select2-container");
    Array.prototype.forEach.call(containers, function (container) {
      var text = labelOf(container);
      if (!text) { return; }
      var fields = container.querySelectorAll('[role="combobox"], input.select2-search__field');
      Array.prototype.forEach.call(fields, function (field) {
        if (!field.getAttribute("aria-label") && !field.getAttribute("aria-labelledby")) {
          field.setAttribute("aria-label", text);
        }
      });
    });
  }
  function start() {
    name(document);
    new MutationObserver(function () { name(document); })
      .observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* CKAN's notify.js gives the page's flash messages their close button, named
 * with ckan.i18n._('Close'), as soon as it loads: before main.js has loaded
 * the translations, so the button stays "Close" on French pages. Name it again
 * once the translations are in (ckan.i18n.load, then the modules start). */
(function () {
  "use strict";
  if (!window.ckan || !ckan.i18n || !ckan.i18n.load) { return; }
  var load = ckan.i18n.load;
  ckan.i18n.load = function () {
    var result = load.apply(this, arguments);
    var label = ckan.i18n._("Close");
    Array.prototype.forEach.call(
      document.querySelectorAll(".flash-messages .alert .btn-close"),
      function (button) { button.setAttribute("aria-label", label); });
    return result;
  };
})();
