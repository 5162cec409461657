/* Lima Honesta: hide the text question once the proof of work is verified. Without
   JavaScript the question stays and the form still works. */
(function () {
  "use strict";
  function init() {
    var widget = document.querySelector("altcha-widget");
    var fieldset = document.querySelector(".anti-abuse");
    if (!widget || !fieldset) { return; }
    widget.addEventListener("statechange", function (ev) {
      var state = ev.detail && ev.detail.state;
      if (state === "verified") { fieldset.classList.add("js-verified"); }
      else if (state === "error" || state === "expired") { fieldset.classList.remove("js-verified"); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
