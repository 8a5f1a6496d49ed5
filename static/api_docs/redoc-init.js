/* Starts ReDoc on /api/redoc/ from a file (the Content-Security-Policy allows no inline script). Fonts are the
   system's: nothing is fetched from a font service. */
(function () {
  "use strict";
  var el = document.getElementById("redoc-container");
  var options = JSON.parse(document.getElementById("redoc-settings").textContent) || {};
  var sans = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  options.theme = options.theme || {};
  options.theme.typography = Object.assign({
    fontFamily: sans,
    headings: { fontFamily: sans },
    code: { fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" }
  }, options.theme.typography || {});
  Redoc.init(el.getAttribute("data-schema-url"), options, el);
})();
