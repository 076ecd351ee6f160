// A ticket's status page on a phone: asks the kiosk for the ticket's state every 15 seconds, and
// at once when the phone shows the page again, and updates the page in place (its live region says
// a change politely). Once the service is over the page loads again, to offer the rating.
(function () {
  "use strict";
  var main = document.getElementById("status-main");
  var id = main.getAttribute("data-id");
  var words = main.dataset;
  var timer = null;
  var stopped = false;
  var hint = document.getElementById("status-refresh");
  var updating = hint.textContent;  // "this page updates by itself"

  function $(name) { return document.getElementById(name); }
  // Only what changed is written, so the live region speaks changes, not every answer.
  function put(node, text) { if (node.textContent !== text) { node.textContent = text; } }

  function show(ticket) {
    if (ticket.state === "finished") {
      stopped = true;
      location.reload();
      return;
    }
    var state = $("status-state");
    var text = words[ticket.state] || ticket.state;
    var counter = ticket.state === "called" && ticket.counter != null ? String(ticket.counter) : "";
    if (state.getAttribute("data-shown") !== text + counter) {
      state.setAttribute("data-shown", text + counter);
      state.textContent = text;
      if (counter) {
        state.appendChild(document.createTextNode(" "));
        var strong = document.createElement("strong");
        strong.textContent = counter;
        state.appendChild(strong);
      }
    }
    $("status-waiting").hidden = ticket.state !== "waiting";
    put($("status-ahead"), String(ticket.peopleAhead));
    var minutes = ticket.estimateMinutes;
    put($("status-wait"), minutes ? minutes.from + "–" + minutes.to + " " + words.minutes : words.noEstimate);
    if (ticket.state === "noShow") { stopped = true; }
  }

  function poll() {
    clearTimeout(timer);
    if (stopped) { return; }
    fetch("/api/v1/tickets/" + encodeURIComponent(id), { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (ticket) {
        put(hint, updating);
        show(ticket);
      })
      .catch(function () {
        put(hint, words.offline);
      })
      .then(function () { if (!stopped) { timer = setTimeout(poll, 15000); } });
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  timer = setTimeout(poll, 15000);
})();
