/* The dataset and resource forms of ckanext-metropole.
 *
 * - A field with data-show-when-field/-values (schema: form_show_when) is shown
 *   only when that field has one of the values; hidden, its inputs are
 *   disabled so that a value that no longer applies is not kept.
 * - The covered communes: a filter, select all / none, a live count.
 * - The resource: name, format and size from the chosen file (format from the
 *   file's or the link's extension, when the EU list has it).
 */
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function valuesOf(form, name) {
    var out = [];
    each(form.querySelectorAll('[name="' + name + '"]'), function (input) {
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) { return; }
      if (!input.disabled) { out.push(input.value); }
    });
    return out;
  }

  function showWhen(form) {
    var dependants = form.querySelectorAll("[data-show-when-field]");
    if (!dependants.length) { return; }
    function update() {
      each(dependants, function (box) {
        var wanted = box.getAttribute("data-show-when-values").split(" ");
        var current = valuesOf(form, box.getAttribute("data-show-when-field"));
        var shown = current.some(function (v) { return wanted.indexOf(v) !== -1; });
        box.hidden = !shown;
        each(box.querySelectorAll("input, select, textarea"), function (input) {
          input.disabled = !shown;
        });
      });
    }
    form.addEventListener("change", update);
    update();
  }

  function communes(root) {
    var tools = root.querySelector(".metropole-communes-tools");
    var filter = root.querySelector("[data-metropole-communes-filter]");
    var count = root.querySelector("[data-metropole-communes-count]");
    var items = root.querySelectorAll(".metropole-communes-list li");
    function plain(text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .toLowerCase().replace(/[-']/g, " ");
    }
    function boxes() { return root.querySelectorAll('input[type="checkbox"]'); }
    function recount() {
      var n = 0;
      each(boxes(), function (b) { if (b.checked) { n += 1; } });
      var text = n === 0 ? count.getAttribute("data-zero")
        : n === 1 ? count.getAttribute("data-one")
          : count.getAttribute("data-many").replace("{n}", n);
      count.textContent = text;
    }
    tools.hidden = false;
    filter.addEventListener("input", function () {
      var wanted = plain(filter.value.trim());
      each(items, function (li) {
        li.hidden = wanted !== "" && plain(li.textContent).indexOf(wanted) === -1;
      });
    });
    function setAll(checked) {
      // only the communes the filter shows
      each(items, function (li) {
        if (!li.hidden) { li.querySelector("input").checked = checked; }
      });
      recount();
    }
    root.querySelector("[data-metropole-communes-all]").addEventListener("click", function () { setAll(true); });
    root.querySelector("[data-metropole-communes-none]").addEventListener("click", function () { setAll(false); });
    root.addEventListener("change", recount);
    recount();
  }

  function extension(name) {
    var m = /\.([A-Za-z0-9]+)(?:[?#].*)?$/.exec(name || "");
    return m ? m[1].toUpperCase() : "";
  }

  // extensions whose EU file-type code differs from the extension itself
  var ALIASES = {JPG: "JPEG", TIF: "TIFF", HTM: "HTML", YML: "YAML"};

  function setFormat(select, name) {
    if (!select) { return; }
    var ext = extension(name);
    var code = ALIASES[ext] || ext;
    if (!code) { return; }
    var option = select.querySelector('option[value="' + code + '"]');
    if (option) {
      select.value = code;
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  function resource(form) {
    var upload = form.querySelector("#field-resource-upload");
    var url = form.querySelector("#field-resource-url");
    var name = form.querySelector("#field-name");
    var format = form.querySelector("#field-format");
    var size = form.querySelector("#field-size");
    if (!upload && !url) { return; }
    var nameTouched = !!(name && name.value);
    if (name) { name.addEventListener("input", function () { nameTouched = true; }); }
    if (upload) {
      upload.addEventListener("change", function () {
        var file = upload.files && upload.files[0];
        if (!file) { return; }
        // after CKAN's resource-upload-field, which writes the whole file name
        window.setTimeout(function () { fromFile(file); }, 0);
      });
    }
    function fromFile(file) {
      if (name && !nameTouched) {
        // the file name without its extension
        name.value = file.name.replace(/\.[A-Za-z0-9]+$/, "").replace(/[_]+/g, " ");
      }
      if (format && !format.value) { setFormat(format, file.name); }
      if (size) { size.value = String(file.size); }
    }
    if (url) {
      url.addEventListener("change", function () {
        if (url.type === "url" && format && !format.value) { setFormat(format, url.value); }
      });
    }
  }

  function start() {
    each(document.querySelectorAll("form"), function (form) {
      showWhen(form);
      resource(form);
    });
    each(document.querySelectorAll("[data-metropole-communes]"), communes);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
