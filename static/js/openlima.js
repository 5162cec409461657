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
