// Staff console: one person's case. Found by registry number, name or reference (or opened from
// the ticket being served); shows what the office holds (details and revisions, profile, plan,
// notes, visits, referrals) and lets officers decide the group, write the plan and add notes.
// The server checks every call (technicians get 403) and records each read and change.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("case-strings").textContent);
  var lang = document.documentElement.lang || "mn";
  var body = document.body;
  var person = body.getAttribute("data-person") || null;
  var current = null;
  var correcting = null;
  var questionnaire = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function words(text) { return text ? (text[lang] || text.mn) : ""; }
  function when(iso) { return iso ? iso.replace("T", " ").slice(0, 16) : ""; }
  function api(method, url, payload) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: payload ? { "Content-Type": "application/json" } : {},
      body: payload ? JSON.stringify(payload) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }
  function problem(answer) {
    var error = answer.body && answer.body.error;
    if (!error) { return strings.errors.unexpected; }
    if (error.fields && error.fields.length) {
      return error.fields.map(function (f) { return (strings.fields[f.field] || f.field) + ": " + words(f.message); }).join(" ");
    }
    return words(error.message) || error.code;
  }
  function refused(answer) {
    if (answer.status === 401) { $("case-problem").textContent = strings.errors.signIn; return true; }
    if (answer.status === 403) { $("case-problem").textContent = problem(answer); return true; }
    return false;
  }

  // ---------- finding a person ----------
  function showPeople(people) {
    var list = $("case-results");
    list.textContent = "";
    if (!people.length) { list.appendChild(el("li", "hint", strings.nobodyFound)); return; }
    people.forEach(function (p) {
      var item = el("li");
      var link = el("a", null, p.displayName + " · " + p.reference + " · " + p.registryNumber);
      link.href = "/staff/cases/" + p.id + "?lang=" + lang;
      item.appendChild(link);
      list.appendChild(item);
    });
  }
  $("case-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("case-problem").textContent = "";
    api("GET", "/api/v1/staff/cases?q=" + encodeURIComponent($("case-q").value)).then(function (answer) {
      if (refused(answer)) { return; }
      if (answer.status !== 200) { $("case-problem").textContent = problem(answer); return; }
      showPeople(answer.body.people);
    });
  });

  // ---------- the case ----------
  function fact(list, name, value) {
    if (value == null || value === "") { return; }
    var row = el("div");
    row.appendChild(el("dt", null, name));
    row.appendChild(el("dd", null, String(value)));
    list.appendChild(row);
  }
  function renderDetails(c) {
    var d = c.details;
    $("case-name").textContent = d.displayName + " · " + d.reference;
    var facts = $("case-facts");
    facts.textContent = "";
    fact(facts, strings.facts.registryNumber, d.registryNumber);
    fact(facts, strings.facts.birthDate, d.birthDate);
    fact(facts, strings.facts.sex, strings.sex[d.sex]);
    fact(facts, strings.facts.phone, d.phone);
    fact(facts, strings.facts.address, d.address);
    fact(facts, strings.facts.education, d.educationCode);
    fact(facts, strings.facts.desired, d.desiredJob || d.desiredOccupationCode);
    fact(facts, strings.facts.experience, d.experienceYears);
    fact(facts, strings.facts.disability, d.hasDisability ? strings.yes : strings.no);
    fact(facts, strings.facts.status, d.status);
    var revisions = $("case-revision-list");
    revisions.textContent = "";
    c.revisions.forEach(function (r) {
      revisions.appendChild(el("li", null, "#" + r.revision + " · " + when(r.at) + " · " + (r.staffId || r.channel) +
        (r.changedFields.length ? " · " + r.changedFields.join(", ") : "")));
    });
  }

  function renderProfile(c) {
    var view = $("profile-view");
    view.textContent = "";
    var p = c.profile;
    $("decision-form").hidden = !p;
    if (!p) { view.appendChild(el("p", "hint", strings.profile.none)); return; }
    var line = el("p");
    line.appendChild(el("span", null, strings.profile.suggested + ": "));
    line.appendChild(el("span", "group-badge", strings.groups[p.suggestedGroup]));
    line.appendChild(el("span", "hint", " · " + strings.profile.score + " " + p.score + " · " + when(p.answeredAt) +
      " · " + (p.answeredBy || strings.profile.atKiosk)));
    line.id = "profile-suggested";
    line.setAttribute("data-group", p.suggestedGroup);
    view.appendChild(line);
    if (p.reasons.length) {
      view.appendChild(el("h3", null, strings.profile.reasons));
      var reasons = el("ul", "reasons");
      reasons.id = "profile-reasons";
      p.reasons.forEach(function (r) { reasons.appendChild(el("li", null, words(r.text))); });
      view.appendChild(reasons);
    }
    var decided = el("p");
    decided.id = "profile-decided";
    if (p.decidedGroup) {
      var last = p.decisions[p.decisions.length - 1];
      decided.setAttribute("data-group", p.decidedGroup);
      decided.appendChild(el("span", null, strings.profile.decided + ": "));
      decided.appendChild(el("span", "group-badge", strings.groups[p.decidedGroup]));
      decided.appendChild(el("span", "hint", " · " + last.staffId + " · " + when(last.at) + (last.reason ? " · " + last.reason : "")));
    } else {
      decided.appendChild(el("span", "hint", strings.profile.notDecided));
    }
    view.appendChild(decided);
    var answers = el("details");
    answers.appendChild(el("summary", null, strings.profile.answers));
    var list = el("dl");
    p.answers.forEach(function (a) { list.appendChild(el("dt", null, words(a.question))); list.appendChild(el("dd", null, words(a.answer))); });
    answers.appendChild(list);
    view.appendChild(answers);
    var groups = $("decision-groups");
    groups.textContent = "";
    var row = el("div", "radio-row");
    row.setAttribute("role", "radiogroup");
    row.setAttribute("aria-label", strings.profile.group);
    ["ready", "medium", "high"].forEach(function (g) {
      var label = el("label");
      var input = el("input");
      input.type = "radio";
      input.name = "decision-group";
      input.value = g;
      input.checked = g === (p.decidedGroup || p.suggestedGroup);
      label.appendChild(input);
      label.appendChild(el("span", null, strings.groups[g]));
      row.appendChild(label);
    });
    groups.appendChild(row);
  }

  function renderCounterQuestions() {
    if (!questionnaire || $("counter-questions").childNodes.length) { return; }
    questionnaire.questions.forEach(function (q) {
      var box = el("div", "counter-question");
      var label = el("label", null, words(q.text));
      label.setAttribute("for", "cq-" + q.id);
      var select = el("select", "text-input");
      select.id = "cq-" + q.id;
      select.setAttribute("data-question", q.id);
      select.appendChild(el("option", null, "—"));
      select.firstChild.value = "";
      q.answers.forEach(function (a) { var o = el("option", null, words(a.text)); o.value = a.id; select.appendChild(o); });
      box.appendChild(label);
      box.appendChild(select);
      $("counter-questions").appendChild(box);
    });
  }

  function renderPlan(c) {
    var select = $("plan-counsellor");
    select.textContent = "";
    c.counsellors.forEach(function (o) { var option = el("option", null, o.name + " (" + o.id + ")"); option.value = o.id; select.appendChild(option); });
    var plan = c.plan;
    $("step-form").hidden = !plan;
    $("plan-print-row").hidden = !plan;
    var steps = $("plan-steps");
    steps.textContent = "";
    if (!plan) { steps.appendChild(el("p", "hint", strings.plan.none)); return; }
    select.value = plan.counsellorId;
    if (document.activeElement !== $("plan-goals")) { $("plan-goals").value = plan.goals; }
    if (!plan.steps.length) { steps.appendChild(el("p", "hint", strings.plan.noSteps)); return; }
    var table = el("table", "figures-table");
    table.id = "plan-step-table";
    var head = el("tr");
    [strings.plan.horizon, strings.plan.dueOn, strings.plan.kind, strings.plan.stepText, strings.plan.status, ""].forEach(function (h) { head.appendChild(el("th", null, h)); });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    plan.steps.forEach(function (s) {
      var row = el("tr");
      row.setAttribute("data-step", s.id);
      row.appendChild(el("td", null, strings.horizons[s.horizon]));
      row.appendChild(el("td", s.overdue ? "step-overdue" : null, s.dueOn + (s.overdue ? " · " + strings.plan.overdue : "")));
      row.appendChild(el("td", null, strings.stepKinds[s.kind]));
      row.appendChild(el("td", null, s.text));
      row.appendChild(el("td", "step-status", strings.stepStatus[s.status]));
      var actions = el("td");
      if (s.status === "planned") {
        ["done", "missed", "cancelled"].forEach(function (status) {
          var b = el("button", "secondary", strings.stepStatus[status]);
          b.type = "button";
          b.setAttribute("data-status", status);
          b.setAttribute("aria-label", strings.stepStatus[status] + ": " + s.text);
          b.addEventListener("click", function () {
            change("POST", "/plan/steps/" + s.id, { status: status }, $("step-error"));
          });
          actions.appendChild(b);
        });
      }
      row.appendChild(actions);
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    steps.appendChild(table);
  }

  function renderNotes(c) {
    var list = $("note-list");
    list.textContent = "";
    var corrected = {};
    c.notes.forEach(function (n) { if (n.corrects) { corrected[n.corrects] = true; } });
    if (!c.notes.length) { list.appendChild(el("li", "hint", strings.notes.none)); }
    c.notes.forEach(function (n) {
      var item = el("li");
      item.setAttribute("data-note", n.id);
      item.appendChild(el("div", "note-meta", strings.noteKinds[n.kind] + " · " + n.staffId + " · " + when(n.at) +
        (n.corrects ? " · " + strings.notes.correction : "")));
      item.appendChild(el("div", corrected[n.id] ? "note-corrected" : null, n.text));
      var fix = el("button", "secondary", strings.notes.correct);
      fix.type = "button";
      fix.setAttribute("aria-label", strings.notes.correct + ": " + when(n.at));
      fix.addEventListener("click", function () {
        correcting = n.id;
        $("note-correcting").hidden = false;
        $("note-correcting").textContent = strings.notes.correcting + " " + when(n.at);
        $("note-text").focus();
      });
      item.appendChild(fix);
      list.appendChild(item);
    });
  }

  function renderVisits(c) {
    var rows = $("visit-rows");
    rows.textContent = "";
    if (!c.visits.length) {
      var none = el("tr");
      var cell = el("td", "hint", strings.visits.none);
      cell.colSpan = 6;
      none.appendChild(cell);
      rows.appendChild(none);
    }
    c.visits.forEach(function (v) {
      var row = el("tr");
      [v.officeDay, v.number, v.serviceCode, v.waitMinutes == null ? "—" : v.waitMinutes + " " + strings.minutes,
        v.counter == null ? "—" : String(v.counter), v.outcome ? (strings.outcomes[v.outcome] || v.outcome) : strings.states[v.state] || v.state]
        .forEach(function (text) { row.appendChild(el("td", null, text)); });
      rows.appendChild(row);
    });
  }

  function renderReferrals(c) {
    $("case-referrals").hidden = !c.referrals.length;
    var list = $("referral-list");
    list.textContent = "";
    c.referrals.forEach(function (r) {
      list.appendChild(el("li", null, when(r.createdAt) + " · " + r.vacancyReference + " · " + r.staffId + (r.note ? " · " + r.note : "")));
    });
  }

  // Appointments and programme referrals, from their own routes; their pages open on this person.
  function fill(list, items, line) {
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", "hint", strings.booked.none)); }
    items.forEach(function (item) { list.appendChild(el("li", null, line(item))); });
  }
  function renderBooked(c) {
    var number = encodeURIComponent(c.details.registryNumber);
    $("booked-book").href = "/staff/appointments?lang=" + lang + "&registryNumber=" + number;
    $("booked-refer").href = "/staff/programmes?lang=" + lang + "&registryNumber=" + number;
    api("GET", "/api/v1/staff/appointments/person/" + c.details.id).then(function (answer) {
      if (answer.status !== 200) { return; }
      fill($("booked-appointments"), answer.body.appointments, function (a) {
        var who = a.staffName || (a.counter ? strings.booked.counter.replace("{n}", a.counter) : "");
        return a.date + " " + a.time + " · " + a.serviceCode + (who ? " · " + who : "") + " · " + (strings.booked.state[a.state] || a.state);
      });
    });
    api("GET", "/api/v1/staff/programmes/referrals/person/" + c.details.id).then(function (answer) {
      if (answer.status !== 200) { return; }
      fill($("booked-programmes"), answer.body.referrals, function (r) {
        var outcome = r.outcome ? " · " + (strings.booked.outcome[r.outcome] || r.outcome) + " " + r.outcomeOn : "";
        return words(r.programmeName) + " · " + strings.booked.referred.replace("{date}", r.referredOn) + outcome;
      });
    });
  }

  function render(c) {
    current = c;
    $("case").hidden = false;
    renderDetails(c);
    renderProfile(c);
    renderCounterQuestions();
    renderPlan(c);
    renderNotes(c);
    renderVisits(c);
    renderReferrals(c);
    renderBooked(c);
  }

  function load(id) {
    person = id;
    api("GET", "/api/v1/staff/cases/" + id).then(function (answer) {
      if (refused(answer)) { return; }
      if (answer.status !== 200) { $("case-problem").textContent = problem(answer); return; }
      render(answer.body);
      askElsewhere();
    });
  }

  // A change answers with the case as it now stands.
  function change(method, path, payload, errorBox, done) {
    errorBox.textContent = "";
    return api(method, "/api/v1/staff/cases/" + person + path, payload).then(function (answer) {
      if (refused(answer)) { return; }
      if (answer.status !== 200 && answer.status !== 201) { errorBox.textContent = problem(answer); return; }
      render(answer.body);
      if (done) { done(); }
    });
  }

  $("decision-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = document.querySelector("input[name=decision-group]:checked");
    change("POST", "/decision", { group: chosen ? chosen.value : null, reason: $("decision-reason").value || null },
      $("decision-error"), function () { $("decision-reason").value = ""; });
  });
  $("counter-profile-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    document.querySelectorAll("#counter-questions select").forEach(function (s) {
      if (s.value) { answers[s.getAttribute("data-question")] = s.value; }
    });
    change("POST", "/profile", { answers: answers, version: questionnaire ? questionnaire.version : null }, $("counter-profile-error"), function () { $("counter-profiling").open = false; });
  });
  $("plan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("PUT", "/plan", { counsellorId: $("plan-counsellor").value, goals: $("plan-goals").value }, $("plan-error"));
  });
  $("step-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("POST", "/plan/steps", {
      horizon: $("step-horizon").value, kind: $("step-kind").value, text: $("step-text").value, dueOn: $("step-due").value || null
    }, $("step-error"), function () { $("step-text").value = ""; $("step-due").value = ""; });
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("POST", "/notes", { kind: $("note-kind").value, text: $("note-text").value, corrects: correcting },
      $("note-error"), function () { $("note-text").value = ""; correcting = null; $("note-correcting").hidden = true; });
  });
  // The person's case at other offices, from the LMIS (a person another office registered).
  function renderElsewhere(summary) {
    var view = $("elsewhere-view");
    var e = strings.elsewhere;
    view.textContent = "";
    if (!summary.found) { view.appendChild(el("p", "hint", e.notFound)); return; }
    var list = el("dl", "figures case-facts");
    fact(list, e.offices, summary.offices.join(", ") || e.none);
    fact(list, e.profile, summary.profile ? strings.groups[summary.profile.group] + " · " + summary.profile.officeCode +
      " · " + when(summary.profile.at) : e.none);
    fact(list, e.plan, summary.plan ? summary.plan.goals + " · " + summary.plan.officeCode + " · " +
      summary.plan.counsellorID : e.none);
    view.appendChild(list);
    if (summary.plan && summary.plan.openSteps.length) {
      var steps = el("ul");
      summary.plan.openSteps.forEach(function (s) {
        steps.appendChild(el("li", null, s.dueOn + " · " + (strings.stepKinds[s.kind] || s.kind) + ": " + s.text));
      });
      view.appendChild(steps);
    }
    view.appendChild(el("h3", null, e.outcomes));
    var outcomes = el("ul");
    if (!summary.lastOutcomes.length) { outcomes.appendChild(el("li", "hint", e.none)); }
    summary.lastOutcomes.forEach(function (o) {
      outcomes.appendChild(el("li", null, when(o.at) + " · " + o.officeCode + " · " + (strings.outcomes[o.outcome] || o.outcome)));
    });
    view.appendChild(outcomes);
  }
  // Asked by itself when a case opens (each ask is a read in the case's access record); the
  // button asks again. History at another office is told at the top of the case.
  function askElsewhere() {
    var status = $("elsewhere-status");
    status.textContent = strings.elsewhere.asking;
    api("GET", "/api/v1/staff/cases/" + person + "/elsewhere").then(function (answer) {
      if (refused(answer)) { status.textContent = ""; return; }
      if (answer.status !== 200) { status.textContent = problem(answer); status.setAttribute("data-status", "error"); return; }
      status.textContent = "";
      status.setAttribute("data-status", "ok");
      renderElsewhere(answer.body);
      var here = $("case-elsewhere").getAttribute("data-office");
      var others = (answer.body.offices || []).filter(function (code) { return code !== here; });
      var notice = $("elsewhere-notice");
      notice.hidden = !others.length;
      notice.textContent = others.length ? strings.elsewhere.notice.replace("{offices}", others.join(", ")) : "";
      $("case-elsewhere").setAttribute("data-other-offices", others.join(","));
    });
  }
  $("elsewhere-ask").addEventListener("click", askElsewhere);

  function print(paper) {
    var status = $("plan-print-status");
    status.textContent = strings.plan.printing;
    api("POST", "/api/v1/staff/cases/" + person + "/plan/print", { paper: paper, language: lang }).then(function (answer) {
      if (refused(answer)) { status.textContent = ""; return; }
      status.textContent = answer.status === 200 ? words(answer.body.message) : problem(answer);
      status.setAttribute("data-status", answer.body.status || "error");
    });
  }
  $("plan-print-a4").addEventListener("click", function () { print("a4"); });
  $("plan-print-receipt").addEventListener("click", function () { print("receipt"); });

  api("GET", "/api/v1/profiling/questionnaire").then(function (answer) {
    if (answer.status === 200) { questionnaire = answer.body; if (current) { renderCounterQuestions(); } }
  });
  var ticket = body.getAttribute("data-ticket");
  if (person) {
    load(person);
  } else if (ticket) {
    api("GET", "/api/v1/staff/cases?ticket=" + encodeURIComponent(ticket)).then(function (answer) {
      if (refused(answer)) { return; }
      if (answer.status !== 200) { $("case-problem").textContent = problem(answer); return; }
      load(answer.body.people[0].id);
    });
  }
})();
