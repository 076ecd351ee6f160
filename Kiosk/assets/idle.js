// The "more time?" warning before a touchscreen page beside the journey resets itself, as the
// registration journey does: after the idle time a countdown covers the screen (and hides what the
// visitor left on it); a touch on "more time" goes back to where they were, the end of the count
// calls `reset`. Speech in audio mode counts as the visitor's presence: the idle time runs from
// the end of what is being said. Needs the idle partial's overlay in the page.
(function () {
  "use strict";
  window.kioskIdle = function (reset) {
    var body = document.body;
    var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
    var countdownSeconds = parseInt(body.getAttribute("data-countdown-seconds"), 10) || 20;
    var overlay = document.getElementById("idle-overlay");
    var count = document.getElementById("idle-count");
    var more = document.getElementById("idle-more");
    var idleTimer = null;
    var countdownTimer = null;
    var remaining = 0;
    var focused = null;  // where the visitor was, to return to after "more time"

    function arm() {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(warn, idleSeconds * 1000);
    }
    function warn() {
      // Not while the visitor listens to the screen (audio mode, speech.js): its end arms again.
      if (window.kioskSpeech && window.kioskSpeech.speaking) { arm(); return; }
      focused = document.activeElement;
      remaining = countdownSeconds;
      count.textContent = String(remaining);
      overlay.hidden = false;
      body.classList.add("idle-warning");
      more.focus();
      clearInterval(countdownTimer);
      countdownTimer = setInterval(function () {
        remaining -= 1;
        count.textContent = String(Math.max(0, remaining));
        if (remaining <= 0) { clearInterval(countdownTimer); reset(); }
      }, 1000);
    }
    function stillHere() {
      clearInterval(countdownTimer);
      overlay.hidden = true;
      body.classList.remove("idle-warning");
      if (focused && focused !== body && focused.focus) { focused.focus(); }
      arm();
    }
    more.addEventListener("click", stillHere);
    ["pointerdown", "keydown", "input", "kiosk:speech"].forEach(function (type) {
      document.addEventListener(type, function () { if (overlay.hidden) { arm(); } }, true);
    });
    arm();
  };
})();
