/* Parley chat widget: one vanilla script, no framework, no CDN.
 *
 * Embed (either form):
 *   <script>window.novaChatSettings = { websiteToken: "wk_live_…", position: "bottom_left" };</script>
 *   <script src="https://helpdesk.example.com/widget.js" async></script>
 * or
 *   <script src="https://helpdesk.example.com/nova-widget-sdk-v2.js" data-token="wk_live_…" async></script>
 *
 * Everything is drawn inside a Shadow DOM, so the host page's CSS cannot reach it and ours
 * cannot leak. The visitor token and conversation id live in localStorage (per website token),
 * so the conversation survives a reload. Live events come over EventSource (which resumes with
 * Last-Event-ID by itself). Messages are rendered as text unless the server sanitized them. */
(function () {
  "use strict";
  if (window.__parleyWidget) return;
  window.__parleyWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js'],script[src*='nova-widget-sdk']");
    return all[all.length - 1];
  })();
  var settings = window.novaChatSettings || {};
  var token = (script && script.getAttribute("data-token")) || settings.websiteToken || "";
  var preview = script && script.hasAttribute("data-preview");
  if (!token && !preview) { console.warn("Parley widget: no website token"); return; }
  var base = script ? new URL(script.src, location.href).origin : location.origin;
  var api = base + "/api/v1/widget/";
  var storeKey = "parley-widget:" + token;
  var state = load();
  var config = { name: "Support", color: "#4f46e5", position: "bottom_right", greeting: "Hi! How can we help?", launcher_text: "Chat with us", max_message_chars: 5000, handoff: false, ratings: false };
  var open = false, unread = 0, counting = false, source = null, streaming = {}, typingTimer = null, lastTyping = 0, askedContact = false, csatShown = {};

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function url(path, params) {
    var query = new URLSearchParams(Object.assign({ website_token: token }, params || {}));
    return api + path + "?" + query.toString();
  }
  function request(method, path, body, params) {
    var headers = { "Content-Type": "application/json" };
    if (state.visitorToken) headers["X-Visitor-Token"] = state.visitorToken;
    return fetch(url(path, params), { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, mode: "cors", credentials: "omit" })
      .then(function (response) {
        if (response.status === 204) return null;
        return response.json().then(function (data) {
          if (!response.ok) { var error = new Error(data.error || "The request failed."); error.status = response.status; throw error; }
          return data;
        });
      });
  }

  // ---------- drawing ----------
  var host = document.createElement("div");
  host.setAttribute("data-parley-widget", "");
  var root = host.attachShadow({ mode: "open" });
  var css = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher{position:fixed;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 18px;color:#fff;background:var(--c);font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 24px rgba(0,0,0,.2)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #111;outline-offset:2px}",
    ".right{right:20px}.left{left:20px}",
    ".badge{min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;display:inline-flex;align-items:center;justify-content:center;padding:0 6px}",
    ".panel{position:fixed;bottom:84px;z-index:2147483001;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#111827;border-radius:16px;box-shadow:0 12px 48px rgba(0,0,0,.25);overflow:hidden}",
    ".panel[hidden],.badge[hidden]{display:none}",
    "header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between;gap:8px}",
    "header h2{margin:0;font-size:16px}header p{margin:2px 0 0;font-size:13px;opacity:.9}",
    ".icon{background:transparent;border:0;color:inherit;font-size:22px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:6px}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f9fafb}",
    ".msg{max-width:85%;padding:9px 12px;border-radius:14px;font-size:14px;line-height:1.45;word-wrap:break-word;white-space:normal}",
    ".msg p{margin:0 0 6px}.msg p:last-child{margin:0}",
    ".me{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}.me a{color:#fff}",
    ".them{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}",
    ".who{display:flex;align-items:center;gap:6px;font-size:12px;color:#6b7280;margin-bottom:4px}",
    ".avatar{width:22px;height:22px;border-radius:50%;background:#e5e7eb;color:#374151;display:inline-flex;align-items:center;justify-content:center;font-size:11px;font-weight:700;overflow:hidden}.avatar img{width:100%;height:100%;object-fit:cover}",
    ".sources{margin:6px 0 0;padding:0;list-style:none;font-size:12px}.sources a{color:#2563eb}",
    ".rate{display:flex;gap:4px;margin-top:6px}.rate button{border:1px solid #e5e7eb;background:#fff;border-radius:6px;cursor:pointer;padding:2px 8px;font-size:13px}.rate button[aria-pressed=true]{background:#eef2ff;border-color:var(--c)}",
    ".typing{font-size:12px;color:#6b7280;padding:0 16px 6px;min-height:18px;background:#f9fafb}",
    ".system{align-self:center;font-size:12px;color:#6b7280;text-align:center}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}",
    "textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;font-size:14px;height:42px;color:#111827;background:#fff}",
    ".send{border:0;border-radius:10px;background:var(--c);color:#fff;padding:0 14px;font-weight:600;cursor:pointer}",
    ".bar{display:flex;justify-content:space-between;align-items:center;padding:6px 10px;background:#fff;border-top:1px solid #f3f4f6}",
    ".link{background:none;border:0;color:#374151;text-decoration:underline;cursor:pointer;font-size:13px;padding:4px}",
    ".contact{display:grid;gap:6px;padding:10px 14px;background:#fff;border-top:1px solid #e5e7eb;font-size:13px}.contact[hidden]{display:none}",
    ".contact label{display:grid;gap:3px}.contact input{border:1px solid #d1d5db;border-radius:8px;padding:6px 8px;font-size:14px}",
    ".error{color:#b91c1c;font-size:12px;padding:0 12px}",
    ".csat{align-self:stretch;background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:12px;font-size:14px}",
    ".csat h3{margin:0 0 8px;font-size:15px}.csat p{margin:0}",
    ".scale{display:flex;gap:6px;margin-bottom:8px}.scale button{flex:1;min-width:0;border:1px solid #d1d5db;background:#fff;border-radius:8px;padding:8px 0;font-size:15px;font-weight:600;cursor:pointer;color:#111827}",
    ".scale button[aria-pressed=true]{background:var(--c);border-color:var(--c);color:#fff}",
    ".ends{display:flex;justify-content:space-between;font-size:11px;color:#6b7280;margin:-4px 0 8px}",
    ".csat label{display:grid;gap:3px;font-size:13px}.csat textarea{height:60px;width:100%;flex:none}",
    ".csat .send{margin-top:8px;padding:8px 14px}.csat .send[disabled]{opacity:.5;cursor:not-allowed}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){.panel{inset:0;width:100vw;max-width:none;height:100%;max-height:none;border-radius:0;bottom:0}}"
  ].join("\n");
  root.innerHTML =
    "<style>" + css + "</style>" +
    "<button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false'><span class='launch-text'></span><span class='badge' hidden aria-hidden='true'></span><span class='sr unread-label'></span></button>" +
    "<section class='panel' role='dialog' aria-modal='false' aria-labelledby='pw-title' hidden>" +
    "<header><div><h2 id='pw-title'></h2><p class='subtitle'>We usually answer in a few minutes</p></div><button class='icon close' type='button' aria-label='Close chat'>&times;</button></header>" +
    "<div class='log' role='log' aria-live='polite' aria-relevant='additions text'></div>" +
    "<div class='typing' aria-live='polite'></div>" +
    "<div class='contact' hidden><label>Your name <input name='name' autocomplete='name' maxlength='100'></label><label>Your email (optional, for a reply by email) <input name='email' type='email' autocomplete='email' maxlength='254'></label></div>" +
    "<div class='error' role='alert'></div>" +
    "<div class='bar'><button class='link human' type='button'>Talk to a person</button><span class='sr' aria-live='polite'></span></div>" +
    "<form><label class='sr' for='pw-input'>Your message</label><textarea id='pw-input' rows='1' placeholder='Write a message…'></textarea><button class='send' type='submit'>Send</button></form>" +
    "</section>";
  var $ = function (selector) { return root.querySelector(selector); };
  var launcher = $(".launcher"), panel = $(".panel"), log = $(".log"), input = $("textarea"), badge = $(".badge");

  function apply() {
    var color = /^#[0-9a-fA-F]{6}$/.test(config.color) ? config.color : "#4f46e5";
    host.style.setProperty("--c", color);
    var side = (settings.position || config.position) === "bottom_left" ? "left" : "right";
    launcher.className = "launcher " + side;
    panel.className = "panel " + side;
    $(".launch-text").textContent = config.launcher_text;
    $("#pw-title").textContent = config.name;
    input.maxLength = config.max_message_chars;
    $(".human").hidden = !config.handoff;
    var greeting = $(".greeting");
    if (greeting) {  // opened before the config arrived: show the domain's own words
      greeting.querySelector(".body").textContent = config.greeting;
      greeting.querySelector(".who").lastChild.textContent = config.name;
      greeting.querySelector(".avatar").textContent = initials(config.name);
    }
  }

  function initials(name) { return (name || "?").split(/\s+/).map(function (p) { return p[0]; }).join("").slice(0, 2).toUpperCase(); }

  function bubble(kind, who) {
    var item = document.createElement("div");
    item.className = "msg " + (kind === "contact" ? "me" : "them");
    if (who) {
      var label = document.createElement("div");
      label.className = "who";
      var avatar = document.createElement("span");
      avatar.className = "avatar";
      if (who.avatar_url && /^https?:/.test(who.avatar_url)) {
        var img = document.createElement("img"); img.src = who.avatar_url; img.alt = ""; avatar.appendChild(img);
      } else { avatar.textContent = initials(who.name); }
      label.appendChild(avatar);
      label.appendChild(document.createTextNode(who.name + (who.type === "agent" ? " (support team)" : "")));
      item.appendChild(label);
    }
    var body = document.createElement("div");
    body.className = "body";
    item.appendChild(body);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function renderSources(item, sources) {
    if (!sources || !sources.length) return;
    var list = document.createElement("ol");
    list.className = "sources";
    list.setAttribute("aria-label", "Sources");
    sources.forEach(function (source, index) {
      var entry = document.createElement("li");
      var title = source.title || source.document_title || ("Source " + (index + 1));
      var link = source.url || source.source_url;
      var node = link && /^https?:/.test(link) ? document.createElement("a") : document.createElement("span");
      if (node.tagName === "A") { node.href = link; node.target = "_blank"; node.rel = "noopener noreferrer"; }
      node.textContent = "[" + (index + 1) + "] " + title;
      entry.appendChild(node);
      list.appendChild(entry);
    });
    item.appendChild(list);
  }

  function renderRating(item, message) {
    if (message.sender_type !== "bot" || !config.ratings) return;
    var row = document.createElement("div");
    row.className = "rate";
    var thumb = "<svg width='14' height='14' viewBox='0 0 24 24' fill='none' stroke='currentColor' stroke-width='2' aria-hidden='true'><path d='M7 10v11H3V10h4zm0 0l4-8a3 3 0 013 3v4h5.5a2 2 0 012 2.3l-1.4 8A2 2 0 0118.1 21H7'/></svg>";
    [["up", "", "Helpful"], ["down", "transform:rotate(180deg)", "Not helpful"]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.innerHTML = thumb;  // a fixed icon of ours, no visitor or server text
      button.firstChild.setAttribute("style", choice[1]);
      button.setAttribute("aria-label", choice[2]);
      button.setAttribute("aria-pressed", String(message.rating === choice[0]));
      button.addEventListener("click", function () {
        request("POST", "messages/" + message.id + "/rating", { rating: choice[0] }).then(function () {
          row.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        }).catch(showError);
      });
      row.appendChild(button);
    });
    item.appendChild(row);
  }

  var shown = {};
  function renderMessage(message) {
    if (shown[message.id]) return;
    shown[message.id] = true;
    if (message.sender_type === "bot") {  // the stored answer replaces its streamed draft
      Object.keys(streaming).forEach(function (key) { streaming[key].remove(); delete streaming[key]; });
    }
    var who = message.sender_type === "contact" ? null : message.sender;
    var item = bubble(message.sender_type, who);
    item.setAttribute("data-message-id", message.id);
    item.setAttribute("data-sender-type", message.sender_type);
    // ``content`` is HTML the server sanitized on the way in (nh3, a fixed allow-list).
    item.querySelector(".body").innerHTML = message.content;
    renderSources(item, message.sources);
    renderRating(item, message);
    if (counting && !open && message.sender_type !== "contact") { unread += 1; showBadge(); }
  }

  function showBadge() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    $(".unread-label").textContent = unread ? unread + " unread message" + (unread > 1 ? "s" : "") : "";
  }

  function greet() {
    if (log.childElementCount) return;
    var item = bubble("bot", { name: config.name, type: "bot" });
    item.classList.add("greeting");
    item.querySelector(".body").textContent = config.greeting;
  }

  function showError(error) {
    $(".error").textContent = error && error.message ? error.message : "Something went wrong. Try again.";
  }

  // ---------- satisfaction (CSAT) ----------
  var RATING_WORDS = ["", "Bad", "Poor", "Okay", "Good", "Great"];
  function askCsat(survey, conversationUuid) {
    if (!survey || !conversationUuid || csatShown[survey.id]) return;
    csatShown[survey.id] = true;
    var card = document.createElement("div");
    card.className = "csat";
    card.setAttribute("data-csat-survey", survey.id);
    var heading = "pw-csat-" + survey.id;
    card.innerHTML = "<h3 id='" + heading + "'></h3><div class='scale' role='group'></div><div class='ends' aria-hidden='true'><span>Bad</span><span>Great</span></div>" +
      "<label>Anything to add? (optional) <textarea maxlength='2000'></textarea></label><button class='send' type='button' disabled>Send rating</button>";
    card.querySelector("h3").textContent = survey.question || "How did we do?";
    var scale = card.querySelector(".scale"), chosen = 0, submit = card.querySelector(".send");
    scale.setAttribute("aria-labelledby", heading);
    [1, 2, 3, 4, 5].forEach(function (value) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = String(value);
      button.setAttribute("aria-label", value + " out of 5, " + RATING_WORDS[value]);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        chosen = value;
        scale.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        submit.disabled = false;
      });
      scale.appendChild(button);
    });
    function thanks() {
      card.innerHTML = "<p role='status'>Thank you for your feedback!</p>";
    }
    submit.addEventListener("click", function () {
      if (!chosen) return;
      submit.disabled = true;
      var path = base + "/api/v1/conversations/" + encodeURIComponent(conversationUuid) + "/csat?" + new URLSearchParams({ website_token: token }).toString();
      fetch(path, {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json", "X-Visitor-Token": state.visitorToken || "" },
        body: JSON.stringify({ rating: chosen, comment: card.querySelector("textarea").value.trim() })
      }).then(function (response) {
        if (response.ok || response.status === 409) { thanks(); return; }
        return response.json().then(function (data) { throw new Error(data.error || "The rating was not sent."); });
      }).catch(function (error) { submit.disabled = false; showError(error); });
    });
    log.appendChild(card);
    log.scrollTop = log.scrollHeight;
    if (counting && !open) { unread += 1; showBadge(); }
  }

  function checkCsat() {
    if (!state.conversationId) return Promise.resolve();
    return request("GET", "conversations", null, { conversation_id: state.conversationId })
      .then(function (conversation) { if (conversation && conversation.csat) askCsat(conversation.csat, conversation.uuid); })
      .catch(function () { /* the messages call reports problems */ });
  }

  // ---------- conversation ----------
  function refresh() {
    if (!state.conversationId) return Promise.resolve();
    return request("GET", "messages", null, { conversation_id: state.conversationId })
      .then(function (messages) { messages.forEach(renderMessage); })
      .catch(function (error) {
        if (error.status === 404 || error.status === 401) { state = {}; save(); }
      });
  }

  function listen() {
    if (source || !state.conversationId || !window.EventSource) return;
    source = new EventSource(url("stream", { conversation_id: state.conversationId, visitor_token: state.visitorToken }));
    // what was written before the stream connected is fetched once it is open, so nothing falls
    // between the first fetch and the first live event
    source.addEventListener("open", function () { refresh(); });
    source.addEventListener("message.created", function (event) {
      var data = JSON.parse(event.data);
      if (!shown[data.message_uuid]) refresh();
      $(".typing").textContent = "";
    });
    source.addEventListener("message.delta", function (event) {
      var data = JSON.parse(event.data);
      var id = data.reply_to || data.message_uuid || "live";
      if (shown[id]) return;
      var item = streaming[id];
      if (!item) {
        item = streaming[id] = bubble("bot", { name: config.name, type: "bot" });
        item.setAttribute("aria-busy", "true");
      }
      item.querySelector(".body").textContent += data.token || data.delta || data.text || "";
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("typing", function (event) {
      var data = JSON.parse(event.data);
      if (data.sender_type === "contact") return;
      $(".typing").textContent = (data.name || "Someone") + " is typing…";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { $(".typing").textContent = ""; }, 4000);
    });
    source.addEventListener("conversation.updated", function () { refresh(); });
    source.addEventListener("csat.requested", function (event) {
      var data = JSON.parse(event.data);
      askCsat({ id: data.id, question: data.question }, data.conversation_uuid);
    });
    source.addEventListener("resync", function () { refresh().then(checkCsat); });
  }

  function send(text) {
    $(".error").textContent = "";
    if (!state.conversationId) {
      var contact = { name: root.querySelector("input[name=name]").value.trim(), email: root.querySelector("input[name=email]").value.trim() };
      return request("POST", "conversations", { contact: contact, message: text }).then(function (conversation) {
        if (conversation.visitor_token) state.visitorToken = conversation.visitor_token;
        state.conversationId = conversation.id;
        save();
        $(".contact").hidden = true;
        listen();
        return refresh();
      });
    }
    return request("POST", "messages", { conversation_id: state.conversationId, content: text }).then(renderMessage);
  }

  // ---------- behaviour ----------
  function setOpen(value) {
    open = value;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      unread = 0; showBadge(); greet();
      if (!state.conversationId && !askedContact) { $(".contact").hidden = false; askedContact = true; }
      input.focus();
    } else {
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(!open); });
  $(".close").addEventListener("click", function () { setOpen(false); });
  root.addEventListener("keydown", function (event) { if (event.key === "Escape" && open) { event.stopPropagation(); setOpen(false); } });
  $("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || preview) return;
    input.value = "";
    send(text).catch(function (error) { input.value = text; showError(error); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("form").requestSubmit(); }
  });
  input.addEventListener("input", function () {
    if (!state.conversationId || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    request("POST", "typing", { conversation_id: state.conversationId }).catch(function () { /* best effort */ });
  });
  $(".human").addEventListener("click", function () {
    if (preview) return;
    var ask = state.conversationId ? Promise.resolve() : send("I would like to talk to a person.");
    ask.then(function () { return request("POST", "handoff", { conversation_id: state.conversationId }); })
      .then(function () {
        $(".bar .sr").textContent = "A person has been asked to join.";
        $(".human").hidden = true;
        return refresh();  // the notice the server wrote ("a person is coming…") shows in the log
      }).catch(showError);
  });

  function start() {
    document.body.appendChild(host);
    apply();
    if (preview) {
      config.color = script.getAttribute("data-color") || config.color;
      config.greeting = script.getAttribute("data-greeting") || config.greeting;
      config.launcher_text = script.getAttribute("data-launcher-text") || config.launcher_text;
      config.name = script.getAttribute("data-name") || config.name;
      settings.position = script.getAttribute("data-position") || config.position;
      apply();
      return;
    }
    request("GET", "config").then(function (remote) { Object.assign(config, remote); apply(); }).catch(showError)
      .then(function () { if (state.conversationId) { listen(); return refresh().then(checkCsat); } })
      .then(function () { counting = true; });  // what was there before a reload is not news
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
