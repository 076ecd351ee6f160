// Console: the office's programme places against its quota; a person's eligibility with the
// reasons, referring against the quota, and each referral's outcome.
(function () {
  "use strict";
  var T = window.CaseTools;
  var $ = T.$, el = T.el, strings = T.strings;
  var person = null;

  function showPlaces() {
    T.api("GET", "/api/v1/staff/programmes").then(function (a) {
      if (!a.ok) { return; }
      var rows = $("places-rows");
      rows.textContent = "";
      a.body.programmes.forEach(function (p) {
        var row = el("tr");
        row.setAttribute("data-programme", p.code);
        if (p.free === 0) { row.className = "full"; }
        row.appendChild(el("th", null, T.text(p.name)));
        row.firstChild.scope = "row";
        row.appendChild(el("td", null, p.starts + " – " + p.ends));
        [p.quota, p.used, p.free, p.completed, p.droppedOut, p.didNotGo].forEach(function (n, index) {
          var cell = el("td", "number", String(n));
          if (index === 1) { cell.setAttribute("data-used", ""); }
          row.appendChild(cell);
        });
        rows.appendChild(row);
      });
    });
  }

  function showEligibility() {
    var box = $("eligibility");
    box.textContent = "";
    if (!person) { return; }
    var group = $("profile-group").value;
    T.api("GET", "/api/v1/staff/programmes/eligibility/" + person.id + "?profileGroup=" + encodeURIComponent(group))
      .then(function (a) {
        if (!a.ok) { $("person-error").textContent = T.problem(a); return; }
        a.body.programmes.forEach(function (p) {
          var card = el("article", "programme-card " + (p.eligible ? "eligible" : "not-eligible"));
          card.setAttribute("data-programme", p.code);
          card.appendChild(el("h3", null, T.text(p.name)));
          card.appendChild(el("p", "programme-verdict", p.eligible ? strings.page.eligible : strings.page.notEligible));
          var list = el("ul");
          p.reasons.forEach(function (r) { list.appendChild(el("li", "reason-" + r.result, T.text(r.text))); });
          card.appendChild(list);
          if (p.eligible) {
            var refer = el("button", "big-button", strings.page.refer);
            refer.type = "button";
            refer.setAttribute("data-refer", p.code);
            refer.addEventListener("click", function () {
              $("person-error").textContent = "";
              var body = { registrationId: person.id, programmeCode: p.code };
              if (group) { body.profileGroup = group; }
              T.api("POST", "/api/v1/staff/programmes/referrals", body).then(function (r) {
                if (!r.ok) { $("person-error").textContent = T.problem(r); return; }
                $("person-done").textContent = strings.page.referred.replace("{programme}", T.text(p.name));
                showPlaces();
                showReferrals();
              });
            });
            card.appendChild(refer);
          }
          box.appendChild(card);
        });
      });
  }

  function outcomeForm(referral) {
    var form = el("form", "input-row");
    var outcome = el("select", "text-input");
    ["completed", "droppedOut", "didNotGo"].forEach(function (key) {
      var option = el("option", null, strings.outcome[key]);
      option.value = key;
      outcome.appendChild(option);
    });
    var date = el("input", "text-input");
    date.type = "date";
    date.required = true;
    date.value = document.body.getAttribute("data-today") || new Date().toISOString().slice(0, 10);
    [[strings.page.outcome, outcome], [strings.page.outcomeDate, date]].forEach(function (pair) {
      var label = el("label", null, pair[0] + " ");
      label.appendChild(pair[1]);
      form.appendChild(label);
    });
    var save = el("button", "secondary", strings.page.saveOutcome);
    save.type = "submit";
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      $("person-error").textContent = "";
      T.api("POST", "/api/v1/staff/programmes/referrals/" + referral.id + "/outcome",
        { outcome: outcome.value, date: date.value }).then(function (a) {
        if (!a.ok) { $("person-error").textContent = T.problem(a); return; }
        showPlaces();
        showReferrals();
      });
    });
    return form;
  }

  function showReferrals() {
    var box = $("referrals");
    box.textContent = "";
    if (!person) { $("referrals-title").hidden = true; return; }
    T.api("GET", "/api/v1/staff/programmes/referrals/person/" + person.id).then(function (a) {
      if (!a.ok) { return; }
      $("referrals-title").hidden = a.body.referrals.length === 0;
      a.body.referrals.forEach(function (r) {
        var item = el("div", "referral");
        item.setAttribute("data-referral", r.programmeCode);
        item.appendChild(el("p", null, (T.text(r.programmeName) || r.programmeCode) + " · " + r.referredOn + " · " +
          (r.outcome ? strings.outcome[r.outcome] + " " + r.outcomeOn : strings.page.noOutcome)));
        if (!r.outcome) { item.appendChild(outcomeForm(r)); }
        box.appendChild(item);
      });
    });
  }

  T.finder(function (found) {
    person = found;
    $("person-error").textContent = "";
    $("person-done").textContent = "";
    showEligibility();
    showReferrals();
  });
  $("profile-group").addEventListener("change", showEligibility);
  showPlaces();
})();
