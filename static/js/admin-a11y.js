/* Staff admin (/gestion/): give the select2 autocomplete widgets the accessible name of
   their field's <label> (axe "aria-input-field-name", "label"; issue 12). Loaded by
   templates/admin/base_site.html; the forms work without it (plain selects). */
(function () {
  "use strict";

  function labelText(select) {
    if (!select.id) return "";
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }

  function name(root) {
    var selects = (root || document).querySelectorAll("select.admin-autocomplete");
    Array.prototype.forEach.call(selects, function (select) {
      var text = labelText(select);
      var container = select.nextElementSibling;
      if (!text || !container || !container.classList.contains("select2")) return;
      container
        .querySelectorAll(".select2-selection, .select2-selection__rendered, .select2-search__field")
        .forEach(function (el) {
          if (el.tagName === "UL") {
            // select2 puts a non-<li> "clear" control in its list of choices (axe "list"):
            // it is a presentational container, not a list.
            if (!el.getAttribute("role")) el.setAttribute("role", "none");
            return;
          }
          if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", text);
        });
    });
  }

  // SelectFilter2 (filter_horizontal) puts an aria-label on a bare <span> icon, which has no
  // role that allows one (axe "aria-prohibited-attr"): it is an image with a text alternative.
  function icons(root) {
    var spans = (root || document).querySelectorAll("span.search-label-icon[aria-label]:not([role])");
    Array.prototype.forEach.call(spans, function (span) {
      span.setAttribute("role", "img");
    });
  }

  function start() {
    name(document);
    icons(document);
    new MutationObserver(function () {
      name(document);
      icons(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
