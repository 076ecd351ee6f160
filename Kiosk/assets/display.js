// Display board clock in the office's time zone (Asia/Ulaanbaatar or Asia/Hovd), not the PC's.
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
})();
