/* The inbox list's bulk selection: checkboxes (shift-click checks the range since the last
   one), "select every conversation shown", "select all N matching this filter", the count in
   the bulk bar and the tag field shown only for the tag actions. The checkboxes belong to the
   bulk form (form="bulk-form"), so without JavaScript checking rows and pressing Apply works too.
   Also keeps the list pane's scroll position when a conversation opens beside it. */
(function () {
  "use strict";

  var lastChecked = null;

  function form() { return document.querySelector("[data-bulk-form]"); }
  function checks() { return Array.prototype.slice.call(document.querySelectorAll("#conv-list [data-bulk-check]")); }
  function listTotal() {
    var list = document.getElementById("conv-list");
    return list ? parseInt(list.dataset.total || "0", 10) : 0;
  }

  function refresh() {
    var bar = form();
    if (!bar) return;
    var boxes = checks(), checked = boxes.filter(function (box) { return box.checked; });
    var all = bar.querySelector("[data-bulk-all]"), matching = bar.querySelector("[data-bulk-matching]");
    var toggle = bar.querySelector("[data-bulk-toggle]"), count = bar.querySelector("[data-bulk-count]");
    var list = document.getElementById("conv-list"), total = listTotal();
    if (list) bar.querySelector("[data-bulk-list]").value = list.dataset.query || "";
    if (!checked.length) all.value = "";
    var everything = all.value === "1";
    bar.classList.toggle("is-active", checked.length > 0);
    toggle.checked = boxes.length > 0 && checked.length === boxes.length;
    toggle.indeterminate = checked.length > 0 && checked.length < boxes.length;
    if (everything) count.textContent = "All " + total + " matching conversations selected";
    else if (checked.length) count.textContent = checked.length + " selected";
    else count.textContent = "Select conversations to change several at once";
    matching.hidden = everything || !boxes.length || checked.length !== boxes.length || total <= boxes.length;
    matching.textContent = "Select all " + total + " matching";
    var op = bar.querySelector("[data-bulk-op]").value;
    bar.querySelector("[data-bulk-tag]").hidden = op !== "tag-add" && op !== "tag-remove";
  }

  document.addEventListener("click", function (event) {
    var box = event.target.closest && event.target.closest("[data-bulk-check]");
    if (box) {
      var boxes = checks();
      if (event.shiftKey && lastChecked && boxes.indexOf(lastChecked) !== -1) {
        var from = boxes.indexOf(lastChecked), to = boxes.indexOf(box);
        boxes.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (other) { other.checked = box.checked; });
      }
      lastChecked = box;
      form().querySelector("[data-bulk-all]").value = "";
      refresh();
      return;
    }
    if (event.target.closest && event.target.closest("[data-bulk-matching]")) {
      form().querySelector("[data-bulk-all]").value = "1";
      refresh();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-bulk-toggle]")) {
      var on = event.target.checked;
      checks().forEach(function (box) { box.checked = on; });
      form().querySelector("[data-bulk-all]").value = "";
      refresh();
    } else if (event.target.matches("[data-bulk-op]")) {
      refresh();
      if (event.target.value.indexOf("tag-") === 0) form().querySelector("[data-bulk-tag]").focus();
    }
  });

  document.addEventListener("submit", function (event) {
    if (!event.target.matches("[data-bulk-form]")) return;
    refresh();
    var bar = event.target;
    var none = !checks().some(function (box) { return box.checked; }) && bar.querySelector("[data-bulk-all]").value !== "1";
    if (none || !bar.querySelector("[data-bulk-op]").value) {
      event.preventDefault();
      event.stopImmediatePropagation();
      bar.querySelector(none ? "[data-bulk-count]" : "[data-bulk-op]").classList.add("is-invalid");
      if (!none) bar.querySelector("[data-bulk-op]").focus();
    }
  }, true);

  /* "Save current view" sends the filter bar as it is now (htmx changed it since the page was
     rendered), every filter that is set, the empty ones too (so "Any priority" is kept). */
  document.addEventListener("submit", function (event) {
    var save = event.target;
    if (!save.matches("[data-save-view]")) return;
    var bar = document.getElementById("inbox-filters");
    if (!bar) return;
    save.querySelectorAll("[data-view-filter]").forEach(function (input) { input.remove(); });
    new FormData(bar).forEach(function (value, name) {
      if (name === "tab" || name === "sort" || name === "csrfmiddlewaretoken") return;
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value; input.dataset.viewFilter = "";
      save.appendChild(input);
    });
  }, true);

  /* The list pane beside an open conversation keeps its scroll position from page to page. */
  var SCROLL_KEY = "parley:list-scroll";
  function listPane() { return document.querySelector("[data-list-pane] .conv-list"); }

  window.addEventListener("pagehide", function () {
    var pane = listPane();
    try { if (pane) sessionStorage.setItem(SCROLL_KEY, String(pane.scrollTop)); } catch (e) { /* ignore */ }
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("[data-list-pane] .conv-row");
    var pane = listPane();
    if (row && pane) {
      try { sessionStorage.setItem(SCROLL_KEY, pane.scrollTop); } catch (e) { /* ignore */ }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    var pane = listPane();
    if (pane) {
      var saved = null;
      try { saved = sessionStorage.getItem(SCROLL_KEY); } catch (e) { /* ignore */ }
      var top = saved ? parseInt(saved, 10) : NaN;
      var current = pane.querySelector(".conv-row.is-current");
      if (!isNaN(top)) pane.scrollTop = top;
      if (current) {
        var box = current.getBoundingClientRect(), view = pane.getBoundingClientRect();
        if (box.top < view.top || box.bottom > view.bottom) current.scrollIntoView({ block: "center" });
      }
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    lastChecked = null;
    refresh();
    /* a live refresh of the list pane comes from the inbox view: mark the open conversation again */
    var open = document.querySelector("[data-conversation]");
    if (open && listPane()) {
      listPane().querySelectorAll(".conv-row").forEach(function (row) {
        var current = row.dataset.uuid === open.dataset.conversation;
        row.classList.toggle("is-current", current);
        if (current) row.setAttribute("aria-current", "page"); else row.removeAttribute("aria-current");
      });
    }
  });
})();
