/* Progressive enhancement only: every feature works without this file.
   Filters and sort are applied with their buttons (no submit on change, so keyboard and
   screen reader users keep their place: WCAG 3.2.2). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js-enabled");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // On a phone, start with the filters folded away (chosen ones are listed with the results).
    var filters = document.querySelector("details[data-collapse-on-mobile]");
    if (filters && window.matchMedia && window.matchMedia("(max-width: 40.0525em)").matches) {
      filters.removeAttribute("open");
    }

    // Say how many filters are chosen in the summary of the folded panel (a switch such as
    // "include documents that only mention a theme" changes how they count, it is not one).
    if (filters) {
      var count = filters.querySelectorAll("input[type=checkbox]:checked:not([data-switch])").length;
      var title = filters.querySelector(".filters__title");
      if (title && count) { title.textContent = "Filter results (" + count + " chosen)"; }
    }
  });
})();
