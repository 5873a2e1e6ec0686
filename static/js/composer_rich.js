/* The rich composer: a small contenteditable editor that takes the place of the composer's
   textarea (bold, italic, bulleted and numbered lists, links, inline code and code blocks;
   Ctrl/Cmd+B, I, K, E and Ctrl/Cmd+Enter to send). Pasted or dropped images become attachments
   of the message through the composer's own file input (the server checks them by content).
   The textarea stays in the form and carries the editor's HTML as `message`; the server
   sanitizes it like any HTML (this file's cleaning only keeps pasted noise out of the editor, it
   is not a safety measure). Without JavaScript the plain textarea works as before. Scripts that
   write the textarea (drafts, canned responses, macros, AI drafts) keep working: its `value`,
   `placeholder` and `focus` are forwarded to the editor, and it hears an input event whenever
   the editor changes. Plain JavaScript. */
(function () {
  "use strict";

  if (!window.DOMParser || !document.execCommand) return;

  var KEEP = { B: "b", STRONG: "strong", I: "i", EM: "em", U: "u", S: "s", UL: "ul", OL: "ol", LI: "li", A: "a",
    CODE: "code", PRE: "pre", P: "p", BR: "br", DIV: "p", BLOCKQUOTE: "blockquote", H1: "p", H2: "p", H3: "p" };
  var DROP = /^(SCRIPT|STYLE|TEMPLATE|IFRAME|OBJECT|EMBED|SVG|MATH|HEAD|TITLE|META|LINK|NOSCRIPT|IMG|VIDEO|AUDIO|CANVAS|FORM|INPUT|BUTTON|SELECT|TEXTAREA)$/;
  var SAFE_HREF = /^(https?:|mailto:)/i;
  var HTML_TAG = /<[a-zA-Z!\/][^>]*>/;
  var IMAGE_EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp" };
  var ICONS = {  // 16px strokes like the product's icon set
    ul: '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r="1"/><circle cx="4.5" cy="12" r="1"/><circle cx="4.5" cy="18" r="1"/>',
    ol: '<path d="M10 6h10M10 12h10M10 18h10"/><path d="M4 5l1.5-1v5M3.5 14.5c.3-.9 2.7-1 2.7.3 0 1-2.7 2-2.7 3.2h2.8"/>',
    link: '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
    code: '<path d="M8 7l-5 5 5 5M16 7l5 5-5 5"/>',
    pre: '<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M9 10l-2 2 2 2M15 10l2 2-2 2"/>'
  };
  var TOOLS = [
    { cmd: "bold", label: "Bold", keys: "Ctrl+B", text: "B", cls: "is-bold" },
    { cmd: "italic", label: "Italic", keys: "Ctrl+I", text: "I", cls: "is-italic" },
    { cmd: "ul", label: "Bulleted list", keys: "Ctrl+Shift+8" },
    { cmd: "ol", label: "Numbered list", keys: "Ctrl+Shift+7" },
    { cmd: "link", label: "Link", keys: "Ctrl+K" },
    { cmd: "code", label: "Inline code", keys: "Ctrl+E" },
    { cmd: "pre", label: "Code block", keys: "Ctrl+Shift+E" }
  ];
  var pasted = 0;

  /* ---------- HTML in and out ---------- */
  function cleanChildren(from, to) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.data)); return; }
      if (node.nodeType !== 1 || DROP.test(node.nodeName)) return;
      var name = KEEP[node.nodeName];
      if (!name) { cleanChildren(node, to); return; }  // unknown wrappers (span, font…) keep their text
      var element = document.createElement(name);
      if (name === "a") {
        var href = (node.getAttribute("href") || "").trim();
        if (!SAFE_HREF.test(href)) { cleanChildren(node, to); return; }
        element.setAttribute("href", href);
      }
      cleanChildren(node, element);
      to.appendChild(element);
    });
    return to;
  }

  function fragmentOf(value) {
    var fragment = document.createDocumentFragment();
    if (!value) return fragment;
    if (HTML_TAG.test(value)) {
      return cleanChildren(new DOMParser().parseFromString(value, "text/html").body, fragment);
    }
    value.replace(/\r\n/g, "\n").split(/\n{2,}/).forEach(function (block) {
      var paragraph = document.createElement("p");
      block.split("\n").forEach(function (line, index) {
        if (index) paragraph.appendChild(document.createElement("br"));
        paragraph.appendChild(document.createTextNode(line));
      });
      fragment.appendChild(paragraph);
    });
    return fragment;
  }

  function isBlank(editor) {
    return !editor.textContent.replace(/[\s\u200b\u00a0]/g, "");
  }

  function serialize(editor) {
    if (isBlank(editor)) return "";
    var html = editor.innerHTML.replace(/\u200b/g, "");
    // Always HTML: the server escapes what has no tags, and the editor's text is escaped already.
    return HTML_TAG.test(html) ? html : "<p>" + html + "</p>";
  }

  /* ---------- selection helpers ---------- */
  function rangeIn(editor) {
    var selection = window.getSelection();
    if (!selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    return editor.contains(range.commonAncestorContainer) ? range : null;
  }

  function closestIn(editor, selector) {
    var range = rangeIn(editor);
    var node = range && range.startContainer;
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var found = element && element.closest(selector);
    return found && editor.contains(found) ? found : null;
  }

  function placeCaret(node, offset) {
    var range = document.createRange();
    range.setStart(node, offset);
    range.collapse(true);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function unwrap(element) {
    var parent = element.parentNode;
    while (element.firstChild) parent.insertBefore(element.firstChild, element);
    parent.removeChild(element);
  }

  /* ---------- one composer ---------- */
  function Rich(form, textarea) {
    var self = this;
    this.form = form;
    this.textarea = textarea;
    this.files = form.querySelector("[data-attach]");
    this.native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");
    this.saved = null;

    var toolbar = document.createElement("div");
    toolbar.className = "rich-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rich-toolbar__button" + (tool.cls ? " " + tool.cls : "");
      button.dataset.richCmd = tool.cmd;
      button.title = tool.label + " (" + tool.keys + ")";
      button.setAttribute("aria-label", tool.label);
      button.setAttribute("aria-pressed", "false");
      if (tool.text) button.textContent = tool.text;
      else button.innerHTML = '<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" ' +
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' + ICONS[tool.cmd] + "</svg>";
      button.tabIndex = -1;
      toolbar.appendChild(button);
    });
    toolbar.firstChild.tabIndex = 0;

    var linkBar = document.createElement("div");
    linkBar.className = "rich-link";
    linkBar.hidden = true;
    linkBar.innerHTML = '<label class="rich-link__label">Link <input type="text" inputmode="url" class="rich-link__input" ' +
      'placeholder="https://…" aria-label="Link address" autocomplete="off" data-rich-link-input></label>' +
      '<button type="button" class="btn btn--sm btn--secondary" data-rich-link-apply>Apply</button>' +
      '<button type="button" class="btn btn--sm btn--ghost" data-rich-link-remove>Remove link</button>';

    var editor = document.createElement("div");
    editor.className = "composer__text composer__rich prose";
    editor.contentEditable = "true";
    editor.spellcheck = true;
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", "Message");
    editor.dataset.richEditor = "";
    editor.dataset.placeholder = textarea.placeholder;
    if (textarea.getAttribute("aria-invalid")) editor.setAttribute("aria-invalid", "true");
    this.editor = editor;
    this.toolbar = toolbar;
    this.linkBar = linkBar;

    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(linkBar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
    textarea.hidden = true;
    textarea.tabIndex = -1;
    var label = form.querySelector('label[for="' + textarea.id + '"]');
    if (label) label.htmlFor = "";

    this.load(this.native.get.call(textarea));

    // Other scripts write and focus the textarea: forward to the editor.
    Object.defineProperty(textarea, "value", {
      configurable: true,
      get: function () { return self.native.get.call(textarea); },
      set: function (value) { self.external(String(value == null ? "" : value)); }
    });
    Object.defineProperty(textarea, "placeholder", {
      configurable: true,
      get: function () { return editor.dataset.placeholder; },
      set: function (value) { editor.dataset.placeholder = value; textarea.setAttribute("placeholder", value); }
    });
    textarea.focus = function () { self.focus(); };
    // aria-invalid follows the textarea's (conversations.js clears it when an error goes away)
    if (window.MutationObserver) {
      new MutationObserver(function () {
        if (textarea.getAttribute("aria-invalid") === "true") editor.setAttribute("aria-invalid", "true");
        else editor.removeAttribute("aria-invalid");
      }).observe(textarea, { attributes: true, attributeFilter: ["aria-invalid"] });
    }
    textarea.setSelectionRange = function () {};

    editor.addEventListener("input", function () { self.sync(); self.states(); });
    editor.addEventListener("keydown", function (event) { self.keydown(event); });
    editor.addEventListener("paste", function (event) { self.paste(event); });
    editor.addEventListener("drop", function (event) { self.drop(event); });
    editor.addEventListener("keyup", function () { self.remember(); self.states(); });
    editor.addEventListener("mouseup", function () { self.remember(); self.states(); });
    editor.addEventListener("blur", function () { self.remember(); });
    toolbar.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-rich-cmd]");
      if (button) self.run(button.dataset.richCmd);
    });
    toolbar.addEventListener("keydown", function (event) { self.toolbarKeys(event); });
    linkBar.addEventListener("click", function (event) {
      if (event.target.closest("[data-rich-link-apply]")) self.applyLink();
      if (event.target.closest("[data-rich-link-remove]")) self.removeLink();
    });
    linkBar.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); event.stopPropagation(); self.applyLink(); }
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); self.closeLink(); }
    });
  }

  Rich.prototype.load = function (value) {
    this.editor.replaceChildren(fragmentOf(value));
    this.native.set.call(this.textarea, serialize(this.editor));  // a loaded draft is saved by its writer
  };

  // Something else set the textarea: a whole new draft, or the old one with text appended where
  // the caret was (conversations.js inserts canned responses at the textarea's end).
  Rich.prototype.external = function (value) {
    var current = this.native.get.call(this.textarea);
    if (current && value.indexOf(current) === 0 && value.length > current.length) {
      this.insertText(value.slice(current.length).replace(/^[ \t]+|^\n\n/, ""));
      return;
    }
    this.load(value);
  };

  // The textarea holds the editor's HTML, and hears an input event like when typed in: drafts,
  // the typing indicator (realtime.js) and anything else listening go on working.
  Rich.prototype.sync = function () {
    // what the browser leaves once everything is deleted: empty again, so the placeholder shows
    if (/^(<p>)?<br>(<\/p>)?$/.test(this.editor.innerHTML)) this.editor.replaceChildren();
    this.native.set.call(this.textarea, serialize(this.editor));
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  Rich.prototype.focus = function () {
    this.editor.focus();
    if (!rangeIn(this.editor)) {
      var range = document.createRange();
      range.selectNodeContents(this.editor);
      range.collapse(false);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  };

  Rich.prototype.remember = function () {
    var range = rangeIn(this.editor);
    if (range) this.saved = range.cloneRange();
  };

  Rich.prototype.restore = function () {
    this.editor.focus();
    if (this.saved && this.editor.contains(this.saved.commonAncestorContainer)) {
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(this.saved);
    } else {
      this.focus();
    }
  };

  Rich.prototype.insertText = function (text) {
    this.restore();
    var range = rangeIn(this.editor), before = "";
    if (range && range.collapsed && range.startContainer.nodeType === 3) {
      var node = range.startContainer, offset = range.startOffset;
      // a "/" typed to open the canned responses goes away with the insertion
      if (offset && node.data.charAt(offset - 1) === "/") { node.deleteData(offset - 1, 1); offset -= 1; }
      before = node.data.slice(0, offset);
    }
    if (text.indexOf("\n") === -1) {
      document.execCommand("insertText", false, (before && !/\s$/.test(before) ? " " : "") + text);
    } else {
      var html = Array.prototype.map.call(fragmentOf(text).childNodes, function (node) { return node.outerHTML; }).join("");
      if (!isBlank(this.editor) && before.trim()) document.execCommand("insertParagraph");  // its own paragraphs
      document.execCommand("insertHTML", false, html);
    }
    this.sync();
  };

  Rich.prototype.run = function (cmd) {
    this.restore();
    if (cmd === "bold" || cmd === "italic") document.execCommand(cmd);
    else if (cmd === "ul") document.execCommand("insertUnorderedList");
    else if (cmd === "ol") document.execCommand("insertOrderedList");
    else if (cmd === "code") this.inlineCode();
    else if (cmd === "pre") document.execCommand("formatBlock", false, closestIn(this.editor, "pre") ? "p" : "pre");
    else if (cmd === "link") { this.openLink(); return; }
    this.sync();
    this.states();
  };

  Rich.prototype.inlineCode = function () {
    var code = closestIn(this.editor, "code");
    if (code && !code.closest("pre")) { unwrap(code); return; }
    var range = rangeIn(this.editor);
    if (!range) return;
    var element = document.createElement("code");
    if (range.collapsed) {
      element.textContent = "\u200b";
      range.insertNode(element);
      placeCaret(element.firstChild, 1);
      return;
    }
    element.appendChild(document.createTextNode(range.toString()));
    range.deleteContents();
    range.insertNode(element);
    var after = document.createRange();
    after.setStartAfter(element);
    after.collapse(true);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(after);
  };

  Rich.prototype.openLink = function () {
    this.remember();
    var link = closestIn(this.editor, "a");
    var input = this.linkBar.querySelector("[data-rich-link-input]");
    input.value = link ? link.getAttribute("href") : "";
    this.linkBar.querySelector("[data-rich-link-remove]").hidden = !link;
    this.linkBar.hidden = false;
    input.focus();
  };

  Rich.prototype.closeLink = function () {
    this.linkBar.hidden = true;
    this.linkBar.querySelector("[data-rich-link-input]").value = "";
    this.restore();
  };

  Rich.prototype.applyLink = function () {
    var input = this.linkBar.querySelector("[data-rich-link-input]");
    var href = input.value.trim();
    if (href && !/^[a-z][a-z0-9+.-]*:/i.test(href)) href = (href.indexOf("@") > 0 && href.indexOf("/") === -1 ? "mailto:" : "https://") + href;
    if (!href || !SAFE_HREF.test(href)) { input.setAttribute("aria-invalid", "true"); input.focus(); return; }
    input.removeAttribute("aria-invalid");
    input.value = "";
    this.linkBar.hidden = true;
    this.restore();
    var link = closestIn(this.editor, "a");
    var range = rangeIn(this.editor);
    if (link) link.setAttribute("href", href);
    else if (range && !range.collapsed) document.execCommand("createLink", false, href);
    else {
      var anchor = document.createElement("a");
      anchor.setAttribute("href", href);
      anchor.textContent = href.replace(/^mailto:/i, "");
      document.execCommand("insertHTML", false, anchor.outerHTML + "\u00a0");
    }
    this.sync();
  };

  Rich.prototype.removeLink = function () {
    this.linkBar.hidden = true;
    this.restore();
    var link = closestIn(this.editor, "a");
    if (link) unwrap(link);
    this.sync();
  };

  Rich.prototype.states = function () {
    var self = this;
    var inside = { ul: "ul", ol: "ol", link: "a", pre: "pre", code: "code" };
    this.toolbar.querySelectorAll("[data-rich-cmd]").forEach(function (button) {
      var cmd = button.dataset.richCmd, on = false;
      if (cmd === "bold" || cmd === "italic") {
        try { on = rangeIn(self.editor) ? document.queryCommandState(cmd) : false; } catch (error) { on = false; }
      } else {
        on = !!closestIn(self.editor, inside[cmd]);
      }
      button.setAttribute("aria-pressed", String(on));
    });
  };

  Rich.prototype.toolbarKeys = function (event) {
    var buttons = Array.prototype.slice.call(this.toolbar.querySelectorAll("[data-rich-cmd]"));
    var index = buttons.indexOf(document.activeElement);
    if (index === -1 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    event.preventDefault();
    var next = buttons[(index + (event.key === "ArrowRight" ? 1 : -1) + buttons.length) % buttons.length];
    buttons.forEach(function (button) { button.tabIndex = button === next ? 0 : -1; });
    next.focus();
  };

  Rich.prototype.keydown = function (event) {
    var mod = event.ctrlKey || event.metaKey, key = event.key.toLowerCase();
    if (mod && key === "enter") {
      event.preventDefault();
      this.sync();
      if (this.form.requestSubmit) this.form.requestSubmit(); else this.form.submit();
      return;
    }
    var cmd = null;
    if (mod && !event.altKey) {
      if (key === "b" && !event.shiftKey) cmd = "bold";
      else if (key === "i" && !event.shiftKey) cmd = "italic";
      else if (key === "k" && !event.shiftKey) cmd = "link";
      else if (key === "e") cmd = event.shiftKey ? "pre" : "code";
      else if (event.shiftKey && (event.code === "Digit8" || key === "*")) cmd = "ul";
      else if (event.shiftKey && (event.code === "Digit7" || key === "&")) cmd = "ol";
    }
    if (cmd) { event.preventDefault(); this.run(cmd); return; }
    if (event.key === "Escape" && !document.getElementById("mention-list")) { this.editor.blur(); return; }
    if (event.key === "/" && !mod) this.maybeCanned();
  };

  // "/" at the start or after a space opens the canned responses, as in the plain textarea.
  Rich.prototype.maybeCanned = function () {
    var range = rangeIn(this.editor);
    var before = "";
    if (range && range.startContainer.nodeType === 3) before = range.startContainer.data.slice(0, range.startOffset);
    if (before && !/\s$/.test(before)) return;
    var picker = this.form.querySelector("[data-canned]");
    if (!picker || !picker.querySelector("[data-canned-filter]")) return;
    var self = this;
    window.setTimeout(function () { self.remember(); picker.setAttribute("open", ""); }, 0);
  };

  Rich.prototype.attach = function (images) {
    if (!this.files || !window.DataTransfer) return false;
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(this.files.files, function (file) { transfer.items.add(file); });
    images.forEach(function (file) {
      pasted += 1;
      var extension = IMAGE_EXTENSIONS[file.type] || "png";
      var stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
      var name = file.name && file.name !== "image." + extension && file.name !== "image.png" ? file.name : "pasted-" + stamp + "-" + pasted + "." + extension;
      transfer.items.add(new File([file], name, { type: file.type }));
    });
    this.files.files = transfer.files;
    this.files.dispatchEvent(new Event("change", { bubbles: true }));
    if (window.Parley && window.Parley.toast) {
      window.Parley.toast(images.length === 1 ? "Image attached to the message." : images.length + " images attached to the message.");
    }
    return true;
  };

  function imagesOf(list) {
    return Array.prototype.filter.call(list || [], function (file) { return file && /^image\//.test(file.type); });
  }

  Rich.prototype.paste = function (event) {
    var data = event.clipboardData;
    if (!data) return;
    var images = imagesOf(Array.prototype.map.call(data.items || [], function (item) {
      return item.kind === "file" ? item.getAsFile() : null;
    }));
    if (images.length) {
      event.preventDefault();
      this.attach(images);
      return;
    }
    var html = data.getData("text/html");
    event.preventDefault();
    if (html) {
      var holder = document.createElement("div");
      holder.appendChild(fragmentOf(html));
      document.execCommand("insertHTML", false, holder.innerHTML);
    } else {
      document.execCommand("insertText", false, data.getData("text/plain"));
    }
    this.sync();
  };

  Rich.prototype.drop = function (event) {
    var images = imagesOf(event.dataTransfer && event.dataTransfer.files);
    if (!images.length) return;
    event.preventDefault();
    this.attach(images);
  };

  /* ---------- boot: every composer, also the ones htmx swaps in ---------- */
  function enhance(root) {
    (root || document).querySelectorAll("[data-composer]").forEach(function (form) {
      var textarea = form.querySelector("textarea[data-composer-text]");
      if (!textarea || textarea.dataset.rich) return;
      textarea.dataset.rich = "1";
      form.rich = new Rich(form, textarea);
    });
  }

  try {
    document.execCommand("defaultParagraphSeparator", false, "p");
    document.execCommand("styleWithCSS", false, false);
  } catch (error) { /* older browsers: divs, which the server keeps too */ }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.matches && root.matches("[data-composer]")) enhance(root.parentNode);
    else if (root && root.querySelectorAll) enhance(root);
  });
  document.addEventListener("parley:page-swapped", function () { enhance(document); });
  document.addEventListener("selectionchange", function () {
    var form = document.querySelector("[data-composer]");
    if (form && form.rich && form.rich.editor.contains(document.activeElement)) form.rich.states();
  });
  // after a send the fresh composer takes the focus, as the textarea did
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "cv-composer" || !event.detail.successful) return;
    window.setTimeout(function () {
      var form = document.querySelector("[data-composer]");
      if (form && form.rich) form.rich.focus();
    }, 0);
  });
  if (document.readyState === "complete") enhance(document);

  window.ParleyRich = { enhance: enhance };
})();
