// Employer services: find or register an employer, take in its vacancies, rank and refer
// candidates, record what the employer answered, answer follow-ups, and the figures.
(function () {
  "use strict";
  var t = JSON.parse(document.getElementById("employer-strings").textContent);
  var lang = document.querySelector("main").getAttribute("data-lang");
  var current = null;   // the employer on the page
  var vacancyRef = null; // the vacancy whose candidates are shown

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function words(value) { return value && typeof value === "object" ? (value[lang] || value.mn) : value; }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; },
        function () { return { status: response.status, body: {} }; });
    });
  }
  function errorText(answer) {
    var error = answer.body && answer.body.error;
    return error ? words(error.message) : t.errors.unexpected;
  }
  // Field errors next to their fields, and the summary at the top of the form.
  function showErrors(form, summary, answer) {
    form.querySelectorAll("[data-error-for]").forEach(function (node) { node.textContent = ""; });
    var fields = (answer && answer.body && answer.body.error && answer.body.error.fields) || [];
    fields.forEach(function (f) {
      var node = form.querySelector('[data-error-for="' + f.field + '"]');
      if (node) { node.textContent = words(f.message); }
    });
    summary.textContent = answer ? errorText(answer) : "";
  }
  function clearBody(table) {
    var body = table.querySelector("tbody");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    return body;
  }
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (cell) {
      var td = el("td");
      if (cell instanceof Node) { td.appendChild(cell); } else { td.textContent = cell; }
      tr.appendChild(td);
    });
    return tr;
  }
  function button(text, onClick, cls) {
    var b = el("button", "big-button small " + (cls || "secondary"), text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // Soums and khoroos of the chosen aimag or district.
  document.querySelectorAll(".aimag-select").forEach(function (select) {
    select.addEventListener("change", function () {
      var soum = $(select.getAttribute("data-soum"));
      while (soum.options.length > 1) { soum.remove(1); }
      if (!select.value) { return; }
      api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(select.value)).then(function (a) {
        (a.body.items || []).forEach(function (item) {
          var option = el("option", null, words(item.name));
          option.value = item.code;
          soum.appendChild(option);
        });
      });
    });
  });

  // The ISCO-08 picker: the bundled occupation list searched by Mongolian or English words (and
  // the words people use for a job), as the kiosk's occupation search does; only unit groups
  // (4 digits) can be chosen, and the chosen group's name stands under the code.
  function showChosen(code) {
    var chosen = $("v-isco-chosen");
    chosen.textContent = "";
    if (!/^[0-9]{4}$/.test(code)) { return; }
    api("GET", "/api/v1/reference/occupations?limit=1&q=" + encodeURIComponent(code)).then(function (a) {
      var item = a.body.items && a.body.items[0];
      if (item && item.code === code && $("v-iscoCode").value === code) { chosen.textContent = code + " · " + words(item.name); }
    });
  }
  function findOccupations() {
    var q = $("v-isco-search").value.trim();
    var list = $("v-isco-results");
    var count = $("v-isco-count");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (q.length < 2) { count.textContent = ""; return; }
    api("GET", "/api/v1/reference/occupations?limit=50&q=" + encodeURIComponent(q)).then(function (a) {
      if (q !== $("v-isco-search").value.trim()) { return; }
      var units = (a.body.items || []).filter(function (i) { return i.code.length === 4; }).slice(0, 12);
      count.textContent = units.length
        ? count.getAttribute("data-some").replace("{count}", String(units.length)) : count.getAttribute("data-none");
      // A listbox (WAI-ARIA): one tab stop, arrows move between the options, Enter or Space picks.
      units.forEach(function (item, index) {
        var option = el("li", "isco-option", item.code + " · " + words(item.name));
        option.id = "v-isco-option-" + item.code;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.tabIndex = index === 0 ? 0 : -1;
        option.setAttribute("data-isco", item.code);
        option.addEventListener("click", function () { pickOccupation(option); });
        list.appendChild(option);
      });
    });
  }
  function pickOccupation(option) {
    $("v-isco-results").querySelectorAll("[role=option]").forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
      o.tabIndex = o === option ? 0 : -1;
    });
    $("v-iscoCode").value = option.getAttribute("data-isco");
    showChosen(option.getAttribute("data-isco"));
    $("v-iscoCode").focus();
  }
  $("v-isco-results").addEventListener("keydown", function (event) {
    var options = Array.prototype.slice.call($("v-isco-results").querySelectorAll("[role=option]"));
    var at = options.indexOf(document.activeElement);
    if (at < 0) { return; }
    var to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: options.length - 1 }[event.key];
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      pickOccupation(options[at]);
    } else if (to !== undefined) {
      event.preventDefault();
      var next = options[Math.max(0, Math.min(options.length - 1, to))];
      options.forEach(function (o) { o.tabIndex = o === next ? 0 : -1; });
      next.focus();
    }
  });
  $("v-isco-search").addEventListener("input", findOccupations);
  $("v-isco-find").addEventListener("click", findOccupations);
  $("v-isco-search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); findOccupations(); }
    var first = $("v-isco-results").querySelector("[role=option]");
    if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
  });
  $("v-iscoCode").addEventListener("input", function () { showChosen($("v-iscoCode").value.trim()); });

  // Finding an employer.
  $("find-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api("GET", "/api/v1/staff/employers?q=" + encodeURIComponent($("find-q").value)).then(function (a) {
      var list = $("find-results");
      while (list.firstChild) { list.removeChild(list.firstChild); }
      var found = a.body.employers || [];
      $("find-none").hidden = found.length > 0;
      found.forEach(function (e) {
        var item = el("li");
        item.appendChild(button(e.name + " · " + e.registerNumber, function () { open(e.id); }));
        list.appendChild(item);
      });
    });
  });

  // Registering one.
  $("employer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var f = event.target;
    var body = {};
    ["name", "registerNumber", "sector", "aimagCode", "soumCode", "contactName", "phone"].forEach(function (k) {
      body[k] = f.elements[k].value;
    });
    api("POST", "/api/v1/staff/employers", body).then(function (a) {
      if (a.status === 201) {
        showErrors(f, $("employer-form-error"), null);
        f.reset();
        open(a.body.id);
      } else if (a.status === 409 && a.body.error.existingId) {
        showErrors(f, $("employer-form-error"), a);
        var link = button(t.openExisting, function () { open(a.body.error.existingId); });
        $("employer-form-error").appendChild(document.createTextNode(" "));
        $("employer-form-error").appendChild(link);
      } else {
        showErrors(f, $("employer-form-error"), a);
      }
    });
  });

  var statusWords = { open: t.statuses.open, closed: t.statuses.closed, filled: t.statuses.filled };
  var outcomeWords = { hired: t.outcomes.hired, notHired: t.outcomes.notHired, didNotGo: t.outcomes.didNotGo };

  function open(id) {
    return api("GET", "/api/v1/staff/employers/" + id).then(function (a) {
      if (a.status !== 200) { return; }
      current = a.body;
      var e = current.employer;
      $("employer-panel").hidden = false;
      $("employer-name").textContent = e.name;
      $("employer-facts").textContent = [t.fields.registerNumber + ": " + e.registerNumber, words(e.sectorName),
        words(e.place), e.contactName + ", " + e.phone].join(" · ");
      var vbody = clearBody($("vacancies-table"));
      $("vacancies-none").hidden = current.vacancies.length > 0;
      current.vacancies.forEach(function (v) {
        var actions = el("span");
        var pdf = el("a", "link-button secondary", t.confirmation);
        pdf.href = "/api/v1/staff/office-vacancies/" + encodeURIComponent(v.reference) + "/confirmation.pdf?lang=" + lang;
        pdf.target = "_blank";
        pdf.rel = "noopener";
        pdf.setAttribute("data-pdf", v.reference);
        actions.appendChild(pdf);
        // The same confirmation on the office's A4 printer (CUPS), for the employer at the counter.
        var printButton = button($("vacancy-print-status").getAttribute("data-print-label"), function () {
          printA4("/api/v1/staff/office-vacancies/" + encodeURIComponent(v.reference) + "/confirmation/print?lang=" + lang,
            $("vacancy-print-status"));
        });
        printButton.setAttribute("data-print", v.reference);
        actions.appendChild(printButton);
        if (v.status === "open") {
          actions.appendChild(button(t.candidates, function () { candidates(v.reference, v.vacancy.title); }));
          actions.appendChild(button(t.edit, function () { edit(v); }));
          actions.appendChild(button(t.close, function () {
            api("POST", "/api/v1/staff/office-vacancies/" + encodeURIComponent(v.reference) + "/close", {})
              .then(function () { open(e.id); });
          }));
        }
        var tr = row([v.reference, v.vacancy.title, statusWords[v.status], v.filledPosts + " / " + v.posts, actions]);
        tr.setAttribute("data-reference", v.reference);
        vbody.appendChild(tr);
      });
      var rbody = clearBody($("referrals-table"));
      $("referrals-none").hidden = current.referrals.length > 0;
      current.referrals.forEach(function (r) {
        var actions = el("span");
        if (!r.outcome) {
          ["hired", "notHired", "didNotGo"].forEach(function (outcome) {
            actions.appendChild(button(outcomeWords[outcome], function () { recordOutcome(r.id, outcome); }));
          });
        }
        var tr = row([r.name + " (" + r.reference + ")", r.vacancyReference,
          r.outcome ? outcomeWords[r.outcome] + " · " + r.outcomeOn : t.waiting, actions]);
        tr.setAttribute("data-referral", r.id);
        rbody.appendChild(tr);
      });
      $("placements-count").textContent = t.placements + ": " + current.placements.length;
      var aimag = $("v-aimagCode");
      if (!aimag.value) { aimag.value = e.aimagCode; aimag.dispatchEvent(new Event("change")); }
    });
  }

  function recordOutcome(id, outcome) {
    api("POST", "/api/v1/staff/vacancy-referrals/" + id + "/outcome", { outcome: outcome }).then(function (a) {
      $("outcome-error").textContent = a.status === 201 ? "" : errorText(a);
      open(current.employer.id);
      loadFollowUps();
      loadFigures();
    });
  }

  // Editing one: the form filled with its terms, saved in place (same code, a new revision).
  var editing = null;
  function edit(v) {
    var f = $("vacancy-form");
    var x = v.vacancy;
    editing = v.reference;
    f.elements.title.value = x.title;
    f.elements.titleEn.value = x.titleEn || "";
    f.elements.iscoCode.value = x.iscoCode;
    showChosen(x.iscoCode);
    f.elements.skills.value = x.skills.join(", ");
    f.elements.education.value = x.education || "";
    f.querySelectorAll('input[name="licences"]').forEach(function (c) { c.checked = x.licences.indexOf(c.value) >= 0; });
    f.elements.experienceYears.value = x.experienceYears;
    f.elements.hours.value = x.hours;
    f.elements.wageMin.value = x.wageMin == null ? "" : x.wageMin;
    f.elements.wageMax.value = x.wageMax == null ? "" : x.wageMax;
    f.elements.posts.value = x.posts;
    f.elements.closesOn.value = x.closesOn;
    f.elements.howToApply.value = x.howToApply;
    f.elements.newlyCreated.checked = v.newlyCreated;
    var aimag = f.elements.aimagCode;
    aimag.value = x.aimagCode;
    aimag.dispatchEvent(new Event("change"));
    // The soums arrive with the change above; choose the vacancy's once they are there.
    // Saving waits for them, so an edit never drops the soum by being quick.
    var tries = 0;
    $("vacancy-save").disabled = true;
    (function pick() {
      var soum = f.elements.soumCode;
      if (!x.soumCode || soum.querySelector('option[value="' + x.soumCode + '"]')) {
        soum.value = x.soumCode || "";
        $("vacancy-save").disabled = false;
        return;
      }
      if (tries++ < 50) { setTimeout(pick, 100); } else { $("vacancy-save").disabled = false; }
    })();
    $("vacancy-save").textContent = t.saveEdit.replace("{reference}", v.reference);
    f.scrollIntoView();
    f.elements.title.focus();
  }

  // Taking in a vacancy.
  $("vacancy-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var f = event.target;
    function number(name) { var v = f.elements[name].value.trim(); return v === "" ? null : Number(v); }
    var body = {
      title: f.elements.title.value, titleEn: f.elements.titleEn.value || null, iscoCode: f.elements.iscoCode.value,
      skills: f.elements.skills.value.split(/[,;\n]/).map(function (s) { return s.trim(); }).filter(Boolean),
      education: f.elements.education.value || null,
      licences: Array.prototype.filter.call(f.querySelectorAll('input[name="licences"]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; }),
      experienceYears: number("experienceYears"), aimagCode: f.elements.aimagCode.value,
      soumCode: f.elements.soumCode.value || null, hours: f.elements.hours.value,
      wageMin: number("wageMin"), wageMax: number("wageMax"), posts: number("posts"),
      closesOn: f.elements.closesOn.value, howToApply: f.elements.howToApply.value,
      newlyCreated: f.elements.newlyCreated.checked
    };
    var saving = editing
      ? api("PUT", "/api/v1/staff/office-vacancies/" + encodeURIComponent(editing), body)
      : api("POST", "/api/v1/staff/employers/" + current.employer.id + "/vacancies", body);
    saving.then(function (a) {
      if (a.status === 201 || a.status === 200) {
        editing = null;
        $("vacancy-save").textContent = t.saveVacancy;
        showErrors(f, $("vacancy-form-error"), null);
        $("vacancy-saved").textContent = (a.status === 200 ? t.vacancyEdited : t.vacancySaved).replace("{reference}", a.body.reference);
        $("vacancy-saved").setAttribute("data-reference", a.body.reference);
        open(current.employer.id);
        loadFigures();
      } else {
        $("vacancy-saved").textContent = "";
        showErrors(f, $("vacancy-form-error"), a);
      }
    });
  });

  // An employer's document sent to the A4 queue: what the printer did, in the page's language.
  function printA4(url, status) {
    status.textContent = "";
    api("POST", url).then(function (a) {
      status.textContent = a.status === 200 ? words(a.body.message) : errorText(a);
      status.setAttribute("data-status", a.status === 200 ? a.body.status : "error");
    });
  }
  $("shortlist-print").addEventListener("click", function () {
    printA4("/api/v1/staff/office-vacancies/" + encodeURIComponent(vacancyRef) + "/shortlist/print?lang=" + lang,
      $("shortlist-print-status"));
  });

  // Candidates for a vacancy.
  function candidates(reference, title) {
    vacancyRef = reference;
    $("candidates-panel").hidden = false;
    $("candidates-vacancy").textContent = reference + " · " + title;
    $("shortlist-link").href = "/api/v1/staff/office-vacancies/" + encodeURIComponent(reference) + "/shortlist.pdf?lang=" + lang;
    $("refer-done").textContent = "";
    $("refer-error").textContent = "";
    loadCandidates();
  }
  function loadCandidates() {
    var q = "?pageSize=50&aimag=" + encodeURIComponent($("c-aimag").value) + "&status=" + encodeURIComponent($("c-status").value);
    api("GET", "/api/v1/staff/office-vacancies/" + encodeURIComponent(vacancyRef) + "/candidates" + q).then(function (a) {
      var body = clearBody($("candidates-table"));
      if (a.status !== 200) { $("candidates-total").textContent = errorText(a); return; }
      $("candidates-total").textContent = t.candidatesTotal.replace("{count}", a.body.total);
      a.body.candidates.forEach(function (c) {
        var box = el("input");
        box.type = "checkbox";
        box.value = c.registrationId;
        box.setAttribute("aria-label", c.name + " " + c.reference);
        var tr = row([box, c.name + " (" + c.reference + ") · " + words(c.place), String(c.score),
          c.reasons.map(function (r) { return words(r.text); }).join("; ")]);
        tr.setAttribute("data-candidate", c.reference);
        body.appendChild(tr);
      });
    });
  }
  $("candidates-filter").addEventListener("submit", function (event) { event.preventDefault(); loadCandidates(); });
  $("refer-chosen").addEventListener("click", function () {
    var ids = Array.prototype.map.call($("candidates-table").querySelectorAll("input:checked"), function (c) { return c.value; });
    if (!ids.length) { $("refer-error").textContent = t.chooseSomeone; return; }
    api("POST", "/api/v1/staff/office-vacancies/" + encodeURIComponent(vacancyRef) + "/referrals", { registrationIds: ids })
      .then(function (a) {
        if (a.status === 201) {
          $("refer-error").textContent = "";
          $("refer-done").textContent = t.referred.replace("{count}", a.body.referrals.length);
        } else {
          $("refer-error").textContent = errorText(a);
        }
        loadCandidates();
        open(current.employer.id);
      });
  });

  // Follow-ups due.
  var answerWords = { stillInJob: t.answers.stillInJob, otherJob: t.answers.otherJob, notWorking: t.answers.notWorking };
  function loadFollowUps() {
    var scope = $("follow-ups-all").checked ? "all" : "mine";
    api("GET", "/api/v1/staff/follow-ups?withinDays=366&scope=" + scope).then(function (a) {
      var list = $("follow-ups-list");
      while (list.firstChild) { list.removeChild(list.firstChild); }
      var due = a.body.followUps || [];
      $("follow-ups-none").hidden = due.length > 0;
      due.forEach(function (f) {
        var item = el("li");
        item.setAttribute("data-follow-up", f.id);
        item.appendChild(el("span", null, f.dueOn + " · " + t.months.replace("{months}", f.months) + " · " +
          f.name + " (" + f.reference + ") · " + f.employer + " · " + f.vacancyTitle + " "));
        ["stillInJob", "otherJob", "notWorking"].forEach(function (answer) {
          item.appendChild(button(answerWords[answer], function () {
            api("POST", "/api/v1/staff/follow-ups/" + f.id + "/answer", { answer: answer, channel: "call" })
              .then(function (r) {
                $("follow-up-error").textContent = r.status === 200 ? "" : errorText(r);
                loadFollowUps();
              });
          }));
        });
        list.appendChild(item);
      });
    });
  }
  $("follow-ups-show").addEventListener("click", loadFollowUps);

  // Figures.
  function loadFigures() {
    var q = "?from=" + encodeURIComponent($("f-from").value) + "&to=" + encodeURIComponent($("f-to").value);
    $("figures-csv").href = "/api/v1/staff/employer-figures.csv" + q;
    api("GET", "/api/v1/staff/employer-figures" + q).then(function (a) {
      if (a.status !== 200) { $("figures-error").textContent = errorText(a); return; }
      $("figures-error").textContent = "";
      var f = a.body;
      var list = $("figures-list");
      while (list.firstChild) { list.removeChild(list.firstChild); }
      ["vacanciesRegistered", "postsRegistered", "newlyCreatedPosts", "vacanciesFilled", "postsFilled",
        "medianDaysToFill", "referralsPerVacancy"].forEach(function (key) {
        var box = el("div");
        box.setAttribute("data-figure", key);
        box.appendChild(el("dt", null, t.figures[key]));
        box.appendChild(el("dd", null, f[key] == null ? "—" : String(f[key])));
        list.appendChild(box);
      });
      var sbody = clearBody($("sectors-table"));
      f.sectors.forEach(function (s) {
        sbody.appendChild(row([s.sector + " · " + words(s.name), String(s.vacancies), String(s.posts), String(s.placements)]));
      });
      var ebody = clearBody($("employers-table"));
      f.employers.forEach(function (e) {
        ebody.appendChild(row([e.name, String(e.vacancies), String(e.placements)]));
      });
    });
  }
  $("figures-form").addEventListener("submit", function (event) { event.preventDefault(); loadFigures(); });

  var today = $("f-to").value;
  $("f-from").value = today.slice(0, 8) + "01";
  loadFigures();
  loadFollowUps();
})();
