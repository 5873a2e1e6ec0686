/* The agent's notifications, live: one EventSource on /realtime/stream for this agent's own topic
   (agent:<id>: notification.created / notification.read) and the organization's (org:<id>, whose
   presence.changed events presence.js shows); on a page with its own stream (realtime.js) that
   one, so a tab holds one connection. It keeps the bell's unread count true, shows a
   toast, and, when the agent chose them (the event says so), a browser notification and a short
   sound. The stream comes from #agent-shell (notifications/_shell.html). Plain JavaScript. */
(function () {
  "use strict";

  var root = document.getElementById("agent-shell");
  if (!root || !window.EventSource) return;
  var RETRY_AFTER_REFUSAL_MS = 30000;

  function parse(event) {
    try { return JSON.parse(event.data || "{}"); } catch (error) { return {}; }
  }

  function setCount(unread) {
    if (typeof unread !== "number") return;
    document.querySelectorAll("[data-bell-count]").forEach(function (badge) {
      badge.hidden = unread <= 0;
      badge.textContent = unread > 99 ? "99+" : String(unread);
      var button = badge.closest("summary");
      if (button) button.setAttribute("aria-label", unread > 0 ? "Notifications, " + unread + " unread" : "Notifications");
    });
    root.dataset.unread = String(unread);
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var context = new Context();
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.type = "sine";
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, context.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.25);
      tone.connect(gain).connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.25);
      tone.onended = function () { context.close(); };
    } catch (error) { /* no audio: the toast and the bell still say it */ }
  }

  function browserNotify(data) {
    if (!data.browser || !("Notification" in window)) return;
    if (window.Notification.permission !== "granted") return;
    try {
      var shown = new window.Notification(data.title || "Parley", { body: data.body || "", tag: "parley-" + data.id });
      shown.onclick = function () {
        window.focus();
        if (data.link) window.location.href = data.link;
        shown.close();
      };
    } catch (error) { /* some browsers allow notifications only from a service worker */ }
  }

  function onCreated(event) {
    var data = parse(event);
    if (event.lastEventId) root.dataset.since = event.lastEventId;
    setCount(data.unread);
    if (window.Parley && data.title) window.Parley.toast(data.title, "info");
    browserNotify(data);
    if (data.sound) beep();
    document.dispatchEvent(new CustomEvent("parley:notification", { detail: data }));
  }

  function onRead(event) {
    if (event.lastEventId) root.dataset.since = event.lastEventId;
    setCount(parse(event).unread);
  }

  function onPresence(event) {
    document.dispatchEvent(new CustomEvent("parley:presence", { detail: parse(event) }));
  }

  function listen(source) {
    source.addEventListener("open", function () { root.dataset.streamState = "open"; });
    source.addEventListener("notification.created", onCreated);
    source.addEventListener("notification.read", onRead);
    source.addEventListener("presence.changed", onPresence);
  }

  // A conversation or inbox page has a stream already (realtime.js, #realtime): share it, and
  // each one it opens again (reconnects, the queue pane swapping conversations).
  var pageStream = document.getElementById("realtime");
  if (pageStream) {
    document.addEventListener("parley:stream", function (event) { listen(event.detail); });
    if (pageStream.realtimeSource) {
      listen(pageStream.realtimeSource);
      if (pageStream.realtimeSource.readyState === EventSource.OPEN) root.dataset.streamState = "open";
    }
  }

  function connect() {
    var url = root.dataset.streamUrl + "?topics=" + encodeURIComponent(root.dataset.topics) +
      "&last_event_id=" + encodeURIComponent(root.dataset.since || "0");
    var source = new EventSource(url);
    listen(source);
    source.addEventListener("error", function () {
      root.dataset.streamState = "error";
      if (source.readyState === EventSource.CLOSED) window.setTimeout(connect, RETRY_AFTER_REFUSAL_MS);
    });
    window.addEventListener("pagehide", function () { source.close(); }, { once: true });
  }

  window.addEventListener("pageshow", function (event) { if (event.persisted && !pageStream) connect(); });

  // The preferences page: turning browser notifications on asks the browser's permission.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-browser-permission]") || !box.checked) return;
    if ("Notification" in window && window.Notification.permission === "default") {
      window.Notification.requestPermission();
    }
  });

  // Marking all read from the bell's menu without leaving the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector || !form.querySelector("[data-read-all]") || !window.fetch) return;
    event.preventDefault();
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": window.Parley ? window.Parley.csrfToken() : "" }
    }).then(function (response) {
      if (!response.ok) return;
      setCount(0);
      document.querySelectorAll(".notif.is-unread").forEach(function (item) { item.classList.remove("is-unread"); });
      form.remove();
    });
  });

  if (!pageStream) connect();
})();
