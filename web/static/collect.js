/* Collections of passages for training (docs/web.md, "Collections").
   Kept in this browser's localStorage only: nothing is sent to the server until the user opens
   a handout, which posts the items to /handout where each is checked against the library.
   Every text is set with textContent: nothing from a page or the storage becomes markup. */
(function () {
  "use strict";
  var KEY = "reviewlib.collections.v1";
  var NEW = "__new__";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // ---- storage --------------------------------------------------------------------------
  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (data && Array.isArray(data.collections)) { return data; }
    } catch (e) { /* unreadable: start again, the old value stays until the next save */ }
    return { collections: [], last: "" };
  }

  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
      return true;
    } catch (e) {
      return false;
    }
  }

  function storageWorks() {
    try {
      window.localStorage.setItem(KEY + ".probe", "1");
      window.localStorage.removeItem(KEY + ".probe");
      return true;
    } catch (e) {
      return false;
    }
  }

  function find(data, id) {
    for (var i = 0; i < data.collections.length; i++) {
      if (data.collections[i].id === id) { return data.collections[i]; }
    }
    return null;
  }

  function newId() {
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 7);
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // ---- choosing a collection: one dialog for the page -------------------------------------
  var dialog = null;
  var pending = null; // {item, status}

  function buildDialog() {
    dialog = el("dialog", { "class": "collect-dialog", "aria-labelledby": "collect-dialog-title" });
    var form = el("form", { method: "dialog", "class": "collect-dialog__form" });
    form.appendChild(el("h2", { "class": "heading-m", id: "collect-dialog-title" }, "Add to a collection"));
    var quote = el("blockquote", { "class": "collect-dialog__quote" });
    var cite = el("p", { "class": "collect-dialog__citation body-s muted" });
    form.appendChild(quote);
    form.appendChild(cite);
    var chooseGroup = el("div", { "class": "form-group collect-dialog__choose" });
    chooseGroup.appendChild(el("label", { "class": "label", "for": "collect-choice" }, "Collection"));
    var select = el("select", { "class": "select", id: "collect-choice", name: "collection" });
    chooseGroup.appendChild(select);
    form.appendChild(chooseGroup);
    var nameGroup = el("div", { "class": "form-group" });
    nameGroup.appendChild(el("label", { "class": "label", "for": "collect-name" }, "Name of a new collection"));
    var name = el("input", { "class": "input", id: "collect-name", name: "name", type: "text", maxlength: "120", autocomplete: "off" });
    nameGroup.appendChild(name);
    form.appendChild(nameGroup);
    var error = el("p", { "class": "collect-dialog__error", role: "alert" });
    form.appendChild(error);
    var actions = el("div", { "class": "actions" });
    var add = el("button", { "class": "button", type: "submit", value: "add" }, "Add");
    var cancel = el("button", { "class": "button button--secondary", type: "submit", value: "cancel" }, "Cancel");
    actions.appendChild(add);
    actions.appendChild(cancel);
    form.appendChild(actions);
    dialog.appendChild(form);
    (document.querySelector("main") || document.body).appendChild(dialog);

    select.addEventListener("change", function () {
      nameGroup.hidden = select.value !== NEW;
      if (select.value === NEW) { name.focus(); }
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.value === "cancel") { return; }
      var chosen = select.value;
      var label = name.value.replace(/\s+/g, " ").trim();
      if (chosen === NEW && !label) {
        event.preventDefault();
        error.textContent = "Enter a name for the new collection.";
        name.focus();
        return;
      }
      var message = addTo(chosen, label, pending.item);
      if (message.error) {
        event.preventDefault();
        error.textContent = message.text;
        return;
      }
      showStatus(pending.status, message.text, pending.hook);
    });
    dialog.addEventListener("close", function () {
      if (pending && pending.button) { pending.button.focus(); }
    });
    dialog.parts = { quote: quote, cite: cite, select: select, name: name, nameGroup: nameGroup, chooseGroup: chooseGroup, error: error };
  }

  function openDialog(item, button, status, hook) {
    if (!dialog) { buildDialog(); }
    var p = dialog.parts;
    var data = load();
    pending = { item: item, button: button, status: status, hook: hook };
    p.error.textContent = "";
    p.quote.textContent = item.quote ? shorten(item.quote, 400) : "The whole page (no text selected)";
    p.cite.textContent = item.citation;
    p.select.textContent = "";
    data.collections.forEach(function (c) {
      p.select.appendChild(el("option", { value: c.id }, c.name + " (" + plural(c.items.length, "passage") + ")"));
    });
    p.select.appendChild(el("option", { value: NEW }, "A new collection"));
    p.select.value = find(data, data.last) ? data.last : (data.collections.length ? data.collections[0].id : NEW);
    p.chooseGroup.hidden = data.collections.length === 0;
    p.nameGroup.hidden = p.select.value !== NEW;
    p.name.value = "";
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    (data.collections.length ? p.select : p.name).focus();
  }

  function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  function addTo(chosen, label, item) {
    var data = load();
    var coll = chosen === NEW ? null : find(data, chosen);
    if (!coll) {
      coll = { id: newId(), name: label || "My collection", notes: "", created: new Date().toISOString(), items: [] };
      data.collections.push(coll);
    }
    var max = item.maxItems || 0;
    for (var i = 0; i < coll.items.length; i++) {
      var it = coll.items[i];
      if (it.doc === item.doc && String(it.page) === String(item.page) && it.quote === item.quote) {
        return { error: true, text: "This passage is already in \u201c" + coll.name + "\u201d." };
      }
    }
    if (max && coll.items.length >= max) {
      return { error: true, text: "\u201c" + coll.name + "\u201d holds " + max + " passages, the most a handout takes. Start a new collection." };
    }
    coll.items.push({ doc: item.doc, page: item.page, quote: item.quote, title: item.title, citation: item.citation, note: "", added: new Date().toISOString() });
    data.last = coll.id;
    if (!save(data)) {
      return { error: true, text: "This browser would not store the collection (storage is full or turned off)." };
    }
    return { error: false, text: "Added to \u201c" + coll.name + "\u201d (" + plural(coll.items.length, "passage") + ")." };
  }

  function showStatus(status, text, hook) {
    status.textContent = text + " ";
    status.appendChild(el("a", { href: hook.getAttribute("data-collections-url") || "/collections" }, "See your collections"));
  }

  // ---- the buttons: snippets of results, and the page view ---------------------------------
  function selectionIn(container) {
    var sel = window.getSelection ? window.getSelection() : null;
    if (!sel || sel.isCollapsed || !sel.rangeCount) { return ""; }
    var range = sel.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) { return ""; }
    return sel.toString().replace(/\s+/g, " ").trim();
  }

  function setUpHook(hook) {
    var title = hook.getAttribute("data-title") || "";
    var page = hook.getAttribute("data-page");
    var where = hook.getAttribute("data-selection-in");
    var container = where ? document.querySelector(where) : null;
    var button = el("button", { type: "button", "class": "button button--secondary button--small collect__button" });
    var status = el("p", { "class": "collect__status body-s", role: "status" });
    var lastSelection = "";
    function label() {
      button.textContent = "";
      if (container) {
        button.appendChild(document.createTextNode(lastSelection ? "Add the selected text to a collection" : "Add this page to a collection"));
      } else {
        button.appendChild(document.createTextNode("Add to collection"));
        button.appendChild(el("span", { "class": "visually-hidden" }, " (page " + page + " of " + title + ")"));
      }
    }
    if (container) {
      hook.appendChild(el("p", { "class": "hint collect__hint" }, "Select a passage of the text above to quote it, or add the whole page."));
      // the selection is read as it changes: a click on the button may clear it first
      document.addEventListener("selectionchange", function () {
        var now = selectionIn(container);
        if (now || !document.activeElement || document.activeElement !== button) {
          lastSelection = now;
          label();
        }
      });
    }
    label();
    button.addEventListener("click", function () {
      var quote = container ? (selectionIn(container) || lastSelection) : (hook.getAttribute("data-quote") || "");
      var max = parseInt(hook.getAttribute("data-max-quote") || "2000", 10);
      if (quote.length > max) {
        status.textContent = "The selected text has " + quote.length + " characters; a handout quote holds at most " + max + ". Select less.";
        return;
      }
      var item = {
        doc: hook.getAttribute("data-doc"), page: parseInt(page, 10), quote: quote, title: title,
        citation: hook.getAttribute("data-citation") || title,
        maxItems: parseInt(hook.getAttribute("data-max-items") || "0", 10)
      };
      openDialog(item, button, status, hook);
    });
    hook.appendChild(button); // after the hint, which tells what it will add
    hook.appendChild(status);
  }

  // ---- the collections page ---------------------------------------------------------------
  function handoutForm(root, coll) {
    var form = el("form", { method: "post", action: root.getAttribute("data-handout-url") || "/handout", "class": "collection__handout" });
    var fields = el("div", { hidden: "" });
    form.appendChild(fields);
    function hidden(name, value) { fields.appendChild(el("input", { type: "hidden", name: name, value: value === undefined || value === null ? "" : String(value) })); }
    // the fields are filled as the form is sent, from the stored collection (notes typed since)
    form.addEventListener("submit", function () {
      var current = find(load(), coll.id) || coll;
      fields.textContent = "";
      hidden("title", current.name);
      hidden("notes", current.notes || "");
      current.items.forEach(function (it) {
        hidden("doc", it.doc);
        hidden("page", it.page);
        hidden("quote", it.quote || "");
        hidden("note", it.note || "");
      });
    });
    var open = el("button", { type: "submit", "class": "button" }, "Open as a handout");
    open.appendChild(el("span", { "class": "visually-hidden" }, " (" + coll.name + ")"));
    form.appendChild(open);
    return form;
  }

  function change(id, fn) {
    var data = load();
    var coll = find(data, id);
    if (coll) { fn(coll, data); save(data); }
  }

  function renderCollections(root) {
    var data = load();
    root.textContent = "";
    if (!storageWorks()) {
      root.appendChild(el("p", { "class": "inset-text" }, "This browser does not let the site store anything (private browsing or blocked storage), so passages cannot be collected here. You can still paste passages on the handout page."));
      return;
    }
    if (!data.collections.length) {
      root.appendChild(el("p", { "class": "body collections__empty" }, "You have no collections yet. Use \u201cAdd to collection\u201d under a passage of the search results, or on a page of a document, to start one."));
      return;
    }
    data.collections.forEach(function (coll, ci) {
      var section = el("section", { "class": "collection", "aria-labelledby": "collection-" + ci });
      var h2 = el("h2", { "class": "heading-m collection__name", id: "collection-" + ci }, coll.name + " ");
      h2.appendChild(el("span", { "class": "count" }, "(" + plural(coll.items.length, "passage") + ")"));
      section.appendChild(h2);

      var notesGroup = el("div", { "class": "form-group" });
      notesGroup.appendChild(el("label", { "class": "label", "for": "notes-" + ci }, "Notes for the handout (optional)"));
      var notes = el("textarea", { "class": "textarea", id: "notes-" + ci, rows: "2" });
      notes.value = coll.notes || "";
      notes.addEventListener("input", function () { change(coll.id, function (c) { c.notes = notes.value; }); });
      notesGroup.appendChild(notes);
      section.appendChild(notesGroup);

      var list = el("ol", { "class": "collection__items" });
      coll.items.forEach(function (it, i) {
        var li = el("li", { "class": "collection-item" });
        if (it.quote) {
          li.appendChild(el("blockquote", { "class": "collection-item__quote" }, it.quote));
        } else {
          li.appendChild(el("p", { "class": "muted" }, "The whole page"));
        }
        var cite = el("p", { "class": "collection-item__citation" }, "\u2014 " + (it.citation || it.title) + " ");
        cite.appendChild(el("a", { href: "/documents/" + encodeURIComponent(it.doc) + "/pages/" + encodeURIComponent(it.page) }, "Read page " + it.page));
        li.appendChild(cite);
        var noteGroup = el("div", { "class": "form-group" });
        var noteId = "note-" + ci + "-" + i;
        noteGroup.appendChild(el("label", { "class": "label body-s", "for": noteId }, "Note on passage " + (i + 1) + " (optional)"));
        var note = el("input", { "class": "input", id: noteId, type: "text", maxlength: "1000" });
        note.value = it.note || "";
        note.addEventListener("input", function () { change(coll.id, function (c) { if (c.items[i]) { c.items[i].note = note.value; } }); });
        noteGroup.appendChild(note);
        li.appendChild(noteGroup);
        var actions = el("div", { "class": "actions" });
        function action(text, fn, disabled, goes) {
          var b = el("button", { type: "button", "class": "button button--secondary button--small", "data-action": text }, text);
          b.appendChild(el("span", { "class": "visually-hidden" }, " passage " + (i + 1) + " of " + coll.name));
          if (disabled) { b.disabled = true; }
          b.addEventListener("click", function () {
            change(coll.id, fn);
            render();
            refocus(ci, i + goes, text);
          });
          actions.appendChild(b);
        }
        action("Move up", function (c) { var x = c.items.splice(i, 1)[0]; c.items.splice(i - 1, 0, x); }, i === 0, -1);
        action("Move down", function (c) { var x = c.items.splice(i, 1)[0]; c.items.splice(i + 1, 0, x); }, i === coll.items.length - 1, 1);
        action("Remove", function (c) { c.items.splice(i, 1); }, false, 0);
        li.appendChild(actions);
        list.appendChild(li);
      });
      section.appendChild(list);

      var bar = el("div", { "class": "actions collection__actions" });
      if (coll.items.length) { bar.appendChild(handoutForm(root, coll)); }
      var rename = el("button", { type: "button", "class": "button button--secondary" }, "Rename");
      rename.appendChild(el("span", { "class": "visually-hidden" }, " " + coll.name));
      rename.addEventListener("click", function () {
        var name = window.prompt("New name for \u201c" + coll.name + "\u201d", coll.name);
        if (name && name.trim()) { change(coll.id, function (c) { c.name = name.replace(/\s+/g, " ").trim().slice(0, 120); }); render(); }
      });
      bar.appendChild(rename);
      var remove = el("button", { type: "button", "class": "button button--secondary" }, "Delete collection");
      remove.appendChild(el("span", { "class": "visually-hidden" }, " " + coll.name));
      remove.addEventListener("click", function () {
        if (window.confirm("Delete \u201c" + coll.name + "\u201d and its " + plural(coll.items.length, "passage") + "?")) {
          var d = load();
          d.collections = d.collections.filter(function (c) { return c.id !== coll.id; });
          save(d);
          render();
        }
      });
      bar.appendChild(remove);
      section.appendChild(bar);
      root.appendChild(section);
    });
  }

  var render = function () {};

  // after a change the list is drawn again: keep the keyboard where it was
  function refocus(ci, index, text) {
    var items = document.querySelectorAll("#collection-" + ci + " ~ .collection__items > li");
    var target = items[Math.min(index, items.length - 1)];
    var button = target ? target.querySelector("[data-action='" + text + "']:not([disabled])") : null;
    if (!button && target) { button = target.querySelector("button:not([disabled])"); }
    if (!button) {
      button = document.getElementById("collection-" + ci);
      if (button) { button.setAttribute("tabindex", "-1"); }
    }
    if (button) { button.focus(); }
  }

  ready(function () {
    var hooks = document.querySelectorAll("[data-collect]");
    if (hooks.length && storageWorks()) {
      Array.prototype.forEach.call(hooks, setUpHook);
    }
    var root = document.querySelector("[data-collections-root]");
    if (root) {
      render = function () { renderCollections(root); };
      render();
      window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });
    }
    var print = document.querySelector("[data-print-button]");
    if (print) {
      var b = el("button", { type: "button", "class": "button" }, "Print this handout");
      b.addEventListener("click", function () { window.print(); });
      print.appendChild(b);
    }
  });
})();
