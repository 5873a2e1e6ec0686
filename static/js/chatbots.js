/* Chatbots area behaviour: the playground chat (streamed answers read from the API's
   text/event-stream with fetch), citations, ratings, and small helpers of the settings pages
   (document picker filter, the confidence slider's value, "use as default" model buttons).
   Everything the server sends is put on the page as text, never as HTML. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = {
    up: "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3",
    down: "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17",
    chevron: "M9 18l6-6-6-6",
    alert: "M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0zM12 9v4M12 17h.01",
    user: "M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 3a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
    info: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zM12 16v-4M12 8h.01",
    external: "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14 21 3"
  };

  function icon(name, size) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "icon");
    svg.setAttribute("width", size || 14);
    svg.setAttribute("height", size || 14);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = text;
    return element;
  }

  function toast(message, level) {
    if (window.Parley) window.Parley.toast(message, level);
  }

  function csrfToken() {
    return window.Parley ? window.Parley.csrfToken() : "";
  }

  function percent(value) {
    return Math.round(Math.max(0, Math.min(1, Number(value) || 0)) * 100);
  }

  /* ---------- server-sent events over fetch ---------- */
  function parseEvent(block) {
    var name = "message";
    var data = [];
    block.split(/\r?\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (!data.length) return null;
    try {
      return { name: name, data: JSON.parse(data.join("\n")) };
    } catch (error) {
      return null;
    }
  }

  async function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var blocks = buffer.split(/\r?\n\r?\n/);
      buffer = blocks.pop();
      blocks.forEach(function (block) {
        var event = parseEvent(block);
        if (event) onEvent(event);
      });
    }
    buffer += decoder.decode();
    if (buffer.trim()) {
      var last = parseEvent(buffer);
      if (last) onEvent(last);
    }
  }

  /* ---------- the playground ---------- */
  function Chat(root) {
    this.root = root;
    this.log = root.querySelector("[data-chat-log]");
    this.form = root.querySelector("[data-chat-form]");
    this.input = root.querySelector("[data-chat-input]");
    this.send = root.querySelector("[data-chat-send]");
    this.stop = root.querySelector("[data-chat-stop]");
    this.status = root.querySelector("[data-chat-status]");
    this.statusText = this.status ? this.status.textContent : "";
    this.chatbotId = root.dataset.chatbotId;
    this.threshold = parseFloat(root.dataset.threshold) || 0;
    this.sessionId = null;
    this.controller = null;
    this.answers = 0;
    this.bind();
  }

  Chat.prototype.bind = function () {
    var chat = this;
    var reset = this.root.querySelector("[data-new-session]");
    if (reset) reset.addEventListener("click", function () { chat.newSession(); });
    if (!this.form) return;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      chat.ask();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        chat.ask();
      }
    });
    this.input.addEventListener("input", function () { chat.autosize(); });
    this.stop.addEventListener("click", function () {
      if (chat.controller) chat.controller.abort();
    });
    this.log.addEventListener("click", function (event) {
      var cite = event.target.closest("button[data-cite]");
      if (cite) chat.openSource(cite);
      var toggle = event.target.closest("[data-source-toggle]");
      if (toggle) chat.toggleSource(toggle);
      var rate = event.target.closest("[data-rate]");
      if (rate) chat.rate(rate);
    });
    this.input.focus();
  };

  Chat.prototype.autosize = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight, 180) + "px";
  };

  Chat.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.send.disabled = busy;
    this.stop.hidden = !busy;
    if (this.status) this.status.textContent = busy ? "Answering…" : this.statusText;
    this.root.toggleAttribute("data-busy", busy);
  };

  Chat.prototype.scroll = function (force) {
    var log = this.log;
    var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    if (force || nearBottom) log.scrollTop = log.scrollHeight;
  };

  Chat.prototype.avatar = function () {
    var source = this.root.querySelector(".chat__header .bot-avatar");
    var avatar = source.cloneNode(true);
    avatar.className = "bot-avatar bot-avatar--xs";
    var svg = avatar.querySelector("svg");
    if (svg) { svg.setAttribute("width", 12); svg.setAttribute("height", 12); }
    return avatar;
  };

  Chat.prototype.addUser = function (text) {
    var message = el("div", "msg msg--user");
    var main = el("div", "msg__main");
    var bubble = el("div", "msg__bubble");
    bubble.appendChild(el("div", "msg__text", text));
    main.appendChild(bubble);
    message.appendChild(main);
    this.log.appendChild(message);
    this.scroll(true);
  };

  Chat.prototype.ask = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) return;
    this.input.value = "";
    this.autosize();
    this.addUser(text);
    this.stream(text, new Answer(this));
  };

  Chat.prototype.stream = async function (text, answer) {
    var chat = this;
    var body = { message: text, chatbot_id: this.chatbotId, stream: true };
    if (this.sessionId) body.session_id = this.sessionId;
    this.controller = new AbortController();
    this.setBusy(true);
    try {
      var response = await fetch(this.root.dataset.chatUrl, {
        method: "POST",
        credentials: "same-origin",
        signal: this.controller.signal,
        headers: {
          "Content-Type": "application/json",
          // application/json too: errors come back as JSON (and the API negotiates on it)
          "Accept": "text/event-stream, application/json",
          "X-CSRFToken": csrfToken()
        },
        body: JSON.stringify(body)
      });
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/event-stream") === -1) {
        var problem = await response.json().catch(function () { return {}; });
        throw new Error(problem.error || problem.detail || "The server answered " + response.status + ".");
      }
      await readEvents(response, function (event) {
        if (event.name === "token") {
          answer.append(event.data.token || "");
        } else if (event.name === "done") {
          chat.sessionId = event.data.session_id || chat.sessionId;
          answer.finish(event.data);
        } else if (event.name === "error") {
          answer.fail(event.data.error || event.data.message || "The answer failed.");
        }
      });
      if (!answer.finished) answer.fail("The answer stopped before it was finished. Try again.");
    } catch (error) {
      if (error.name === "AbortError") answer.stopped();
      else answer.fail(error.message || "Could not reach Parley.");
    } finally {
      this.controller = null;
      this.setBusy(false);
      this.input.focus();
    }
  };

  Chat.prototype.newSession = function () {
    if (this.controller) this.controller.abort();
    this.sessionId = null;
    Array.prototype.slice.call(this.log.children).forEach(function (child) {
      if (!child.hasAttribute("data-greeting")) child.remove();
    });
    if (this.input) { this.input.value = ""; this.input.focus(); }
    toast("New session: the bot has forgotten the previous questions.", "info");
  };

  Chat.prototype.openSource = function (cite) {
    var source = document.getElementById(cite.getAttribute("aria-controls"));
    if (!source) return;
    var item = source.closest(".source");
    var toggle = item.querySelector("[data-source-toggle]");
    if (toggle.getAttribute("aria-expanded") !== "true") this.toggleSource(toggle);
    item.classList.add("is-highlighted");
    window.setTimeout(function () { item.classList.remove("is-highlighted"); }, 1400);
    item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  };

  Chat.prototype.toggleSource = function (toggle) {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    var body = document.getElementById(toggle.getAttribute("aria-controls"));
    if (body) body.hidden = !open;
    var message = toggle.closest(".msg");
    message.querySelectorAll("button[data-cite]").forEach(function (cite) {
      if (cite.getAttribute("aria-controls") === toggle.getAttribute("aria-controls")) {
        cite.setAttribute("aria-expanded", String(open));
      }
    });
  };

  Chat.prototype.rate = async function (button) {
    var message = button.closest(".msg");
    var group = button.closest(".rating");
    var value = Number(button.dataset.rate);
    var rate = button.getAttribute("aria-pressed") === "true" ? 0 : value;
    try {
      var response = await fetch(this.root.dataset.rateUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ session_id: message.dataset.session, index: Number(message.dataset.index), rate: rate })
      });
      var data = await response.json().catch(function () { return {}; });
      if (!response.ok) throw new Error(data.error || "The rating was not saved.");
      group.querySelectorAll("[data-rate]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(Number(other.dataset.rate) === data.rate));
      });
      message.dataset.rating = String(data.rate);
      if (rate === -1) toast("Thanks: the answer is flagged for review in Answers.", "success");
    } catch (error) {
      toast(error.message, "error");
    }
  };

  /* ---------- one answer as it streams in ---------- */
  function Answer(chat) {
    this.chat = chat;
    this.text = "";
    this.finished = false;
    this.number = ++chat.answers;
    this.element = el("div", "msg msg--bot is-thinking");
    this.element.appendChild(chat.avatar());
    this.main = el("div", "msg__main");
    this.bubble = el("div", "msg__bubble");
    this.textElement = el("div", "msg__text");
    var typing = el("span", "typing");
    typing.setAttribute("aria-label", "The bot is thinking");
    typing.appendChild(el("span"));
    typing.appendChild(el("span"));
    typing.appendChild(el("span"));
    this.textElement.appendChild(typing);
    this.bubble.appendChild(this.textElement);
    this.main.appendChild(this.bubble);
    this.element.appendChild(this.main);
    chat.log.appendChild(this.element);
    chat.scroll(true);
  }

  Answer.prototype.sourceId = function (index) {
    return "answer-" + this.number + "-source-" + index;
  };

  Answer.prototype.append = function (token) {
    if (!token) return;
    if (!this.text) {
      this.element.classList.remove("is-thinking");
      this.element.classList.add("is-streaming");
    }
    this.text += token;
    this.render(this.text, null);
    this.chat.scroll(false);
  };

  /* The text with its [n] citations as buttons that open source n (text nodes only). */
  Answer.prototype.render = function (text, sources) {
    var container = this.textElement;
    var known = {};
    (sources || []).forEach(function (source) { known[source.index] = source; });
    container.textContent = "";
    var pattern = /\[(\d{1,3})\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) container.appendChild(document.createTextNode(text.slice(last, match.index)));
      var number = Number(match[1]);
      var source = known[number];
      var cite;
      if (source) {
        cite = el("button", "cite", String(number));
        cite.type = "button";
        cite.dataset.cite = String(number);
        cite.setAttribute("aria-controls", this.sourceId(number));
        cite.setAttribute("aria-expanded", "false");
        cite.setAttribute("aria-label", "Source " + number + ": " + (source.title || "untitled"));
        cite.title = source.title || "";
      } else {
        cite = el("span", "cite cite--static", String(number));
      }
      container.appendChild(cite);
      last = pattern.lastIndex;
    }
    if (last < text.length) container.appendChild(document.createTextNode(text.slice(last)));
  };

  Answer.prototype.notice = function (kind, iconName, title, text) {
    var notice = el("div", "msg__notice msg__notice--" + kind);
    notice.setAttribute("data-notice", kind);
    notice.appendChild(icon(iconName, 14));
    var body = el("div");
    body.appendChild(el("strong", null, title));
    body.appendChild(document.createTextNode(" " + text));
    notice.appendChild(body);
    this.main.appendChild(notice);
  };

  Answer.prototype.finish = function (data) {
    var chat = this.chat;
    this.finished = true;
    var element = this.element;
    element.classList.remove("is-thinking", "is-streaming");
    element.dataset.index = data.index;
    element.dataset.session = data.session_id;
    element.dataset.mode = data.mode || "";
    var sources = data.sources || [];
    this.render(data.response || this.text, sources);
    if (data.replaced) {
      this.notice("replaced", "info", "Draft replaced.",
        "The written answer was not grounded enough in the sources, so the bot gave the fallback message instead.");
    }
    if (data.mode === "retrieval_only") {
      this.notice("retrieval", "alert", "Retrieval only.",
        "Ollama could not be reached, so instead of writing an answer the bot shows the passages that match best.");
    } else if (data.mode === "fallback" && !data.replaced) {
      this.notice("replaced", "info", "Not confident.",
        "No source was relevant enough (threshold " + percent(chat.threshold) + "%), so the bot did not guess.");
    }
    if (data.handoff_offered) {
      this.notice("handoff", "user", "Hand-off offered.",
        "In the widget, the visitor can now ask for a person: the chat becomes a conversation for your team.");
    }
    if (sources.length) this.main.appendChild(this.sourceList(sources));
    this.main.appendChild(this.meta(data));
    chat.scroll(true);
  };

  Answer.prototype.sourceList = function (sources) {
    var answer = this;
    var root = this.chat.root;
    var wrap = el("div", "msg__sources");
    wrap.appendChild(el("div", "sources__label", "Sources"));
    var list = el("ol", "sources");
    list.setAttribute("data-sources", "");
    sources.forEach(function (source) {
      var item = el("li", "source" + (source.cited ? " is-cited" : ""));
      item.dataset.sourceIndex = source.index;
      var bodyId = answer.sourceId(source.index);
      var toggle = el("button", "source__toggle");
      toggle.type = "button";
      toggle.setAttribute("data-source-toggle", "");
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", bodyId);
      toggle.appendChild(el("span", "cite cite--static", String(source.index)));
      toggle.appendChild(el("span", "source__title", source.title || "Untitled"));
      var where = [];
      if (source.section) where.push(source.section);
      if (source.page) where.push("p. " + source.page);
      if (where.length) toggle.appendChild(el("span", "source__where", where.join(" · ")));
      var match = el("span", "source__where", percent(source.score) + "% match");
      match.title = "How well this passage matches the question";
      toggle.appendChild(match);
      var chevron = icon("chevron", 14);
      chevron.setAttribute("class", "icon source__chevron");
      toggle.appendChild(chevron);
      item.appendChild(toggle);

      var body = el("div", "source__body");
      body.id = bodyId;
      body.hidden = true;
      body.appendChild(el("p", "source__snippet", source.snippet || ""));
      var link = answer.sourceUrl(root, source);
      var footer = el("div", "row small");
      if (source.verified) footer.appendChild(el("span", "badge badge--green", "Verified answer"));
      if (link) {
        var anchor = el("a", null, source.source_type === "kb_item" ? "Open the Q&A item" : "Open the document");
        anchor.href = link;
        anchor.appendChild(icon("external", 12));
        footer.appendChild(anchor);
      }
      if (footer.childNodes.length) body.appendChild(footer);
      item.appendChild(body);
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  };

  Answer.prototype.sourceUrl = function (root, source) {
    var template = source.kb_item_id ? root.dataset.kbItemUrl : root.dataset.documentUrl;
    var id = source.kb_item_id || source.document_id;
    if (!template || !id) return "";
    return template.replace(/0\/?$/, String(Number(id)) + "/");
  };

  Answer.prototype.meta = function (data) {
    var meta = el("div", "msg__meta");
    if (data.confidence !== null && data.confidence !== undefined) {
      var value = Number(data.confidence);
      var threshold = this.chat.threshold;
      var tone = value >= Math.max(threshold, 0.6) ? "high" : value >= threshold ? "medium" : "low";
      var meter = el("span", "confidence confidence--" + tone);
      meter.setAttribute("data-confidence", String(value));
      meter.title = "Confidence " + percent(value) + "% (threshold " + percent(threshold) + "%)";
      var track = el("span", "confidence__track");
      var fill = el("span", "confidence__fill");
      fill.style.width = percent(value) + "%";
      var tick = el("span", "confidence__tick");
      tick.style.left = percent(threshold) + "%";
      track.appendChild(fill);
      track.appendChild(tick);
      meter.appendChild(track);
      meter.appendChild(el("span", "confidence__value", percent(value) + "%"));
      meter.appendChild(document.createTextNode("confident"));
      meta.appendChild(meter);
    }
    if (data.mode === "retrieval_only") meta.appendChild(el("span", "badge badge--amber", "Retrieval only"));
    var rating = el("span", "rating");
    rating.setAttribute("role", "group");
    rating.setAttribute("aria-label", "Rate this answer");
    [[1, "up", "Good answer"], [-1, "down", "Bad answer"]].forEach(function (spec) {
      var button = el("button", "rating__button");
      button.type = "button";
      button.dataset.rate = String(spec[0]);
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", spec[2]);
      button.title = spec[2];
      button.appendChild(icon(spec[1], 14));
      rating.appendChild(button);
    });
    meta.appendChild(rating);
    return meta;
  };

  Answer.prototype.fail = function (message) {
    this.finished = true;
    this.element.classList.remove("is-thinking", "is-streaming");
    this.element.classList.add("msg--error");
    this.textElement.textContent = "Could not get an answer: " + message;
  };

  Answer.prototype.stopped = function () {
    this.finished = true;
    this.element.classList.remove("is-thinking", "is-streaming");
    if (!this.text) this.textElement.textContent = "Stopped.";
    this.main.appendChild(el("div", "small subtle", "Stopped before the end. What was written so far is kept in the session."));
  };

  /* ---------- settings pages ---------- */
  function initDocPicker(picker) {
    var filter = picker.querySelector("[data-doc-filter]");
    var count = picker.querySelector("[data-doc-count]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-doc-option]"));
    function update() {
      var selected = options.filter(function (option) { return option.querySelector("input").checked; }).length;
      if (count) count.textContent = selected + " of " + options.length + " selected";
    }
    if (filter) {
      filter.addEventListener("input", function () {
        var query = filter.value.trim().toLowerCase();
        options.forEach(function (option) {
          option.hidden = query !== "" && option.dataset.title.indexOf(query) === -1;
        });
      });
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    picker.addEventListener("change", update);
    update();
  }

  function initRange(output) {
    var input = document.getElementById(output.dataset.rangeOutput);
    if (!input) return;
    var show = function () { output.textContent = percent(input.value) + "%"; };
    input.addEventListener("input", show);
    show();
  }

  /* The settings page's preview follows the name, the greeting and the documents chosen. */
  function initPreview(form) {
    var bind = function (fieldName, selector) {
      var input = form.querySelector("[name=" + fieldName + "]");
      var target = document.querySelector(selector);
      if (!input || !target) return;
      input.addEventListener("input", function () {
        target.textContent = input.value.trim() || target.dataset.placeholder || "";
      });
    };
    bind("name", "[data-preview-name]");
    bind("greeting_message", "[data-preview-greeting]");
    var documents = document.querySelector("[data-preview-documents]");
    if (documents) {
      form.addEventListener("change", function () {
        documents.textContent = form.querySelectorAll("[name=product_documents]:checked").length;
      });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-model]");
    if (!button) return;
    var field = document.querySelector("[data-provider-form] [name=model]");
    if (!field) return;
    field.value = button.dataset.useModel;
    field.focus();
    toast("Default model set to " + button.dataset.useModel + ". Save to keep it.", "info");
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
    }
  });

  function boot(root) {
    root.querySelectorAll("[data-chat]").forEach(function (element) {
      if (!element.chat) element.chat = new Chat(element);
    });
    root.querySelectorAll("[data-doc-picker]").forEach(function (element) {
      if (!element.dataset.ready) { element.dataset.ready = "1"; initDocPicker(element); }
    });
    root.querySelectorAll("[data-bot-form]").forEach(function (element) {
      if (!element.dataset.ready) { element.dataset.ready = "1"; initPreview(element); }
    });
    root.querySelectorAll("[data-range-output]").forEach(function (element) {
      if (!element.dataset.ready) { element.dataset.ready = "1"; initRange(element); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { boot(document); });
})();
