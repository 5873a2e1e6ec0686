/* Agent UI behaviour for the inbox and the conversation workspace: keyboard navigation (j/k,
   Enter), live times and SLA countdowns, keeping scroll and focus across htmx swaps, the
   composer (Ctrl/Cmd+Enter, reply/note, canned responses, attachments, drafts) and the small
   builders of the settings pages. Plain JavaScript on top of parley.js and htmx. */
(function () {
  "use strict";

  /* ---------- htmx: show refusals (400/409/413/415/422) inline instead of dropping them ---------- */
  function configureHtmx() {
    if (!window.htmx || !htmx.config || !htmx.config.responseHandling) return;
    var rules = htmx.config.responseHandling;
    if (rules.some(function (rule) { return rule.parleyRefusals; })) return;
    rules.unshift({ code: "^4(00|09|13|15|22)$", swap: true, error: false, parleyRefusals: true });
  }

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  /* ---------- SLA countdowns (moments: parley.js refreshes every time[data-relative]) ---------- */
  function longDelta(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) return days + "d" + (hours ? " " + hours + "h" : "");
    if (hours) return hours + "h" + (mins ? " " + mins + "m" : "");
    return mins + "m";
  }

  function refreshTimes(root) {
    var now = Date.now();
    (root || document).querySelectorAll("[data-sla-deadline]").forEach(function (element) {
      var target = element.querySelector("[data-sla-text]");
      if (!target) return;
      var left = Date.parse(element.dataset.slaDeadline) - now;
      target.textContent = left < 0 ? longDelta(left) + " over" : longDelta(left);
    });
  }

  /* ---------- inbox: j/k selection, Enter, keeping the selection across polls ---------- */
  var selectedUuid = null;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#conv-list .conv-row")); }

  function select(row, focus) {
    rows().forEach(function (other) { other.classList.toggle("is-selected", other === row); });
    if (!row) return;
    selectedUuid = row.dataset.uuid;
    if (focus !== false) row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.findIndex(function (row) { return row.classList.contains("is-selected"); });
    var next = index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    select(list[next]);
  }

  function restoreSelection() {
    if (!selectedUuid) return;
    var row = document.querySelector('#conv-list .conv-row[data-uuid="' + selectedUuid + '"]');
    if (row) select(row, document.activeElement === document.body);
  }

  function updateTitle() {
    var list = document.getElementById("conv-list");
    if (!list) return;
    var unread = document.querySelectorAll("#conv-list .conv-row.is-unread").length;
    var base = (list.dataset.title || "Inbox") + " · Inbox · Parley";
    document.title = unread ? "(" + unread + ") " + base : base;
  }

  document.addEventListener("click", function (event) {
    var nav = event.target.closest("[data-conv-nav]");
    if (!nav) return;
    if (nav.dataset.convNav === "next") move(1);
    else if (nav.dataset.convNav === "prev") move(-1);
    else {
      var row = document.querySelector("#conv-list .conv-row.is-selected") || rows()[0];
      if (row) row.click();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || isTyping(event.target) || document.querySelector("dialog[open]")) return;
    if (event.target.closest && event.target.closest("a, button, summary")) return;
    var row = document.querySelector("#conv-list .conv-row.is-selected");
    if (row) { event.preventDefault(); row.click(); }
  });

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("#conv-list .conv-row");
    if (row) select(row, false);
  });

  /* ---------- dialogs opened by buttons ---------- */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog && dialog.showModal) {
        dialog.showModal();
        var field = dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (field) field.focus();
      }
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  /* ---------- conversation: scroll, live updates, focus ---------- */
  var liveResponse = false;
  var stickToBottom = true;

  function scroller() { return document.querySelector("[data-thread-scroll]"); }

  function nearBottom() {
    var box = scroller();
    return !box || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function scrollToBottom() {
    var box = scroller();
    if (box) box.scrollTop = box.scrollHeight;
  }

  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var elt = event.detail.elt;
    liveResponse = !!(elt && elt.id === "cv-live");
    stickToBottom = nearBottom() || !liveResponse;
  });

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !liveResponse) return;
    // A live update must not throw away what the agent is typing or choosing in the side panel.
    if (target.id === "cv-panel" && target.contains(document.activeElement) && document.activeElement !== document.body) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target || event.target;
    boot(document);
    if (target && (target.id === "cv-thread" || target.id === "cv-composer" || document.getElementById("cv-thread"))) {
      if (stickToBottom) scrollToBottom();
    }
    // A composer swapped in with a new draft (macro, AI suggestion, rewrite, undo) keeps it as the draft.
    if (target && target.id === "cv-composer") { autoGrow(composerText()); saveDraft(); }
    if (target && target.id === "conv-list") {
      restoreSelection();
      updateTitle();
    }
    // Settling restores the swapped composer's class attribute a moment after the swap; an agent
    // who pressed "n" in between keeps note mode (the radio holds the truth).
    var form = composer();
    var note = form && form.querySelector('input[name=mode][value="note"]');
    if (note) form.classList.toggle("is-note", note.checked);
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "cv-thread" && stickToBottom) scrollToBottom();
  });

  /* ---------- composer ---------- */
  function composer() { return document.querySelector("[data-composer]"); }
  function composerText() { return document.querySelector("[data-composer-text]"); }

  function draftKey() {
    var page = document.querySelector("[data-conversation]");
    return page ? "parley-draft:" + page.dataset.conversation : null;
  }

  function saveDraft() {
    var key = draftKey(), text = composerText();
    if (!key || !text) return;
    try {
      if (text.value.trim()) sessionStorage.setItem(key, text.value); else sessionStorage.removeItem(key);
    } catch (error) { /* storage may be disabled */ }
  }

  function restoreDraft() {
    var key = draftKey(), text = composerText();
    if (!key || !text || text.value) return;
    try {
      var draft = sessionStorage.getItem(key);
      if (draft) text.value = draft;
    } catch (error) { /* ignore */ }
  }

  function autoGrow(text) {
    if (!text) return;
    text.style.height = "auto";
    text.style.height = Math.min(text.scrollHeight + 2, window.innerHeight * 0.4) + "px";
  }

  function setMode(mode) {
    var form = composer();
    if (!form) return;
    var radio = form.querySelector('input[name=mode][value="' + mode + '"]');
    if (radio) radio.checked = true;
    form.classList.toggle("is-note", mode === "note");
    var text = composerText();
    if (text) {
      text.placeholder = (mode === "note" ? "Write a private note for your team…" : "Write your reply…") + " type / for canned responses";
      text.focus();
    }
  }

  function insertText(text, value) {
    var start = text.selectionStart || 0, end = text.selectionEnd || 0;
    var before = text.value.slice(0, start), after = text.value.slice(end);
    if (before.endsWith("/")) before = before.slice(0, -1);
    if (before && !/\s$/.test(before)) before += value.indexOf("\n") === -1 ? " " : "\n\n";
    text.value = before + value + after;
    var caret = (before + value).length;
    text.focus();
    text.setSelectionRange(caret, caret);
    autoGrow(text);
    saveDraft();
  }

  document.addEventListener("click", function (event) {
    var modeButton = event.target.closest("[data-composer-mode]");
    if (modeButton) { setMode(modeButton.dataset.composerMode); return; }

    var item = event.target.closest("[data-canned-url]");
    if (item) {
      event.preventDefault();
      fetch(item.dataset.cannedUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          var text = composerText();
          if (text) insertText(text, data.text);
          var picker = item.closest("details");
          if (picker) picker.removeAttribute("open");
        })
        .catch(function () { if (window.Parley) window.Parley.toast("Could not load that canned response.", "error"); });
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-composer] input[name=mode]")) setMode(event.target.value);
    if (event.target.matches("[data-attach]")) {
      var names = document.querySelector("[data-attach-names]");
      if (!names) return;
      names.innerHTML = "";
      Array.prototype.forEach.call(event.target.files, function (file) {
        var chip = document.createElement("span");
        chip.className = "file-chip";
        chip.textContent = file.name + " · " + Math.max(1, Math.round(file.size / 1024)) + " KB";
        names.appendChild(chip);
      });
    }
    if (event.target.matches("[data-day-open]")) {
      event.target.closest("tr").classList.toggle("is-closed", !event.target.checked);
    }
    if (event.target.matches("[data-macro-type]")) showMacroValue(event.target.closest("[data-macro-row]"));
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-composer-text]")) { autoGrow(event.target); saveDraft(); }
    if (event.target.matches("[data-canned-filter]")) {
      var query = event.target.value.trim().toLowerCase();
      event.target.closest(".dropdown__menu").querySelectorAll("[data-canned-title]").forEach(function (button) {
        button.hidden = query && button.dataset.cannedTitle.indexOf(query) === -1 && button.textContent.toLowerCase().indexOf(query) === -1;
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    var text = event.target.matches && event.target.matches("[data-composer-text]") ? event.target : null;
    if (text && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var form = text.form;
      if (form && form.requestSubmit) form.requestSubmit(); else if (form) form.submit();
      return;
    }
    if (text && event.key === "/" && (text.value === "" || /\s$/.test(text.value.slice(0, text.selectionStart)))) {
      var picker = document.querySelector("[data-canned]");
      if (picker && picker.querySelector("[data-canned-filter]")) {
        window.setTimeout(function () { picker.setAttribute("open", ""); }, 0);  // the toggle handler focuses the filter
      }
    }
    if (event.key === "Escape" && composerText() && document.activeElement === composerText()) composerText().blur();

    // canned picker: Enter takes the first match, arrows walk the list, Escape goes back to the text
    var inPicker = event.target.closest && event.target.closest("[data-canned]");
    if (inPicker && (event.target.matches("[data-canned-filter]") || event.target.matches("[data-canned-url]"))) {
      var items = Array.prototype.filter.call(inPicker.querySelectorAll("[data-canned-url]"), function (item) { return !item.hidden; });
      var position = items.indexOf(event.target);
      if (event.key === "Enter" && event.target.matches("[data-canned-filter]") && items.length) {
        event.preventDefault();
        items[0].click();
      } else if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        items[Math.min(items.length - 1, position + 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (position <= 0) inPicker.querySelector("[data-canned-filter]").focus(); else items[position - 1].focus();
      } else if (event.key === "Escape") {
        inPicker.removeAttribute("open");
        if (composerText()) composerText().focus();
      }
    }
  });

  // opening the canned picker starts from the whole list, filter focused
  document.addEventListener("toggle", function (event) {
    var picker = event.target;
    if (!picker.matches || !picker.matches("[data-canned]") || !picker.open) return;
    var filter = picker.querySelector("[data-canned-filter]");
    if (!filter) return;
    filter.value = "";
    picker.querySelectorAll("[data-canned-url]").forEach(function (item) { item.hidden = false; });
    filter.focus();
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "cv-composer" && event.detail.successful) {
      try { var key = draftKey(); if (key) sessionStorage.removeItem(key); } catch (error) { /* ignore */ }
      window.setTimeout(function () { var text = composerText(); if (text) text.focus(); }, 0);
    }
    if (elt && elt.matches && elt.matches(".note-add, .tag-add") && event.detail.successful) {
      stickToBottom = true;
    }
    // A later action that succeeds (a status, a note, an assignment…) clears the composer's error,
    // such as a refused send: it no longer describes the page. The text stays as written.
    var config = event.detail.requestConfig || {};
    var xhr = event.detail.xhr;
    if (elt && elt.id !== "cv-composer" && xhr && xhr.status >= 200 && xhr.status < 300 && config.verb && config.verb !== "get") {
      clearComposerError();
    }
  });

  function clearComposerError() {
    var form = composer();
    if (!form) return;
    form.querySelectorAll(".composer__error").forEach(function (error) { error.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) { field.removeAttribute("aria-invalid"); });
  }

  /* snooze until a local date and time: send it as ISO 8601 with the browser's offset */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-snooze-custom]")) return;
    var local = form.querySelector("[data-snooze-local]");
    var until = form.querySelector("[data-snooze-until]");
    var moment = new Date(local.value);
    if (isNaN(moment)) return;
    until.value = moment.toISOString();
  }, true);

  /* ---------- settings: macro builder, placeholders ---------- */
  function showMacroValue(row) {
    if (!row) return;
    var kind = row.querySelector("[data-macro-type]").value;
    row.querySelectorAll("[data-for]").forEach(function (block) {
      var active = block.dataset.for.split(" ").indexOf(kind) !== -1;
      block.classList.toggle("is-active", active);
      block.querySelectorAll("input, select, textarea").forEach(function (field) { field.disabled = !active; });
    });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-macro-add]");
    if (add) {
      var rowsBox = document.querySelector("[data-macro-rows]");
      var template = document.getElementById("macro-row-template");
      var index = rowsBox.querySelectorAll("[data-macro-row]").length;
      if (index >= 20) return;
      var html = template.innerHTML.replace(/__index__/g, String(index)).replace(/__number__/g, String(index + 1));
      rowsBox.insertAdjacentHTML("beforeend", html);
      var row = rowsBox.lastElementChild;
      showMacroValue(row);
      row.querySelector("[data-macro-type]").focus();
    }
    var remove = event.target.closest("[data-macro-remove]");
    if (remove) {
      var row = remove.closest("[data-macro-row]");
      row.querySelector("[data-macro-type]").value = "";
      row.hidden = true;
    }
    var insert = event.target.closest("[data-insert]");
    if (insert) {
      var target = document.querySelector(insert.dataset.insertInto || "textarea");
      if (target) {
        var start = target.selectionStart || target.value.length;
        target.value = target.value.slice(0, start) + insert.dataset.insert + target.value.slice(target.selectionEnd || start);
        target.focus();
        target.setSelectionRange(start + insert.dataset.insert.length, start + insert.dataset.insert.length);
      }
    }
  });

  /* ---------- boot ---------- */
  function boot(root) {
    refreshTimes(root);
    document.querySelectorAll("[data-macro-row]").forEach(showMacroValue);
  }

  document.addEventListener("DOMContentLoaded", function () {
    configureHtmx();
    boot(document);
    updateTitle();
    if (document.getElementById("cv-thread")) {
      restoreDraft();
      autoGrow(composerText());
      scrollToBottom();
    }
    window.setInterval(function () { refreshTimes(document); }, 30000);
  });

  // Another conversation of the queue swapped in without a page load (static/js/queue.js).
  document.addEventListener("parley:page-swapped", function () {
    boot(document);
    restoreDraft();
    autoGrow(composerText());
    scrollToBottom();
  });

  window.ParleyConversations = { select: select, move: move };
})();
