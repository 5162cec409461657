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

/* Receipt: copy and print buttons (shown only with JavaScript; without it the page says
   to use the browser's print option and the code can be selected). */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    var status = document.querySelector("[data-copy-status]");
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        if (!target || !navigator.clipboard) { return; }
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          if (status) { status.textContent = button.getAttribute("data-copied"); }
        });
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
