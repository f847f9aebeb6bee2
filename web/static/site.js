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

    // "Copy quote with reference" and "Copy reference": the text is made by the server
    // (library/citation.py) in data-copy; on a page, a selection in the page's text is quoted
    // instead, followed by the page's reference (data-reference). Without a clipboard (an
    // insecure origin) the <details> beside the button opens with its text selected.
    function selectedQuote(box) {
      var source = document.querySelector("[data-quote-source]");
      var reference = box && box.getAttribute("data-reference");
      var sel = window.getSelection && window.getSelection();
      if (!source || !reference || !sel || sel.isCollapsed || !sel.rangeCount) { return null; }
      var range = sel.getRangeAt(0);
      if (!source.contains(range.commonAncestorContainer)) { return null; }
      var text = sel.toString().replace(/\s+/g, " ").trim();
      return text ? "\u201c" + text + "\u201d\n\n" + reference : null;
    }
    function showFallback(box) {
      var details = box && box.querySelector("details");
      var shown = box && box.querySelector(".copy-quote__text");
      if (details) { details.open = true; }
      if (shown && window.getSelection) {
        var range = document.createRange();
        range.selectNodeContents(shown);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
      }
    }
    var buttons = document.querySelectorAll(".copy-quote__button[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      var box = button.closest(".copy-quote") || button.parentNode;
      var status = box.querySelector(".copy-quote__status");
      button.hidden = false;
      // keep the reader's selection: a click on the button must not clear it first
      button.addEventListener("mousedown", function (e) { e.preventDefault(); });
      button.addEventListener("click", function () {
        var text = selectedQuote(box) || button.getAttribute("data-copy");
        var shown = box.querySelector(".copy-quote__text");
        if (shown) { shown.textContent = text; }
        if (!navigator.clipboard || !navigator.clipboard.writeText) {
          showFallback(box);
          if (status) { status.textContent = "Select the text and copy it (Ctrl+C)."; }
          return;
        }
        navigator.clipboard.writeText(text).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          showFallback(box);
          if (status) { status.textContent = "Could not copy: select the text and copy it (Ctrl+C)."; }
        });
      });
    });
  });
})();
