// Staff console: the office head lifts an officer's sign-in lock. Only the head's role allows it
// (the server checks); the panel shows for the head alone.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("console-strings").textContent).locks;
  var lang = document.documentElement.lang || "mn";

  function $(id) { return document.getElementById(id); }

  function show() {
    fetch("/api/v1/staff/session", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status !== 200) { $("locks-panel").hidden = true; return null; }
      return response.json();
    }).then(function (session) {
      if (session) { $("locks-panel").hidden = session.role !== "head"; }
    }).catch(function () { $("locks-panel").hidden = true; });
  }

  $("locks-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var username = $("locks-username").value.trim();
    if (!username) { return; }
    $("locks-result").textContent = "";
    $("locks-result").className = "";
    fetch("/api/v1/staff/accounts/" + encodeURIComponent(username) + "/unlock", {
      method: "POST", credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status === 204) {
        $("locks-result").textContent = strings.lifted.replace("{username}", username);
        $("locks-username").value = "";
        return;
      }
      return response.json().then(function (json) {
        var error = json && json.error;
        $("locks-result").className = "field-error";
        $("locks-result").textContent = error && error.message ? (error.message[lang] || error.message.mn) : String(response.status);
      });
    });
  });

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { show(); } });
  // The console appears after signing in without a page load: look again now and then.
  show();
  setInterval(show, 3000);
})();
