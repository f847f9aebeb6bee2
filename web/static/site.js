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

    // Apply and Sort come back to "#results-heading" (their formaction): move the focus there
    // too, so keyboard and screen reader users go on from the results, not the top of the page.
    // (The panel's "N chosen" is written by the server: it counts the applied filters.)
    function focusTarget() {
      var target = location.hash && document.getElementById(location.hash.slice(1));
      if (!target) { return; }
      // a page match folded into "more pages" (document page): open its <details> first
      var folded = target.closest("details:not([open])");
      if (folded) { folded.setAttribute("open", ""); target.scrollIntoView(); }
      if (target.id === "results-heading") { target.focus(); }
    }
    focusTarget();
    window.addEventListener("hashchange", focusTarget);
  });
})();
