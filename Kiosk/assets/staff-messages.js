// The console's text messages page: the modem's state, replies for staff to read, what was sent
// by kind, and a person's consent told at the desk. Officers and the head (`readMessages`).
(function () {
  "use strict";
  var T = window.CaseTools;
  var $ = T.$, el = T.el;
  var page = T.strings.page;

  function yesNo(value) { return value ? page.yes : page.no; }
  // An instant in the office's time zone, `YYYY-MM-DD HH:MM`.
  var local = new Intl.DateTimeFormat("sv-SE", {
    timeZone: document.body.getAttribute("data-time-zone") || undefined,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
  });
  function when(iso) { return local.format(new Date(iso)); }
  function fact(list, name, value) {
    var row = el("div");
    row.appendChild(el("dt", null, name));
    row.appendChild(el("dd", null, value));
    list.appendChild(row);
  }
  function render(o) {
    var modem = $("modem-state");
    modem.textContent = "";
    fact(modem, page.route, page.routes[o.route] || o.route);
    fact(modem, page.queued, String(o.queued));
    if (o.modem) {
      fact(modem, page.daemon, yesNo(o.modem.daemonRunning));
      fact(modem, page.present, yesNo(o.modem.modemPresent));
      fact(modem, page.sim, yesNo(o.modem.simReady));
      fact(modem, page.network, yesNo(o.modem.onNetwork));
      if (o.modem.signalPercent != null) { fact(modem, page.signal, o.modem.signalPercent + " %"); }
      fact(modem, page.waiting, String(o.modem.waiting));
      fact(modem, page.errors, String(o.modem.errors));
    }
    var replies = $("replies-rows");
    replies.textContent = "";
    if (!o.replies.length) {
      var none = el("tr");
      var cell = el("td", "hint", page.noReplies);
      cell.colSpan = 3;
      none.appendChild(cell);
      replies.appendChild(none);
    }
    o.replies.forEach(function (r) {
      var row = el("tr");
      [when(r.receivedAt), r.phone, r.text].forEach(function (v) { row.appendChild(el("td", null, v)); });
      replies.appendChild(row);
    });
    var kinds = $("kinds-rows");
    kinds.textContent = "";
    o.kinds.forEach(function (k) {
      var row = el("tr");
      row.setAttribute("data-kind", k.kind);
      row.appendChild(el("th", null, page.kindNames[k.kind] || k.kind)).setAttribute("scope", "row");
      [k.messages, k.parts, k.delivered, k.failed].forEach(function (v) { row.appendChild(el("td", null, String(v))); });
      kinds.appendChild(row);
    });
  }
  function load() {
    T.api("GET", "/api/v1/staff/messages").then(function (a) {
      if (!a.ok) { $("messages-problem").textContent = T.problem(a); return; }
      render(a.body);
    });
  }
  $("consent-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("consent-status").textContent = "";
    var granted = document.querySelector("input[name=consent-granted]:checked").value === "yes";
    T.api("POST", "/api/v1/staff/messages/consent",
      { phone: $("consent-phone").value.trim(), kind: $("consent-kind").value, granted: granted }).then(function (a) {
      $("consent-status").textContent = a.ok ? page.saved : T.problem(a);
    });
  });
  load();
})();
