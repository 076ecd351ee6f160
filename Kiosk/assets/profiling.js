// Profiling at the kiosk: the office's questions on barriers to work, one a screen; a touch on an
// answer goes on to the next; a check screen, then the answers are sent once with the person's
// proof. The visitor is not shown a group: an officer talks it over with them. Everything lives
// in this page's memory and is dropped on "finish" or after the idle time.
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var person = body.getAttribute("data-person");
  var strings = JSON.parse(document.getElementById("case-strings").textContent).profiling;
  // The kiosk page hands over its screen session and the person's proof in the fragment (never
  // sent to the server); the address is cleaned at once.
  var handed = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var parts = pair.split("=");
    if (parts.length === 2) { handed[parts[0]] = decodeURIComponent(parts[1]); }
  });
  if (location.hash) { history.replaceState(null, "", location.pathname + location.search); }
  var session = handed.session || null;
  var proof = handed.proof || null;
  var questions = [];
  var version = null;  // the questionnaire's version: the answers are read under it, even if a newer one comes
  var answers = {};
  var index = 0;
  var returnToCheck = false;
  var sending = false;
  var sendKey = null;  // one a set of answers: a second tap or a retry is answered once

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name] !== undefined ? values[name] : ""; });
  }
  function api(method, path, payload) {
    var options = { method: method, headers: { "Accept": "application/json" }, cache: "no-store" };
    if (session) { options.headers["X-Kiosk-Session"] = session; }
    if (proof) { options.headers["X-Kiosk-Proof"] = proof; }
    if (payload) {
      options.headers["Content-Type"] = "application/json";
      options.headers["Idempotency-Key"] = sendKey;
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }
  function message(answer, fallback) {
    var error = answer.body && answer.body.error;
    return error && error.message ? (error.message[lang] || error.message.mn) : fallback;
  }

  function show(id) {
    ["p-intro", "p-question", "p-check", "p-done"].forEach(function (section) { $(section).hidden = section !== id; });
    var heading = $(id).querySelector("h1");
    if (heading) { heading.focus(); }
  }

  function showQuestion(at) {
    index = at;
    var question = questions[index];
    $("p-counter").textContent = fill(strings.counter, { n: index + 1, total: questions.length });
    $("p-question-title").textContent = question.text[lang] || question.text.mn;
    var list = $("p-answers");
    list.textContent = "";
    question.answers.forEach(function (answer) {
      var button = el("button", "choice");
      button.type = "button";
      button.setAttribute("data-answer", answer.id);
      button.setAttribute("aria-pressed", answers[question.id] === answer.id ? "true" : "false");
      button.appendChild(el("span", null, answer.text[lang] || answer.text.mn));
      button.addEventListener("click", function () { choose(question.id, answer.id); });
      list.appendChild(button);
    });
    show("p-question");
  }

  function choose(questionID, answerID) {
    answers[questionID] = answerID;
    if (returnToCheck || index + 1 >= questions.length) { returnToCheck = false; showCheck(); return; }
    showQuestion(index + 1);
  }

  function showCheck() {
    var list = $("p-check-list");
    list.textContent = "";
    questions.forEach(function (question, at) {
      var answer = question.answers.filter(function (a) { return a.id === answers[question.id]; })[0];
      var row = el("div");
      row.appendChild(el("dt", null, question.text[lang] || question.text.mn));
      var dd = el("dd");
      dd.appendChild(el("span", null, answer ? (answer.text[lang] || answer.text.mn) : "—"));
      var edit = el("button", "edit secondary", strings.change);
      edit.type = "button";
      edit.setAttribute("aria-label", strings.change + ": " + (question.text[lang] || question.text.mn));
      edit.addEventListener("click", function () { returnToCheck = true; showQuestion(at); });
      dd.appendChild(edit);
      row.appendChild(dd);
      list.appendChild(row);
    });
    $("p-send-error").textContent = "";
    sendKey = window.newRequestKey();
    show("p-check");
  }

  function send() {
    if (sending) { return; }
    sending = true;
    $("p-send").disabled = true;
    api("POST", "/api/v1/profiling", { registrationId: person, answers: answers, version: version }).then(function (answer) {
      sending = false;
      $("p-send").disabled = false;
      if (answer.status === 201) {
        $("p-done-text").textContent = answer.body.message[lang] || answer.body.message.mn;
        show("p-done");
      } else {
        $("p-send-error").textContent = message(answer, strings.sendFailed);
      }
    }, function () {
      sending = false;
      $("p-send").disabled = false;
      $("p-send-error").textContent = strings.sendFailed;
    });
  }

  function end() {
    if (session) {
      // The session ends with its proof; `keepalive` lets the request outlive this page.
      fetch("/api/v1/kiosk/sessions/finish", { method: "POST", keepalive: true, headers: { "X-Kiosk-Session": session } })
        .catch(function () {});
    }
    session = null;
    proof = null;
    answers = {};
    $("p-check-list").textContent = "";
    $("p-answers").textContent = "";
  }
  function finish() {
    end();
    location.replace("/kiosk");
  }
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });
  $("finish").addEventListener("click", finish);
  $("p-skip").addEventListener("click", finish);
  $("p-finish").addEventListener("click", finish);
  $("p-start").addEventListener("click", function () { showQuestion(0); });
  $("p-back").addEventListener("click", function () {
    if (returnToCheck) { returnToCheck = false; showCheck(); } else if (index === 0) { show("p-intro"); } else { showQuestion(index - 1); }
  });
  $("p-check-back").addEventListener("click", function () { showQuestion(questions.length - 1); });
  $("p-send").addEventListener("click", send);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { finish(); } });
  window.kioskIdle(finish);  // idle.js

  if (!proof) {
    $("p-load-error").textContent = strings.noProof;
    return;
  }
  api("GET", "/api/v1/profiling/questionnaire").then(function (answer) {
    if (answer.status !== 200) { $("p-load-error").textContent = message(answer, strings.loadFailed); return; }
    questions = answer.body.questions;
    version = answer.body.version;
    $("p-start").disabled = false;
  }, function () { $("p-load-error").textContent = strings.loadFailed; });
  $("p-intro-title").focus();
})();
