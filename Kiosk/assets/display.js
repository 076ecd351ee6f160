// Display board: clock in the office's zone, and the calls as they happen, over Server-Sent
// Events. EventSource reconnects by itself and sends Last-Event-ID, so no call is lost or shown
// twice after a dropped connection. A new call flashes (for deaf visitors) and chimes.
(function () {
  "use strict";
  var zone = document.body.getAttribute("data-time-zone") || "Asia/Ulaanbaatar";
  var time = new Intl.DateTimeFormat("mn-MN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  // Browsers may lack Mongolian date names: compose "2026-11-23, Даваа / Monday" from numeric parts.
  var parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" });
  var weekdays = { Mon: "Даваа / Monday", Tue: "Мягмар / Tuesday", Wed: "Лхагва / Wednesday", Thu: "Пүрэв / Thursday",
    Fri: "Баасан / Friday", Sat: "Бямба / Saturday", Sun: "Ням / Sunday" };
  function tick() {
    var now = new Date();
    var p = {};
    parts.formatToParts(now).forEach(function (part) { p[part.type] = part.value; });
    document.getElementById("display-time").textContent = time.format(now);
    document.getElementById("display-date").textContent =
      p.year + "-" + p.month + "-" + p.day + ", " + (weekdays[p.weekday] || p.weekday);
  }
  tick();
  setInterval(tick, 1000);

  var seen = {};
  var voices = {};
  var phrases = null;
  fetch("/api/v1/display/voices").then(function (r) { return r.json(); }).then(function (v) { voices = v; });
  fetch("/assets/audio/phrases.json").then(function (r) { return r.json(); }).then(function (p) { phrases = p; });

  // Clip names for a number 1–999: hundreds, tens, ones; Mongolian uses the attributive form
  // ("хорин", key ending in "a") for a part followed by another.
  function numberClips(n, language) {
    var clips = [];
    var hundreds = Math.floor(n / 100) * 100;
    var rest = n % 100;
    var attributive = language === "mn";
    if (hundreds) { clips.push("n" + hundreds + (attributive && rest ? "a" : "")); }
    if (rest && (language === "en" && rest < 20)) { clips.push("n" + rest); return clips; }
    var tens = Math.floor(rest / 10) * 10;
    var ones = rest % 10;
    if (tens) { clips.push("n" + tens + (attributive && ones ? "a" : "")); }
    if (ones || (!n)) { clips.push("n" + ones); }
    return clips;
  }

  function announcement(call, language) {
    var parts = call.number.split("-");
    var letterIndex = phrases.letters.indexOf(parts[0]);
    var index = letterIndex < 10 ? "0" + letterIndex : String(letterIndex);
    var clips = ["ticket", "letter" + index].concat(numberClips(parseInt(parts[1], 10), language));
    if (language === "en") { clips = clips.concat(["counter"], numberClips(call.counter, language)); }
    else { clips = clips.concat(numberClips(call.counter, language), ["counter"]); }
    return clips.map(function (clip) { return "/api/v1/speech/clips/" + language + "/" + clip; });
  }

  function speak(call) {
    if (!phrases) { return; }
    var queue = [];
    ["mn", "en"].forEach(function (language) {
      if (voices[language] && voices[language].complete) { queue = queue.concat(announcement(call, language)); }
    });
    (function playNext() {
      var url = queue.shift();
      if (!url) { return; }
      var clip = new Audio(url);
      clip.addEventListener("ended", playNext);
      clip.addEventListener("error", playNext);
      clip.play().catch(playNext);
    })();
  }
  var recent = [];
  var audio = null;

  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach(function (offset, index) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = index === 0 ? 880 : 660;
        gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
        gain.gain.exponentialRampToValueAtTime(0.4, audio.currentTime + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.6);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + offset);
        osc.stop(audio.currentTime + offset + 0.7);
      });
    } catch (e) { /* no audio device: the flash still shows the call */ }
  }

  function show(call, fresh) {
    document.getElementById("now-number").textContent = call.number;
    document.getElementById("now-counter").textContent = String(call.counter);
    recent.unshift(call);
    recent = recent.slice(0, 6);
    var list = document.getElementById("recent");
    list.textContent = "";
    recent.forEach(function (c) {
      var item = document.createElement("li");
      item.textContent = c.number + " → " + c.counter;
      list.appendChild(item);
    });
    if (fresh) {
      var now = document.getElementById("now");
      now.classList.remove("flash");
      void now.offsetWidth;  // restart the animation
      now.classList.add("flash");
      chime();
      setTimeout(function () { speak(call); }, 1200);
    }
  }

  // The server sends a new board its recent calls first, then the waiting count: calls before
  // that first count are history (no flash, no announcement); every call after it is live.
  var live = false;
  var source = new EventSource("/api/v1/display/events");
  source.addEventListener("call", function (event) {
    if (seen[event.lastEventId]) { return; }
    seen[event.lastEventId] = true;
    var call = JSON.parse(event.data);
    // Calls replayed when the board opens fill the history without flashing.
    show(call, live);
    document.body.setAttribute("data-last-event-id", event.lastEventId);
  });
  source.addEventListener("waiting", function (event) {
    live = true;
    document.getElementById("waiting-count").textContent = String(JSON.parse(event.data).waiting);
  });
  source.addEventListener("open", function () { document.getElementById("connection").hidden = true; });
  source.addEventListener("error", function () { document.getElementById("connection").hidden = false; });
})();
