// Login: posts JSON (a cross-site form cannot), then opens the console.
"use strict";
document.getElementById("login").addEventListener("submit", function (event) {
  event.preventDefault();
  var error = document.getElementById("login-error");
  error.textContent = "";
  fetch("/api/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: document.getElementById("username").value,
                           password: document.getElementById("password").value })
  }).then(function (res) {
    return res.json().then(function (body) { return { ok: res.ok, body: body }; });
  }).then(function (res) {
    if (res.ok) { window.location.assign("/"); return; }
    error.textContent = res.body.error || "Kirjautuminen epäonnistui.";
  }).catch(function () { error.textContent = "Yhteys palvelimeen katkesi. Yritä uudelleen."; });
});
