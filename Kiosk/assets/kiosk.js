// The self-registration journey. All state lives in this page's memory: nothing is written to
// browser storage or history, and a reset replaces the page, so the next visitor finds nothing.
(function () {
  "use strict";

  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var strings = JSON.parse(document.getElementById("client-strings").textContent);
  var errorStrings = JSON.parse(document.getElementById("error-strings").textContent);
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
  var stepNames = steps.map(function (s) { return s.getAttribute("data-step"); });
  // The path a visitor walks; "known" is only visited by returning people.
  var path = ["registryNumber", "names", "phone", "address", "education", "occupation", "skills",
    "experience", "desiredJob", "disability", "status", "consent", "review", "done"];
  // With a fingerprint reader, the finger is read after consent (which covers it).
  var fingerprintStrings = JSON.parse(document.getElementById("fingerprint-strings").textContent);
  if (body.getAttribute("data-fingerprint") === "true") { path.splice(path.indexOf("review"), 0, "fingerprint"); }

  var state = {
    current: "service",
    service: null,         // {code, requires} when the visitor came for a ticket
    priority: null,
    form: { skills: [], licences: [], experienceYears: 0, language: lang },
    known: null,           // {id, reference, displayName, maskedPhone} once a returning person has proved who they are
    session: null,         // this screen session's id (the server binds proofs to it), in memory only
    sessionCode: null,     // the six digits an officer types to confirm the visitor for this screen
    proof: null,           // the proof token of the person on screen, in memory only; dropped on reset
    birthDate: null,
    sex: null,
    labels: {},            // code -> name of choices made, for the review
    returnTo: null,        // "review" while a visitor changes one answer from the review
    busy: false
  };
  var activeInput = null;

  // ---------- helpers ----------
  function $(id) { return document.getElementById(id); }
  function section(name) { return steps[stepNames.indexOf(name)]; }

  function errorMessage(code) {
    var node = errorStrings;
    code.split(".").forEach(function (part) { node = node && node[part]; });
    return typeof node === "string" ? node : code;
  }

  function clearErrors() {
    document.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
    document.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
  }

  function showErrors(errors) {
    errors.forEach(function (error) {
      var target = document.querySelector('[data-error-for="' + error.field + '"]');
      if (target) { target.textContent = (error.message && error.message[lang]) || errorMessage(error.code); }
      var input = document.querySelector('[data-field="' + error.field + '"]');
      if (input) { input.classList.add("invalid"); }
    });
  }

  var newKey = window.newRequestKey;  // request-key.js

  // Every request names this screen session, and carries the proof of the person on screen once
  // there is one: the server opens a person's details to nothing else. `key`: the
  // Idempotency-Key of a ticket or registration; the same key again (a second tap, a retry after
  // a lost answer) is answered with the first answer, never a second ticket.
  function api(method, url, payload, key) {
    var headers = payload ? { "Content-Type": "application/json" } : {};
    if (key) { headers["Idempotency-Key"] = key; }
    if (state && state.session) { headers["X-Kiosk-Session"] = state.session; }
    if (state && state.proof) { headers["X-Kiosk-Proof"] = state.proof; }
    return fetch(url, {
      method: method,
      headers: headers,
      body: payload ? JSON.stringify(payload) : undefined,
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (response) {
      // A failure the service could not answer in JSON (a proxy, a crash) still says what it was,
      // never "connection lost"; the service's own errors carry a reference to give to staff.
      return response.json().catch(function () {
        var text = strings.serverError.replace("{status}", String(response.status));
        return { error: { code: "http" + response.status, message: { mn: text, en: text } } };
      }).then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function fieldsOf(name) {
    var list = section(name).getAttribute("data-fields");
    return list ? list.split(",") : [];
  }

  function collect() {
    document.querySelectorAll("[data-field]").forEach(function (input) {
      var value = input.value.trim();
      state.form[input.getAttribute("data-field")] = value === "" ? undefined : value;
    });
    // A returning person who leaves the phone empty keeps the stored number.
    if (state.known && !state.form.phone) { state.form.phone = undefined; }
    // A skill typed but not added with «Нэмэх» still counts.
    addTypedSkill();
  }

  // ---------- steps ----------
  function show(name) {
    state.current = name;
    steps.forEach(function (s) { s.classList.toggle("active", s.getAttribute("data-step") === name); });
    var index = path.indexOf(name);
    var shown = Math.max(0, index);
    $("progress-bar").style.width = Math.round(100 * shown / (path.length - 1)) + "%";
    var outside = name === "known" || name === "prove" || name === "done" || name === "service" || name === "ticket" ||
      name === "texts";
    if (name === "review" || outside) { state.returnTo = null; }
    var editing = state.returnTo === "review";
    $("step-counter").textContent = outside || editing ? "" : (shown + 1) + " / " + (path.length - 1);
    $("back").hidden = outside || editing;
    // The consent step's own button agrees and moves on; the steps outside the path have their own.
    $("next").hidden = outside || name === "consent";
    var next = $("next");
    next.querySelector(".label").textContent = name === "review"
      ? next.getAttribute(state.known ? "data-update" : "data-submit")
      : next.getAttribute(editing ? "data-save" : "data-next");
    body.classList.toggle("returning", !!state.known);
    body.classList.toggle("editing", editing);
    body.classList.toggle("outside-steps", outside);
    var keyboardMode = showKeyboard(name);
    var first = section(name).querySelector("input:not([hidden])");
    if (name === "disability") { first = $("disabilityDetail"); }
    focusInput(first && keyboardMode !== "none" ? first : null, true);
    // Focus goes to the step's question, so a screen reader (and the audio mode) starts there; the
    // on-screen keyboard still types into the step's first field.
    var question = section(name).querySelector("h1");
    if (question) { question.focus({ preventScroll: true }); }
    if (name === "review") { fillReview(); }
    stopFingerprint();
    if (name !== "prove") { stopWaitingForOfficer(); }
    if (name === "fingerprint") { startFingerprint(); }
    if (name === "registryNumber") { startIdentify(); }
    // A choice made earlier (the office's own aimag) is shown inside its list.
    section(name).querySelectorAll("[data-scroll-list] .selected").forEach(function (option) {
      var list = option.closest("[data-scroll-list]");
      list.scrollTop += option.getBoundingClientRect().top - list.getBoundingClientRect().top - 8;
    });
    var searchInput = section(name).querySelector("[data-search]");
    if (searchInput) { search(searchInput); }
    window.scrollTo(0, 0);
  }

  // The keyboard a step needs: its own, or the letters once "yes" opens the disability detail.
  function showKeyboard(name) {
    var mode = section(name).getAttribute("data-keyboard");
    if (name === "disability" && state.form.hasDisability === true) { mode = "full"; }
    $("keyboard").setAttribute("data-mode", mode);
    $("keyboard").hidden = mode === "none";
    return mode;
  }

  // `keepFocus`: mark the field the keys type into without moving the browser's focus there.
  function focusInput(input, keepFocus) {
    if (activeInput) { activeInput.classList.remove("focused"); }
    activeInput = input;
    if (input) {
      input.classList.add("focused");
      if (!keepFocus) { input.focus({ preventScroll: true }); }
    }
  }

  function nextStep() {
    if (state.busy) { return; }
    clearErrors();
    collect();
    var name = state.current;
    if (name === "registryNumber") { return checkRegistryNumber(); }
    if (name === "review") { return submit(); }
    if (name === "provecode") { return verifyCode(); }
    if (name === "fingerprint") { return advance(); }
    var fields = fieldsOf(name);
    if (state.known && name === "phone" && !state.form.phone) { return advance(); }
    busy(true);
    api("POST", "/api/v1/registrations/validate?fields=" + fields.join(","), payload()).then(function (answer) {
      busy(false);
      if (answer.status !== 200) { return showErrors([{ field: fields[0], code: "required" }]); }
      if (answer.body.errors.length) { return showErrors(answer.body.errors); }
      advance();
    }, networkFailure);
  }

  // The next step, or back to the review when the visitor came from it to change one answer.
  function advance() {
    if (state.returnTo) { return show(state.returnTo); }
    go(+1);
  }

  function go(delta) {
    var index = path.indexOf(state.current);
    show(path[Math.min(path.length - 1, Math.max(0, index + delta))]);
  }

  function busy(on) {
    state.busy = on;
    $("next").disabled = on;
  }

  // An answer the screen has no other place for: the service's own words (with the reference to
  // give to staff when it failed unexpectedly), or "connection failed" when nothing answered.
  function networkFailure(answer) {
    busy(false);
    var target = section(state.current).querySelector(".field-error") || $("submit-error");
    var error = answer && answer.body && answer.body.error;
    target.textContent = (error && error.message && error.message[lang]) || strings.networkError;
    // The review screen is long: the message must be where the visitor looks, not below the fold.
    target.scrollIntoView({ block: "center" });
  }

  function payload() {
    var copy = {};
    Object.keys(state.form).forEach(function (key) {
      if (state.form[key] !== undefined && state.form[key] !== null) { copy[key] = state.form[key]; }
    });
    return copy;
  }

  function checkRegistryNumber() {
    busy(true);
    api("POST", "/api/v1/registrations/lookup", { registryNumber: state.form.registryNumber || "" }).then(function (answer) {
      busy(false);
      if (answer.status === 422) { return showErrors(answer.body.error.fields || []); }
      if (answer.status !== 200) { return networkFailure(answer); }
      state.birthDate = answer.body.birthDate;
      state.sex = answer.body.sex;
      if (state.service && state.service.appointment && answer.body.status !== "known") {
        // Nobody registered has this number, so nobody has an appointment under it.
        return showErrors([{ field: "registryNumber", message: { mn: noAppointment, en: noAppointment } }]);
      }
      if (answer.body.status === "known") {
        // Nothing about the person yet: only the ways they can prove it is them.
        state.known = null;
        state.proof = null;
        showProve(answer.body.proofs || ["staff"]);
      } else {
        state.known = null;
        setFingerprintStep(true);
        advance();
      }
    }, networkFailure);
  }

  // A returning person who has not proved who they are: a finger on the reader (when they have
  // fingers enrolled here), or an officer who sees their ID card and types this screen's code on
  // the console. Meanwhile they can take their ticket; nothing about them is shown.
  var officerTimer = null;
  function showProve(proofs) {
    var finger = proofs.indexOf("finger") >= 0 && body.getAttribute("data-fingerprint") === "true";
    $("prove-finger").hidden = !finger;
    $("prove-staff-with-finger").hidden = !finger;
    $("prove-staff-only").hidden = finger;
    $("prove-code").textContent = state.sessionCode ? state.sessionCode.slice(0, 3) + " " + state.sessionCode.slice(3) : "";
    $("prove-ticket").hidden = !state.service;
    $("prove-ticket-hint").hidden = !state.service;
    $("prove-by-sms").hidden = proofs.indexOf("code") < 0;
    $("prove-status").textContent = "";
    $("prove-pad").setAttribute("data-state", "ready");
    show("prove");
    waitForOfficer();
    if (finger) {
      followReader();
      api("GET", "/api/v1/fingerprint/status").then(function (answer) {
        readerIsVirtual = answer.body && answer.body.reader === "virtual";
        if (!readerIsVirtual) { proveByFinger(); }
      });
    }
  }
  // The officer's confirmation arrives for this session: asked every two seconds while the
  // screen waits for it.
  function waitForOfficer() {
    stopWaitingForOfficer();
    officerTimer = setInterval(function () {
      if (!state || state.current !== "prove") { return stopWaitingForOfficer(); }
      api("GET", "/api/v1/kiosk/sessions/current").then(function (answer) {
        if (state && state.current === "prove" && answer.status === 200 && answer.body.status === "proved") {
          proved(answer.body.person, answer.body.proof);
        }
      });
    }, 2000);
  }
  function stopWaitingForOfficer() {
    if (officerTimer) { clearInterval(officerTimer); officerTimer = null; }
  }
  // 1:1: the finger on the reader against the fingers enrolled for the number typed.
  function proveByFinger() {
    if (capturing || state.current !== "prove") { return; }
    capturing = true;
    $("prove-pad").setAttribute("data-state", "waitingForFinger");
    $("prove-status").textContent = fingerprintStrings.verify.prompt;
    api("POST", "/api/v1/fingerprint/verify", { registryNumber: state.form.registryNumber || "" }).then(function (answer) {
      capturing = false;
      if (!state || state.current !== "prove") { return; }
      var result = answer.body || {};
      if (answer.status === 200 && result.status === "verified") {
        $("prove-pad").setAttribute("data-state", "accepted");
        $("prove-status").textContent = result.message[lang];
        return setTimeout(function () { if (state && state.current === "prove") { proved(result.person, result.proof); } }, 600);
      }
      $("prove-pad").setAttribute("data-state", answer.status === 200 && result.status === "retry" ? "ready" : "problem");
      $("prove-status").textContent = answer.status !== 200
        ? ((result.error && result.error.message[lang]) || strings.networkError)
        : result.status === "retry" ? problemText(result) : result.message[lang];
    }, function () { capturing = false; });
  }
  $("prove-pad").addEventListener("click", proveByFinger);
  // A one-time code texted to the phone on file (issue 22), typed on the step's digit keys.
  $("prove-by-sms").addEventListener("click", function () {
    api("POST", "/api/v1/kiosk/proofs/code", { registryNumber: state.form.registryNumber || "", language: lang })
      .then(function (answer) {
        if (!state || state.current !== "prove") { return; }
        if (answer.status !== 202) {
          $("prove-status").textContent = (answer.body && answer.body.error && answer.body.error.message[lang]) || strings.networkError;
          return;
        }
        $("provecode-input").value = "";
        $("provecode-error").textContent = "";
        show("provecode");
      }, networkFailure);
  });
  function verifyCode() {
    var code = $("provecode-input").value.replace(/\D/g, "");
    api("POST", "/api/v1/kiosk/proofs/code/verify", { code: code }).then(function (answer) {
      if (!state || state.current !== "provecode") { return; }
      if (answer.status === 200 && answer.body.status === "proved") { return proved(answer.body.person, answer.body.proof); }
      $("provecode-error").textContent = (answer.body && answer.body.error && answer.body.error.message[lang]) || strings.networkError;
    }, networkFailure);
  }
  $("prove-ticket").addEventListener("click", function () { issueTicket(null, null, state.form.registryNumber); });

  // Proved (by finger, by an officer, or found by finger): the person and their proof token.
  function proved(person, proof) {
    stopWaitingForOfficer();
    state.proof = proof && proof.token;
    showKnown(person);
  }

  // The greeting of a returning person who has proved who they are.
  function showKnown(person) {
    state.birthDate = person.birthDate;
    state.sex = person.sex;
    state.form.registryNumber = person.prefill.registryNumber;
    state.known = { id: person.id, reference: person.reference, displayName: person.displayName,
      maskedPhone: person.maskedPhone, prefill: person.prefill, fingerprintsEnrolled: person.fingerprintsEnrolled };
    setFingerprintStep(!person.fingerprintsEnrolled);
    $("known-name").textContent = person.displayName;
    $("known-reference").textContent = person.reference;
    $("known-phone").textContent = person.maskedPhone;
    $("known-ticket").hidden = !state.service;
    show("known");
  }

  function applyPrefill(prefill) {
    Object.keys(prefill).forEach(function (key) {
      var value = prefill[key];
      state.form[key] = value;
      var input = document.querySelector('[data-field="' + key + '"]');
      if (input && typeof value === "string") { input.value = value; }
    });
    renderSkills();
    renderLicences();
    showExperience();
    markChoice("educationCode", state.form.educationCode);
    markChoice("status", state.form.status);
    markChoice("hasDisability", String(state.form.hasDisability));
    $("disability-detail-box").hidden = state.form.hasDisability !== true;
    markChoice("aimagCode", state.form.aimagCode);
    loadSoums(state.form.aimagCode, state.form.soumCode);
    labelOccupation("occupationCode", state.form.occupationCode);
    labelOccupation("desiredOccupationCode", state.form.desiredOccupationCode);
  }

  function labelOccupation(field, code) {
    if (!code) { return; }
    api("GET", "/api/v1/reference/occupations?q=" + encodeURIComponent(code) + "&limit=1").then(function (answer) {
      var item = answer.body.items && answer.body.items[0];
      if (item && item.code === code) {
        state.labels[field] = item.name[lang];
        renderResults(document.querySelector('[data-results-for][data-choice="' + field + '"]'), [item], field);
        markChoice(field, code);
      }
    });
  }

  function submit() {
    busy(true);
    $("submit-error").textContent = strings.saving;
    var request = state.known
      ? api("PUT", "/api/v1/registrations/" + state.known.id + enrolmentQuery(), withKeptPhone(payload()))
      : api("POST", "/api/v1/registrations" + enrolmentQuery(), payload(), registrationKey());
    request.then(function (answer) {
      busy(false);
      state.registrationKey = null;
      $("submit-error").textContent = "";
      if (answer.status === 201 || answer.status === 200) {
        var title = $("done-title");
        title.textContent = title.getAttribute(answer.status === 201 ? "data-created" : "data-updated");
        $("done-reference").textContent = answer.body.reference;
        state.registrationId = answer.body.id;
        // A new person's proof, for their receipt and matches.
        if (answer.body.proof) { state.proof = answer.body.proof.token; }
        enrolment = null;
        showPrint($("done-print-status"), null, null);
        if (state.service) { return issueTicket(answer.body.id, answer.body.reference); }
        return show("done");
      }
      if (answer.status === 409) { $("submit-error").textContent = strings.alreadyRegistered; return; }
      if (answer.status === 422) {
        var errors = answer.body.error.fields || [];
        showErrors(errors);
        var firstStep = null;
        path.forEach(function (name) {
          if (!firstStep && errors.some(function (e) { return fieldsOf(name).indexOf(e.field) >= 0; })) { firstStep = name; }
        });
        if (firstStep) { show(firstStep); showErrors(errors); }
        return;
      }
      networkFailure(answer);
    }, networkFailure);
  }

  // The stored phone number is never sent to the screen; when it is kept the server needs it
  // for validation, so a returning person who keeps it sends the form without it and the
  // update reuses the stored one.
  function withKeptPhone(form) {
    if (!form.phone) { form.keepPhone = true; }
    return form;
  }

  // ---------- services and tickets ----------
  document.querySelectorAll(".priority-option").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      document.querySelectorAll(".priority-option").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      button.setAttribute("aria-pressed", on ? "true" : "false");
      state.priority = on ? button.getAttribute("data-priority") : null;
    });
  });
  document.querySelectorAll(".service-option").forEach(function (button) {
    button.addEventListener("click", function () {
      state.service = { code: button.getAttribute("data-service"), requires: button.getAttribute("data-requires") === "true" };
      if (state.service.requires) { return show("registryNumber"); }
      issueTicket(null, null);
    });
  });
  // "I have an appointment": the same proof of who one is, then a check-in instead of a ticket
  // for a chosen service (the booked counsellor's queue).
  var noAppointment = $("appointment-start").getAttribute("data-none-today");
  $("appointment-start").addEventListener("click", function () {
    state.service = { code: null, requires: true, appointment: true };
    state.priority = null;
    show("registryNumber");
  });
  $("only-register").addEventListener("click", function () {
    state.service = null;
    show("registryNumber");
  });
  $("known-ticket").addEventListener("click", function () { issueTicket(state.known.id, state.known.reference); });

  // One key per intent: kept until an answer comes (a lost answer's retry replays it), then new.
  function registrationKey() {
    if (!state.registrationKey) { state.registrationKey = newKey(); }
    return state.registrationKey;
  }

  // A ticket for the person on screen (`registrationId`, with their proof), or for a returning
  // person who has not proved who they are (`registryNumber`: the officer sees the ID card).
  function issueTicket(registrationId, reference, registryNumber) {
    busy(true);
    if (!state.ticketKey) { state.ticketKey = newKey(); }
    var checkIn = !!state.service.appointment;
    var request = checkIn ? { language: lang, print: true } : { serviceCode: state.service.code, language: lang, print: true };
    if (state.priority && !checkIn) { request.priority = state.priority; }
    if (registrationId) { request.registrationId = registrationId; }
    else if (registryNumber) { request.registryNumber = registryNumber; }
    api("POST", checkIn ? "/api/v1/appointments/check-in" : "/api/v1/tickets", request, state.ticketKey).then(function (answer) {
      busy(false);
      state.ticketKey = null;
      if (answer.status !== 201) {
        var error = answer.body && answer.body.error;
        var text = error ? ((error.fields && error.fields[0] && error.fields[0].message[lang]) || error.message[lang]) : strings.networkError;
        var target = section(state.current).querySelector(".field-error") || $("service-error");
        target.textContent = text;
        return;
      }
      var t = checkIn ? answer.body.ticket : answer.body;
      var booked = $("ticket-appointment");
      booked.hidden = !checkIn;
      booked.textContent = checkIn
        ? booked.getAttribute("data-text").replace("{time}", answer.body.time) + " " + booked.getAttribute("data-wait") : "";
      $("ticket-number").textContent = t.number;
      $("ticket-service").textContent = t.serviceName[lang];
      showPriority(t.priority);
      $("ticket-ahead").textContent = String(t.peopleAhead);
      $("ticket-wait").textContent = t.estimateMinutes
        ? t.estimateMinutes.from + "–" + t.estimateMinutes.to + " " + strings.minutes : strings.noEstimate;
      showStatusLink(t.statusURL);
      $("ticket-rating-code").textContent = t.ratingCode || "";
      state.ratingCode = t.ratingCode;
      $("ticket-registration").hidden = !reference;
      $("ticket-reference").textContent = reference || "";
      state.ticketId = t.id;
      showPrint($("ticket-print"), t.print, $("ticket-print-again"));
      show("ticket");
    }, networkFailure);
  }

  // The priority on the ticket, with its pictogram (no symbol glyph a font may lack).
  function showPriority(priority) {
    var line = $("ticket-priority");
    line.textContent = "";
    if (!priority) { return; }
    var picture = document.createElement("img");
    picture.className = "pictogram";
    picture.alt = "";
    picture.src = "/assets/pictograms/priority-" + priority + ".svg";
    line.appendChild(picture);
    line.appendChild(document.createTextNode(" " + strings.priority[priority]));
  }

  // The ticket's status page, as a phone would reach it: only an address another device can open
  // (the office's public address), never the kiosk's own loopback one.
  function showStatusLink(url) {
    var host = "";
    try { host = new URL(url).hostname; } catch (error) { host = ""; }
    var loopback = !host || host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
    $("ticket-status-line").hidden = loopback;
    $("ticket-status-none").hidden = !loopback;
    $("ticket-status").textContent = loopback ? "" : url.replace(/^https?:\/\//, "").replace(/\?.*$/, "");
  }

  // What became of a print: "take your ticket", or the printer's problem with the number kept
  // on screen; a failed print can be tried again.
  function showPrint(target, result, againButton) {
    target.textContent = result ? result.message[lang] : "";
    target.classList.toggle("print-failed", !!result && result.status !== "sent");
    if (againButton) { againButton.hidden = !result || result.status !== "failed"; }
  }

  function printAgain(url, target, againButton, payload) {
    target.textContent = strings.printing;
    target.classList.remove("print-failed");
    if (againButton) { againButton.hidden = true; }
    api("POST", url, payload).then(function (answer) {
      if (answer.status === 200) { return showPrint(target, answer.body, againButton); }
      target.textContent = (answer.body && answer.body.error && answer.body.error.message[lang]) || strings.networkError;
      target.classList.add("print-failed");
    }, function () {
      target.textContent = strings.networkError;
      target.classList.add("print-failed");
      if (againButton) { againButton.hidden = false; }
    });
  }

  // ---------- texts with the ticket (issue 22) ----------
  // "Text me when my turn is near": a phone typed on the digit keys for this ticket (or the one on
  // file, for a person who proved who they are), and that person's other kinds of message.
  var textsButton = $("ticket-texts");
  function textKinds() { return Array.prototype.slice.call(document.querySelectorAll(".texts-kind")); }
  textKinds().forEach(function (button) {
    button.addEventListener("click", function () {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    });
  });
  if (textsButton) {
    textsButton.addEventListener("click", function () {
      $("texts-phone").value = "";
      $("texts-phone-error").textContent = "";
      $("texts-error").textContent = "";
      api("GET", "/api/v1/tickets/" + state.ticketId + "/texts").then(function (answer) {
        if (answer.status !== 200) {
          $("ticket-error").textContent = (answer.body && answer.body.error && answer.body.error.message[lang]) || strings.networkError;
          return;
        }
        var options = answer.body;
        textKinds().forEach(function (button) {
          var kind = button.getAttribute("data-kind");
          button.hidden = options.offered.indexOf(kind) < 0;
          var on = kind === "turn_near" || options.granted.indexOf(kind) >= 0;
          button.setAttribute("aria-pressed", on ? "true" : "false");
        });
        var onFile = options.maskedPhoneOnFile;
        $("texts-on-file").hidden = !onFile;
        $("texts-optional").hidden = !onFile;
        $("texts-on-file-phone").textContent = onFile || "";
        show("texts");
      }, networkFailure);
    });
    $("texts-back").addEventListener("click", function () { show("ticket"); });
    $("texts-save").addEventListener("click", function () {
      if (state.busy) { return; }
      $("texts-phone-error").textContent = "";
      $("texts-error").textContent = "";
      $("texts-phone").classList.remove("invalid");
      var kinds = textKinds().filter(function (button) {
        return !button.hidden && button.getAttribute("aria-pressed") === "true";
      }).map(function (button) { return button.getAttribute("data-kind"); });
      var request = { ratingCode: state.ratingCode || "", kinds: kinds };
      var typed = $("texts-phone").value.replace(/\s/g, "");
      if (typed) { request.phone = typed; }
      busy(true);
      api("POST", "/api/v1/tickets/" + state.ticketId + "/texts", request).then(function (answer) {
        busy(false);
        if (answer.status === 200) {
          var saved = $("ticket-texts-saved");
          saved.textContent = answer.body.maskedPhone
            ? saved.getAttribute("data-saved").replace("{phone}", answer.body.maskedPhone)
            : saved.getAttribute("data-none");
          return show("ticket");
        }
        var error = answer.body && answer.body.error;
        var field = error && error.fields && error.fields[0];
        if (field && field.field === "phone") {
          $("texts-phone-error").textContent = field.message[lang];
          $("texts-phone").classList.add("invalid");
          return;
        }
        $("texts-error").textContent = field ? field.message[lang] : ((error && error.message[lang]) || strings.networkError);
      }, networkFailure);
    });
  }

  $("ticket-print-again").addEventListener("click", function () {
    printAgain("/api/v1/tickets/" + state.ticketId + "/print", $("ticket-print"), $("ticket-print-again"),
      state.ratingCode ? { ratingCode: state.ratingCode } : undefined);
  });
  $("done-print").addEventListener("click", function () {
    printAgain("/api/v1/registrations/" + state.registrationId + "/receipt", $("done-print-status"), null);
  });

  // ---------- fingerprint ----------
  // The reader's states arrive over server-sent events; a capture is asked for with a POST and
  // answers with the verdict (and, when enrolling, how far the finger is). No image and no
  // template ever reaches the page.
  var readerEvents = null;
  var capturing = false;
  var readerIsVirtual = false;
  function fingerprintText(status) {
    if (status.problem) { return fingerprintStrings.problems[status.problem]; }
    return fingerprintStrings[status.state] || "";
  }
  // The pad and status line of the step on screen follow the reader while a capture runs.
  function followReader() {
    if (readerEvents) { return; }
    readerEvents = new EventSource("/api/v1/fingerprint/events");
    readerEvents.addEventListener("status", function (event) {
      var status = JSON.parse(event.data);
      readerIsVirtual = status.reader === "virtual";
      var pad = section(state.current).querySelector(".fingerprint-pad");
      var line = section(state.current).querySelector(".fingerprint-status");
      // Between captures the verdict stays on screen; during one, the reader's state shows.
      if (!pad || (!capturing && status.state !== "absent")) { return; }
      pad.setAttribute("data-state", status.problem ? "problem" : status.state);
      if (status.state !== "waitingForFinger") { line.textContent = fingerprintText(status); }
    });
  }
  function stopFingerprint() {
    if (readerEvents) { readerEvents.close(); readerEvents = null; }
    // A capture still waiting for a finger is ended: the next screen may need the reader.
    if (capturing) { api("DELETE", "/api/v1/fingerprint/capture"); }
  }
  function problemText(result) {
    return (result.message && result.message[lang]) || fingerprintStrings.problems[result.problem] ||
      fingerprintStrings.problems.readerError;
  }

  // Enrolment during registration: the right index finger, then the left, each read until three
  // prints agree (at most five); either finger can be skipped, and so can the whole step.
  var enrolFingers = ["rightIndex", "leftIndex"];
  var enrolment = null;   // {id, finger (index into enrolFingers), complete: [names]}
  function startFingerprint() {
    followReader();
    if (!enrolment) {
      enrolment = { id: null, finger: 0, complete: [] };
      api("POST", "/api/v1/fingerprint/enrolments").then(function (answer) {
        if (!enrolment || answer.status !== 201) { return; }
        enrolment.id = answer.body.id;
        if (state.current === "fingerprint") { enrolCapture(); }
      }, networkFailure);
      return renderEnrolment(0);
    }
    if (enrolment.id && enrolment.finger < enrolFingers.length) { enrolCapture(); }
  }
  function renderEnrolment(captures) {
    var done = enrolment.finger >= enrolFingers.length;
    $("fingerprint-finger").textContent = done ? fingerprintStrings.enrol.allDone
      : fingerprintStrings.enrol[enrolFingers[enrolment.finger]];
    $("fingerprint-skip").hidden = done;
    var dots = $("fingerprint-dots");
    dots.hidden = done;
    dots.querySelectorAll(".dot").forEach(function (dot, index) { dot.classList.toggle("taken", index < captures); });
    $("fingerprint-count").textContent = dots.getAttribute("data-label").replace("{n}", String(captures));
    // Both fingers done (or skipped): a moment to read it, then on to the review.
    if (done) {
      setTimeout(function () { if (state && state.current === "fingerprint" && !state.busy) { nextStep(); } }, 1500);
    }
  }
  function enrolCapture() {
    if (!enrolment || !enrolment.id || enrolment.finger >= enrolFingers.length) { return; }
    $("fingerprint-again").hidden = true;
    capturing = true;
    $("fingerprint-pad").setAttribute("data-state", "waitingForFinger");
    var finger = enrolFingers[enrolment.finger];
    api("POST", "/api/v1/fingerprint/enrolments/" + enrolment.id + "/capture", { finger: finger }).then(function (answer) {
      capturing = false;
      if (state.current !== "fingerprint" || !enrolment) { return; }
      var result = answer.body || {};
      if (answer.status !== 200 || !result.accepted) {
        $("fingerprint-pad").setAttribute("data-state", "problem");
        $("fingerprint-status").textContent = answer.status === 200 ? problemText(result)
          : (result.error && result.error.message[lang]) || strings.networkError;
        $("fingerprint-again").hidden = result.problem === "absent";
        return;
      }
      var progress = result.progress;
      enrolment.complete = progress.fingersComplete;
      $("fingerprint-pad").setAttribute("data-state", progress.complete ? "accepted" : "captured");
      $("fingerprint-status").textContent = result.message[lang];
      if (progress.complete) {
        enrolment.finger += 1;
        renderEnrolment(0);
        // A moment to read "done" before the next finger is asked for.
        if (enrolment.finger < enrolFingers.length) { setTimeout(function () { if (state.current === "fingerprint") { enrolCapture(); } }, 1200); }
        return;
      }
      renderEnrolment(progress.captures);
      enrolCapture();
    }, networkFailure);
  }
  $("fingerprint-again").addEventListener("click", enrolCapture);
  $("fingerprint-skip").addEventListener("click", function () {
    if (!enrolment) { return; }
    if (capturing) { api("DELETE", "/api/v1/fingerprint/capture"); }
    capturing = false;
    enrolment.finger += 1;
    renderEnrolment(0);
    $("fingerprint-status").textContent = "";
    $("fingerprint-pad").setAttribute("data-state", "ready");
    if (enrolment.finger < enrolFingers.length) { setTimeout(enrolCapture, 300); }
  });
  // The enrolment the save carries (`?fingerprints=`), when a finger was completed.
  function enrolmentQuery() {
    return enrolment && enrolment.id && enrolment.complete.length ? "?fingerprints=" + enrolment.id : "";
  }
  // People whose fingers are enrolled already are not asked again.
  function setFingerprintStep(wanted) {
    var at = path.indexOf("fingerprint");
    if (wanted && at < 0 && body.getAttribute("data-fingerprint") === "true") {
      path.splice(path.indexOf("review"), 0, "fingerprint");
    } else if (!wanted && at >= 0) {
      path.splice(at, 1);
    }
  }

  // Recognition on the registry-number step: a returning visitor touches the reader instead of
  // typing. A real reader listens as soon as the step shows; the demo's virtual reader waits for
  // a touch of the pad.
  function startIdentify() {
    if (body.getAttribute("data-fingerprint") !== "true") { return; }
    followReader();
    $("identify-box").hidden = false;
    api("GET", "/api/v1/fingerprint/status").then(function (answer) {
      readerIsVirtual = answer.body && answer.body.reader === "virtual";
      if (answer.body && answer.body.state === "absent") { $("identify-box").hidden = true; return; }
      if (!readerIsVirtual) { identify(); }
    });
  }
  function identify() {
    if (capturing || state.current !== "registryNumber") { return; }
    capturing = true;
    $("identify-pad").setAttribute("data-state", "waitingForFinger");
    $("identify-status").textContent = fingerprintStrings.identify.searching;
    api("POST", "/api/v1/fingerprint/identify").then(function (answer) {
      capturing = false;
      if (state.current !== "registryNumber") { return; }
      var result = answer.body || {};
      if (answer.status === 200 && result.status === "known") {
        // Found by finger: that is the proof.
        $("identify-pad").setAttribute("data-state", "accepted");
        return proved(result.person, result.proof);
      }
      $("identify-pad").setAttribute("data-state", result.status === "unknown" ? "problem" : "ready");
      $("identify-status").textContent = answer.status !== 200
        ? ((result.error && result.error.message[lang]) || strings.networkError)
        : result.status === "unknown" ? result.message[lang]
        : result.problem === "noFinger" ? fingerprintStrings.identify.hint : problemText(result);
      // A real reader keeps listening; nobody touching it for 20 s is not a failure.
      if (!readerIsVirtual && answer.status === 200) { setTimeout(identify, 500); }
    }, function () { capturing = false; });
  }
  $("identify-pad").addEventListener("click", identify);

  // ---------- review ----------
  function fillReview() {
    var f = state.form;
    function set(key, text) {
      document.querySelector('[data-review="' + key + '"] .value').textContent = text || "—";
    }
    set("registryNumber", (f.registryNumber || "").toUpperCase());
    set("birthDate", state.birthDate);
    set("sex", state.sex ? strings[state.sex] : "");
    set("names", [f.familyName, f.givenName].filter(Boolean).join(" "));
    set("phone", f.phone || (state.known ? state.known.maskedPhone : ""));
    set("address", [state.labels.aimagCode, state.labels.soumCode].filter(Boolean).join(", "));
    set("education", state.labels.educationCode);
    set("occupation", f.occupationCode ? state.labels.occupationCode : section("occupation").querySelector(".none-option").textContent);
    set("skills", (f.skills || []).join(", "));
    set("licences", (f.licences || []).map(function (code) {
      return document.querySelector('[data-licence="' + code + '"]').getAttribute("aria-label");
    }).join(", "));
    set("experience", String(f.experienceYears || 0));
    set("desiredJob", [state.labels.desiredOccupationCode, f.desiredJob].filter(Boolean).join(" — "));
    set("disability", [state.labels.hasDisability, f.hasDisability ? f.disabilityDetail : ""].filter(Boolean).join(" — "));
    set("status", state.labels.status);
  }

  // ---------- choices ----------
  function markChoice(field, value) {
    document.querySelectorAll('[data-choice="' + field + '"] .option').forEach(function (option) {
      var selected = option.getAttribute("data-value") === String(value);
      option.classList.toggle("selected", selected);
      option.setAttribute("aria-pressed", selected ? "true" : "false");
      if (selected) { state.labels[field] = option.textContent; }
    });
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-choice] .option");
    if (!option) { return; }
    var group = option.closest("[data-choice]");
    var field = group.getAttribute("data-choice");
    var value = option.getAttribute("data-value");
    if (field === "hasDisability") {
      state.form.hasDisability = value === "true";
      $("disability-detail-box").hidden = value !== "true";
      showKeyboard("disability");
      focusInput(value === "true" ? $("disabilityDetail") : null, true);
    } else {
      state.form[field] = value === "" ? undefined : value;
    }
    if (field === "experienceYears") { state.form.experienceYears = parseInt(value, 10); showExperience(); }
    markChoice(field, value);
    if (field === "aimagCode") { state.form.soumCode = undefined; state.labels.soumCode = ""; loadSoums(value); }
    // A choice that is the whole question moves on by itself, after a moment to see it chosen.
    var auto = group.hasAttribute("data-auto-next") && group.getAttribute("data-auto-next") !== "false";
    if (auto || (field === "hasDisability" && value === "false")) {
      var step = state.current;
      setTimeout(function () { if (state && state.current === step && !state.busy) { nextStep(); } }, 250);
    }
  });

  function loadSoums(aimag, selected) {
    var box = $("soum-options");
    if (!aimag) { return; }
    box.textContent = strings.loading;
    api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(aimag)).then(function (answer) {
      box.textContent = "";
      (answer.body.items || []).forEach(function (item) { box.appendChild(optionButton(item)); });
      if (selected) { markChoice("soumCode", selected); }
    });
  }

  // ---------- occupation search ----------
  var searchTimer = null;
  function search(input) {
    var field = input.getAttribute("data-search");
    var box = document.querySelector('[data-results-for="' + input.id + '"]');
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      api("GET", "/api/v1/reference/occupations?limit=12&q=" + encodeURIComponent(input.value)).then(function (answer) {
        var items = answer.body.items || [];
        // The work wanted is most often the visitor's own occupation: offered first, one tap.
        var own = state.form.occupationCode;
        if (field === "desiredOccupationCode" && own && !input.value) {
          var mine = { code: own, name: {} };
          mine.name[lang] = state.labels.occupationCode || own;
          items = [mine].concat(items.filter(function (item) { return item.code !== own; }));
        }
        renderResults(box, items, field);
        markChoice(field, state.form[field]);
      });
    }, 150);
  }

  function renderResults(box, items, field) {
    var none = box.querySelector(".none-option");
    box.textContent = "";
    if (none) { box.appendChild(none); }
    if (!items.length) {
      var empty = document.createElement("p");
      empty.className = "hint";
      empty.textContent = strings.noResults;
      box.appendChild(empty);
    }
    items.forEach(function (item) { box.appendChild(optionButton(item)); });
  }

  // A choice button for a reference item, named in the screen's language.
  function optionButton(item) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "option";
    button.setAttribute("data-value", item.code);
    button.textContent = item.name[lang];
    return button;
  }

  // ---------- skills ----------
  // ---------- licences: toggles ----------
  function renderLicences() {
    document.querySelectorAll(".licence-option").forEach(function (button) {
      var on = (state.form.licences || []).indexOf(button.getAttribute("data-licence")) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  document.querySelectorAll(".licence-option").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.getAttribute("data-licence");
      var list = state.form.licences || [];
      state.form.licences = list.indexOf(code) >= 0
        ? list.filter(function (c) { return c !== code; })
        : list.concat([code]);
      renderLicences();
    });
  });

  function renderSkills() {
    var list = $("skill-list");
    list.textContent = "";
    var skills = state.form.skills || [];
    if (!skills.length) {
      var empty = document.createElement("li");
      empty.className = "hint";
      empty.textContent = list.getAttribute("data-empty");
      list.appendChild(empty);
    }
    skills.forEach(function (skill, index) {
      var item = document.createElement("li");
      item.className = "chip";
      item.textContent = skill + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", list.getAttribute("data-remove") + " " + skill);
      var cross = document.createElement("img");
      cross.src = "/assets/pictograms/action-remove.svg";
      cross.alt = "";
      remove.appendChild(cross);
      remove.addEventListener("click", function () { state.form.skills.splice(index, 1); renderSkills(); });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function addTypedSkill() {
    var input = $("skill-input");
    var text = input.value.trim();
    if (!text) { return; }
    var skills = state.form.skills || [];
    var seen = skills.some(function (skill) { return skill.toLowerCase() === text.toLowerCase(); });
    state.form.skills = seen ? skills : skills.concat([text]);
    input.value = "";
    renderSkills();
  }
  $("skill-add").addEventListener("click", function () {
    addTypedSkill();
    focusInput($("skill-input"));
  });

  // ---------- experience ----------
  function setExperience(delta) {
    var value = Math.max(0, Math.min(60, (state.form.experienceYears || 0) + delta));
    state.form.experienceYears = value;
    showExperience();
  }
  function showExperience() {
    var value = state.form.experienceYears || 0;
    $("experience-value").textContent = String(value);
    markChoice("experienceYears", String(value));
  }
  $("experience-minus").addEventListener("click", function () { setExperience(-1); });
  $("experience-plus").addEventListener("click", function () { setExperience(+1); });

  // ---------- consent ----------
  // Agreeing is the whole question: the button agrees and moves on.
  $("consent").addEventListener("click", function () {
    state.form.consent = true;
    nextStep();
  });

  // ---------- on-screen keyboard ----------
  document.querySelectorAll("input").forEach(function (input) {
    input.addEventListener("focus", function () { focusInput(input); });
    input.addEventListener("pointerdown", function () { focusInput(input); });
    input.addEventListener("input", function () { if (input.hasAttribute("data-search")) { search(input); } });
  });

  $("keyboard").addEventListener("click", function (event) {
    var key = event.target.closest(".key");
    if (!key || !activeInput) { return; }
    var input = activeInput;
    var action = key.getAttribute("data-action");
    if (action === "backspace") {
      input.value = input.value.slice(0, -1);
    } else if (action === "clear") {
      input.value = "";
    } else {
      var text = key.getAttribute("data-key");
      if (input.maxLength > 0 && input.value.length >= input.maxLength) { return; }
      // Keys show capitals. The registry number stays in capitals, names get a capital at the
      // start of each part ("Сүх-Бат"), other text only at its start ("Жолоо барих").
      var mode = input.getAttribute("data-case") || "sentence";
      var capital = mode === "upper" || input.value === "" ||
        (mode === "name" && /[\s-]$/.test(input.value));
      input.value += capital ? text : text.toLowerCase();
    }
    input.dispatchEvent(new Event("input", { bubbles: true }));
    focusInput(input);
  });

  // ---------- navigation buttons ----------
  $("next").addEventListener("click", nextStep);
  $("back").addEventListener("click", function () {
    clearErrors();
    collect();
    if (state.current === "registryNumber") { return show("service"); }
    go(-1);
  });
  // "Change" on the review opens that one step; its Next comes back to the review.
  document.querySelectorAll("[data-goto]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.returnTo = "review";
      show(button.getAttribute("data-goto"));
    });
  });
  $("known-update").addEventListener("click", function () { openUpdate(); });
  function openUpdate() {
    applyPrefill(state.known.prefill);
    show("names");
  }

  // ---------- accessibility toggles (kept in the URL, never in storage) ----------
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });

  // ---------- screen session ----------
  // Started when the page loads; ended (with any proof given to it) on "Finish" and the idle reset.
  function startSession() {
    api("POST", "/api/v1/kiosk/sessions").then(function (answer) {
      if (state && answer.status === 201) { state.session = answer.body.session; state.sessionCode = answer.body.code; }
    });
  }
  function finishSession(session) {
    if (!session) { return; }
    // `keepalive`: the request outlives this page, which is replaced at once.
    fetch("/api/v1/kiosk/sessions/finish", { method: "POST", keepalive: true, cache: "no-store",
      headers: { "X-Kiosk-Session": session } }).catch(function () {});
  }

  // ---------- reset: finish, idle timeout ----------
  function reset() {
    // Wipe what is in memory and on screen first, then replace the page (no history entry).
    stopWaitingForOfficer();
    if (state) { finishSession(state.session); }
    state = null;
    document.getElementById("form").reset();
    document.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    document.querySelectorAll("#known-name, #known-reference, #known-phone, #done-reference, #review .value, " +
      "#ticket-number, #ticket-reference, #ticket-status, #ticket-print, #done-print-status, #prove-code, " +
      "#ticket-rating-code")
      .forEach(function (el) { el.textContent = ""; });
    location.replace("/kiosk");
  }
  // Vacancies: the search for anyone, the matches for a person just registered or identified.
  // The page is replaced (no history entry), as at reset. The session and the person's proof go
  // along in the fragment, which is never sent to the server and which the vacancy page removes
  // from its address at once; without a person the session ends here.
  function toVacancies(registrationId) {
    var target = "/kiosk/" + lang + "/vacancies";
    if (registrationId && state.proof) {
      target += "?for=" + registrationId + "#session=" + encodeURIComponent(state.session) +
        "&proof=" + encodeURIComponent(state.proof);
    } else {
      finishSession(state.session);
    }
    state = null;
    location.replace(target);
  }
  $("find-jobs").addEventListener("click", function () { toVacancies(null); });
  $("known-jobs").addEventListener("click", function () { toVacancies(state.known.id); });
  $("done-jobs").addEventListener("click", function () { toVacancies(state.registrationId); });
  // Profiling: the questions on barriers to work, for the person just registered (with their proof).
  if ($("done-profile")) {
    $("done-profile").addEventListener("click", function () {
      if (!state.proof) { return; }
      var target = "/kiosk/" + lang + "/profiling?for=" + state.registrationId + "#session=" +
        encodeURIComponent(state.session) + "&proof=" + encodeURIComponent(state.proof);
      state = null;
      location.replace(target);
    });
  }
  $("finish").addEventListener("click", reset);
  $("known-finish").addEventListener("click", reset);
  $("prove-finish").addEventListener("click", reset);
  $("done-finish").addEventListener("click", reset);
  $("ticket-finish").addEventListener("click", reset);

  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var countdownSeconds = parseInt(body.getAttribute("data-countdown-seconds"), 10) || 20;
  var idleTimer = null;
  var countdownTimer = null;
  var remaining = 0;

  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(startCountdown, idleSeconds * 1000);
  }

  function startCountdown() {
    // Not while the visitor listens to the screen (audio mode, speech.js): its end arms again.
    if (window.kioskSpeech && window.kioskSpeech.speaking) { armIdle(); return; }
    remaining = countdownSeconds;
    $("idle-count").textContent = String(remaining);
    $("idle-overlay").hidden = false;
    // Nothing of the visitor stays readable under the warning.
    body.classList.add("idle-warning");
    $("idle-more").focus();
    clearInterval(countdownTimer);
    countdownTimer = setInterval(function () {
      remaining -= 1;
      $("idle-count").textContent = String(Math.max(0, remaining));
      if (remaining <= 0) { clearInterval(countdownTimer); reset(); }
    }, 1000);
  }

  function stillHere() {
    clearInterval(countdownTimer);
    $("idle-overlay").hidden = true;
    body.classList.remove("idle-warning");
    armIdle();
    var question = section(state.current).querySelector("h1");
    if (question) { question.focus({ preventScroll: true }); }
  }

  $("idle-more").addEventListener("click", stillHere);
  ["pointerdown", "keydown", "input", "kiosk:speech"].forEach(function (type) {
    document.addEventListener(type, function () { if ($("idle-overlay").hidden) { armIdle(); } }, true);
  });

  document.getElementById("form").addEventListener("submit", function (event) { event.preventDefault(); });

  // Physical keyboards (a technician's, or tests) type into the focused field as the screen keys do.
  // Enter in a field means "Next"; on a focused button it presses that button (a service, a choice).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var target = event.target;
    if (target && target.closest && target.closest("button, a, summary")) { return; }
    if (!$("idle-overlay").hidden || !state || $("next").hidden) { return; }
    event.preventDefault();
    nextStep();
  });

  // Back from another site or a restored page would show stale data: start over instead.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { reset(); } });

  // Pictograms beside the services of the usual list and the education levels (a service an
  // office adds under another letter keeps the general one).
  var servicePictograms = { "А": "registration", "Б": "counselling", "В": "placement", "Г": "programmes",
    "Д": "welfare", "Е": "employer" };
  document.querySelectorAll("[data-service-pictogram]").forEach(function (img) {
    var name = servicePictograms[img.getAttribute("data-service-pictogram")];
    if (name) { img.src = "/assets/pictograms/service-" + name + ".svg"; }
  });
  var educationPictograms = { none: "none", primary: "school", lower_secondary: "school",
    upper_secondary: "school", vocational: "vocational", diploma: "higher", bachelor: "higher", master: "higher",
    doctorate: "higher" };
  document.querySelectorAll("[data-education-pictogram]").forEach(function (img) {
    img.src = "/assets/pictograms/education-" + (educationPictograms[img.getAttribute("data-education-pictogram")] || "school") + ".svg";
  });

  renderSkills();
  showExperience();
  // Most visitors live in the office's own aimag or district: start the address there.
  var officeUnit = body.getAttribute("data-office-unit");
  if (officeUnit && document.querySelector('[data-choice="aimagCode"] .option[data-value="' + officeUnit + '"]')) {
    state.form.aimagCode = officeUnit;
    markChoice("aimagCode", officeUnit);
    loadSoums(officeUnit);
  }
  show("service");
  startSession();
  armIdle();
})();
