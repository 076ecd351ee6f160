// Vacancy screen: search with filters, a person's matches, detail, printing. Everything the
// visitor did lives in memory only and is dropped on "finish" or after the idle time.
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var person = body.getAttribute("data-person");
  // The kiosk page hands over its screen session and the person's proof in the fragment (never
  // sent to the server); both stay in this page's memory only, and the address is cleaned at once.
  var handed = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var parts = pair.split("=");
    if (parts.length === 2) { handed[parts[0]] = decodeURIComponent(parts[1]); }
  });
  if (location.hash) { history.replaceState(null, "", location.pathname + location.search); }
  var session = handed.session || null;
  var proof = handed.proof || null;
  var strings = JSON.parse(document.getElementById("vacancy-strings").textContent);
  var educationNames = JSON.parse(document.getElementById("education-names").textContent);
  var ui = strings.ui;
  var pageSize = 10;
  var state = { mode: person ? "matches" : "search", page: 1, total: 0, items: [], places: {}, search: "" };
  var latest = 0;  // the newest request: an older answer arriving late is dropped

  function $(id) { return document.getElementById(id); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name] !== undefined ? values[name] : ""; });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function api(method, path, payload) {
    var options = { method: method, headers: { "Accept": "application/json" } };
    if (session) { options.headers["X-Kiosk-Session"] = session; }
    if (proof) { options.headers["X-Kiosk-Proof"] = proof; }
    if (payload) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }

  // ---------- wording ----------
  function tugrik(amount) {
    return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, " ") + " ₮";
  }
  function wage(v) {
    if (v.wageMin != null && v.wageMax != null) {
      return v.wageMin === v.wageMax ? tugrik(v.wageMin) : tugrik(v.wageMin).slice(0, -2) + "–" + tugrik(v.wageMax);
    }
    if (v.wageMin != null) { return fill(strings.wage.from, { value: tugrik(v.wageMin) }); }
    if (v.wageMax != null) { return fill(strings.wage.upTo, { value: tugrik(v.wageMax) }); }
    return ui.wageNone;
  }
  function title(v) { return lang === "en" && v.titleEn ? v.titleEn : v.title; }
  function placeName(code) {
    var name = state.places[code];
    return name ? name[lang] : code;
  }
  function place(v) {
    return [v.aimagCode, v.soumCode].filter(Boolean).map(placeName).join(", ");
  }
  function hours(v) { return strings.hours[v.hours] || v.hours; }

  // ---------- list ----------
  function searchParameters() {
    var parameters = new URLSearchParams();
    var q = $("q").value.trim();
    if (q) { parameters.set("q", q); }
    [["f-aimag", "aimag"], ["f-soum", "soum"], ["f-occupation", "occupation"], ["f-hours", "hours"], ["f-wage", "minWage"],
      ["f-posted", "postedWithinDays"]].forEach(function (pair) {
      var value = $(pair[0]).value;
      if (value) { parameters.set(pair[1], value); }
    });
    return parameters;
  }

  function load() {
    var request;
    if (state.mode === "matches") {
      request = api("GET", "/api/v1/registrations/" + person + "/matches?page=" + state.page + "&pageSize=" + pageSize);
    } else {
      state.search = searchParameters().toString();
      var parameters = new URLSearchParams(state.search);
      parameters.set("page", state.page);
      parameters.set("pageSize", pageSize);
      request = api("GET", "/api/v1/vacancies?" + parameters.toString());
    }
    $("found").textContent = "…";
    var mine = ++latest;
    var mode = state.mode;
    return request.then(function (answer) {
      if (mine !== latest || !state) { return; }
      var list = mode === "matches" ? answer.body.matches : answer.body.vacancies;
      if (answer.status !== 200 || !list) {
        $("found").textContent = ((answer.body.error || {}).message || {})[lang] || ui.none;
        state.items = [];
        state.total = 0;
        render();
        return;
      }
      state.total = answer.body.total;
      state.places = answer.body.places || {};
      state.items = mode === "matches"
        ? list.map(function (m) { return { vacancy: m.vacancy, reasons: m.reasons }; })
        : list.map(function (v) { return { vacancy: v, reasons: [] }; });
      render();
    });
  }

  function render() {
    var list = $("results");
    list.textContent = "";
    var pages = Math.max(1, Math.ceil(state.total / pageSize));
    if (state.total === 0) {
      $("found").textContent = state.mode === "matches" ? ui.noMatches : ui.none;
    } else {
      $("found").textContent = fill(ui.found, { n: state.total });
    }
    state.items.forEach(function (item) {
      var v = item.vacancy;
      var li = el("li");
      var card = el("button", "vacancy-card");
      card.type = "button";
      card.setAttribute("data-reference", v.reference);
      card.appendChild(el("span", "v-title", title(v)));
      card.appendChild(el("span", "v-employer", v.employer + " · " + place(v)));
      card.appendChild(el("span", "v-wage", wage(v) + " · " + hours(v)));
      if (item.reasons.length) {
        var reasons = el("span", "v-reasons");
        item.reasons.forEach(function (r) { reasons.appendChild(el("span", "reason reason-" + r.code, r.text[lang])); });
        card.appendChild(reasons);
      }
      card.appendChild(el("span", "v-ref mono", v.reference));
      card.addEventListener("click", function () { openDetail(item); });
      li.appendChild(card);
      list.appendChild(li);
    });
    $("page-label").textContent = state.total > pageSize ? fill(ui.page, { page: state.page, pages: pages }) : "";
    $("previous").disabled = state.page <= 1;
    $("next-page").disabled = state.page >= pages;
    $("previous").hidden = $("next-page").hidden = state.total <= pageSize;
    $("print-a4").disabled = $("print-top5").disabled = state.total === 0;
  }

  function setMode(mode) {
    state.mode = mode;
    state.page = 1;
    $("tab-matches").setAttribute("aria-pressed", mode === "matches" ? "true" : "false");
    $("tab-all").setAttribute("aria-pressed", mode === "search" ? "true" : "false");
    $("search-panel").hidden = mode === "matches";
    $("matches-hint").hidden = mode !== "matches";
    showKeyboard(false);
    $("print-status").textContent = "";
    load();
  }

  // ---------- detail ----------
  function openDetail(item) {
    var v = item.vacancy;
    $("d-title").textContent = title(v);
    $("d-employer").textContent = v.employer;
    var reasons = $("d-reasons");
    reasons.textContent = "";
    item.reasons.forEach(function (r) { reasons.appendChild(el("li", "reason reason-" + r.code, r.text[lang])); });
    $("d-place").textContent = place(v);
    $("d-wage").textContent = wage(v);
    $("d-hours").textContent = hours(v);
    $("d-education").textContent = v.education ? (educationNames[v.education] || v.education) : "—";
    $("d-skills").textContent = v.skills && v.skills.length ? v.skills.join(", ") : "—";
    $("d-licences-row").hidden = !(v.licences && v.licences.length);
    $("d-licences").textContent = (v.licences || []).map(function (c) { return strings.licences[c] || c; }).join(", ");
    $("d-experience").textContent = v.experienceYears > 0 ? fill(ui.experience, { n: v.experienceYears }) : ui.noExperience;
    $("d-posts").textContent = fill(ui.posts, { n: v.posts });
    $("d-dates").textContent = fill(ui.dates, { posted: v.postedOn, closes: v.closesOn });
    $("d-apply").textContent = v.howToApply;
    $("d-reference").textContent = v.reference;
    $("list-view").hidden = true;
    $("detail-view").hidden = false;
    $("keyboard").hidden = true;
    window.scrollTo(0, 0);
  }
  $("detail-back").addEventListener("click", function () {
    $("detail-view").hidden = true;
    $("list-view").hidden = false;
  });

  // ---------- printing ----------
  function print(printer) {
    var request = { printer: printer, language: lang };
    if (state.mode === "matches") { request.registrationId = person; } else { request.search = state.search; }
    var status = $("print-status");
    status.className = "print-status";
    status.textContent = ui.printing;
    $("print-a4").disabled = $("print-top5").disabled = true;
    api("POST", "/api/v1/vacancies/print", request).then(function (answer) {
      $("print-a4").disabled = $("print-top5").disabled = state.total === 0;
      var message = (answer.body.message || (answer.body.error || {}).message || {})[lang] || "";
      var faults = (answer.body.faults || []).map(function (f) { return f.message[lang]; });
      status.textContent = [message].concat(faults).join(" ");
      status.className = "print-status " + (answer.body.status === "sent" ? "ok" : "problem");
    });
  }
  $("print-a4").addEventListener("click", function () { print("a4"); });
  $("print-top5").addEventListener("click", function () { print("thermal"); });
  if (body.getAttribute("data-printer") !== "true") { $("print-row").hidden = true; }

  // ---------- search controls ----------
  // The keyboard shows while the visitor types and steps aside for the results.
  function showKeyboard(on) { $("keyboard").hidden = !on; }
  function runSearch() {
    if (state.mode !== "search") { return; }
    showKeyboard(false);
    $("q").classList.remove("focused");
    state.page = 1;
    load();
  }
  $("search").addEventListener("click", runSearch);
  ["f-soum", "f-occupation", "f-hours", "f-wage", "f-posted"].forEach(function (id) {
    $(id).addEventListener("change", runSearch);
  });
  // A soum or khoroo narrows the aimag or district once one is chosen.
  $("f-aimag").addEventListener("change", function () {
    var aimag = $("f-aimag").value;
    var select = $("f-soum");
    while (select.options.length > 1) { select.remove(1); }
    $("f-soum-label").hidden = !aimag;
    runSearch();
    if (!aimag) { return; }
    api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(aimag)).then(function (answer) {
      (answer.body.items || []).forEach(function (unit) {
        var option = el("option", null, unit.name[lang]);
        option.value = unit.code;
        select.appendChild(option);
      });
    });
  });
  document.querySelectorAll("#f-posted option[data-days]").forEach(function (option) {
    option.textContent = fill(ui.postedWithin, { n: option.getAttribute("data-days") });
  });
  $("previous").addEventListener("click", function () { if (state.page > 1) { state.page -= 1; load(); } });
  $("next-page").addEventListener("click", function () { state.page += 1; load(); });
  $("q").addEventListener("keydown", function (event) { if (event.key === "Enter") { runSearch(); } });

  // ---------- on-screen keyboard ----------
  $("keyboard").addEventListener("click", function (event) {
    var key = event.target.closest(".key");
    if (!key) { return; }
    var input = $("q");
    var action = key.getAttribute("data-action");
    if (action === "backspace") {
      input.value = input.value.slice(0, -1);
    } else if (action === "clear") {
      input.value = "";
    } else if (action === "search") {
      runSearch();
      return;
    } else if (action === "layout") {
      var latin = $("keys-latin").hidden;
      $("keys-latin").hidden = !latin;
      $("keys-cyrillic").hidden = latin;
      key.textContent = latin ? "АБВ" : "ABC";
      return;
    } else if (input.value.length < input.maxLength) {
      input.value += key.getAttribute("data-key").toLowerCase();
    }
    input.focus();
  });
  ["focus", "pointerdown"].forEach(function (name) {
    $("q").addEventListener(name, function () {
      $("q").classList.add("focused");
      showKeyboard(true);
    });
  });

  // ---------- accessibility toggles, finish, idle ----------
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });
  function finish() {
    if (session) {
      // The session ends with its proof; `keepalive` lets the request outlive this page.
      fetch("/api/v1/kiosk/sessions/finish", { method: "POST", keepalive: true, headers: { "X-Kiosk-Session": session } })
        .catch(function () {});
    }
    session = null;
    proof = null;
    state = null;
    $("results").textContent = "";
    $("q").value = "";
    location.replace("/kiosk");
  }
  $("finish").addEventListener("click", finish);
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var idleTimer = null;
  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, idleSeconds * 2 * 1000);
  }
  ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, touched, true); });
  touched();

  if (person) {
    $("tabs").hidden = false;
    $("tab-matches").addEventListener("click", function () { setMode("matches"); });
    $("tab-all").addEventListener("click", function () { setMode("search"); });
  }
  setMode(state.mode);
})();
