// Display board: clock in the office's zone, and the calls as they happen, over Server-Sent
// Events. EventSource reconnects by itself and sends Last-Event-ID, so no call is lost or shown
// twice after a dropped connection. A new call flashes (for deaf visitors) and chimes.
(function () {
  "use strict";
  var zone = document.body.getAttribute("data-time-zone") || "Asia/Ulaanbaatar";
  var time = new Intl.DateTimeFormat("mn-MN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var date = new Intl.DateTimeFormat("mn-MN", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "long" });
  function tick() {
    var now = new Date();
    document.getElementById("display-time").textContent = time.format(now);
    document.getElementById("display-date").textContent = date.format(now);
  }
  tick();
  setInterval(tick, 1000);

  var seen = {};
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
    }
  }

  var started = Date.now();
  var source = new EventSource("/api/v1/display/events");
  source.addEventListener("call", function (event) {
    if (seen[event.lastEventId]) { return; }
    seen[event.lastEventId] = true;
    var call = JSON.parse(event.data);
    // Calls replayed when the board opens fill the history without flashing.
    show(call, Date.now() - started > 1500);
    document.body.setAttribute("data-last-event-id", event.lastEventId);
  });
  source.addEventListener("waiting", function (event) {
    document.getElementById("waiting-count").textContent = String(JSON.parse(event.data).waiting);
  });
  source.addEventListener("open", function () { document.getElementById("connection").hidden = true; });
  source.addEventListener("error", function () { document.getElementById("connection").hidden = false; });
})();
