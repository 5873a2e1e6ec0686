/* Working a queue in three panes without page loads: a conversation opened from the list pane
   (a row, Previous/Next, j/k) replaces the page's main area in place and its address is pushed
   with history.pushState; Back and Forward (popstate) bring the list with its filters and the
   conversation of that address back the same way. Every link is a real link: without
   JavaScript (or if a swap fails) the browser simply loads the page. Loaded by the
   conversation page when it shows a list pane. Plain JavaScript on htmx's swap. */
(function () {
  "use strict";

  if (!window.history || !window.history.pushState || !window.fetch || !window.DOMParser) return;
  var STATE_KEY = "parleyQueue";
  var loading = null;

  function pane() { return document.querySelector("[data-list-pane] .conv-list"); }

  function isQueueLink(link) {
    if (!link || link.target || link.hasAttribute("download") || link.origin !== window.location.origin) return false;
    if (!/^\/inbox\/c\/[0-9a-f-]+\/?$/i.test(link.pathname)) return false;
    return !!link.closest("[data-list-pane] .conv-row, .cv-queue a[rel]");
  }

  function showCurrent(top) {
    var list = pane();
    if (!list) return;
    if (top !== null) list.scrollTop = top;
    var current = list.querySelector(".conv-row.is-current");
    if (!current) return;
    var box = current.getBoundingClientRect(), view = list.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom) current.scrollIntoView({ block: "nearest" });
  }

  function load(url, push) {
    var main = document.getElementById("main");
    if (!main || !window.htmx) { window.location.assign(url); return; }
    if (loading) loading.abort();
    var controller = window.AbortController ? new AbortController() : null;
    loading = controller;
    var list = pane(), top = list ? list.scrollTop : null;
    main.setAttribute("aria-busy", "true");
    window.fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error("not a conversation page");
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var next = page.getElementById("main");
      if (!next || !next.querySelector("[data-conversation]")) throw new Error("not a conversation page");
      if (push) window.history.pushState({ parleyQueue: true }, "", url);
      document.title = page.title || document.title;
      window.htmx.swap(main, next.outerHTML, { swapStyle: "outerHTML" });
      loading = null;
      showCurrent(top);
      var swapped = document.getElementById("main");
      if (swapped) swapped.focus({ preventScroll: true }); // j/k and the other shortcuts go on
      if (window.ParleyRealtime) window.ParleyRealtime.restart(); // this conversation's live topic
      document.dispatchEvent(new CustomEvent("parley:page-swapped", { detail: { url: url } }));
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      window.location.assign(url); // the browser shows whatever the address answers
    });
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
    var link = event.target.closest && event.target.closest("a[href]");
    if (!isQueueLink(link)) return;
    event.preventDefault();
    load(link.href, true);
  });

  window.addEventListener("popstate", function (event) {
    if (!event.state || !event.state[STATE_KEY]) return;
    load(window.location.href, false);
  });

  // The page as loaded is an entry Back can return to in place.
  window.history.replaceState({ parleyQueue: true }, "", window.location.href);
})();
