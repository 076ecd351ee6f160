// Console: book a person's next appointment, and a counsellor's day with kept and missed ones.
(function () {
  "use strict";
  var T = window.CaseTools;
  var $ = T.$, el = T.el, strings = T.strings;
  var person = null;

  function counsellorOptions(counsellors) {
    ["book-counsellor", "day-counsellor"].forEach(function (id) {
      var select = $(id);
      var chosen = select.value;
      while (select.options.length > 1) { select.remove(1); }
      counsellors.forEach(function (c) {
        var option = el("option", null, c.displayName);
        option.value = c.staffID;
        select.appendChild(option);
      });
      select.value = chosen;
    });
  }

  function showDay() {
    var date = $("day-date").value;
    var staff = $("day-counsellor").value;
    $("day-error").textContent = "";
    T.api("GET", "/api/v1/staff/appointments?date=" + encodeURIComponent(date) + "&staffId=" + encodeURIComponent(staff))
      .then(function (a) {
        if (!a.ok) { $("day-error").textContent = T.problem(a); return; }
        var day = a.body;
        if ($("book-counsellor").options.length <= 1) { counsellorOptions(day.counsellors); }
        $("day-calendar").textContent = day.open
          ? strings.page.open.replace("{hours}", day.hours)
          : (day.publicHoliday ? strings.page.holiday : strings.page.closed);
        var rows = $("day-rows");
        rows.textContent = "";
        if (!day.appointments.length) {
          var empty = el("tr");
          var cell = el("td", "hint", strings.page.none);
          cell.colSpan = 6;
          empty.appendChild(cell);
          rows.appendChild(empty);
        }
        day.appointments.forEach(function (ap) {
          var row = el("tr");
          row.setAttribute("data-appointment", ap.id);
          row.setAttribute("data-state", ap.state);
          row.appendChild(el("td", "mono", ap.time));
          row.appendChild(el("td", null, (ap.displayName || "") + " · " + (ap.reference || "")));
          row.appendChild(el("td", null, ap.serviceCode));
          row.appendChild(el("td", null, ap.staffName || (strings.page.counter + " " + ap.counter)));
          row.appendChild(el("td", "appointment-state", strings.state[ap.state] || ap.state));
          var actions = el("td");
          if (ap.state === "booked") {
            var cancel = el("button", "secondary", strings.page.cancel);
            cancel.type = "button";
            cancel.addEventListener("click", function () {
              T.api("POST", "/api/v1/staff/appointments/" + ap.id + "/cancel").then(function (c) {
                if (!c.ok) { $("day-error").textContent = T.problem(c); }
                showDay();
                showFigures();
              });
            });
            actions.appendChild(cancel);
          }
          row.appendChild(actions);
          rows.appendChild(row);
        });
      });
  }

  function showFigures() {
    T.api("GET", "/api/v1/staff/appointments/figures").then(function (a) {
      if (!a.ok) { return; }
      $("figure-kept").textContent = a.body.kept;
      $("figure-missed").textContent = a.body.missed;
      $("figure-booked").textContent = a.body.booked;
      $("figure-cancelled").textContent = a.body.cancelled;
    });
  }

  T.finder(function (found) {
    person = found;
    $("book-form").hidden = !found;
    $("book-done").textContent = "";
  });

  $("book-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("book-error").textContent = "";
    $("book-done").textContent = "";
    var body = {
      registrationId: person.id, serviceCode: $("book-service").value,
      date: $("book-date").value, time: $("book-time").value
    };
    if ($("book-counsellor").value) { body.staffId = $("book-counsellor").value; }
    if ($("book-counter").value) { body.counter = parseInt($("book-counter").value, 10); }
    if ($("book-remind") && $("book-remind").checked) { body.remindBySMS = true; }
    T.api("POST", "/api/v1/staff/appointments", body).then(function (a) {
      if (!a.ok) { $("book-error").textContent = T.problem(a); return; }
      $("book-done").textContent = strings.page.booked
        .replace("{date}", a.body.date).replace("{time}", a.body.time)
        .replace("{with}", a.body.staffName || (strings.page.counter + " " + a.body.counter));
      $("day-date").value = a.body.date;
      showDay();
      showFigures();
    });
  });

  $("day-form").addEventListener("submit", function (event) { event.preventDefault(); showDay(); });
  showDay();
  showFigures();
})();
