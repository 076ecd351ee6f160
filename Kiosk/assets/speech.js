// Audio mode: the touchscreen spoken, for a visitor who cannot read it, driven from a USB
// numeric keypad. It reads whatever step is visible (its heading, text, choices and alerts), so
// it needs nothing from the screen's own script. Clips come from the kiosk's voice
// (/api/v1/speech: a recording of each phrase, else espeak-ng); Chromium has no voices here.
//
// Start: the audio button, or any key of the keypad. Keys (NumLock on or off, by position):
//   2 or 6 next, 8 or 4 previous, 9 / 7 next / previous group (step, buttons below, keyboard,
//   top bar), 5 or Enter choose, 0 repeat, . (or Backspace) back.
// The mode lasts for one visitor: it is kept across the pages of a visit (sessionStorage) and
// ends on the attract screen, where every visit starts.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !(body.classList.contains("attract") || body.classList.contains("journey"))) { return; }
  var STORE = "kiosk.audioMode";
  var attract = body.classList.contains("attract");
  var pageLanguage = (document.documentElement.getAttribute("lang") || "mn").slice(0, 2);
  var languages = attract ? ["mn", "en"] : [pageLanguage];
  var ACTIONABLE = "button, a[href], input:not([type=hidden]), select, textarea, [role=button], [tabindex='0']";

  var state = { active: false, items: [], index: -1, step: null, stepKey: "", alerts: new Map() };
  var audio = null;
  var current = null;
  var generation = 0;
  var chain = Promise.resolve();
  // What was asked for and played, for the browser tests and for a technician in DevTools.
  // `speaking` is true from a request to speak until its last clip has ended; `plans` counts the
  // plan requests sent to the kiosk (the page keeps each text's plan, see `clipURLs`).
  var record = window.kioskSpeech = { active: false, speaking: false, requested: [], played: [], unknownWords: 0,
    plans: 0 };

  // ---------- what is on the screen ----------
  function visible(el) {
    if (!el || !el.getClientRects().length) { return false; }
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      if (node.hidden || node.getAttribute("aria-hidden") === "true" || node.inert) { return false; }
    }
    return getComputedStyle(el).visibility !== "hidden";
  }

  function openDialog() {
    var dialogs = document.querySelectorAll("[role=dialog], [role=alertdialog], dialog[open]");
    for (var i = 0; i < dialogs.length; i++) { if (visible(dialogs[i])) { return dialogs[i]; } }
    return null;
  }

  // The part of the page the visitor is on: an open dialog, the visible step (a journey step, or a
  // section of the grievance and vacancy screens), or the main content.
  function currentStep() {
    var dialog = openDialog();
    if (dialog) { return dialog; }
    var steps = document.querySelectorAll(".step, .step-main > section");
    for (var i = 0; i < steps.length; i++) { if (visible(steps[i])) { return steps[i]; } }
    return document.querySelector("main") || body;
  }

  // Text of `el` in `language`: parts marked with another `lang` are left out, as are hidden
  // parts and pictograms. Returns "" when nothing is in that language.
  function textIn(el, language) {
    var out = [];
    (function walk(node) {
      if (node.nodeType === Node.TEXT_NODE) { out.push(node.nodeValue); return; }
      if (node.nodeType !== Node.ELEMENT_NODE) { return; }
      var tag = node.tagName;
      if (tag === "SCRIPT" || tag === "STYLE" || tag === "svg" || tag === "SVG") { return; }
      if (node !== el && (node.hidden || node.getAttribute("aria-hidden") === "true")) { return; }
      var lang = node.getAttribute("lang");
      if (node !== el && lang && lang.slice(0, 2) !== language) { return; }
      for (var child = node.firstChild; child; child = child.nextSibling) { walk(child); }
    })(el);
    return out.join(" ").replace(/\s+/g, " ").trim();
  }

  // The language an element speaks in: its own `lang`, else the page's.
  function languageOf(el) {
    var marked = el.closest("[lang]");
    return marked ? marked.getAttribute("lang").slice(0, 2) : pageLanguage;
  }

  // Parts ({lang, text} or {lang, key}) that name an element as a screen reader would.
  function nameParts(el) {
    var parts = [];
    var own = el.getAttribute("lang");
    // A choice written in its own language (the language buttons) is said in that language only.
    (own && languages.indexOf(own.slice(0, 2)) >= 0 ? [own.slice(0, 2)] : languages).forEach(function (language) {
      var name = "";
      var label = el.getAttribute("aria-label");
      var labelledBy = el.getAttribute("aria-labelledby");
      if (labelledBy) {
        name = labelledBy.split(/\s+/).map(function (id) {
          var target = document.getElementById(id);
          return target ? textIn(target, language) : "";
        }).join(" ");
      } else if (label) {
        name = languageOf(el) === language ? label : "";
      } else if (el.matches("input, select, textarea")) {
        var labels = el.labels && el.labels.length ? Array.prototype.map.call(el.labels, function (l) { return textIn(l, language); }) : [];
        name = labels.join(" ") || el.getAttribute("placeholder") || "";
      } else {
        name = textIn(el, language);
      }
      var field = el.matches("input, textarea");
      if (!name && !field) { return; }
      if (name) { parts.push({ lang: language, text: name }); }
      if (field) {
        parts.push({ lang: language, key: "speech.textBox" });
        parts = parts.concat(el.value ? spelled(el.value, language) : [{ lang: language, key: "speech.empty" }]);
      }
      if (el.getAttribute("aria-pressed") === "true" || el.getAttribute("aria-checked") === "true" ||
          el.getAttribute("aria-selected") === "true" || el.checked) {
        parts.push({ lang: language, key: "speech.selected" });
      }
      if (el.disabled || el.getAttribute("aria-disabled") === "true") { parts.push({ lang: language, key: "speech.unavailable" }); }
    });
    return parts;
  }

  // A typed value letter by letter (numbers of up to three digits as numbers), as parts of one
  // letter or number each, so that each is planned once in a visit however the value grows (a
  // letter is said the same in either case).
  function spelled(value, language) {
    var tokens = value.toUpperCase().match(/[0-9]+|\S/g) || [];
    var parts = [];
    tokens.forEach(function (token) {
      (/^[0-9]{4,}$/.test(token) ? token.split("") : [token]).forEach(function (text) {
        parts.push({ lang: language, text: text });
      });
    });
    return parts;
  }

  // What the step says: its headings and paragraphs (not those inside its buttons).
  function stepParts(step) {
    var parts = [];
    var texts = step.querySelectorAll("h1, h2, p, .question, legend, label:not(:has(input))");
    languages.forEach(function (language) {
      var seen = 0;
      for (var i = 0; i < texts.length && seen < 8; i++) {
        var el = texts[i];
        if (!visible(el) || el.closest(ACTIONABLE) || el.parentElement.closest("p, h1, h2, .question")) { continue; }
        var text = textIn(el, language);
        if (text) { parts.push({ lang: language, text: text }); seen++; }
      }
    });
    return parts;
  }

  // Everything the keypad moves through, in groups: the step, the buttons around it (back, next),
  // the on-screen keyboard, the top bar. Inside an open dialog, only the dialog.
  function collectItems() {
    var step = currentStep();
    var dialog = openDialog();
    var groups = dialog ? [dialog] : [step, document.querySelector(".nav-bar"), document.getElementById("keyboard"),
      document.querySelector(".top-bar"), document.querySelector("main")];
    var items = [];
    var taken = new Set();
    groups.forEach(function (group, groupIndex) {
      if (!group) { return; }
      group.querySelectorAll(ACTIONABLE).forEach(function (el) {
        if (taken.has(el) || !visible(el)) { return; }
        taken.add(el);
        items.push({ el: el, group: groupIndex });
      });
    });
    return items;
  }

  // ---------- sound ----------
  function context() {
    if (!audio) {
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    }
    if (audio && audio.state === "suspended") { audio.resume().catch(function () {}); }
    return audio;
  }

  // A rising two-note cue: audio mode is on.
  function cue(rising) {
    var ctx = context();
    if (!ctx) { return; }
    (rising ? [523, 784] : [392, 262]).forEach(function (hz, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      var at = ctx.currentTime + i * 0.16;
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.16);
    });
  }

  // Tells the page's idle timer that the visitor is listening (see idle.js and kiosk.js): a clip
  // starts, or the speech ends.
  function speaking(now) {
    record.speaking = now;
    document.dispatchEvent(new CustomEvent("kiosk:speech", { detail: { speaking: now } }));
  }

  function stop() {
    generation++;
    chain = Promise.resolve();
    if (current) { try { current.stop(); } catch (e) { /* already ended */ } current = null; }
  }

  // The plans of the texts heard in this visit, by language and text: a plan never changes, so a
  // choice, a key or a letter met again costs no request (the voice is throttled per screen, and a
  // visitor typing fast would otherwise ask for a plan at each key). The oldest go first.
  var planned = new Map();
  function planKey(language, text) { return language + "\n" + text; }

  // Asks the kiosk for the plans of `texts` not planned yet (40 a request, as the server takes).
  function plan(language, texts) {
    var missing = texts.filter(function (text, i) {
      return !planned.has(planKey(language, text)) && texts.indexOf(text) === i;
    });
    var requests = [];
    for (var at = 0; at < missing.length; at += 40) {
      requests.push((function (batch) {
        record.plans += 1;
        return fetch("/api/v1/speech/plan", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ language: language, texts: batch })
        }).then(function (r) { return r.ok ? r.json() : { utterances: [] }; }, function () { return { utterances: [] }; })
          .then(function (answer) {
            // Only answered plans are kept: a refused request (429) is asked again next time.
            (answer.utterances || []).forEach(function (utterance, i) {
              planned.set(planKey(language, batch[i]), utterance);
              if (planned.size > 1000) { planned.delete(planned.keys().next().value); }
            });
          });
      })(missing.slice(at, at + 40)));
    }
    return Promise.all(requests);
  }

  // Clip URLs of the parts, in order: keys name their clip; texts are mapped by the server to
  // the phrases, numbers and letters they hold.
  function clipURLs(parts) {
    var byLanguage = {};
    parts.forEach(function (part) {
      if (part.text) { (byLanguage[part.lang] = byLanguage[part.lang] || []).push(part.text); }
    });
    return Promise.all(Object.keys(byLanguage).map(function (language) {
      return plan(language, byLanguage[language]);
    })).then(function () {
      var urls = [];
      parts.forEach(function (part) {
        if (part.key) { urls.push("/api/v1/speech/clips/" + part.lang + "/" + part.key); return; }
        var utterance = planned.get(planKey(part.lang, part.text));
        if (!utterance) { return; }
        record.unknownWords += utterance.unknownWords;
        urls = urls.concat(utterance.clips);
      });
      return urls;
    });
  }

  function playBuffer(buffer, mine) {
    return new Promise(function (resolve) {
      var ctx = context();
      if (!ctx || mine !== generation) { resolve(); return; }
      ctx.decodeAudioData(buffer).then(function (decoded) {
        if (mine !== generation) { resolve(); return; }
        var source = ctx.createBufferSource();
        source.buffer = decoded;
        source.connect(ctx.destination);
        source.onended = function () { if (current === source) { current = null; } resolve(); };
        current = source;
        source.start();
      }, function () { resolve(); });
    });
  }

  // The clips heard in this visit, kept so that moving over the same keys and choices again does
  // not ask the kiosk again (its voice is throttled per screen); the oldest go first.
  var clips = new Map();
  function clipData(url) {
    if (clips.has(url)) { return clips.get(url).then(function (buffer) { return buffer.slice(0); }); }
    var data = fetch(url).then(function (r) { return r.ok ? r.arrayBuffer() : null; }, function () { return null; });
    data.then(function (buffer) {
      if (!buffer) { return; }
      clips.set(url, Promise.resolve(buffer));
      if (clips.size > 200) { clips.delete(clips.keys().next().value); }
    });
    // decodeAudioData takes its buffer over: each play gets a copy.
    return data.then(function (buffer) { return buffer ? buffer.slice(0) : null; });
  }

  // Speaks the parts after what is already being said, or at once (`interrupt`).
  function say(parts, interrupt) {
    if (!state.active || !parts.length) { return; }
    if (interrupt) { stop(); }
    var mine = generation;
    speaking(true);
    var fetched = clipURLs(parts).then(function (urls) {
      return urls.map(function (url) {
        record.requested.push(url);
        return { url: url, data: clipData(url) };
      });
    });
    chain = chain.then(function () { return fetched; }).then(function (clips) {
      return clips.reduce(function (previous, clip) {
        return previous.then(function () {
          if (mine !== generation) { return null; }
          return clip.data.then(function (buffer) {
            if (!buffer || mine !== generation) { return null; }
            record.played.push(clip.url);
            speaking(true);
            return playBuffer(buffer, mine);
          });
        });
      }, Promise.resolve());
    }).then(function () { if (mine === generation) { speaking(false); } });
  }

  // ---------- moving and choosing ----------
  function announceStep(greeting) {
    var step = currentStep();
    state.step = step;
    state.stepKey = stepKey(step);
    state.items = collectItems();
    state.index = -1;
    // Language by language (both on the attract screen): "audio mode is on", the step, the keys.
    var said = stepParts(step);
    var parts = [];
    languages.forEach(function (language) {
      if (greeting) { parts.push({ lang: language, key: "speech.on" }); }
      parts = parts.concat(said.filter(function (part) { return part.lang === language; }));
      if (greeting) { parts.push({ lang: language, key: "speech.keys" }); }
    });
    say(parts, true);
    rememberAlerts();
  }

  function stepKey(step) {
    var heading = step.querySelector("h1, h2");
    return (step.getAttribute("data-step") || step.id || step.tagName) + "|" + (heading ? heading.textContent : "");
  }

  // The items now, and where the visitor is among them (the screen's script may have moved focus).
  function refresh() {
    state.items = collectItems();
    var at = state.items.findIndex(function (item) { return item.el === document.activeElement; });
    if (at >= 0) { state.index = at; } else if (state.index >= state.items.length) { state.index = -1; }
    return state.items;
  }

  function sayEnd() { say(languages.map(function (language) { return { lang: language, key: "speech.end" }; }), true); }

  function move(by) {
    var items = refresh();
    var next = state.index + by;
    if (by < 0 && state.index < 0) { next = items.length - 1; }
    if (next < 0 || next >= items.length) { sayEnd(); return; }
    focusItem(next);
  }

  // To the first item of the next or previous group.
  function moveGroup(by) {
    var items = refresh();
    var i = state.index;
    if (by > 0) {
      if (i < 0) { i = 0; } else {
        var group = items[i].group;
        while (i < items.length && items[i].group === group) { i++; }
      }
    } else {
      if (i <= 0) { sayEnd(); return; }
      while (i > 0 && items[i - 1].group === items[i].group) { i--; }
      if (i === 0) { sayEnd(); return; }
      i--;
      while (i > 0 && items[i - 1].group === items[i].group) { i--; }
    }
    if (i >= items.length) { sayEnd(); return; }
    focusItem(i);
  }

  function focusItem(index) {
    state.index = index;
    var el = state.items[index].el;
    try { el.focus({ preventScroll: false }); } catch (e) { /* not focusable */ }
    if (el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
    say(nameParts(el), true);
  }

  function choose() {
    refresh();
    var item = state.items[state.index];
    if (!item || !item.el.isConnected || !visible(item.el)) { announceStep(false); return; }
    var el = item.el;
    if (el.disabled) { say(nameParts(el), true); return; }
    if (el.matches("input, textarea, select")) { el.focus(); say(nameParts(el), true); return; }
    var typing = el.closest("#keyboard");
    el.click();
    if (typing) {
      // A key of the on-screen keyboard: the screen types into its field (and focuses it); the
      // visitor stays on the key, and hears it and what the field now holds.
      try { el.focus({ preventScroll: true }); } catch (e) { /* the key went away */ }
      var field = document.querySelector("input.focused, textarea.focused") ||
        document.querySelector(".step.active input:not([type=hidden])");
      var parts = nameParts(el);
      if (field && field.matches && field.matches("input, textarea")) {
        languages.forEach(function (language) {
          parts = parts.concat(field.value ? spelled(field.value, language) : [{ lang: language, key: "speech.empty" }]);
        });
      }
      say(parts, true);
    }
  }

  function back() {
    var candidates = document.querySelectorAll("#back, [data-nav=back], .back-button, a.back, button[data-back]");
    for (var i = 0; i < candidates.length; i++) {
      if (visible(candidates[i]) && !candidates[i].disabled) { candidates[i].click(); return; }
    }
    sayEnd();
  }

  function repeat() {
    var item = state.items[state.index];
    var parts = stepParts(currentStep());
    if (item && item.el.isConnected) { parts = parts.concat(nameParts(item.el)); }
    say(parts, true);
  }

  // ---------- changes on the screen ----------
  function liveRegions() {
    return Array.prototype.filter.call(
      document.querySelectorAll("[role=alert], [role=status], [aria-live]:not([aria-live=off])"),
      function (el) { return visible(el); });
  }

  function rememberAlerts() {
    state.alerts = new Map();
    liveRegions().forEach(function (el) { state.alerts.set(el, el.textContent.trim()); });
  }

  var pending = null;
  function changed() {
    if (!state.active || pending) { return; }
    pending = setTimeout(function () {
      pending = null;
      var step = currentStep();
      if (step !== state.step || stepKey(step) !== state.stepKey) { announceStep(false); return; }
      var parts = [];
      liveRegions().forEach(function (el) {
        var text = el.textContent.trim();
        if (text && state.alerts.get(el) !== text) {
          languages.forEach(function (language) {
            var said = textIn(el, language);
            if (said) { parts.push({ lang: language, text: said }); }
          });
        }
        state.alerts.set(el, text);
      });
      if (parts.length) { say(parts, false); }
    }, 300);
  }

  new MutationObserver(changed).observe(body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["hidden", "class", "style", "aria-hidden", "open"]
  });

  // ---------- on and off ----------
  function start(fromVisitor) {
    if (state.active) { return; }
    state.active = record.active = true;
    body.classList.add("audio-mode");
    try { sessionStorage.setItem(STORE, "1"); } catch (e) { /* private mode: this page only */ }
    document.querySelectorAll("[data-audio-toggle]").forEach(function (b) { b.setAttribute("aria-pressed", "true"); });
    if (fromVisitor) { cue(true); }
    announceStep(true);
  }

  function end() {
    say(languages.map(function (language) { return { lang: language, key: "speech.off" }; }), true);
    state.active = record.active = false;
    body.classList.remove("audio-mode");
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    document.querySelectorAll("[data-audio-toggle]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    cue(false);
  }

  var KEYS = {
    Numpad2: "next", Numpad6: "next", Numpad8: "previous", Numpad4: "previous", Numpad9: "nextGroup",
    Numpad3: "nextGroup", Numpad7: "previousGroup", Numpad1: "previousGroup", Numpad5: "choose",
    NumpadEnter: "choose", Numpad0: "repeat", NumpadDecimal: "back", NumpadComma: "back"
  };

  // On the document in the capture phase: after the screens' own idle timers (registered there
  // first, as this script is deferred) have seen the key, before their Enter means "next".
  document.addEventListener("keydown", function (event) {
    var action = KEYS[event.code];
    var keypad = event.code.indexOf("Numpad") === 0;
    if (!state.active) {
      if (!keypad) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      start(true);
      return;
    }
    var typing = document.activeElement && document.activeElement.matches("input, textarea") && !keypad;
    if (!action && event.key === "Backspace" && !typing) { action = "back"; }
    if (!action) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    context();
    if (action === "next") { move(1); }
    else if (action === "previous") { move(-1); }
    else if (action === "nextGroup") { moveGroup(1); }
    else if (action === "previousGroup") { moveGroup(-1); }
    else if (action === "choose") { choose(); }
    else if (action === "repeat") { repeat(); }
    else if (action === "back") { back(); }
  }, true);

  document.querySelectorAll("[data-audio-toggle]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      if (state.active) { end(); } else { start(true); }
    });
  });

  // A new visit starts at the attract screen: the last visitor's audio mode ends there.
  if (attract) {
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
  } else {
    var kept = false;
    try { kept = sessionStorage.getItem(STORE) === "1"; } catch (e) { kept = false; }
    if (kept) { start(false); }
  }
})();
