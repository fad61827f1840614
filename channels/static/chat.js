// Neuvokas web chat: plain JavaScript, no third-party code; talks to /webhooks/webchat/webhook.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var statusLine = document.getElementById("status");
  var KEY = "neuvokas.conversation";
  var sender = localStorage.getItem(KEY);
  if (!sender) {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    sender = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    localStorage.setItem(KEY, sender);
  }

  function add(text, who, extraClass) {
    var div = document.createElement("div");
    div.className = "msg " + who + (extraClass ? " " + extraClass : "");
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function addButtons(buttons) {
    var box = document.createElement("div");
    box.className = "buttons";
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      box.appendChild(button);
    });
    log.appendChild(box);
  }

  function show(messages) {
    var emergency = messages.some(function (m) { return m.custom && m.custom.type === "emergency"; });
    messages.forEach(function (m) {
      if (m.text) add(m.text, "bot", emergency ? "emergency" : "");
      if (m.buttons && m.buttons.length) addButtons(m.buttons);
    });
  }

  function send(payload, shown) {
    add(shown || payload, "me");
    statusLine.textContent = "Neuvokas kirjoittaa…";
    fetch("webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: payload })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      statusLine.textContent = "";
      if (res.ok) show(res.body); else add(res.body.error || "Viestiä ei voitu lähettää.", "bot");
    }).catch(function () {
      statusLine.textContent = "Yhteys katkesi. Yritä uudelleen. Hätätilanteessa soita 112.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  add("Hei! Olen Neuvokas. Kerro, miten voin auttaa.", "bot");
})();
