// Staff console: the office's grievances, for triage. The server decides what each role sees
// (staff-conduct grievances reach the office head only; technicians none), so the panel shows
// only when the signed-in officer may triage.
(function () {
  "use strict";
  var console_ = JSON.parse(document.getElementById("console-strings").textContent).grievances;
  var strings = JSON.parse(document.getElementById("grievance-strings").textContent);
  var lang = document.documentElement.lang || "mn";

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }
  function problem(answer) {
    var error = answer.body && answer.body.error;
    if (!error) { return ""; }
    if (error.fields && error.fields.length) {
      return error.fields.map(function (f) { return f.field + ": " + (f.message[lang] || f.message.mn); }).join(" ");
    }
    return error.message ? (error.message[lang] || error.message.mn) : error.code;
  }

  function actionForm(g) {
    var form = el("div", "g-actions");
    var note = el("input", "text-input");
    note.placeholder = console_.note;
    note.maxLength = 500;
    note.setAttribute("data-field", "note");
    var assignee = el("input", "text-input");
    assignee.placeholder = console_.assignee;
    assignee.setAttribute("data-field", "assignee");
    var due = el("input", "text-input");
    due.type = "date";
    due.setAttribute("data-field", "dueOn");
    // Each field with a visible label (a placeholder or a title alone leaves it unnamed once typed in).
    [[console_.note, note], [console_.assignee, assignee], [console_.dueOn, due]].forEach(function (pair) {
      var label = el("label", "g-field");
      label.appendChild(el("span", "g-field-name", pair[0]));
      label.appendChild(pair[1]);
      form.appendChild(label);
    });
    ["acknowledge", "assign", "resolve", "refer"].forEach(function (action) {
      if (action === "acknowledge" && g.state !== "filed") { return; }
      var button = el("button", "secondary", console_[action]);
      button.type = "button";
      button.setAttribute("data-action", action);
      button.addEventListener("click", function () {
        var payload = { action: action };
        if (note.value.trim()) { payload.note = note.value; }
        if (action === "assign") { payload.assignee = assignee.value; }
        if (due.value) { payload.dueOn = due.value; }
        api("POST", "/api/v1/staff/grievances/" + g.trackingCode + "/steps", payload).then(function (answer) {
          $("grievance-error").textContent = answer.status === 200 ? "" : problem(answer);
          if (answer.status === 200) { load(true); }
        });
      });
      form.appendChild(button);
    });
    return form;
  }

  function render(list) {
    var target = $("grievance-list");
    target.textContent = "";
    var openCount = list.filter(function (g) { return g.state !== "resolved" && g.state !== "referred"; }).length;
    $("grievance-count").textContent = openCount ? String(openCount) : "";
    if (!list.length) { target.appendChild(el("li", "hint", console_.none)); }
    list.forEach(function (g) {
      var item = el("li");
      item.setAttribute("data-code", g.trackingCode);
      var head = el("div");
      head.appendChild(el("strong", "mono", g.trackingCode));
      head.appendChild(document.createTextNode(" · " + (strings.categories[g.category] || g.category) + " · "
        + (strings.states[g.state] || g.state) + " · "));
      head.appendChild(el("span", g.overdue ? "overdue" : "", (g.overdue ? console_.overdue : console_.due) + " " + g.dueOn));
      item.appendChild(head);
      item.appendChild(el("p", "g-text", g.text));
      var facts = [];
      if (g.area) { facts.push(console_.area + ": " + g.area); }
      facts.push(console_.contact + ": " + (g.contact ? g.contact.name + ", " + g.contact.phone : console_.anonymous));
      if (g.assignee) { facts.push(console_.assignee + ": " + g.assignee); }
      item.appendChild(el("p", "hint", facts.join(" · ")));
      if (g.steps.length) {
        var steps = el("ol", "g-history");
        g.steps.forEach(function (s) {
          steps.appendChild(el("li", null, new Date(s.at).toLocaleString() + " · " + (strings.actions[s.action] || s.action)
            + " · " + s.staffId + (s.note ? " · " + s.note : "")));
        });
        item.appendChild(steps);
      }
      if (g.state !== "resolved" && g.state !== "referred") { item.appendChild(actionForm(g)); }
      target.appendChild(item);
    });
  }

  // `force` after the officer's own step; otherwise a refresh waits while someone types in the panel.
  function load(force) {
    var all = $("grievance-all").checked;
    api("GET", "/api/v1/staff/grievances" + (all ? "?state=all" : "")).then(function (answer) {
      if (answer.status !== 200) { $("grievance-panel").hidden = true; return; }
      $("grievance-panel").hidden = false;
      // Keep what an officer is typing: only redraw when nobody is in one of the panel's fields.
      var typing = document.activeElement && document.activeElement.tagName === "INPUT"
        && $("grievance-list").contains(document.activeElement);
      if (typing && force !== true) { return; }
      render(answer.body.grievances || []);
    });
  }
  $("grievance-all").addEventListener("change", function () { load(true); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { load(); } });
  $("sign-in-form").addEventListener("submit", function () { setTimeout(load, 500); });
  $("sign-out").addEventListener("click", function () { setTimeout(load, 500); });
  load();
  setInterval(function () { load(false); }, 10000);
})();
