// Grievances at the kiosk: file one (category, text on the on-screen keyboard, optional area and
// contact details) and get a tracking code, or follow one by its code. Nothing stays in the page
// after "finish" or the idle time.
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  var strings = JSON.parse(document.getElementById("grievance-strings").textContent);
  var feedbackStrings = JSON.parse(document.getElementById("feedback-strings").textContent);
  var rating = { ticket: null, value: null };
  var state = { category: null, area: null, named: false };
  var field = null;  // the input the keyboard types into
  var sendKey = null;  // the Idempotency-Key of the grievance being sent, until it is answered

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
  function message(error) {
    if (!error) { return ""; }
    var fields = error.fields || [];
    if (fields.length) { return fields.map(function (f) { return f.message[lang] || f.message.mn; }).join(" "); }
    return error.message ? (error.message[lang] || error.message.mn) : "";
  }

  function view(name) {
    ["g-menu", "g-file", "g-received", "g-follow", "g-rate"].forEach(function (id) { $(id).hidden = id !== name; });
    focusField(name === "g-file" ? $("g-text") : name === "g-follow" ? $("g-code-input")
      : name === "g-rate" ? $("r-number") : null);
  }

  // ---------- keyboard ----------
  function focusField(input) {
    field = input;
    var code = input === $("g-code-input") || input === $("r-code");
    var number = input === $("r-number");
    $("keyboard").hidden = !input || code || number;
    $("code-keypad").hidden = !code;
    $("number-keypad").hidden = !number;
    if (input) { input.focus(); }
  }
  ["g-text", "g-name", "g-phone", "g-code-input", "r-number", "r-code", "r-comment"].forEach(function (id) {
    ["focus", "pointerdown"].forEach(function (name) {
      $(id).addEventListener(name, function () { if (field !== $(id)) { focusField($(id)); } });
    });
  });
  function typed(event) {
    var key = event.target.closest(".key");
    if (!key || !field) { return; }
    var action = key.getAttribute("data-action");
    if (action === "backspace") {
      field.value = field.value.slice(0, -1);
    } else if (action === "clear") {
      field.value = "";
    } else if (field.value.length < field.maxLength) {
      var text = key.getAttribute("data-key");
      if (field === $("r-number")) {
        // А-012: a service letter first, then digits; the dash is written for the visitor.
        var plain = field.value.replace("-", "");
        if (/[0-9]/.test(text) ? plain.length > 0 : plain.length === 0) { plain += text; }
        field.value = plain.length > 1 ? plain.charAt(0) + "-" + plain.slice(1) : plain;
      } else if (field === $("r-code")) {
        // XXXX-XXXX, the rating code printed on the ticket: the dash is written for the visitor.
        var chars = (field.value.replace(/[^0-9A-Z]/g, "") + text).slice(0, 8);
        field.value = chars.slice(0, 4) + (chars.length > 4 ? "-" + chars.slice(4) : "");
      } else if (field === $("g-code-input")) {
        // GR-XXXX-XXXX: the dashes are written for the visitor.
        var letters = (field.value.replace(/[^0-9A-Z]/g, "").replace(/^GR/, "") + text).slice(0, 8);
        field.value = "GR-" + letters.slice(0, 4) + (letters.length > 4 ? "-" + letters.slice(4) : "");
      } else {
        field.value += field.value.length ? text.toLowerCase() : text;
      }
    }
    field.focus();
  }
  $("keyboard").addEventListener("click", typed);
  $("code-keypad").addEventListener("click", typed);
  $("number-keypad").addEventListener("click", typed);

  // ---------- rating a finished ticket by its number ----------
  function resetRating() {
    rating = { ticket: null, value: null, code: null };
    $("r-number").value = "";
    $("r-code").value = "";
    $("r-comment").value = "";
    $("r-error").textContent = "";
    $("r-form").hidden = true;
    $("r-thanks").hidden = true;
    press($("r-faces"), "data-rating", null);
  }
  $("r-find").addEventListener("click", function () {
    $("r-error").textContent = "";
    // The number and the rating code printed on the ticket: the number alone opens nothing.
    var code = $("r-code").value;
    api("POST", "/api/v1/feedback/ticket", { number: $("r-number").value, code: code }).then(function (answer) {
      if (answer.status !== 200) { $("r-error").textContent = message(answer.body.error); return; }
      rating.ticket = answer.body.ticketId;
      rating.code = code;
      $("r-ticket").textContent = answer.body.number;
      $("r-form").hidden = false;
      focusField($("r-comment"));
    });
  });
  $("r-faces").addEventListener("click", function (event) {
    var button = event.target.closest("[data-rating]");
    if (!button) { return; }
    rating.value = parseInt(button.getAttribute("data-rating"), 10);
    $("r-error").textContent = "";
    press($("r-faces"), "data-rating", String(rating.value));
  });
  $("r-send").addEventListener("click", function () {
    if (!rating.value) { $("r-error").textContent = feedbackStrings.choose; return; }
    api("POST", "/api/v1/tickets/" + rating.ticket + "/feedback",
      { rating: rating.value, comment: $("r-comment").value, code: rating.code }).then(function (answer) {
      if (answer.status !== 201) { $("r-error").textContent = message(answer.body.error); return; }
      $("r-form").hidden = true;
      $("r-thanks").hidden = false;
      focusField(null);
    });
  });
  $("g-start-rate").addEventListener("click", function () { resetRating(); view("g-rate"); });
  $("r-back").addEventListener("click", function () { resetRating(); view("g-menu"); });

  // ---------- filing ----------
  function press(container, attribute, value) {
    Array.prototype.forEach.call(container.querySelectorAll("[" + attribute + "]"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute(attribute) === value ? "true" : "false");
    });
  }
  $("g-categories").addEventListener("click", function (event) {
    var button = event.target.closest("[data-category]");
    if (!button) { return; }
    state.category = button.getAttribute("data-category");
    press($("g-categories"), "data-category", state.category);
    $("g-error").textContent = "";
  });
  $("g-areas").addEventListener("click", function (event) {
    var button = event.target.closest("[data-area]");
    if (!button) { return; }
    var area = button.getAttribute("data-area");
    state.area = state.area === area ? null : area;  // a second touch takes it back
    press($("g-areas"), "data-area", state.area);
  });
  function setNamed(named) {
    state.named = named;
    $("g-named").setAttribute("aria-pressed", named ? "true" : "false");
    $("g-anonymous").setAttribute("aria-pressed", named ? "false" : "true");
    $("g-contact").hidden = !named;
    focusField(named ? $("g-name") : $("g-text"));
  }
  $("g-anonymous").addEventListener("click", function () { setNamed(false); });
  $("g-named").addEventListener("click", function () { setNamed(true); });

  $("g-send").addEventListener("click", function () {
    if (!state.category) { $("g-error").textContent = strings.chooseCategory; return; }
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
      $("g-send").textContent = strings.send;
      if (answer.status !== 201) { $("g-error").textContent = message(answer.body.error); return; }
      $("g-code").textContent = answer.body.trackingCode;
      $("g-acknowledgement").textContent = answer.body.acknowledgement[lang] || answer.body.acknowledgement.mn;
      clearForm();
      view("g-received");
      // The slip with the code, on the receipt printer; what became of it is said on screen.
      $("g-print-status").textContent = "";
      api("POST", "/api/v1/grievances/" + answer.body.trackingCode + "/print").then(function (printed) {
        var text = printed.body && printed.body.message;
        $("g-print-status").textContent = text ? (text[lang] || text.mn) : "";
      });
    });
  });
  function clearForm() {
    state = { category: null, area: null, named: false };
    sendKey = null;
    ["g-text", "g-name", "g-phone"].forEach(function (id) { $(id).value = ""; });
    press($("g-categories"), "data-category", null);
    press($("g-areas"), "data-area", null);
    $("g-contact").hidden = true;
    $("g-named").setAttribute("aria-pressed", "false");
    $("g-anonymous").setAttribute("aria-pressed", "true");
    $("g-error").textContent = "";
  }

  // ---------- following ----------
  $("g-show").addEventListener("click", function () {
    var code = $("g-code-input").value;
    $("g-follow-error").textContent = "";
    $("g-status").hidden = true;
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
      $("g-status").hidden = false;
    });
  });

  // ---------- navigation, accessibility, idle ----------
  $("g-start").addEventListener("click", function () { view("g-file"); });
  $("g-start-follow").addEventListener("click", function () { view("g-follow"); });
  $("g-back").addEventListener("click", function () { clearForm(); view("g-menu"); });
  $("g-follow-back").addEventListener("click", function () { view("g-menu"); });
  function finish() {
    clearForm();
    resetRating();
    $("g-code").textContent = "";
    $("g-code-input").value = "";
    location.replace("/kiosk");
  }
  $("g-done").addEventListener("click", finish);
  $("finish").addEventListener("click", finish);
  function toggle(button, cls) {
    var on = !body.classList.contains(cls);
    body.classList.toggle(cls, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  $("toggle-contrast").addEventListener("click", function () { toggle($("toggle-contrast"), "high-contrast"); });
  $("toggle-text").addEventListener("click", function () { toggle($("toggle-text"), "large-text"); });
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var idleTimer = null;
  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, idleSeconds * 2 * 1000);
  }
  ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, touched, true); });
  touched();
  view("g-menu");
})();
