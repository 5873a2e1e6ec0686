/* Presence that is true: while a page is open it tells the server every PRESENCE_HEARTBEAT_SECONDS
   whether the agent touched Parley within PRESENCE_IDLE_SECONDS (idle -> away), at once when that
   changes. Input in any tab counts for all of them (localStorage). Presence changes of teammates
   (presence.changed, through notifications.js) update every [data-presence-for=<id>] badge, and
   the agent's own dot in the user menu. Plain JavaScript. */
(function () {
  "use strict";

  var root = document.getElementById("agent-shell");
  if (!root || !root.dataset.heartbeatUrl) return;
  var HEARTBEAT_MS = Math.max(Number(root.dataset.heartbeatSeconds) || 30, 1) * 1000;
  var IDLE_MS = Math.max(Number(root.dataset.idleSeconds) || 300, 1) * 1000;
  var KEY = "parley:last-input";
  var TONES = { online: "green", away: "amber", away_manual: "amber", away_and_reassigning: "amber" };
  var LABELS = { online: "Online", away: "Away", away_manual: "Away", offline: "Offline", away_and_reassigning: "Away and reassigning" };
  var lastInput = Date.now();
  var lastSentIdle = null;
  var timer = null;

  function latestInput() {
    var shared = 0;
    try { shared = Number(window.localStorage.getItem(KEY)) || 0; } catch (error) { shared = 0; }
    return Math.max(lastInput, shared);
  }

  function isIdle() { return Date.now() - latestInput() >= IDLE_MS; }

  function send() {
    var idle = isIdle();
    lastSentIdle = idle;
    var body = new URLSearchParams({ idle: idle ? "1" : "0" });
    window.fetch(root.dataset.heartbeatUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": window.Parley ? window.Parley.csrfToken() : "", Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (state) {
      if (state) showMine(state.status);
    }).catch(function () { /* offline for a moment: the next heartbeat tries again */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    // Wake at the next heartbeat, or when the agent would become idle, whichever is first.
    var untilIdle = IDLE_MS - (Date.now() - latestInput());
    var wait = untilIdle > 0 ? Math.min(HEARTBEAT_MS, untilIdle + 50) : HEARTBEAT_MS;
    timer = window.setTimeout(tick, wait);
  }

  var lastBeat = 0;
  function tick() {
    if (isIdle() !== lastSentIdle || Date.now() - lastBeat >= HEARTBEAT_MS - 100) {
      lastBeat = Date.now();
      send();
    }
    schedule();
  }

  function onInput() {
    var wasIdle = lastSentIdle === true;
    lastInput = Date.now();
    try { window.localStorage.setItem(KEY, String(lastInput)); } catch (error) { /* private mode */ }
    if (wasIdle) tick(); // back at the keyboard: online now, not at the next heartbeat
  }

  ["keydown", "pointerdown", "mousemove", "wheel", "touchstart", "focus"].forEach(function (name) {
    window.addEventListener(name, onInput, { passive: true, capture: true });
  });

  function showMine(status) {
    root.dataset.status = status;
    var dot = document.querySelector("[data-my-presence]");
    if (dot) {
      dot.className = "presence-dot presence-dot--" + status;
      dot.title = LABELS[status] || status;
    }
    document.querySelectorAll("[data-presence-toggle] [name=status]").forEach(function (button) {
      var away = status === "away" || status === "away_manual";
      button.setAttribute("aria-pressed", String(button.value === "online" ? status === "online" : away));
    });
  }

  function showTeammate(detail) {
    if (!detail || !detail.agent_id) return;
    document.querySelectorAll('[data-presence-for="' + detail.agent_id + '"]').forEach(function (holder) {
      var badge = document.createElement("span");
      badge.className = "badge badge--" + (TONES[detail.status] || "gray") + " badge--dot";
      badge.textContent = detail.label || LABELS[detail.status] || detail.status;
      holder.replaceChildren(badge);
      holder.dataset.presence = detail.status;
    });
    if (String(detail.agent_id) === root.dataset.me) showMine(detail.status);
  }

  document.addEventListener("parley:presence", function (event) { showTeammate(event.detail); });

  // The user menu's toggle without a page load (the form still works without JavaScript).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-presence-toggle]") || !window.fetch) return;
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
    window.fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        showMine(state.status);
        if (window.Parley) window.Parley.toast("You are " + state.label.toLowerCase() + ".", "success");
      });
  });

  lastBeat = Date.now();
  send();
  schedule();
})();
