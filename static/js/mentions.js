/* @mentions in private notes: typing "@" and a few letters in the composer while "Private note"
   is chosen lists the teammates whose name or email starts with them (GET /agents/suggest?q=);
   Up/Down choose, Enter or Tab inserts "@handle ", Escape closes. The server resolves the handle
   when the note is saved and notifies that teammate. Works in the plain textarea and in the rich
   editor (static/js/composer_rich.js, a contenteditable). Plain JavaScript. */
(function () {
  "use strict";

  var root = document.getElementById("agent-shell");
  if (!root || !root.dataset.suggestUrl || !window.fetch) return;
  var TRIGGER = /(^|[\s(])@([\w.+-]{0,40})$/;
  var list = null;
  var state = { field: null, node: null, start: 0, items: [], active: 0, request: 0 };

  function noteMode(field) {
    var form = field.closest("[data-composer]");
    var note = form && form.querySelector('input[name=mode][value="note"]');
    return !!(note && note.checked);
  }

  function close() {
    if (list) list.remove();
    list = null;
    if (state.field) {
      state.field.removeAttribute("aria-activedescendant");
      state.field.setAttribute("aria-expanded", "false");
    }
    state.items = [];
  }

  function render() {
    if (!state.items.length) { close(); return; }
    if (!list) {
      list = document.createElement("ul");
      list.className = "mention-list";
      list.id = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Teammates to mention");
      state.field.insertAdjacentElement("afterend", list);
      state.field.setAttribute("aria-controls", "mention-list");
    }
    list.replaceChildren();
    state.items.forEach(function (agent, index) {
      var item = document.createElement("li");
      item.id = "mention-option-" + index;
      item.className = "mention-list__item" + (index === state.active ? " is-active" : "");
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(index === state.active));
      var name = document.createElement("span");
      name.className = "mention-list__name";
      name.textContent = agent.name;
      var handle = document.createElement("span");
      handle.className = "mention-list__handle";
      handle.textContent = "@" + agent.handle + " · " + agent.label;
      item.append(name, handle);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
      list.append(item);
    });
    state.field.setAttribute("aria-expanded", "true");
    state.field.setAttribute("aria-activedescendant", "mention-option-" + state.active);
  }

  function pick(index) {
    var agent = state.items[index];
    var field = state.field;
    if (!agent || !field) return;
    var text = "@" + agent.handle + " ";
    if (field.isContentEditable) {
      var node = state.node, caret = caretText(field);
      if (!node || !node.isConnected) { close(); return; }
      var end = caret && caret.node === node ? caret.offset : node.data.length;
      text = "@" + agent.handle + "\u00a0";  // a plain space at a text node's end would collapse
      node.data = node.data.slice(0, state.start) + text + node.data.slice(end);
      var range = document.createRange();
      range.setStart(node, state.start + text.length);
      range.collapse(true);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      close();
      field.focus();
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var at0 = field.selectionStart;
    field.value = field.value.slice(0, state.start) + text + field.value.slice(at0);
    var at = state.start + text.length;
    field.setSelectionRange(at, at);
    close();
    field.focus();
  }

  // The text before the caret: the textarea's, or the rich editor's current text node.
  function caretText(field) {
    if (!field.isContentEditable) return { before: field.value.slice(0, field.selectionStart), node: null };
    var selection = window.getSelection();
    if (!selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    if (range.startContainer.nodeType !== 3 || !field.contains(range.startContainer)) return null;
    return { before: range.startContainer.data.slice(0, range.startOffset), node: range.startContainer, offset: range.startOffset };
  }

  function lookup(field) {
    var caret = caretText(field);
    var before = caret ? caret.before.replace(/\u00a0/g, " ") : "";
    var match = TRIGGER.exec(before);
    if (!match || !noteMode(field)) { close(); return; }
    state.field = field;
    state.node = caret.node;
    state.start = before.length - match[2].length - 1;
    var ticket = ++state.request;
    window.fetch(root.dataset.suggestUrl + "?q=" + encodeURIComponent(match[2]), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) {
        if (ticket !== state.request) return; // a newer keystroke asked again
        state.items = (body.results || []).filter(function (agent) { return String(agent.id) !== root.dataset.me; });
        state.active = 0;
        render();
      }).catch(close);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-composer-text], [data-rich-editor]")) lookup(field);
  });

  document.addEventListener("keydown", function (event) {
    if (!list || event.target !== state.field) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var step = event.key === "ArrowDown" ? 1 : -1;
      state.active = (state.active + step + state.items.length) % state.items.length;
      render();
    } else if ((event.key === "Enter" && !event.ctrlKey && !event.metaKey) || event.key === "Tab") {
      pick(state.active);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  document.addEventListener("focusout", function (event) {
    if (event.target === state.field) window.setTimeout(close, 150);
  });
})();
