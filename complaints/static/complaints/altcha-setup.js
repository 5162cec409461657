/* Lima Honesta: prepares the vendored ALTCHA widget 3.x (vendor/altcha-3.2.2, its
   CSP-clean "external" build, loaded just before this file). That build bundles no
   worker: register the SHA-256 one (the algorithm complaints/antiabuse.py issues), give
   the widget the page's translated strings, then start the proof of work. A separate
   file, not an inline script: the portal's Content-Security-Policy allows scripts from
   'self' only. Without JavaScript none of this runs and the text question is used. */
(function () {
  "use strict";
  var altcha = window.$altcha;
  var widgets = document.querySelectorAll("altcha-widget[data-worker]");
  if (!altcha || !widgets.length) { return; }
  widgets.forEach(function (widget) {
    var worker = widget.getAttribute("data-worker");
    altcha.algorithms.set("SHA-256", function () { return new Worker(worker); });
    var language = widget.getAttribute("language") || document.documentElement.lang || "es";
    try {
      var strings = JSON.parse(widget.getAttribute("data-strings") || "{}");
      altcha.i18n.set(language, Object.assign({}, altcha.i18n.get("en"), strings));
    } catch (e) { /* keep the widget's own strings */ }
    widget.setAttribute("auto", "onload");
  });
})();
