// Console: book a person's next appointment, and a counsellor's day with kept and missed ones.
(function () {
  "use strict";
  var T = window.CaseTools;
  var $ = T.$, el = T.el, strings = T.strings;
  var person = null;

  var session = null;
  var counsellorNames = {};

  function counsellorOptions(counsellors) {
    counsellors.forEach(function (c) { counsellorNames[c.staffID] = c.displayName; });
    leaveOptions(counsellors);
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
        $("day-calendar").textContent = (day.open
          ? strings.page.open.replace("{hours}", day.hours)
          : (day.publicHoliday ? strings.page.holiday : strings.page.closed)) +
          (day.onLeave.length ? " " + strings.leave.away.replace("{names}", day.onLeave.map(function (id) {
            return counsellorNames[id] || id;
          }).join(", ")) : "");
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

  // Leave days: the head enters anyone's, an officer their own (the server holds to the same).
  function leaveOptions(counsellors) {
    var select = $("leave-counsellor");
    var chosen = select.value;
    select.textContent = "";
    counsellors.forEach(function (c) {
      if (session && session.role !== "head" && c.staffID !== session.staffId) { return; }
      var option = el("option", null, c.displayName);
      option.value = c.staffID;
      select.appendChild(option);
    });
    if (chosen) { select.value = chosen; }
  }

  function showLeave() {
    T.api("GET", "/api/v1/staff/appointments/leave").then(function (a) {
      if (!a.ok) { return; }
      var list = $("leave-list");
      list.textContent = "";
      if (!a.body.leave.length) { list.appendChild(el("li", "hint", strings.leave.none)); }
      a.body.leave.forEach(function (day) {
        var item = el("li", null, day.date + " · " + (day.staffName || day.staffId) + " ");
        item.setAttribute("data-leave", day.staffId + "/" + day.date);
        if (session && (session.role === "head" || session.staffId === day.staffId)) {
          var remove = el("button", "secondary", strings.leave.remove);
          remove.type = "button";
          remove.addEventListener("click", function () {
            T.api("POST", "/api/v1/staff/appointments/leave/remove", { staffId: day.staffId, date: day.date })
              .then(function (r) {
                if (!r.ok) { $("leave-error").textContent = T.problem(r); }
                showLeave();
                showFreeDays();
                showDay();
              });
          });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
    });
  }

  function showFreeDays() {
    var staff = $("book-counsellor").value;
    T.api("GET", "/api/v1/staff/appointments/free-days?staffId=" + encodeURIComponent(staff)).then(function (a) {
      if (!a.ok) { return; }
      $("free-days").textContent = strings.page.freeDays.replace("{days}", a.body.days.join(", "));
    });
  }

  $("leave-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("leave-error").textContent = "";
    var done = $("leave-done");
    done.textContent = "";
    var body = { staffId: $("leave-counsellor").value, date: $("leave-date").value };
    T.api("POST", "/api/v1/staff/appointments/leave", body).then(function (a) {
      if (!a.ok) { $("leave-error").textContent = T.problem(a); return; }
      done.appendChild(el("p", null, strings.leave.added
        .replace("{name}", a.body.leave.staffName || a.body.leave.staffId).replace("{date}", a.body.leave.date)));
      done.appendChild(el("p", null, a.body.toRebook.length ? strings.leave.toRebook : strings.leave.noneToRebook));
      var list = el("ul", "rebook-list");
      a.body.toRebook.forEach(function (ap) {
        var item = el("li", null, ap.time + " · " + (ap.displayName || "") + " · " + (ap.reference || "") + " ");
        item.setAttribute("data-rebook", ap.id);
        var rebook = el("a", null, strings.leave.rebook);
        rebook.href = "/staff/cases/" + ap.registrationId + "?lang=" + document.documentElement.lang;
        item.appendChild(rebook);
        list.appendChild(item);
      });
      done.appendChild(list);
      done.appendChild(el("p", null, strings.page.freeDays.replace("{days}", a.body.nextFreeDays.join(", "))));
      showLeave();
      showFreeDays();
      showDay();
    });
  });

  $("book-counsellor").addEventListener("change", showFreeDays);

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
  T.api("GET", "/api/v1/staff/session").then(function (a) {
    session = a.ok ? a.body : null;
    showDay();
    showLeave();
    showFreeDays();
  });
  showFigures();
})();
