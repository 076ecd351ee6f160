// Grievances and ratings at the kiosk, one question a screen: file a grievance (what about, what
// happened, where, a reply or not, check and send) and get a tracking code; follow one by its code;
// rate a finished ticket by its number and rating code. Nothing stays in the page after "finish"
// or the idle reset.
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var strings = JSON.parse(document.getElementById("grievance-strings").textContent);
  var feedbackStrings = JSON.parse(document.getElementById("feedback-strings").textContent);
  var rating = { ticket: null, value: null, code: null };
  var state = { category: null, area: null, named: null };
  var field = null;  // the input the keyboard types into
  var sendKey = null;  // the Idempotency-Key of the grievance being sent, until it is answered
  var returnTo = null;  // the check step, while a step is changed from it

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  // A time as the office's calendar day, `2026-11-23` (the kiosk runs in the office's zone).
  function day(iso) {
    var d = new Date(iso);
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function api(method, path, payload, key) {
    var options = { method: method, headers: { "Accept": "application/json" } };
    if (key) { options.headers["Idempotency-Key"] = key; }
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
  var newKey = window.newRequestKey;  // request-key.js
  function text(localized) { return localized ? (localized[lang] || localized.mn) : ""; }
  function message(error) {
    if (!error) { return ""; }
    var fields = error.fields || [];
    if (fields.length) { return fields.map(function (f) { return text(f.message); }).join(" "); }
    return text(error.message);
  }

  // ---------- steps ----------
  var sections = Array.prototype.slice.call(document.querySelectorAll("#g-main > section"));
  var current = null;
  function show(id) {
    sections.forEach(function (section) { section.hidden = section.id !== id; });
    current = $(id);
    var input = current.getAttribute("data-field");
    useKeyboard(current.getAttribute("data-keyboard"), input ? $(input) : null);
    // Focus goes to the step's question, so a screen reader starts there.
    var heading = current.querySelector("h1");
    if (heading) { heading.focus(); }
  }
  function back() {
    if (returnTo) {
      var to = returnTo;
      returnTo = null;
      fillCheck();
      show(to);
      return;
    }
    var target = current.getAttribute("data-back");
    // A grievance without a reply skips the name and phone on the way back.
    if (current.id === "g-check" && state.named) { target = "g-phone-step"; }
    if (target === "g-menu") { clearForm(); resetRating(); }
    show(target);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (button) {
    if (button.tagName === "BUTTON") { button.addEventListener("click", back); }
  });
  // After a step changed from the check screen, back to the check screen; else the next step.
  function forward(next) {
    if (returnTo) { returnTo = null; fillCheck(); show("g-check"); return; }
    show(next);
  }

  // ---------- keyboards ----------
  var keyboards = { full: "keyboard", digits: "keyboard", number: "number-keypad", code: "code-keypad" };
  function useKeyboard(kind, input) {
    if (field) { field.classList.remove("focused"); }
    field = input;
    ["keyboard", "number-keypad", "code-keypad"].forEach(function (id) { $(id).hidden = keyboards[kind] !== id; });
    $("keyboard").setAttribute("data-mode", kind === "digits" ? "digits" : "full");
    if (kind === "digits") { layout(false); }
    if (input) { input.classList.add("focused"); }
  }
  // Cyrillic keys, or Latin ones for words in English.
  function layout(latin) {
    $("keys-latin").hidden = !latin;
    $("keys-cyrillic").hidden = latin;
    $("key-layout").textContent = latin ? "АБВ" : "ABC";
  }
  function typed(event) {
    var key = event.target.closest(".key");
    if (!key || !field) { return; }
    var action = key.getAttribute("data-action");
    if (action === "layout") {
      layout($("keys-latin").hidden);
    } else if (action === "backspace") {
      field.value = field.value.slice(0, -1);
    } else if (action === "clear") {
      field.value = "";
    } else if (field.value.length < field.maxLength) {
      var letter = key.getAttribute("data-key");
      if (field === $("r-number")) {
        // А-012: a service letter first, then digits; the dash is written for the visitor.
        var plain = field.value.replace("-", "");
        if (/[0-9]/.test(letter) ? plain.length > 0 : plain.length === 0) { plain += letter; }
        field.value = plain.length > 1 ? plain.charAt(0) + "-" + plain.slice(1) : plain;
      } else if (field === $("r-code")) {
        // XXXX-XXXX, the rating code printed on the ticket: the dash is written for the visitor.
        var chars = (field.value.replace(/[^0-9A-Z]/g, "") + letter).slice(0, 8);
        field.value = chars.slice(0, 4) + (chars.length > 4 ? "-" + chars.slice(4) : "");
      } else if (field === $("g-code-input")) {
        // GR-XXXX-XXXX: the dashes are written for the visitor.
        var letters = (field.value.replace(/[^0-9A-Z]/g, "").replace(/^GR/, "") + letter).slice(0, 8);
        field.value = "GR-" + letters.slice(0, 4) + (letters.length > 4 ? "-" + letters.slice(4) : "");
      } else {
        field.value += field.value.length ? letter.toLowerCase() : letter;
      }
    }
    var error = current && current.querySelector(".field-error");
    if (error) { error.textContent = ""; }
  }
  ["keyboard", "code-keypad", "number-keypad"].forEach(function (id) { $(id).addEventListener("click", typed); });

  function press(container, attribute, value) {
    Array.prototype.forEach.call(container.querySelectorAll("[" + attribute + "]"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute(attribute) === value ? "true" : "false");
    });
  }

  // ---------- rating a finished ticket by its number ----------
  function resetRating() {
    rating = { ticket: null, value: null, code: null };
    ["r-number", "r-code", "r-comment"].forEach(function (id) { $(id).value = ""; });
    ["r-number-error", "r-error", "r-send-error", "r-ticket"].forEach(function (id) { $(id).textContent = ""; });
    press($("r-faces"), "data-rating", null);
  }
  $("g-start-rate").addEventListener("click", function () { resetRating(); show("r-number-step"); });
  $("r-next").addEventListener("click", function () {
    if (!/^\S-\d+$/.test($("r-number").value)) { $("r-number-error").textContent = feedbackStrings.numberRequired; return; }
    show("r-code-step");
  });
  $("r-find").addEventListener("click", function () {
    $("r-error").textContent = "";
    // The number and the rating code printed on the ticket: the number alone opens nothing.
    var code = $("r-code").value;
    api("POST", "/api/v1/feedback/ticket", { number: $("r-number").value, code: code }).then(function (answer) {
      if (answer.status !== 200) { $("r-error").textContent = message(answer.body.error); return; }
      rating.ticket = answer.body.ticketId;
      rating.code = code;
      $("r-ticket").textContent = answer.body.number;
      show("r-faces-step");
    });
  });
  $("r-faces").addEventListener("click", function (event) {
    var button = event.target.closest("[data-rating]");
    if (!button) { return; }
    rating.value = parseInt(button.getAttribute("data-rating"), 10);
    press($("r-faces"), "data-rating", String(rating.value));
    show("r-comment-step");
  });
  $("r-send").addEventListener("click", function () {
    $("r-send-error").textContent = "";
    api("POST", "/api/v1/tickets/" + rating.ticket + "/feedback",
      { rating: rating.value, comment: $("r-comment").value, code: rating.code }).then(function (answer) {
      if (answer.status !== 201) { $("r-send-error").textContent = message(answer.body.error); return; }
      resetRating();
      show("r-thanks");
    });
  });
  $("r-done").addEventListener("click", finish);

  // ---------- filing ----------
  $("g-start").addEventListener("click", function () { clearForm(); show("g-category"); });
  $("g-categories").addEventListener("click", function (event) {
    var button = event.target.closest("[data-category]");
    if (!button) { return; }
    state.category = button.getAttribute("data-category");
    press($("g-categories"), "data-category", state.category);
    forward("g-text-step");
  });
  $("g-text-next").addEventListener("click", function () {
    if (!$("g-text").value.trim()) { $("g-text-error").textContent = strings.textRequired; return; }
    forward("g-area");
  });
  $("g-areas").addEventListener("click", function (event) {
    var button = event.target.closest("[data-area]");
    if (!button) { return; }
    state.area = button.getAttribute("data-area") || null;
    press($("g-areas"), "data-area", button.getAttribute("data-area"));
    forward("g-contact");
  });
  function setNamed(named) {
    state.named = named;
    $("g-named").setAttribute("aria-pressed", named ? "true" : "false");
    $("g-anonymous").setAttribute("aria-pressed", named ? "false" : "true");
  }
  $("g-anonymous").addEventListener("click", function () {
    setNamed(false);
    returnTo = null;
    fillCheck();
    show("g-check");
  });
  $("g-named").addEventListener("click", function () {
    setNamed(true);
    returnTo = null;  // name and phone, then the check screen
    show("g-name-step");
  });
  $("g-name-next").addEventListener("click", function () {
    if (!$("g-name").value.trim()) { $("g-name-error").textContent = strings.nameRequired; return; }
    forward("g-phone-step");
  });
  $("g-phone-next").addEventListener("click", function () {
    if (!$("g-phone").value.trim()) { $("g-phone-error").textContent = strings.phoneRequired; return; }
    fillCheck();
    show("g-check");
  });
  function fillCheck() {
    var category = $("g-categories").querySelector('[data-category="' + state.category + '"]');
    $("g-check-category").textContent = category ? category.textContent : "";
    $("g-check-text").textContent = $("g-text").value;
    $("g-check-area").textContent = state.area || strings.noArea;
    $("g-check-contact").textContent = state.named
      ? $("g-name").value + ", " + $("g-phone").value : strings.summary.anonymous;
    $("g-error").textContent = "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("#g-check [data-edit]"), function (button) {
    button.addEventListener("click", function () {
      var step = button.getAttribute("data-edit");
      show(step);
      // The reply question decides the next steps itself; the others come back here.
      returnTo = step === "g-contact" ? null : "g-check";
    });
  });
  // Where the server refused a field, the visitor is taken to its step with the reason.
  var fieldSteps = { category: ["g-category", "g-error"], text: ["g-text-step", "g-text-error"],
    area: ["g-area", "g-error"], contactName: ["g-name-step", "g-name-error"],
    contactPhone: ["g-phone-step", "g-phone-error"] };
  $("g-send").addEventListener("click", function () {
    var payload = { category: state.category, text: $("g-text").value, area: state.area, language: lang };
    if (state.named) {
      payload.contactName = $("g-name").value;
      payload.contactPhone = $("g-phone").value;
    }
    $("g-send").disabled = true;
    $("g-send").textContent = strings.sending;
    // One key per grievance: a second tap, or sending again after a lost answer, files it once.
    if (!sendKey) { sendKey = newKey(); }
    api("POST", "/api/v1/grievances", payload, sendKey).then(function (answer) {
      sendKey = null;
      $("g-send").disabled = false;
      $("g-send").textContent = strings.send + " →";
      if (answer.status !== 201) {
        var refused = ((answer.body.error || {}).fields || [])[0];
        var place = refused && fieldSteps[refused.field];
        if (place && place[0] !== "g-check") {
          show(place[0]);
          returnTo = "g-check";
          $(place[1]).textContent = text(refused.message);
        } else {
          $("g-error").textContent = message(answer.body.error);
        }
        return;
      }
      $("g-code").textContent = answer.body.trackingCode;
      $("g-acknowledgement").textContent = text(answer.body.acknowledgement);
      clearForm();
      show("g-received");
      // The slip with the code, on the receipt printer; what became of it is said on screen.
      $("g-print-status").textContent = "";
      api("POST", "/api/v1/grievances/" + answer.body.trackingCode + "/print").then(function (printed) {
        $("g-print-status").textContent = text(printed.body && printed.body.message);
      });
    });
  });
  function clearForm() {
    state = { category: null, area: null, named: null };
    sendKey = null;
    returnTo = null;
    ["g-text", "g-name", "g-phone"].forEach(function (id) { $(id).value = ""; });
    press($("g-categories"), "data-category", null);
    press($("g-areas"), "data-area", null);
    $("g-named").setAttribute("aria-pressed", "false");
    $("g-anonymous").setAttribute("aria-pressed", "false");
    ["g-error", "g-text-error", "g-name-error", "g-phone-error"].forEach(function (id) { $(id).textContent = ""; });
    ["g-check-category", "g-check-text", "g-check-area", "g-check-contact"].forEach(function (id) {
      $(id).textContent = "";
    });
  }

  // ---------- following ----------
  $("g-start-follow").addEventListener("click", function () {
    $("g-code-input").value = "";
    $("g-follow-error").textContent = "";
    show("g-follow");
  });
  $("g-show").addEventListener("click", function () {
    var code = $("g-code-input").value;
    $("g-follow-error").textContent = "";
    api("GET", "/api/v1/grievances/" + encodeURIComponent(code)).then(function (answer) {
      if (answer.status !== 200) { $("g-follow-error").textContent = strings.notFound; return; }
      var g = answer.body;
      $("g-state").textContent = strings.states[g.state] || g.state;
      $("g-due").textContent = g.dueOn;
      var list = $("g-steps");
      list.textContent = "";
      list.appendChild(el("li", null, strings.filedAt + ": " + day(g.filedAt)));
      g.steps.forEach(function (step) {
        list.appendChild(el("li", null, (strings.actions[step.action] || step.action) + ": " + day(step.at)));
      });
      show("g-status");
    });
  });

  // ---------- finish, accessibility, idle ----------
  function finish() {
    clearForm();
    resetRating();
    ["g-code", "g-acknowledgement", "g-print-status", "g-state", "g-due", "g-steps"].forEach(function (id) {
      $(id).textContent = "";
    });
    $("g-code-input").value = "";
    location.replace("/kiosk");
  }
  $("g-done").addEventListener("click", finish);
  $("g-status-done").addEventListener("click", finish);
  $("finish").addEventListener("click", finish);
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });
  // Back from another site or a restored page would show stale data: start over instead.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { finish(); } });
  window.kioskIdle(finish);  // idle.js
  show("g-menu");
})();
