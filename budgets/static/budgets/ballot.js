/* Ballot page: keep the remaining amount (or number of projects) up to date as projects
   are ticked. Progressive enhancement only: the server checks every rule again. */
(function () {
  "use strict";

  function soles(cents) {
    var negative = cents < 0;
    cents = Math.abs(cents);
    var whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = String(cents % 100).padStart(2, "0");
    return (negative ? "-" : "") + "S/ " + whole + "." + frac;
  }

  function toCents(text) {
    var parts = String(text || "0").split(".");
    return parseInt(parts[0], 10) * 100 + parseInt((parts[1] || "0").padEnd(2, "0").slice(0, 2), 10);
  }

  function update(form, output) {
    var boxes = form.querySelectorAll("input[type=checkbox][name=projects]");
    var chosen = 0;
    var spent = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        chosen += 1;
        spent += toCents(box.dataset.cost);
      }
    });
    var left;
    var over;
    if (form.dataset.style === "approval") {
      left = parseInt(form.dataset.max, 10) - chosen;
      over = left < 0;
      output.textContent = (over ? output.dataset.templateOver : output.dataset.templateLeft)
        .replace("__N__", String(Math.abs(left)));
    } else {
      left = toCents(form.dataset.budget) - spent;
      over = left < 0;
      output.textContent = (over ? output.dataset.templateOver : output.dataset.templateLeft)
        .replace("__AMOUNT__", soles(Math.abs(left)));
    }
    output.classList.toggle("ballot-over", over);
  }

  function init() {
    var form = document.querySelector("form.ballot");
    var output = document.getElementById("ballot-remaining");
    if (!form || !output) {
      return;
    }
    form.addEventListener("change", function () { update(form, output); });
    update(form, output);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
