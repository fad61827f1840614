// Advisor console. Everything a resident wrote is put on the page with textContent, never as HTML.
// Live: a Server-Sent Events stream of queue changes; on each, the queue (and the open chat) reload.
"use strict";
(function () {
  var me = null, csrf = "", teams = {}, current = null, currentChat = null, pending = null;
  var LEVELS = { EMERGENCY: "Hätä", EMERGENCY_DEPT: "Päivystys heti", SAME_DAY: "Saman päivän aikana",
                 ROUTINE: "Kiireetön", SELF_CARE: "Omahoito" };
  var CHANNELS = { webchat: "verkkochat", neuvokas_telegram: "Telegram", rest: "REST" };
  var PAYLOADS = { handoff: "jonotilanne", services: "palvelukortit", triage: "arvion tiedot", emergency: "hätäohje", ask_location: "sijaintipyyntö" };
  var WHO = { resident: "Asukas", bot: "Botti", advisor: "Neuvoja", system: "Ilmoitus" };
  var OUTCOMES = { advice_given: "Neuvottu", referred_to_service: "Ohjattu palveluun", appointment_booked: "Aika varattu",
                   callback_arranged: "Soittopyyntö sovittu", emergency_guided: "Ohjattu hätänumeroon", no_contact: "Ei yhteyttä" };

  var $ = Neuvokas.$, el = Neuvokas.el, api = Neuvokas.api;
  function waited(since, now) {
    var s = Math.max(0, Math.round(now - since)), m = Math.floor(s / 60);
    return m + " min " + (s % 60) + " s";
  }
  function showError(text) { $("chat-error").textContent = text || ""; }

  function renderQueue(data) {
    var queues = $("queues");
    queues.textContent = "";
    Object.keys(data.teams).forEach(function (team) {
      var t = data.teams[team];
      var head = el("h3", null, t.name + " – jonossa " + t.waiting_total + (t.open ? "" : " (suljettu)") +
                    ", neuvojia paikalla " + t.advisors_online);
      var list = el("ul", "list");
      list.setAttribute("aria-label", t.name + ": jono");
      t.waiting.forEach(function (chat) {
        var item = el("li");
        item.dataset.chat = chat.id;
        var line = el("div");
        line.appendChild(el("span", "level " + (chat.level || ""), chat.position + ". " + (LEVELS[chat.level] || "Ei arviota")));
        line.appendChild(document.createTextNode(" · " + (CHANNELS[chat.channel] || chat.channel) + " · " +
                                                 (chat.municipality || "kunta ei tiedossa") + " · odottanut "));
        var wait = el("span", "waited", waited(chat.enqueued_at, Date.now() / 1000));
        wait.dataset.since = chat.enqueued_at;
        line.appendChild(wait);
        item.appendChild(line);
        item.appendChild(el("p", "summary", chat.summary || "Ei yhteenvetoa."));
        var take = el("button", "claim", "Ota keskustelu");
        take.type = "button";
        take.setAttribute("aria-label", "Ota keskustelu " + chat.position + ", " + (LEVELS[chat.level] || "ei arviota"));
        take.addEventListener("click", function () { claim(chat.id); });
        item.appendChild(take);
        list.appendChild(item);
      });
      if (!t.waiting.length) list.appendChild(el("li", null, "Jono on tyhjä."));
      queues.appendChild(head);
      queues.appendChild(list);
    });
    var claimed = $("claimed");
    claimed.textContent = "";
    data.claimed.forEach(function (chat) {
      var item = el("li");
      item.dataset.chat = chat.id;
      item.appendChild(el("span", "level " + (chat.level || ""), LEVELS[chat.level] || "Ei arviota"));
      item.appendChild(document.createTextNode(" · " + (CHANNELS[chat.channel] || chat.channel) + " · " +
                                               (chat.advisor === me.name ? "sinulla" : "neuvojalla " + chat.advisor_name)));
      if (chat.advisor === me.name) {
        var open = el("button", "open secondary", "Avaa");
        open.type = "button";
        open.addEventListener("click", function () { openChat(chat.id); });
        item.appendChild(el("br"));
        item.appendChild(open);
      }
      claimed.appendChild(item);
    });
    if (!data.claimed.length) claimed.appendChild(el("li", null, "Ei keskusteluja käsittelyssä."));
    var callbacks = $("callbacks");
    callbacks.textContent = "";
    data.callbacks.forEach(function (cb) {
      var item = el("li");
      item.appendChild(el("strong", null, cb.phone));
      item.appendChild(document.createTextNode(" · " + (teams[cb.team] || cb.team) + (cb.preferred_time ? " · toive: " + cb.preferred_time : "")));
      item.appendChild(el("p", "summary", cb.summary || ""));
      var done = el("button", "secondary", "Merkitse hoidetuksi");
      done.type = "button";
      done.addEventListener("click", function () {
        api("POST", "/api/callbacks/" + encodeURIComponent(cb.id) + "/done").then(refresh);
      });
      item.appendChild(done);
      callbacks.appendChild(item);
    });
    if (!data.callbacks.length) callbacks.appendChild(el("li", null, "Ei avoimia soittopyyntöjä."));
  }

  function refresh() {
    return api("GET", "/api/queue").then(function (res) { if (res.ok) renderQueue(res.body); });
  }
  function scheduleRefresh() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); if (current) openChat(current, true); }, 150);
  }

  function claim(id) {
    showError("");
    api("POST", "/api/chats/" + id + "/claim").then(function (res) {
      if (!res.ok) { showError(res.body.error); refresh(); return; }
      refresh();
      openChat(id);
    });
  }

  var openSeq = 0;
  function openChat(id, quiet) {
    var seq = ++openSeq;
    if (!quiet) current = id;  // a live refresh from now on reloads this chat, not the one before
    return api("GET", "/api/chats/" + id).then(function (res) {
      if (seq !== openSeq) return;  // a newer request for the chat view has been made
      if (!res.ok) { if (!quiet) showError(res.body.error); return; }
      current = id;
      currentChat = res.body.chat;
      var chat = res.body.chat, section = $("chat-section");
      section.hidden = false;
      $("chat-title").textContent = "Keskustelu – " + (teams[chat.team] || chat.team);
      $("chat-meta").textContent = (LEVELS[chat.level] || "Ei arviota") + " · " + (CHANNELS[chat.channel] || chat.channel) +
        " · " + (chat.municipality || "kunta ei tiedossa") + " · tila: " +
        ({ queued: "jonossa", claimed: "käsittelyssä", closed: "päättynyt" }[chat.state] || chat.state);
      $("chat-summary").textContent = chat.summary || "";
      var log = $("transcript"), atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
      log.textContent = "";
      if (!res.body.bot_part_available) log.appendChild(el("p", "msg system", "Botin osuutta keskustelusta ei juuri nyt saatu."));
      res.body.transcript.forEach(function (m) {
        var node = el("div", "msg " + m.role);
        var who = WHO[m.role] || m.role;
        if (m.role === "advisor" && m.author) who += " " + m.author;
        if (m.part === "bot" && m.role === "resident") who += " (botille)";
        node.appendChild(el("span", "who", who + " · " + new Date(m.at * 1000).toLocaleTimeString("fi-FI")));
        var shown = m.text || "";
        if (m.part === "bot" && m.role === "resident" && shown.charAt(0) === "/") shown = "[painike: " + shown.slice(1).split("{")[0] + "]";
        if (!shown && m.payload) shown = "[" + (PAYLOADS[m.payload] || m.payload) + "]";
        node.appendChild(document.createTextNode(shown));
        log.appendChild(node);
      });
      if (atBottom || !quiet) log.scrollTop = log.scrollHeight;
      var mine = chat.state === "claimed" && chat.advisor === me.name;
      ["reply", "send", "canned", "close", "return", "release", "outcome"].forEach(function (name) { $(name).disabled = !mine; });
      $("transfer").disabled = chat.state === "closed" || (chat.state === "claimed" && !mine);
      if (!quiet) $("reply").focus();
    });
  }

  function act(path, body, after) {
    if (!current) return;
    showError("");
    api("POST", "/api/chats/" + current + path, body).then(function (res) {
      if (!res.ok) { showError(res.body.error); return; }
      if (after) after(res.body);
      refresh();
      openChat(current, true);
    });
  }

  function setup(data) {
    me = data.user; csrf = data.csrf; Neuvokas.setCsrf(csrf); teams = data.teams;
    $("who").textContent = (me.display_name || me.name) + " · " + me.teams.map(function (t) { return teams[t] || t; }).join(", ");
    data.canned.forEach(function (c, i) { var o = el("option", null, c.title); o.value = String(i); $("canned").appendChild(o); });
    $("canned").addEventListener("change", function () {
      var c = data.canned[Number(this.value)];
      if (c) { $("reply").value = c.text; $("reply").focus(); }
    });
    Object.keys(teams).forEach(function (t) { var o = el("option", null, teams[t]); o.value = t; $("transfer-team").appendChild(o); });
    data.outcomes.forEach(function (o) { var n = el("option", null, OUTCOMES[o] || o); n.value = o; $("outcome").appendChild(n); });
    $("reply-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("reply").value.trim();
      if (!text) return;
      act("/reply", { text: text }, function () { $("reply").value = ""; $("canned").value = ""; });
    });
    $("reply").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("reply-form").requestSubmit(); }
    });
    $("transfer").addEventListener("click", function () { act("/transfer", { team: $("transfer-team").value }); });
    $("close").addEventListener("click", function () { act("/close", { outcome: $("outcome").value }); });
    $("return").addEventListener("click", function () { act("/return"); });
    $("release").addEventListener("click", function () { act("/release"); });
    $("logout").addEventListener("click", function () {
      api("POST", "/api/logout").then(function () { window.location.assign("/login"); });
    });
    setInterval(function () {
      var now = Date.now() / 1000;
      Array.prototype.forEach.call(document.querySelectorAll(".waited"), function (node) {
        node.textContent = waited(Number(node.dataset.since), now);
      });
    }, 1000);
    connect();
    refresh();
  }

  function connect() {
    var source = new EventSource("/api/events");
    source.addEventListener("ready", function () { $("live").textContent = "Reaaliaikainen yhteys päällä."; });
    source.onmessage = function (event) {
      try { JSON.parse(event.data); } catch (e) { return; }
      scheduleRefresh();
    };
    source.addEventListener("unavailable", function () { $("live").textContent = "Jono ei vastaa, yritetään uudelleen…"; });
    source.onerror = function () { $("live").textContent = "Yhteys katkesi, yhdistetään uudelleen…"; };
  }

  api("GET", "/api/me").then(function (res) { if (res.ok) setup(res.body); }).catch(function () {});
})();
