// Vacancy screen, one question a screen: what work (a group or a word), where, hours, wage, then
// the list (each step can jump to it); a person's matches; detail; printing. Everything the
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
  var state = { mode: person ? "matches" : "search", page: 1, total: 0, items: [], places: {}, search: "",
    filters: {} };
  var returnTo = null;  // the list, while a step is changed from it
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
  // Text in the other language (a Mongolian employer or title on the English screen) says so.
  function marked(node) {
    if (lang !== "mn" && /[\u0400-\u04FF]/.test(node.textContent)) { node.lang = "mn"; }
    return node;
  }
  function placeName(code) {
    var name = state.places[code];
    return name ? name[lang] : code;
  }
  function place(v) {
    return [v.aimagCode, v.soumCode].filter(Boolean).map(placeName).join(", ");
  }
  function hours(v) { return strings.hours[v.hours] || v.hours; }

  // ---------- steps ----------
  var sections = Array.prototype.slice.call(document.querySelectorAll("#vacancy-main > section"));
  var current = null;
  function show(id) {
    sections.forEach(function (section) { section.hidden = section.id !== id; });
    current = $(id);
    var typing = current.getAttribute("data-keyboard") === "full";
    $("keyboard").hidden = !typing;
    $("q").classList.toggle("focused", typing);
    // Focus goes to the step's question, so a screen reader starts there.
    var heading = current.querySelector("h1");
    if (heading) { heading.focus(); }
  }
  function toServices() {
    // Back to the services of the registration journey; the session ends with this page.
    var target = "/kiosk/" + lang + "/register" + displayQuery();
    end();
    location.replace(target);
  }
  function displayQuery() {
    var parts = [];
    if (body.classList.contains("high-contrast")) { parts.push("contrast=high"); }
    if (body.classList.contains("large-text")) { parts.push("text=large"); }
    return parts.length ? "?" + parts.join("&") : "";
  }
  function back() {
    if (returnTo) { returnTo = null; showResults(); return; }
    var target = current.getAttribute("data-back");
    if (target === "services") { toServices(); return; }
    // Without a soum list the hours step goes back to the aimags.
    if (current.id === "v-hours" && !$("v-soums").children.length) { target = "v-where"; }
    if (current.id === "v-hours" && $("v-soums").children.length) { target = "v-soum"; }
    show(target);
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-back]"), function (button) {
    button.addEventListener("click", back);
  });
  function forward(next) {
    if (returnTo) { returnTo = null; showResults(); return; }
    show(next);
  }
  function showResults() {
    state.page = 1;
    show("v-results");
    load();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".show-jobs"), function (button) {
    button.addEventListener("click", function () { returnTo = null; showResults(); });
  });
  function press(container, attribute, value) {
    Array.prototype.forEach.call(container.querySelectorAll("[" + attribute + "]"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute(attribute) === value ? "true" : "false");
    });
  }
  function choose(container, attribute, onChoice) {
    $(container).addEventListener("click", function (event) {
      var button = event.target.closest("[" + attribute + "]");
      if (!button) { return; }
      var value = button.getAttribute(attribute);
      press($(container), attribute, value);
      onChoice(value, button);
    });
  }
  choose("v-groups", "data-occupation", function (value) {
    state.filters.occupation = value || null;
    state.filters.q = null;
    $("q").value = "";
    forward("v-where");
  });
  $("v-by-word").addEventListener("click", function () { show("v-word"); });
  function wordDone() {
    state.filters.q = $("q").value.trim() || null;
    state.filters.occupation = null;
    press($("v-groups"), "data-occupation", null);
    forward("v-where");
  }
  $("search").addEventListener("click", wordDone);
  choose("v-aimags", "data-aimag", function (aimag) {
    state.filters.aimag = aimag || null;
    state.filters.soum = null;
    var list = $("v-soums");
    list.textContent = "";
    if (!aimag) { forward("v-hours"); return; }
    api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(aimag)).then(function (answer) {
      var units = answer.body.items || [];
      if (!units.length) { forward("v-hours"); return; }
      var name = $("v-aimags").querySelector('[data-aimag="' + aimag + '"]').textContent;
      list.appendChild(choice("data-soum", "", "place-anywhere", fill(ui.wholeUnit, { name: name })));
      units.forEach(function (unit) { list.appendChild(choice("data-soum", unit.code, "place", unit.name[lang])); });
      show("v-soum");
    });
  });
  function choice(attribute, value, pictogram, label) {
    var button = el("button", "choice");
    button.type = "button";
    button.setAttribute(attribute, value);
    button.setAttribute("aria-pressed", "false");
    var image = el("img", "pictogram");
    image.src = "/assets/pictograms/" + pictogram + ".svg";
    image.alt = "";
    button.appendChild(image);
    button.appendChild(el("span", null, label));
    return button;
  }
  choose("v-soums", "data-soum", function (soum) {
    state.filters.soum = soum || null;
    forward("v-hours");
  });
  choose("v-hours-choices", "data-hours", function (hours) {
    state.filters.hours = hours || null;
    forward("v-wage");
  });
  choose("v-wages", "data-wage", function (wage) {
    state.filters.minWage = wage || null;
    forward("v-posted");
  });
  choose("v-posted-choices", "data-posted", function (days) {
    state.filters.postedWithinDays = days || null;
    returnTo = null;
    showResults();
  });
  $("v-new-search").addEventListener("click", function () {
    state.filters = {};
    $("q").value = "";
    ["v-groups", "v-aimags", "v-hours-choices", "v-wages", "v-posted-choices"].forEach(function (id) {
      Array.prototype.forEach.call($(id).querySelectorAll("[aria-pressed]"), function (b) {
        b.setAttribute("aria-pressed", "false");
      });
    });
    $("v-soums").textContent = "";
    returnTo = null;
    show("v-what");
  });
  $("v-to-services").addEventListener("click", toServices);

  // ---------- list ----------
  function searchParameters() {
    var parameters = new URLSearchParams();
    [["q", "q"], ["aimag", "aimag"], ["soum", "soum"], ["occupation", "occupation"], ["hours", "hours"],
      ["minWage", "minWage"], ["postedWithinDays", "postedWithinDays"]].forEach(function (pair) {
      var value = state.filters[pair[0]];
      if (value) { parameters.set(pair[1], value); }
    });
    return parameters;
  }

  // What the list was searched with, each a button back to its step.
  function chips() {
    var list = $("filter-chips");
    list.textContent = "";
    if (state.mode !== "search") { return; }
    function label(container, attribute, value) {
      var button = $(container).querySelector("[" + attribute + '="' + value + '"]');
      return button ? button.textContent : value;
    }
    var f = state.filters;
    [[f.q, f.q, "v-word"],
      [f.occupation, f.occupation && label("v-groups", "data-occupation", f.occupation), "v-what"],
      [f.aimag, f.aimag && label("v-aimags", "data-aimag", f.aimag), "v-where"],
      [f.soum, f.soum && label("v-soums", "data-soum", f.soum), "v-soum"],
      [f.hours, f.hours && label("v-hours-choices", "data-hours", f.hours), "v-hours"],
      [f.minWage, f.minWage && label("v-wages", "data-wage", f.minWage), "v-wage"],
      [f.postedWithinDays, f.postedWithinDays && label("v-posted-choices", "data-posted", f.postedWithinDays),
        "v-posted"]].forEach(function (item) {
      if (!item[0]) { return; }
      var li = el("li");
      var button = el("button", "edit", item[1] + " ✎");
      button.type = "button";
      button.setAttribute("aria-label", item[1] + ", " + ui.change);
      button.addEventListener("click", function () {
        show(item[2]);
        returnTo = "v-results";
      });
      li.appendChild(button);
      list.appendChild(li);
    });
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
    chips();
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
    $("found-status").textContent = $("found").textContent;
    state.items.forEach(function (item) {
      var v = item.vacancy;
      var li = el("li");
      var card = el("button", "vacancy-card");
      card.type = "button";
      card.setAttribute("data-reference", v.reference);
      card.appendChild(marked(el("span", "v-title", title(v))));
      card.appendChild(marked(el("span", "v-employer", v.employer + " · " + place(v))));
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
    list.scrollTop = 0;
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
    $("matches-hint").hidden = mode !== "matches";
    $("print-status").textContent = "";
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
    $("d-posts").textContent = String(v.posts);
    $("d-dates").textContent = fill(ui.dates, { posted: v.postedOn, closes: v.closesOn });
    $("d-apply").textContent = v.howToApply;
    $("d-reference").textContent = v.reference;
    ["d-title", "d-employer", "d-skills", "d-apply", "d-place"].forEach(function (id) {
      $(id).removeAttribute("lang");
      marked($(id));
    });
    show("detail-view");
  }
  $("detail-back").addEventListener("click", function () {
    show("v-results");
    var card = $("results").querySelector('[data-reference="' + $("d-reference").textContent + '"]');
    if (card) { card.focus(); }
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

  $("previous").addEventListener("click", function () {
    if (state.page > 1) { state.page -= 1; load().then(function () { $("found").focus(); }); }
  });
  $("next-page").addEventListener("click", function () {
    state.page += 1;
    load().then(function () { $("found").focus(); });
  });
  $("q").addEventListener("keydown", function (event) { if (event.key === "Enter") { wordDone(); } });

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
      wordDone();
    } else if (action === "layout") {
      var latin = $("keys-latin").hidden;
      $("keys-latin").hidden = !latin;
      $("keys-cyrillic").hidden = latin;
      key.textContent = latin ? "АБВ" : "ABC";
    } else if (input.value.length < input.maxLength) {
      input.value += key.getAttribute("data-key").toLowerCase();
    }
  });

  // ---------- accessibility toggles, finish, idle ----------
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });
  // Ends the screen session (with its proof) and wipes what the visitor saw.
  function end() {
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
  }
  function finish() {
    end();
    location.replace("/kiosk");
  }
  $("finish").addEventListener("click", finish);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { finish(); } });
  window.kioskIdle(finish);  // idle.js

  if (person) {
    $("tabs").hidden = false;
    $("tab-matches").addEventListener("click", function () { setMode("matches"); showResults(); });
    $("tab-all").addEventListener("click", function () { setMode("search"); show("v-what"); });
    setMode("matches");
    showResults();
  } else {
    setMode("search");
    show("v-what");
  }
})();
