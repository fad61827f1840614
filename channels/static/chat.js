// Neuvokas web chat: plain JavaScript, no third-party code.
// Messages are sent with POST webhook and arrive over Server-Sent Events (events), so the
// server can push (an advisor's reply, queue status). Every message has a stream id: after a
// network drop or a reload the chat asks for what came after the last id it has, and a message
// the resident wrote while offline waits in localStorage until it is delivered.
(function () {
  "use strict";
  var CONVERSATION_KEY = "neuvokas.conversation";
  var PENDING_KEY = "neuvokas.pending";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var statusLine = document.getElementById("status");
  var queueLine = document.getElementById("queue");
  var deleteButton = document.getElementById("delete");
  var conversation = localStorage.getItem(CONVERSATION_KEY);
  var lastId = "0";
  var shown = {};
  var events = null;
  var sending = false;
  var LEVELS = {
    EMERGENCY: "Hätätilanne: soita 112",
    EMERGENCY_DEPT: "Päivystykseen nyt",
    SAME_DAY: "Ota yhteys tänään",
    ROUTINE: "Varaa tavallinen aika",
    SELF_CARE: "Omahoito"
  };

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(PENDING_KEY) || "[]"); } catch (e) { return []; }
  }

  function savePending(list) { localStorage.setItem(PENDING_KEY, JSON.stringify(list)); }

  var problem = false;   // the status line shows a connection problem
  function setStatus(text) { statusLine.textContent = text || ""; problem = false; }
  function setProblem(text) { statusLine.textContent = text; problem = true; }

  // Stream ids are "milliseconds-sequence"; local ids (Redis down) sort after them.
  function order(id) {
    var m = /^(\d+)-(\d+)$/.exec(id || "");
    return m ? [Number(m[1]), Number(m[2])] : [Infinity, 0];
  }

  function before(a, b) {
    var x = order(a), y = order(b);
    return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // --- rendering -------------------------------------------------------------------------------
  function telHref(phone) { return "tel:" + String(phone).replace(/[^+\d]/g, ""); }

  function card(item) {
    var li = el("li", "card");
    li.appendChild(el("h3", "", item.name));
    if (item.demo) li.appendChild(el("span", "badge", "Demotieto"));
    if (item.address) li.appendChild(el("p", "", item.address + (item.municipality && item.address.indexOf(item.municipality) < 0 ? ", " + item.municipality : "")));
    if (item.stop) li.appendChild(el("p", "", "Pysäkki " + item.stop.date.split("-").reverse().join(".") + " klo " + item.stop.from + "–" + item.stop.to));
    var status = item.status || (item.open_now ? "Auki nyt" : "");
    if (status) li.appendChild(el("p", item.open_now ? "open" : "closed", status));
    if (item.distance_km !== null && item.distance_km !== undefined) {
      li.appendChild(el("p", "", "Etäisyys noin " + String(item.distance_km).replace(".", ",") + " km"));
    }
    var links = el("p", "links");
    if (item.phone) {
      var tel = el("a", "", "Soita " + item.phone);
      tel.href = telHref(item.phone);
      links.appendChild(tel);
    }
    if (typeof item.latitude === "number" && typeof item.longitude === "number") {
      var map = el("a", "", "Kartta");
      map.href = "https://www.openstreetmap.org/?mlat=" + item.latitude + "&mlon=" + item.longitude + "#map=16/" + item.latitude + "/" + item.longitude;
      map.target = "_blank";
      map.rel = "noopener noreferrer";
      map.setAttribute("aria-label", "Kartta: " + item.name + " (avautuu uuteen ikkunaan)");
      links.appendChild(map);
    }
    if (item.url && /^https?:\/\//.test(item.url)) {
      var web = el("a", "", "Verkkosivu");
      web.href = item.url;
      web.target = "_blank";
      web.rel = "noopener noreferrer";
      web.setAttribute("aria-label", "Verkkosivu: " + item.name + " (avautuu uuteen ikkunaan)");
      links.appendChild(web);
    }
    if (links.childNodes.length) li.appendChild(links);
    return li;
  }

  function renderCustom(node, custom) {
    if (!custom || typeof custom !== "object") return;
    if (custom.type === "services" && Array.isArray(custom.items) && custom.items.length) {
      var list = el("ul", "cards");
      list.setAttribute("aria-label", "Palvelut");
      custom.items.forEach(function (item) { list.appendChild(card(item)); });
      node.appendChild(list);
    } else if (custom.type === "emergency") {
      node.classList.add("emergency");
      node.setAttribute("role", "alert");
      var call = el("a", "call", "Soita " + (custom.number || "112"));
      call.href = telHref(custom.number || "112");
      node.appendChild(call);
    } else if (custom.type === "triage" && custom.state === "result" && LEVELS[custom.level]) {
      node.insertBefore(el("p", "level level-" + custom.level, LEVELS[custom.level]), node.childNodes[1] || null);
    } else if (custom.type === "handoff") {
      showQueue(custom);
    } else if (custom.type === "ask_location" && navigator.geolocation) {
      var box = el("div", "buttons");
      var here = el("button", "", "📍 Käytä sijaintiani");
      here.type = "button";
      here.addEventListener("click", shareLocation);
      box.appendChild(here);
      node.appendChild(box);
    }
  }

  function showQueue(custom) {
    var text = "";
    if (custom.state === "queued") {
      text = "Olet jonossa neuvojalle" + (custom.position ? ", sijalla " + custom.position : "") + "." +
        (custom.estimated_wait_min !== undefined && custom.estimated_wait_min !== null ? " Arvioitu odotus noin " + custom.estimated_wait_min + " min." : "");
    } else if (custom.state === "connected") {
      text = "Neuvoja on nyt mukana keskustelussa.";
    }
    queueLine.textContent = text;
    queueLine.hidden = !text;
  }

  function renderButtons(node, buttons) {
    var box = el("div", "buttons");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Vastausvaihtoehdot");
    buttons.forEach(function (b) {
      var button = el("button", "", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        disableOldButtons();
        send({ message: b.payload, shown: b.title });
        input.focus();
      });
      box.appendChild(button);
    });
    node.appendChild(box);
  }

  function disableOldButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".buttons button"), function (b) { b.disabled = true; });
  }

  function render(item) {
    if (!item || !item.id || shown[item.id]) return;
    shown[item.id] = true;
    if (item.role === "user" && item.client_id) {
      var waiting = log.querySelector('[data-client-id="' + item.client_id + '"]');
      if (waiting) waiting.remove();
    }
    var who = { user: "Sinä", bot: "Neuvokas", advisor: "Neuvoja (ihminen)", system: "Ilmoitus" }[item.role] || "Neuvokas";
    if (item.role === "advisor" && item.name) who = "Neuvoja (ihminen): " + item.name;
    var node = el("div", "msg " + (item.role === "user" ? "me" : item.role || "bot"));
    node.dataset.id = item.id;
    node.appendChild(el("span", "who", who));
    if (item.text) node.appendChild(el("p", "", item.text));
    if (item.role !== "user") {
      if (item.buttons && item.buttons.length) {
        disableOldButtons();
        renderButtons(node, item.buttons);
      } else if (item.role === "bot" && item.text) {
        disableOldButtons();
      }
      renderCustom(node, item.custom);
    }
    if (!node.querySelector("p, ul, a, .buttons")) return;
    var next = null;
    Array.prototype.some.call(log.querySelectorAll(".msg[data-id]"), function (other) {
      if (before(item.id, other.dataset.id)) { next = other; return true; }
      return false;
    });
    log.insertBefore(node, next);
    if (before(lastId, item.id) && /^\d+-\d+$/.test(item.id)) lastId = item.id;
    scrollDown();
  }

  function renderWaiting(entry) {
    var node = el("div", "msg me pending");
    node.dataset.clientId = entry.client_id;
    node.appendChild(el("span", "who", "Sinä"));
    node.appendChild(el("p", "", entry.shown || entry.message));
    node.appendChild(el("span", "note", "lähetetään…"));
    log.appendChild(node);
    scrollDown();
  }

  // --- conversation and live stream ------------------------------------------------------------
  function newConversation() {
    return fetch("session", { method: "POST" }).then(function (r) {
      if (!r.ok) throw new Error("session");
      return r.json();
    }).then(function (body) {
      conversation = body.conversation;
      localStorage.setItem(CONVERSATION_KEY, conversation);
      return conversation;
    });
  }

  function ensureConversation() {
    return conversation ? Promise.resolve(conversation) : newConversation();
  }

  function connect() {
    if (events) events.close();
    if (!window.EventSource || !conversation) return;
    events = new EventSource("events?conversation=" + encodeURIComponent(conversation) + "&after=" + encodeURIComponent(lastId));
    events.onopen = function () { if (problem) setStatus(""); flush(); };
    events.onmessage = function (event) {
      try { render(JSON.parse(event.data)); } catch (e) { /* a malformed event is skipped */ }
    };
    events.addEventListener("unavailable", function () {
      events.close();
      setTimeout(connect, 5000);
    });
    events.onerror = function () {
      if (events.readyState === EventSource.CLOSED) {
        setProblem("Yhteys katkesi. Yhdistetään uudelleen…");
        setTimeout(function () {
          ensureConversation().then(connect).catch(function () { setTimeout(connect, 3000); });
        }, 3000);
      } else if (!navigator.onLine) {
        setProblem("Ei verkkoyhteyttä. Viestisi lähetetään, kun yhteys palaa.");
      }
    };
  }

  // --- sending ---------------------------------------------------------------------------------
  function send(entry) {
    entry.client_id = randomId();
    var list = pending();
    list.push(entry);
    savePending(list);
    renderWaiting(entry);
    flush();
  }

  var retries = {};        // client id -> resends after a 409, 429 or 5xx

  function flush() {
    if (sending) return;
    var list = pending();
    if (!list.length) return;
    sending = true;
    var entry = list[0];
    setStatus("Neuvokas kirjoittaa…");
    ensureConversation().then(function () {
      var body = { conversation: conversation, message: entry.message || "", client_id: entry.client_id };
      if (entry.shown) body.shown = entry.shown;
      if (entry.location) body.location = entry.location;
      return fetch("webhook", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    }).then(function (r) {
      var wait = parseInt(r.headers.get("Retry-After") || "0", 10);
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body, wait: wait }; });
    }).then(function (res) {
      sending = false;
      var busy = res.status === 409 || res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504;
      if (busy && (retries[entry.client_id] || 0) < 8) {
        // Too fast, still being answered, or a server being replaced: the message stays and is resent.
        retries[entry.client_id] = (retries[entry.client_id] || 0) + 1;
        setProblem((res.body && res.body.error) || "Palvelu on hetken ruuhkautunut. Viestisi lähetetään uudelleen. Hätätilanteessa soita 112.");
        setTimeout(flush, res.wait > 0 ? res.wait * 1000 : Math.min(15000, 1000 * Math.pow(2, retries[entry.client_id])));
        return;
      }
      delete retries[entry.client_id];
      if (res.status === 403) {           // the conversation id is no longer valid: start a new one
        conversation = null;
        localStorage.removeItem(CONVERSATION_KEY);
        flush();
        return;
      }
      savePending(pending().filter(function (p) { return p.client_id !== entry.client_id; }));
      if (res.status >= 200 && res.status < 300) {
        var answer = null;
        (res.body.messages || []).forEach(function (m) {
          if (m.role === "user") m.client_id = entry.client_id;
          render(m);
          if (m.role === "bot" && m.text && !(m.buttons && m.buttons.length) &&
              !(m.custom && m.custom.type === "emergency")) answer = m;
        });
        if (answer) askFeedback(answer.id);
        setStatus("");
      } else {
        var waiting = log.querySelector('[data-client-id="' + entry.client_id + '"]');
        if (waiting) waiting.remove();
        render({ id: "local-error-" + entry.client_id, role: "system", text: (res.body && res.body.error) || "Viestiä ei voitu lähettää. Hätätilanteessa soita 112." });
        setStatus("");
      }
      flush();
    }).catch(function () {
      sending = false;
      setProblem("Yhteys katkesi. Viestisi lähetetään, kun yhteys palaa. Hätätilanteessa soita 112.");
      setTimeout(flush, 3000);
    });
  }

  // "Oliko vastauksesta apua?": thumbs under the bot's answer; a "no" goes to the editors' review list.
  function askFeedback(id) {
    var node = log.querySelector('.msg[data-id="' + id + '"]');
    if (!node || node.querySelector(".feedback")) return;
    var box = el("div", "feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Oliko vastauksesta apua?");
    box.appendChild(el("span", "", "Oliko vastauksesta apua?"));
    [[true, "👍", "Vastauksesta oli apua"], [false, "👎", "Vastauksesta ei ollut apua"]].forEach(function (choice) {
      var button = el("button", "", choice[1]);
      button.type = "button";
      button.setAttribute("aria-label", choice[2]);
      button.addEventListener("click", function () {
        box.textContent = "Kiitos palautteesta!";
        fetch("feedback", { method: "POST", headers: { "Content-Type": "application/json" },
                            body: JSON.stringify({ conversation: conversation, message: id, helpful: choice[0] }) })
          .catch(function () { /* feedback is optional */ });
      });
      box.appendChild(button);
    });
    node.appendChild(box);
  }

  function shareLocation() {
    navigator.geolocation.getCurrentPosition(function (position) {
      send({ message: "", shown: "Sijainti jaettu",
             location: { latitude: position.coords.latitude, longitude: position.coords.longitude } });
    }, function () {
      setStatus("Sijaintia ei saatu. Kerro kuntasi tai postinumerosi.");
    }, { timeout: 10000, maximumAge: 600000 });
  }

  function deleteConversation() {
    if (!conversation) return;
    if (!window.confirm("Poistetaanko koko keskustelusi? Tätä ei voi perua.")) return;
    fetch("delete", { method: "POST", headers: { "Content-Type": "application/json" },
                      body: JSON.stringify({ conversation: conversation }) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { setStatus(res.body.error || "Poistaminen epäonnistui. Yritä uudelleen."); return; }
        if (events) events.close();
        Array.prototype.forEach.call(log.querySelectorAll(".msg[data-id], .msg.pending"), function (n) { n.remove(); });
        shown = {};
        lastId = "0";
        savePending([]);
        queueLine.hidden = true;
        conversation = res.body.conversation;
        localStorage.setItem(CONVERSATION_KEY, conversation);
        setStatus(res.body.message);
        connect();
        input.focus();
      })
      .catch(function () { setStatus("Poistaminen epäonnistui, koska yhteys katkesi. Yritä uudelleen."); });
  }

  // --- wiring ----------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { setStatus("Kirjoita ensin viesti."); return; }
    input.value = "";
    send({ message: text });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  deleteButton.addEventListener("click", deleteConversation);
  window.addEventListener("online", function () { flush(); if (!events || events.readyState === EventSource.CLOSED) connect(); });
  window.addEventListener("offline", function () { setProblem("Ei verkkoyhteyttä. Viestisi lähetetään, kun yhteys palaa."); });

  pending().forEach(renderWaiting);
  ensureConversation().then(function () { connect(); flush(); }).catch(function () {
    setProblem("Palvelimeen ei saada yhteyttä. Yritä hetken päästä uudelleen. Hätätilanteessa soita 112.");
    setTimeout(function () { ensureConversation().then(function () { connect(); flush(); }); }, 5000);
  });
})();
