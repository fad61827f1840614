// Shared by the console's pages: DOM helpers and the API call (CSRF header, back to login on 401).
"use strict";
window.Neuvokas = (function () {
  var state = { csrf: "" };
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (method !== "GET") {
      options.headers["X-CSRF-Token"] = state.csrf;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (res) {
      if (res.status === 401) { window.location.assign("/login"); throw new Error("login"); }
      return res.json().then(function (data) { return { ok: res.ok, status: res.status, body: data }; });
    });
  }
  return { $: $, el: el, api: api, setCsrf: function (token) { state.csrf = token; } };
})();
