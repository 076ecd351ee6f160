// Staff console: sign in at a counter, call and serve tickets, see who waits and today's figures.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("console-strings").textContent);
  var errors = JSON.parse(document.getElementById("queue-error-strings").textContent);
  var services = JSON.parse(document.getElementById("services").textContent);
  var session = null;
  var refreshTimer = null;

  function $(id) { return document.getElementById(id); }
  function serviceName(code) {
    var found = services.filter(function (s) { return s.code === code; })[0];
    return found ? found.name : code;
  }
  function message(answer) {
    var error = answer.body && answer.body.error;
    if (!error) { return ""; }
    var node = errors;
    error.code.split(".").forEach(function (part) { node = node && node[part]; });
    return typeof node === "string" ? node : (error.message && (error.message.mn || error.message.en)) || error.code;
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      if (response.status === 204) { return { status: 204, body: {} }; }
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }
  function minutes(seconds) {
    return seconds == null ? "—" : Math.round(seconds / 60) + " " + strings.minutes;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  function showConsole(s) {
    session = s;
    // Signed in, the counter's work comes first on the page (kiosk.css: `.staff.signed-in`).
    document.body.classList.add("signed-in");
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("console-name").textContent = s.displayName;
    $("console-counter").textContent = String(s.counter);
    // A technician watches the board, printers and the LMIS link; serving people is not theirs.
    var serves = s.role !== "technician";
    $("call-next").hidden = !serves;
    $("matches-panel").hidden = !serves;
    $("proof-panel").hidden = !serves;
    $("dashboard-link").hidden = !serves;
    $("employers-link").hidden = !serves;
    refresh();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(refresh, 2000);
  }

  function showSignIn() {
    session = null;
    clearInterval(refreshTimer);
    document.body.classList.remove("signed-in");
    $("console").hidden = true;
    $("sign-in").hidden = false;
  }

  $("sign-in-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    api("POST", "/api/v1/staff/sessions", {
      username: $("username").value.trim(), pin: $("pin").value, counter: parseInt($("counter").value, 10)
    }).then(function (answer) {
      $("pin").value = "";
      if (answer.status === 201) { showConsole(answer.body); } else { $("sign-in-error").textContent = message(answer); }
    });
  });

  $("sign-out").addEventListener("click", function () {
    api("DELETE", "/api/v1/staff/sessions").then(showSignIn);
  });

  $("call-next").addEventListener("click", function () {
    $("console-error").textContent = "";
    api("POST", "/api/v1/counters/" + session.counter + "/call-next").then(function (answer) {
      if (answer.status !== 200) { $("console-error").textContent = message(answer); }
      refresh();
    });
  });

  function act(ticket, action, body) {
    $("console-error").textContent = "";
    api("POST", "/api/v1/tickets/" + ticket.id + "/" + action, body).then(function (answer) {
      if (answer.status === 401) { return showSignIn(); }
      if (answer.status !== 200) { $("console-error").textContent = message(answer); }
      refresh();
    });
  }

  function button(label, handler, secondary, name) {
    var b = el("button", "big-button" + (secondary ? " secondary" : "") + (name ? " " + name : ""), label);
    b.type = "button";
    b.addEventListener("click", handler);
    return b;
  }

  function renderTicket(ticket) {
    var card = el("div", "ticket-card");
    card.setAttribute("data-ticket", ticket.number);
    card.appendChild(el("div", "ticket-number", ticket.number));
    card.appendChild(el("div", "ticket-service", serviceName(ticket.serviceCode) +
      (ticket.priority ? " · " + strings.priority : "")));
    var actions = el("div", "ticket-actions");
    if (ticket.state === "called") {
      actions.appendChild(button(strings.start, function () { act(ticket, "start"); }, false, "start"));
      actions.appendChild(button(strings.recall, function () { act(ticket, "recall"); }, true, "recall"));
      var noShow = [
        button(strings.noShow, function () { act(ticket, "no-show", { backToQueue: false }); }, true, "no-show"),
        button(strings.noShowBack, function () { act(ticket, "no-show", { backToQueue: true }); }, true, "no-show-back")
      ];
      noShow.forEach(function (b) { actions.appendChild(b); });
      graceCountdown(card, noShow, ticket.noShowInSeconds);
    }
    if (ticket.state === "called" || ticket.state === "serving") {
      // The case of the person holding the ticket (the case page says when it names nobody).
      var openCase = el("a", "link-button secondary open-case", $("current").getAttribute("data-open-case"));
      openCase.href = "/staff/cases?ticket=" + encodeURIComponent(ticket.id) + "&lang=" + (document.documentElement.lang || "mn");
      actions.appendChild(openCase);
      var select = el("select", "text-input transfer-to");
      select.setAttribute("aria-label", strings.transferTo);
      services.forEach(function (s) {
        if (s.code !== ticket.serviceCode) { var o = el("option", null, s.code + " — " + s.name); o.value = s.code; select.appendChild(o); }
      });
      actions.appendChild(select);
      actions.appendChild(button(strings.transfer, function () { act(ticket, "transfer", { serviceCode: select.value }); }, true, "transfer"));
      actions.appendChild(button(strings.park, function () { act(ticket, "park"); }, true, "park"));
      var outcome = el("select", "text-input outcome");
      outcome.setAttribute("aria-label", strings.outcome);
      Object.keys(strings.outcomes).forEach(function (key) {
        var o = el("option", null, strings.outcomes[key]); o.value = key; outcome.appendChild(o);
      });
      actions.appendChild(outcome);
      actions.appendChild(button(strings.finish, function () { act(ticket, "finish", { outcome: outcome.value }); }, false, "finish"));
    }
    if (ticket.state === "parked") {
      actions.appendChild(button(strings.resume, function () { act(ticket, "resume"); }, false, "resume"));
    }
    card.appendChild(actions);
    return card;
  }

  // The no-show buttons wait for the grace period; a countdown says how long.
  function graceCountdown(card, buttons, seconds) {
    if (!seconds) { return; }
    var born = Date.now();
    var until = born + seconds * 1000;
    var label = el("p", "hint grace-countdown");
    card.appendChild(label);
    function tick() {
      var left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      buttons.forEach(function (b) { b.disabled = left > 0; });
      label.textContent = left > 0
        ? strings.noShowIn.replace("{time}", Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0")) : "";
      // The console redraws every 2 s: a card that has left the page stops its clock.
      if (left > 0 && (card.isConnected || Date.now() - born < 1000)) { setTimeout(tick, 500); }
    }
    tick();
  }

  // A printer with a fault stays on top of the console until a check finds it fixed. The line
  // is in the officer's language (each fault from the locale texts); what CUPS or the printer
  // said in its own words (libcups' English) is only a detail for the technician, folded away.
  var printerDetailsOpen = {};
  function renderPrinters(printers) {
    var box = $("printer-alerts");
    var lang = document.documentElement.lang === "en" ? "en" : "mn";
    box.textContent = "";
    printers.forEach(function (p) {
      if (!p.faults.length) { return; }
      var alert = el("div", p.ready ? "printer-warning" : "printer-fault");
      alert.setAttribute("data-printer", p.role);
      var line = el("p", "printer-line");
      line.appendChild(el("strong", null, p.name[lang] + " (" + p.queue + "): "));
      line.appendChild(document.createTextNode(p.faults.map(function (f) { return f.message[lang]; }).join(", ")));
      alert.appendChild(line);
      if (p.detail) {
        var details = el("details", "printer-detail");
        details.appendChild(el("summary", null, strings.printerDetail));
        // CUPS words its messages in English whatever the office's language.
        var said = el("span", "mono", p.detail);
        said.lang = "en";
        details.appendChild(said);
        // The console redraws every 2 s: a detail the officer opened stays open.
        details.open = !!printerDetailsOpen[p.role];
        details.addEventListener("toggle", function () { printerDetailsOpen[p.role] = details.open; });
        alert.appendChild(details);
      }
      box.appendChild(alert);
    });
    box.hidden = !box.childNodes.length;
  }

  // The LMIS link: what waits to be sent and for how long, and what the LMIS refused.
  function renderSync(sync) {
    var line = $("sync-status");
    if (!sync) { line.hidden = true; $("sync-now").hidden = true; return; }
    function age(seconds) {
      if (seconds >= 86400) { return Math.floor(seconds / 86400) + " d " + Math.floor(seconds % 86400 / 3600) + " h"; }
      if (seconds >= 3600) { return Math.floor(seconds / 3600) + " h " + Math.floor(seconds % 3600 / 60) + " " + strings.minutes; }
      return Math.max(1, Math.round(seconds / 60)) + " " + strings.minutes;
    }
    var parts = [];
    if (!sync.enrolled) {
      parts.push(strings.syncNotEnrolled);
    } else if (sync.waiting > 0) {
      parts.push(strings.syncWaiting.replace("{count}", sync.waiting).replace("{age}", age(sync.oldestWaitingSeconds || 0)));
    } else {
      var last = sync.lastSuccessAt ? new Date(sync.lastSuccessAt).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" }) : strings.syncNever;
      parts.push(strings.syncOK.replace("{time}", last));
    }
    if (sync.enrolled && sync.lastError) { parts.push(strings.syncFailed); }
    if (sync.quarantined > 0) { parts.push(strings.syncQuarantined.replace("{count}", sync.quarantined)); }
    line.textContent = parts.join(" · ");
    line.className = "hint sync-status" + (sync.quarantined > 0 || (sync.enrolled && sync.lastError) ? " sync-problem" : "");
    line.hidden = false;
    $("sync-now").hidden = !sync.enrolled;
  }

  $("sync-now").addEventListener("click", function () {
    var button = $("sync-now");
    button.disabled = true;
    button.textContent = strings.syncRequested;
    api("POST", "/api/v1/sync").then(function () {
      setTimeout(function () { button.disabled = false; button.textContent = strings.syncNow; refresh(); }, 3000);
    });
  });

  function refresh() {
    if (!session) { return; }
    api("GET", "/api/v1/queue").then(function (answer) {
      if (answer.status === 401) { return showSignIn(); }
      if (answer.status !== 200) { return; }
      var data = answer.body;
      renderPrinters(data.printers || []);
      renderSync(data.sync);
      // A full disk: nothing can be saved until space returns; the technician must hear of it.
      var storage = $("storage-problem");
      storage.textContent = data.storageProblem ? data.storageProblem[document.documentElement.lang === "en" ? "en" : "mn"] : "";
      storage.hidden = !data.storageProblem;
      var current = $("current");
      var parked = $("parked");
      current.textContent = "";
      parked.textContent = "";
      data.active.forEach(function (t) { (t.state === "parked" ? parked : current).appendChild(renderTicket(t)); });
      var waiting = $("waiting");
      waiting.textContent = "";
      if (!data.waiting.length) {
        var row = el("tr"); row.appendChild(el("td", "hint", strings.nobody)); waiting.appendChild(row);
      }
      // Tickets of services this counter does not serve wait for another counter: marked, and
      // greyed, so the officer knows "call next" will not give them.
      data.waiting.forEach(function (t) {
        var row = el("tr", t.callable === false ? "not-here" : null);
        row.setAttribute("data-ticket", t.number);
        row.setAttribute("data-callable", t.callable === false ? "false" : "true");
        row.appendChild(el("td", "mono", t.number));
        var service = el("td", null, serviceName(t.serviceCode) + (t.priority ? " · " + strings.priority : ""));
        if (t.callable === false) { service.appendChild(el("span", "not-here-mark", strings.notThisCounter)); }
        row.appendChild(service);
        row.appendChild(el("td", null, minutes(t.waitingSeconds)));
        waiting.appendChild(row);
      });
      var figures = $("figures");
      figures.textContent = "";
      data.figures.forEach(function (f) {
        var row = el("tr");
        var label = f.dimension === "office" ? strings.all
          : f.dimension === "service" ? f.key + " " + serviceName(f.key)
          : f.dimension === "counter" ? strings.counter + " " + f.key : f.key;
        row.appendChild(el("th", null, label));
        [f.issued, f.waiting, f.served, f.noShows].forEach(function (n) { row.appendChild(el("td", null, String(n))); });
        row.appendChild(el("td", null, minutes(f.medianWait)));
        row.appendChild(el("td", null, minutes(f.medianService)));
        figures.appendChild(row);
      });
    });
  }

  api("GET", "/api/v1/display/voices").then(function (answer) {
    var missing = ["mn", "en"].filter(function (l) { return !(answer.body[l] && answer.body[l].complete); });
    if (missing.length) {
      $("voice-notice").hidden = false;
      $("voice-notice").textContent = strings.voicesMissing + ": " + missing.join(", ");
    }
  });

  // ---------- vacancies: a jobseeker's ranked list with referrals, and the list of a soum or
  // khoroo on A4 for officers who serve remote areas ----------
  var lang = document.documentElement.lang || "mn";
  var person = null;
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name] !== undefined ? values[name] : ""; });
  }
  function errorText(answer) {
    var error = answer.body && answer.body.error;
    return error && error.message ? error.message[lang] : String(answer.status);
  }

  function render(answer) {
    var data = answer.body;
    person = data.jobseeker;
    var referred = data.referred || [];
    $("matches-for").textContent = fill(strings.matchesFor, {
      name: person.name, reference: person.reference, n: data.results.total
    });
    var list = $("matches-list");
    list.textContent = "";
    if (!data.results.matches.length) { list.appendChild(el("li", "hint", strings.matchesNone)); }
    data.results.matches.forEach(function (match) {
      var v = match.vacancy;
      var item = el("li", "match");
      item.setAttribute("data-reference", v.reference);
      var text = el("div", "match-text");
      text.appendChild(el("strong", null, v.title));
      text.appendChild(el("span", "hint", " · " + v.employer + " · "));
      text.appendChild(el("span", "mono", v.reference));
      var reasons = el("div", "v-reasons");
      match.reasons.forEach(function (r) { reasons.appendChild(el("span", "reason", r.text[lang])); });
      text.appendChild(reasons);
      item.appendChild(text);
      if (referred.indexOf(v.reference) >= 0) {
        item.appendChild(el("span", "referred", "✓ " + strings.referred));
      } else {
        var note = el("input", "text-input note");
        note.placeholder = strings.referNote;
        note.maxLength = 200;
        var refer = el("button", "big-button secondary refer", strings.refer);
        refer.type = "button";
        refer.addEventListener("click", function () {
          refer.disabled = true;
          api("POST", "/api/v1/referrals", {
            registrationId: person.id, vacancyReference: v.reference, note: note.value || null
          }).then(function (result) {
            if (result.status === 201 || result.status === 409) { return find(); }
            refer.disabled = false;
            $("matches-error").textContent = errorText(result);
          });
        });
        item.appendChild(note);
        item.appendChild(refer);
      }
      list.appendChild(item);
    });
  }

  // ---------- the person's fingerprints: seen, deleted and enrolled again by staff ----------
  // Re-enrolment uses the kiosk's reader (the person stands at the kiosk); each action is
  // recorded under the officer's name.
  function fingerprintsPath() { return "/api/v1/staff/registrations/" + person.id + "/fingerprints"; }
  function showFingerprints() {
    $("fingerprints-box").hidden = false;
    return api("GET", fingerprintsPath()).then(function (answer) {
      if (answer.status !== 200) { $("fingerprints-line").textContent = errorText(answer); return; }
      var fingers = answer.body.fingers;
      $("fingerprints-delete").hidden = !fingers.length;
      if (!fingers.length) { $("fingerprints-line").textContent = strings.fingerprintsNone; return; }
      $("fingerprints-line").textContent = fill(strings.fingerprintsList, {
        fingers: fingers.map(function (f) { return strings[f.finger] || f.finger; }).join(", "),
        date: fingers[0].enrolledAt.slice(0, 10),
        by: fingers[0].enrolledBy ? fill(strings.fingerprintsBy, { staff: fingers[0].enrolledBy }) : ""
      });
    });
  }
  $("fingerprints-delete").addEventListener("click", function () {
    if (!person || !window.confirm(strings.fingerprintsDeleteConfirm)) { return; }
    api("DELETE", fingerprintsPath()).then(function (answer) {
      $("fingerprints-status").textContent = answer.status === 200 ? strings.fingerprintsDeleted : errorText(answer);
      showFingerprints();
    });
  });
  $("fingerprints-enrol").addEventListener("click", function () {
    if (!person) { return; }
    var button = $("fingerprints-enrol");
    button.disabled = true;
    var fingers = ["rightIndex", "leftIndex"];
    var at = 0;
    var status = $("fingerprints-status");
    function done(text) { button.disabled = false; status.textContent = text; showFingerprints(); }
    api("POST", "/api/v1/fingerprint/enrolments").then(function (started) {
      var id = started.body.id;
      function next(taken) {
        if (at >= fingers.length) {
          return api("PUT", fingerprintsPath(), { enrolment: id }).then(function (saved) {
            done(saved.status === 200 ? strings.fingerprintsSaved : errorText(saved));
          });
        }
        status.textContent = fill(strings.fingerprintsPlace, { finger: strings[fingers[at]], n: Math.min(3, taken + 1) });
        api("POST", "/api/v1/fingerprint/enrolments/" + id + "/capture", { finger: fingers[at] }).then(function (answer) {
          if (answer.status !== 200) { return done(errorText(answer)); }
          if (!answer.body.accepted) {
            if (answer.body.problem === "absent") { return done(answer.body.message[lang]); }
            status.textContent = answer.body.message[lang];
            return setTimeout(function () { next(taken); }, 1500);
          }
          if (answer.body.progress.complete) { at += 1; return next(0); }
          next(answer.body.progress.captures);
        });
      }
      next(0);
    });
  });

  // ---------- the person's kept revisions: what changed, when, at the kiosk or by whom ----------
  function showRevisions() {
    var box = $("revisions-box");
    var list = $("revisions-list");
    return api("GET", "/api/v1/staff/registrations/" + person.id + "/revisions").then(function (answer) {
      list.textContent = "";
      box.hidden = false;
      if (answer.status !== 200) { list.appendChild(el("li", "field-error", errorText(answer))); return; }
      if (!answer.body.revisions.length) { list.appendChild(el("li", "hint", strings.revisionsNone)); return; }
      answer.body.revisions.forEach(function (r) {
        var who = r.channel === "staff" ? fill(strings.revisionStaff, { staff: r.staff, counter: r.counter })
          : r.channel === "migrated" ? strings.revisionMigrated : strings.revisionKiosk;
        var fields = r.revision === 1 && r.channel !== "migrated" ? strings.revisionCreated
          : r.changedFields.map(function (f) { return strings.revisionFields[f] || f; }).join(", ") ||
            (r.channel === "migrated" ? "" : strings.revisionNothing);
        list.appendChild(el("li", null, fill(strings.revisionLine, {
          n: r.revision, date: r.localTime, who: who, fields: fields
        })));
      });
    });
  }

  function find() {
    $("matches-error").textContent = "";
    $("revisions-box").hidden = true;
    $("fingerprints-box").hidden = true;
    $("fingerprints-status").textContent = "";
    var number = $("matches-registry").value.trim();
    if (!number) { return Promise.resolve(); }
    return api("GET", "/api/v1/staff/matches?pageSize=50&registryNumber=" + encodeURIComponent(number))
      .then(function (answer) {
        if (answer.status === 200) { render(answer); return Promise.all([showFingerprints(), showRevisions()]); }
        $("matches-list").textContent = "";
        $("matches-for").textContent = "";
        $("matches-error").textContent = answer.status === 404 ? strings.matchesNotFound : errorText(answer);
      });
  }
  $("matches-form").addEventListener("submit", function (event) {
    event.preventDefault();
    find();
  });

  // ---------- confirming a visitor at the kiosk ----------
  // The officer has seen the visitor's ID card: the kiosk screen showing this code opens the
  // person's details (the server releases a proof to that screen session only).
  $("proof-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("proof-error").textContent = "";
    $("proof-done").textContent = "";
    api("POST", "/api/v1/staff/kiosk-proofs", {
      sessionCode: $("proof-code").value, registryNumber: $("proof-registry").value
    }).then(function (answer) {
      if (answer.status !== 200) { $("proof-error").textContent = errorText(answer); return; }
      $("proof-done").textContent = fill(strings.proofReleased, { name: answer.body.name, reference: answer.body.reference });
      $("proof-code").value = "";
      $("proof-registry").value = "";
      $("proof-seen").checked = false;
    });
  });

  // ---------- the list of a soum or khoroo ----------
  function loadSoums() {
    var aimag = $("area-aimag").value;
    api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(aimag)).then(function (answer) {
      var select = $("area-soum");
      select.textContent = "";
      select.appendChild(el("option", null, "—")).value = "";
      (answer.body.items || []).forEach(function (unit) {
        var option = el("option", null, unit.name[lang]);
        option.value = unit.code;
        select.appendChild(option);
      });
    });
  }
  var aimagSelect = $("area-aimag");
  aimagSelect.value = aimagSelect.getAttribute("data-office-unit") || aimagSelect.value;
  aimagSelect.addEventListener("change", loadSoums);
  loadSoums();
  $("area-print").addEventListener("click", function () {
    var search = new URLSearchParams();
    search.set("aimag", $("area-aimag").value);
    if ($("area-soum").value) { search.set("soum", $("area-soum").value); }
    $("area-status").textContent = "…";
    api("POST", "/api/v1/vacancies/print", { printer: "a4", language: lang, search: search.toString() })
      .then(function (answer) {
        var message = (answer.body.message || (answer.body.error || {}).message || {})[lang] || "";
        var faults = (answer.body.faults || []).map(function (f) { return f.message[lang]; });
        $("area-status").textContent = [message].concat(faults).join(" ");
        $("area-status").className = "print-status " + (answer.body.status === "sent" ? "ok" : "problem");
      });
  });
  api("GET", "/api/v1/staff/session").then(function (answer) {
    if (answer.status === 200) { showConsole(answer.body); }
  });
})();
