// Content editor's page. Residents' (redacted) messages are shown with textContent, never as HTML.
"use strict";
(function () {
  var csrf = "", intents = [], polling = null;
  var REASONS = { fallback: "ei ymmärretty", low_confidence: "epävarma", handoff: "neuvojalle", feedback_negative: "ei apua" };
  var $ = Neuvokas.$, el = Neuvokas.el, api = Neuvokas.api;

  function loadReview() {
    return api("GET", "/api/editor/review").then(function (res) {
      if (!res.ok) return;
      intents = res.body.intents;
      $("feedback-counts").textContent = "Asukkaiden palaute: 👍 " + res.body.feedback.up + ", 👎 " + res.body.feedback.down;
      var list = $("groups");
      list.textContent = "";
      res.body.groups.forEach(function (group, index) {
        var item = el("li");
        item.appendChild(el("strong", null, group.count + " × "));
        item.appendChild(document.createTextNode("\u201c" + group.text + "\u201d"));
        var reasons = Object.keys(group.reasons).map(function (r) { return (REASONS[r] || r) + " " + group.reasons[r]; }).join(", ");
        item.appendChild(el("p", "status", reasons + (group.suggested_intent ? " · botin arvaus: " + group.suggested_intent : "")));
        if (group.count > 1) {
          var others = el("details");
          others.appendChild(el("summary", null, "Ryhmän viestit"));
          var inner = el("ul");
          group.items.forEach(function (i) { inner.appendChild(el("li", null, i.text + (i.answer ? " (botin vastaus: " + i.answer + ")" : ""))); });
          others.appendChild(inner);
          item.appendChild(others);
        } else if (group.items[0].answer) {
          item.appendChild(el("p", "status", "Botin vastaus: " + group.items[0].answer));
        }
        var label = el("label", null, "Intentti");
        var select = el("select");
        select.id = "intent-" + index;
        label.htmlFor = select.id;
        intents.forEach(function (name) { var o = el("option", null, name); o.value = name; select.appendChild(o); });
        if (group.suggested_intent) select.value = group.suggested_intent;
        item.appendChild(label);
        item.appendChild(select);
        var actions = el("div", "actions");
        [["assign", "Lisää esimerkiksi"], ["out_of_scope", "Ei botin aihetta"], ["dismiss", "Hylkää"]].forEach(function (a) {
          var button = el("button", a[0] === "assign" ? null : "secondary", a[1]);
          button.type = "button";
          button.addEventListener("click", function () {
            api("POST", "/api/editor/review/" + group.id + "/decide", { action: a[0], intent: select.value }).then(function (r) {
              $("review-message").textContent = r.ok ? r.body.message : r.body.error;
              loadReview();
            });
          });
          actions.appendChild(button);
        });
        item.appendChild(actions);
        list.appendChild(item);
      });
      if (!res.body.groups.length) list.appendChild(el("li", null, "Ei tarkistettavia viestejä."));
    });
  }

  function showJob(job) {
    if (!job.command) { $("job-status").textContent = "Ei käynnissä olevaa toimintoa."; return; }
    $("job-status").textContent = job.running ? "Käynnissä: " + job.command + "…" :
      "Valmis: " + job.command + (job.exit_code === 0 ? " (onnistui)" : " (päättyi koodiin " + job.exit_code + ")");
    $("job-output").textContent = job.output.join("\n");
    Array.prototype.forEach.call(document.querySelectorAll("[data-job]"), function (b) { b.disabled = job.running; });
    if (!job.running && polling) { clearInterval(polling); polling = null; loadReport(); loadReview(); }
  }

  function pollJob() {
    api("GET", "/api/editor/jobs/current").then(function (res) { if (res.ok) showJob(res.body); });
  }

  function loadReport() {
    api("GET", "/api/editor/report").then(function (res) {
      var box = $("report");
      box.textContent = "";
      if (!res.ok) return;
      ["candidate", "production"].forEach(function (key) {
        var r = res.body[key];
        if (!r) return;
        box.appendChild(el("h4", null, (key === "candidate" ? "Uusin koulutettu: " : "Tuotannossa: ") + r.model));
        box.appendChild(el("p", null, "Testijoukko n=" + r.n + ", tarkkuus " + r.accuracy.toFixed(3) + ", makro-F1 " + r.macro_f1.toFixed(3) +
          "; hätämerkit " + r.red_flags.caught + "/" + r.red_flags.cases + ", vääriä hälytyksiä " + r.red_flags.false_alarms + "/" + r.red_flags.near_misses));
        var table = el("table");
        var head = el("tr");
        ["Intentti", "Tarkkuus", "Saanti", "F1", "n"].forEach(function (h) { var th = el("th", null, h); th.scope = "col"; head.appendChild(th); });
        table.appendChild(head);
        Object.keys(r.per_intent).sort().forEach(function (name) {
          var m = r.per_intent[name], row = el("tr");
          [name, m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3), m.support].forEach(function (v) { row.appendChild(el("td", null, v)); });
          table.appendChild(row);
        });
        box.appendChild(table);
        var img = el("img");
        img.src = "/api/editor/confusion/" + encodeURIComponent(r.model.replace(".tar.gz", ""));
        img.alt = "Sekaannusmatriisi: rivit oikea intentti, sarakkeet ennustettu intentti (" + r.model + ")";
        img.className = "confusion";
        box.appendChild(img);
      });
    });
  }

  api("GET", "/api/me").then(function (res) {
    if (!res.ok) return;
    csrf = res.body.csrf; Neuvokas.setCsrf(csrf);
    $("who").textContent = res.body.user.display_name || res.body.user.name;
    Array.prototype.forEach.call(document.querySelectorAll("[data-job]"), function (button) {
      button.addEventListener("click", function () {
        var body = { command: button.dataset.job };
        if (body.command === "publish") body.force = $("force").checked;
        api("POST", "/api/editor/jobs", body).then(function (r) {
          if (!r.ok) { $("job-status").textContent = r.body.error; return; }
          showJob(r.body);
          if (!polling) polling = setInterval(pollJob, 1000);
        });
      });
    });
    $("logout").addEventListener("click", function () {
      api("POST", "/api/logout").then(function () { window.location.assign("/login"); });
    });
    loadReview();
    loadReport();
    pollJob();
  });
})();
