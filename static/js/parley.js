/* Parley UI behaviour: htmx CSRF header, flash messages, toasts, confirm dialogs, copy
   buttons, dropdowns and keyboard shortcuts. Plain JavaScript, no dependencies; every page
   still works without it. */
(function () {
  "use strict";

  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS", "TRACE"];

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return cookie("csrftoken") || (field ? field.value : "");
  }

  /* ---------- htmx: CSRF header on unsafe requests ---------- */
  document.addEventListener("htmx:configRequest", function (event) {
    if (SAFE_METHODS.indexOf(String(event.detail.verb).toUpperCase()) === -1) {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  /* ---------- htmx without eval (the Content-Security-Policy forbids it) ----------
     data-poll-when-visible: a polling element skips its request while the tab is hidden.
     data-count-param + data-count-of: send how many elements match (e.g. rows shown). */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element && element.hasAttribute("data-poll-when-visible") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (element && element.dataset && element.dataset.countParam && element.dataset.countOf) {
      event.detail.parameters[element.dataset.countParam] = document.querySelectorAll(element.dataset.countOf).length;
    }
  });

  /* data-focus="#selector": a link or button that moves the focus (no inline handlers under the CSP). */
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-focus]");
    var target = trigger && document.querySelector(trigger.dataset.focus);
    if (target) target.focus();
  });

  /* ---------- flash messages ---------- */
  function dismiss(element) {
    if (!element || element.classList.contains("is-leaving")) return;
    element.classList.add("is-leaving");
    window.setTimeout(function () { element.remove(); }, 260);
  }

  function armAutoDismiss(root) {
    (root || document).querySelectorAll("[data-autodismiss]").forEach(function (element) {
      if (element.dataset.armed) return;
      element.dataset.armed = "1";
      var delay = parseInt(element.dataset.autodismiss, 10) || 6000;
      window.setTimeout(function () { dismiss(element); }, delay);
    });
  }

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-dismiss]");
    if (closer) dismiss(closer.closest(".alert, .toast"));
  });

  /* ---------- toasts (also from htmx: HX-Trigger: {"parley:toast": {"message": …, "level": …}}) ---------- */
  var ICONS = {
    success: '<polyline points="20 6 9 17 4 12"/>',
    error: '<circle cx="12" cy="12" r="10"/><line x1="15" y1="9" x2="9" y2="15"/><line x1="9" y1="9" x2="15" y2="15"/>',
    warning: '<path d="M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z"/><line x1="12" y1="9" x2="12" y2="13"/><line x1="12" y1="17" x2="12.01" y2="17"/>',
    info: '<circle cx="12" cy="12" r="10"/><line x1="12" y1="16" x2="12" y2="12"/><line x1="12" y1="8" x2="12.01" y2="8"/>'
  };

  function toast(message, level) {
    level = ICONS[level] ? level : "info";
    var stack = document.getElementById("toasts");
    if (!stack) return;
    var element = document.createElement("div");
    element.className = "toast toast--" + level;
    element.setAttribute("role", level === "error" ? "alert" : "status");
    element.innerHTML =
      '<svg class="icon toast__icon" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">' +
      ICONS[level] + "</svg>" + '<div class="alert__body"></div>' +
      '<button type="button" class="alert__close" data-dismiss aria-label="Dismiss">&times;</button>';
    element.querySelector(".alert__body").textContent = message;
    stack.appendChild(element);
    placeToasts(stack);
    window.setTimeout(function () { dismiss(element); }, level === "error" ? 9000 : 5000);
  }

  /* Toasts never sit on what the agent is about to use: of a few places (just above the composer,
     the bottom and top corners under the top bar) the stack takes the first that covers none of
     the composer, the primary buttons and the header actions, else the one covering the least
     (other controls count too, less). Placed again on scroll and resize while a toast shows. */
  var KEEP_CLEAR = "[data-composer], .btn--primary, .cv-header__actions, .page-header__actions, .bulk-bar.is-active, [data-keep-clear]";
  var CONTROLS = "a[href], button, input, select, textarea, summary";

  function overlap(a, b) {
    var x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return x > 0 && y > 0 ? x * y : 0;
  }

  function shownRects(selector, stack) {
    var rects = [];
    document.querySelectorAll(selector).forEach(function (element) {
      if (stack.contains(element)) return;
      var rect = element.getBoundingClientRect();
      if (rect.width && rect.height && rect.bottom > 0 && rect.top < window.innerHeight) rects.push(rect);
    });
    return rects;
  }

  function placeToasts(stack) {
    if (!stack.children.length) return;
    var viewWidth = document.documentElement.clientWidth, viewHeight = window.innerHeight;
    var margin = viewWidth < 640 ? 12 : 20, gap = 12;
    var width = stack.offsetWidth, height = stack.offsetHeight;
    var topbar = document.querySelector(".topbar");
    var top = Math.max(0, topbar ? topbar.getBoundingClientRect().bottom : 0) + gap;
    var slots = [];
    var composer = document.querySelector("[data-composer]");
    if (composer) {
      var box = composer.getBoundingClientRect();
      if (box.top - gap - height >= top && box.top < viewHeight) {
        slots.push({ top: box.top - gap - height, left: Math.max(margin, Math.min(box.right, viewWidth - margin) - width) });
      }
    }
    slots.push({ top: viewHeight - margin - height, left: viewWidth - margin - width });
    slots.push({ top: top, left: viewWidth - margin - width });
    slots.push({ top: viewHeight - margin - height, left: margin });
    slots.push({ top: top, left: margin });
    var important = shownRects(KEEP_CLEAR, stack), controls = shownRects(CONTROLS, stack);
    var best = null;
    slots.forEach(function (slot) {
      var rect = { left: slot.left, top: slot.top, right: slot.left + width, bottom: slot.top + height };
      var score = 0;
      important.forEach(function (other) { score += 100 * overlap(rect, other); });
      controls.forEach(function (other) { score += overlap(rect, other); });
      if (best === null || score < best.score) best = { slot: slot, score: score };
    });
    stack.style.top = Math.round(best.slot.top) + "px";
    stack.style.left = Math.round(best.slot.left) + "px";
    stack.style.right = "auto";
    stack.style.bottom = "auto";
  }

  var placing = false;
  function placeSoon() {
    var stack = document.getElementById("toasts");
    if (placing || !stack || !stack.children.length) return;
    placing = true;
    window.requestAnimationFrame(function () { placing = false; placeToasts(stack); });
  }
  window.addEventListener("resize", placeSoon);
  window.addEventListener("scroll", placeSoon, true);
  // htmx fires a response's toast before it swaps the page: place it again once the page has settled.
  document.addEventListener("htmx:afterSettle", placeSoon);

  document.addEventListener("parley:toast", function (event) {
    var detail = event.detail || {};
    if (detail.value && typeof detail.value === "object") detail = detail.value;
    if (detail.message) toast(detail.message, detail.level);
  });

  /* ---------- confirm dialogs: <form data-confirm="…"> and hx-confirm ---------- */
  function confirmDialog(message, options, onConfirm) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) onConfirm();
      return;
    }
    dialog.querySelector("[data-confirm-title]").textContent = options.title || "Are you sure?";
    dialog.querySelector("[data-confirm-message]").textContent = message;
    var button = dialog.querySelector("[data-confirm-accept]");
    button.textContent = options.action || "Confirm";
    button.className = "btn " + (options.danger === false ? "btn--primary" : "btn--danger");
    dialog.returnValue = "";
    dialog.showModal();
    dialog.addEventListener("close", function handler() {
      dialog.removeEventListener("close", handler);
      if (dialog.returnValue === "confirm") onConfirm();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]") || form.dataset.confirmed) return;
    event.preventDefault();
    var submitter = event.submitter;
    confirmDialog(form.dataset.confirm, {
      title: form.dataset.confirmTitle, action: form.dataset.confirmAction,
      danger: form.dataset.confirmDanger !== "false"
    }, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      delete form.dataset.confirmed;
    });
  }, true);

  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    var element = event.detail.elt;
    confirmDialog(event.detail.question, {
      title: element.dataset.confirmTitle, action: element.dataset.confirmAction,
      danger: element.dataset.confirmDanger !== "false"
    }, function () { event.detail.issueRequest(true); });
  });

  /* ---------- copy buttons: <button data-copy="#element-id"> ---------- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source) return;
    var label = button.querySelector("[data-copy-label]") || button;
    var original = label.textContent;
    copyText(source.value !== undefined ? source.value : source.textContent.trim()).then(
      function () { label.textContent = "Copied"; },
      function () { label.textContent = "Press Ctrl+C"; selectContents(source); }
    ).then(function () { window.setTimeout(function () { label.textContent = original; }, 2000); });
  });

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /* ---------- dropdowns (<details class="dropdown">): close on outside click / Escape ---------- */
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  /* ---------- keyboard shortcuts ---------- */
  var pending = "";
  var pendingTimer = null;

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function shortcutTargets() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-shortcut]"));
  }

  function activate(element) {
    if (element.tagName === "INPUT" || element.tagName === "TEXTAREA") element.focus();
    else element.click();
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var list = dialog.querySelector("[data-shortcut-list]");
    list.innerHTML = "";
    var seen = {};
    shortcutTargets().forEach(function (element) {
      var keys = element.dataset.shortcut;
      if (seen[keys]) return;
      seen[keys] = true;
      var row = document.createElement("div");
      row.className = "shortcuts__row";
      var label = document.createElement("span");
      label.textContent = element.dataset.shortcutLabel || element.getAttribute("aria-label") || element.textContent.trim();
      var combo = document.createElement("span");
      combo.className = "shortcuts__keys";
      keys.split(" ").forEach(function (key, index) {
        if (index) combo.appendChild(document.createTextNode("then"));
        var kbd = document.createElement("kbd");
        kbd.textContent = key;
        combo.appendChild(kbd);
      });
      row.appendChild(label);
      row.appendChild(combo);
      list.appendChild(row);
    });
    dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) { d.removeAttribute("open"); });
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var key = event.key;
    if (key === "?") {
      event.preventDefault();
      openShortcuts();
      return;
    }
    if (key === "/") {
      var search = document.querySelector("[data-search], input[type=search]");
      if (search) { event.preventDefault(); search.focus(); search.select && search.select(); }
      return;
    }
    if (key.length !== 1) return;
    var sequence = pending ? pending + " " + key : key;
    var targets = shortcutTargets();
    var exact = targets.filter(function (element) { return element.dataset.shortcut === sequence; })[0];
    if (exact) {
      event.preventDefault();
      pending = "";
      activate(exact);
      return;
    }
    var prefix = targets.some(function (element) { return element.dataset.shortcut.indexOf(sequence + " ") === 0; });
    pending = prefix ? sequence : "";
    window.clearTimeout(pendingTimer);
    if (pending) pendingTimer = window.setTimeout(function () { pending = ""; }, 1500);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-open-shortcuts]")) { event.preventDefault(); openShortcuts(); }
  });

  /* ---------- moments: {% when %} (helpdesk/timefmt.py), kept fresh with the same words ---------- */
  function relativeText(seconds) {
    if (seconds > -5 && seconds < 60) return "just now";
    if (seconds > 0 && seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds > 0 && seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    var ahead = -seconds;
    if (ahead > 0 && ahead < 60) return "in under a minute";
    if (ahead > 0 && ahead < 3600) return "in " + Math.floor(ahead / 60) + " min";
    if (ahead > 0 && ahead < 86400) return "in " + Math.floor(ahead / 3600) + " h";
    return null;
  }

  function refreshMoments(root) {
    var now = Date.now();
    (root || document).querySelectorAll("time[data-relative]").forEach(function (element) {
      var moment = Date.parse(element.getAttribute("datetime"));
      if (isNaN(moment)) return;
      // A day or more away: the date and time the server wrote in the organization's zone.
      var text = relativeText((now - moment) / 1000) || element.dataset.relative;
      if (text && element.textContent !== text) element.textContent = text;
    });
  }

  /* ---------- boot ---------- */
  function boot(root) { armAutoDismiss(root); refreshMoments(root); }
  document.addEventListener("DOMContentLoaded", function () {
    boot(document);
    window.setInterval(function () { refreshMoments(document); }, 30000);
  });
  document.addEventListener("htmx:load", function (event) { boot(event.target); });

  window.Parley = { toast: toast, confirm: confirmDialog, csrfToken: csrfToken, relativeText: relativeText, refreshMoments: refreshMoments };
})();
