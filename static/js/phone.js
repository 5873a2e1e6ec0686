/* Narrow-screen helpers of the agent UI (static/css/conversations.css, max-width 860px):
   - the conversation's contact/SLA panel becomes a drawer opened by the "Details" button of the
     header: focus moves into it, Tab stays inside, Esc or the close button (or the backdrop)
     closes it and focus goes back to the button;
   - the inbox filters fold into one "Filters" button that says how many are set.
   On a wide screen both buttons are hidden and nothing here changes the page. Without
   JavaScript the panel stays under the thread and the filters stay shown. */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

  /* ---------- the details drawer ---------- */
  function drawer() { return document.querySelector("[data-details-drawer]"); }
  function toggles() { return Array.prototype.slice.call(document.querySelectorAll("[data-details-open]")); }
  function isOpen() { var side = drawer(); return !!(side && side.classList.contains("is-open")); }
  var opener = null;

  function sync() {
    var open = isOpen();
    toggles().forEach(function (button) { button.setAttribute("aria-expanded", open ? "true" : "false"); });
    var backdrop = document.querySelector("[data-details-backdrop]");
    if (backdrop) backdrop.hidden = !open;
    document.documentElement.classList.toggle("has-open-drawer", open);
  }

  function openDrawer(button) {
    var side = drawer();
    if (!side) return;
    opener = button || toggles()[0] || null;
    side.classList.add("is-open");
    side.setAttribute("role", "dialog");
    side.setAttribute("aria-modal", "true");
    sync();
    var close = side.querySelector("[data-details-close]");
    (close || side).focus();
  }

  function closeDrawer() {
    var side = drawer();
    if (!side || !isOpen()) return;
    side.classList.remove("is-open");
    side.removeAttribute("role");
    side.removeAttribute("aria-modal");
    sync();
    var target = opener && document.contains(opener) ? opener : toggles()[0];
    if (target) target.focus();
    opener = null;
  }

  function visible(element) { return element.offsetParent !== null || element.getClientRects().length > 0; }

  document.addEventListener("click", function (event) {
    var open = event.target.closest("[data-details-open]");
    if (open) { if (isOpen()) closeDrawer(); else openDrawer(open); return; }
    if (event.target.closest("[data-details-close]")) closeDrawer();
  });

  document.addEventListener("keydown", function (event) {
    if (!isOpen()) return;
    var side = drawer();
    if (event.key === "Escape") {
      // an open menu inside the drawer closes first
      var menu = side.querySelector("details[open]");
      if (menu) { menu.open = false; return; }
      event.preventDefault();
      event.stopPropagation();
      closeDrawer();
      return;
    }
    if (event.key !== "Tab") return;
    var items = Array.prototype.filter.call(side.querySelectorAll(FOCUSABLE), visible);
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    if (!side.contains(document.activeElement)) { event.preventDefault(); first.focus(); }
    else if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }, true);

  // A wide screen has no drawer: leaving the narrow layout closes it.
  var narrow = window.matchMedia("(max-width: 860px)");
  function onWidth() { if (!narrow.matches && isOpen()) closeDrawer(); }
  if (narrow.addEventListener) narrow.addEventListener("change", onWidth);

  // The header (with its button) is swapped after every action: keep aria-expanded true to the drawer.
  document.addEventListener("htmx:afterSettle", sync);
  document.addEventListener("parley:page-swapped", function () { closeDrawer(); sync(); });

  /* ---------- the inbox's Filters button ---------- */
  // A filter is set when its select is off its first choice ("Any …", or the list's usual Open)
  // or its field holds a value.
  function filterCount(form) {
    return Array.prototype.filter.call(form.querySelectorAll(".filter:not(.filter--sort) select, .filter:not(.filter--sort) input"), function (field) {
      return field.tagName === "SELECT" ? field.selectedIndex > 0 : field.value !== "";
    }).length;
  }

  function showFilterCount(form) {
    var button = form.querySelector("[data-filters-toggle]");
    if (!button) return;
    var count = filterCount(form), badge = button.querySelector("[data-filters-count]");
    badge.textContent = count ? String(count) : "";
    badge.hidden = !count;
    button.setAttribute("aria-label", count ? "Filters, " + count + " set" : "Filters");
  }

  function bootFilters() {
    document.querySelectorAll("[data-filters-toggle]").forEach(function (button) {
      var form = button.closest("form");
      if (!form || form.classList.contains("has-toggle")) return;
      form.classList.add("has-toggle");
      button.hidden = false;
      showFilterCount(form);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-filters-toggle]");
    if (!button) return;
    var form = button.closest("form");
    var open = !form.classList.contains("is-open");
    form.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = form.querySelector(".filter select, .filter input");
      if (first) first.focus();
    }
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.has-toggle");
    if (form) showFilterCount(form);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("form.has-toggle.is-open");
    if (!form) return;
    form.classList.remove("is-open");
    var button = form.querySelector("[data-filters-toggle]");
    button.setAttribute("aria-expanded", "false");
    button.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // The drawer styles apply only once this script runs (without it the panel stays in the page).
    if (drawer()) document.documentElement.classList.add("has-details-drawer");
    bootFilters();
    sync();
  });
})();
