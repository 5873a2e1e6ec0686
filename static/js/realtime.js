/* Live updates for agents: one EventSource on /realtime/stream (the topics and the event id the
   page was rendered at come from #realtime, see conversations/_realtime.html). An event asks htmx
   to refresh what it touches: the inbox list (#conv-list) or the open conversation (#cv-live),
   both answering 204 when nothing changed. Typing shows under the thread, and so does the bot's
   answer token by token while it streams (replaced by the stored message once it arrives). If the browser has no
   EventSource or the stream keeps failing, the same refreshes run on a slow timer instead, and
   stop again once the stream is back. ParleyRealtime.restart() follows a #realtime swapped in
   without a page load. Plain JavaScript, no dependencies. */
(function () {
  "use strict";

  // Loaded again by a page swapped in (the queue's pane, static/js/queue.js): the stream of the
  // page that was there stops and one starts for the new #realtime.
  if (window.ParleyRealtime) {
    window.ParleyRealtime.restart();
    return;
  }

  var FALLBACK_POLL_MS = 10000;
  var FAILURES_BEFORE_FALLBACK = 3;
  var TYPING_SHOWN_MS = 6000;
  var TYPING_SENT_EVERY_MS = 3000;
  var REFRESH_DELAY_MS = 150; // several events in a burst: one refresh

  function start() {
    var root = document.getElementById("realtime");
    if (!root) return null;
    var stopped = false; // a newer page (the queue's pane) took over: this one does nothing more
    var source = null;
    var conversation = root.dataset.realtimeConversation || "";
    var me = root.dataset.realtimeMe || "";
    var stale = {};
    var timers = {};
    var fallback = null;

    function refresh(selector) {
      if (stopped) return;
      if (document.visibilityState !== "visible") {
        stale[selector] = true; // refreshed when the tab is shown again
        return;
      }
      window.clearTimeout(timers[selector]);
      timers[selector] = window.setTimeout(function () {
        var element = document.querySelector(selector);
        if (element && window.htmx) window.htmx.trigger(element, "parley:refresh");
      }, REFRESH_DELAY_MS);
    }

    function refreshAll() {
      refresh("#conv-list");
      refresh("#cv-live");
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") return;
      Object.keys(stale).forEach(function (selector) { refresh(selector); });
      stale = {};
    });

    /* ---------- typing indicator ---------- */
    var typists = {};

    function renderTyping() {
      var box = document.getElementById("cv-typing");
      if (!box) return;
      var names = Object.keys(typists).map(function (key) { return typists[key].name; });
      box.hidden = names.length === 0;
      box.textContent = names.length === 0 ? "" :
        names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
    }

    function showTyping(data) {
      var key = data.sender_type + ":" + (data.agent_id || data.contact_id || "");
      if (data.sender_type === "agent" && String(data.agent_id) === me) return;
      if (typists[key]) window.clearTimeout(typists[key].timer);
      typists[key] = {
        name: data.name || (data.sender_type === "contact" ? "The customer" : "Someone"),
        timer: window.setTimeout(function () { delete typists[key]; renderTyping(); }, TYPING_SHOWN_MS)
      };
      renderTyping();
    }

    function clearTyping(senderType) {
      Object.keys(typists).forEach(function (key) {
        if (key.indexOf(senderType + ":") === 0) {
          window.clearTimeout(typists[key].timer);
          delete typists[key];
        }
      });
      renderTyping();
    }

    /* ---------- the bot's answer while it streams (message.delta, live only) ---------- */
    var DRAFT_STALE_MS = 30000; // a stream that died midway: the stored answer never comes
    var draft = { replyTo: "", timer: null };

    function clearDraft() {
      var box = document.getElementById("cv-bot-draft");
      window.clearTimeout(draft.timer);
      draft.replyTo = "";
      if (!box) return;
      box.hidden = true;
      box.querySelector("[data-bot-draft-text]").textContent = "";
    }

    function onDelta(event) {
      var data = parse(event);
      var box = document.getElementById("cv-bot-draft");
      if (!box || !conversation || data.conversation_uuid !== conversation) return;
      if (typeof data.token !== "string") return;
      var text = box.querySelector("[data-bot-draft-text]");
      if (draft.replyTo !== data.reply_to) {
        text.textContent = "";
        draft.replyTo = data.reply_to;
      }
      text.textContent += data.token;
      box.hidden = false;
      window.clearTimeout(draft.timer);
      draft.timer = window.setTimeout(clearDraft, DRAFT_STALE_MS);
    }

    /* ---------- events ---------- */
    function parse(event) {
      try { return JSON.parse(event.data || "{}"); } catch (error) { return {}; }
    }

    function onConversationEvent(event) {
      var data = parse(event);
      // A new EventSource (after a refusal, or back from the page cache) resumes from here.
      if (event.lastEventId) root.dataset.realtimeSince = event.lastEventId;
      refresh("#conv-list");
      if (conversation && data.conversation_uuid === conversation) {
        refresh("#cv-live");
        if (event.type === "message.created" && data.sender_type) clearTyping(data.sender_type);
        if (event.type === "message.created" && data.sender_type === "bot") clearDraft(); // stored: in the thread
      }
    }

    function onTyping(event) {
      var data = parse(event);
      if (conversation && data.conversation_uuid === conversation) showTyping(data);
    }

    function startFallback() {
      if (fallback) return;
      fallback = window.setInterval(refreshAll, FALLBACK_POLL_MS);
    }

    function stopFallback() {
      if (!fallback) return;
      window.clearInterval(fallback);
      fallback = null;
    }

    function connect() {
      if (stopped) return;
      if (!window.EventSource) {
        startFallback();
        return;
      }
      var url = root.dataset.realtimeUrl + "?topics=" + encodeURIComponent(root.dataset.realtimeTopics) +
        "&last_event_id=" + encodeURIComponent(root.dataset.realtimeSince || "0");
      source = new EventSource(url);
      // notifications.js listens on this page's one stream (its topics carry agent:<id>) rather
      // than opening a second connection.
      root.realtimeSource = source;
      document.dispatchEvent(new CustomEvent("parley:stream", { detail: source }));
      var failures = 0;
      source.addEventListener("open", function () {
        root.dataset.realtimeState = "open";
        if (failures > 0 || fallback) refreshAll(); // what happened while the stream was down
        failures = 0;
        stopFallback();
      });
      source.addEventListener("error", function () {
        failures += 1;
        root.dataset.realtimeState = "error";
        if (source.readyState === EventSource.CLOSED) {
          // Refused (signed out, no access) or not a stream: poll slowly, try again later.
          startFallback();
          window.setTimeout(connect, FALLBACK_POLL_MS * 3);
        } else if (failures >= FAILURES_BEFORE_FALLBACK) {
          startFallback(); // the browser keeps reconnecting with Last-Event-ID meanwhile
        }
      });
      ["message.created", "conversation.created", "conversation.updated", "csat.answered"].forEach(function (name) {
        source.addEventListener(name, onConversationEvent);
      });
      source.addEventListener("typing", onTyping);
      source.addEventListener("message.delta", onDelta);
      source.addEventListener("resync", refreshAll);
      window.addEventListener("pagehide", function () { source.close(); }, { once: true });
    }

    // Back/forward cache: a page shown again had its stream closed on the way out.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted || stopped) return;
      refreshAll();
      connect();
    });

    /* ---------- this agent's typing ---------- */
    var lastTypingSent = 0;

    function csrfToken() {
      var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
      var field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return match ? decodeURIComponent(match[1]) : (field ? field.value : "");
    }

    document.addEventListener("input", function (event) {
      var url = root.dataset.typingUrl;
      if (stopped || !url || !event.target.matches || !event.target.matches("[data-composer-text]")) return;
      if (!event.target.value.trim() || Date.now() - lastTypingSent < TYPING_SENT_EVERY_MS) return;
      lastTypingSent = Date.now();
      var note = document.querySelector('[data-composer] input[name=mode][value="note"]');
      var body = new URLSearchParams({ mode: note && note.checked ? "note" : "reply" });
      window.fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      }).catch(function () { /* typing is a courtesy: never bother the agent with it */ });
    });

    function stop() {
      stopped = true;
      if (source) source.close();
      stopFallback();
      Object.keys(timers).forEach(function (key) { window.clearTimeout(timers[key]); });
    }

    connect();
    return { stop: stop };
  }

  var current = start();
  window.ParleyRealtime = {
    restart: function () {
      if (current) current.stop();
      current = start();
    }
  };
})();
