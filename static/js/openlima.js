// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});

// A form that came back with errors: its summary takes the focus and the title says so
// (templates/openlima/includes/error_summary.html; the server sets the title for `form`).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  var prefix = document.documentElement.lang === "en" ? "Error:" : "Error:";
  if (document.title.indexOf(prefix) !== 0) { document.title = prefix + " " + document.title; }
});

// After an in-place (htmx) update, keyboard focus stays on or next to the control that was
// used (issue 12). Before the request we note the focused element's id and the nearest
// `data-focus-key` (the submit buttons carry one that survives the swap: "Apoyar" and
// "Retirar mi apoyo" share one key). After the swap we focus the same id, else the same key;
// a control now inside a closed <details> gives the focus to that details' summary; failing
// all that, the updated region itself (so focus never falls to <body>).
var pendingFocus = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var active = document.activeElement;
  var form = event.detail.elt;
  if (!active || active === document.body || !form.contains(active)) {
    pendingFocus = null;
    return;
  }
  var keyed = active.closest("[data-focus-key]") ||
    (form.querySelector ? form.querySelector("[data-focus-key]") : null);
  pendingFocus = {
    id: active.id || "",
    key: keyed ? keyed.getAttribute("data-focus-key") : ""
  };
});
document.addEventListener("htmx:afterSettle", function (event) {
  if (!pendingFocus) { return; }
  var wanted = pendingFocus;
  pendingFocus = null;
  var el = null;
  if (wanted.id) { el = document.getElementById(wanted.id); }
  if (!el && wanted.key) {
    el = document.querySelector('[data-focus-key="' + CSS.escape(wanted.key) + '"]');
  }
  if (el) {
    var closed = el.closest("details:not([open])");
    if (closed) { el = closed.querySelector("summary"); }
  }
  if (!el) {
    el = event.detail.target;
    if (el && !el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
  }
  if (el && el.isConnected) { el.focus(); }
});

// Swap targets (the element htmx replaces) marked data-swap-errors show the server's answer
// for refused input (400, 403, 429) in place, as they would without JavaScript (the
// "¿Le fue útil?" form, the consultation rating section).
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if ((status === 400 || status === 403 || status === 429) &&
      event.detail.elt.hasAttribute("data-swap-errors")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
