// Staff console: a jobseeker's ranked vacancies with referrals, and the vacancy list of a soum
// or khoroo printed on A4 for officers who serve remote areas.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("console-strings").textContent);
  var lang = document.documentElement.lang || "mn";
  var person = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name] !== undefined ? values[name] : ""; });
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }
  function errorText(answer) {
    var error = answer.body && answer.body.error;
    return error && error.message ? error.message[lang] : String(answer.status);
  }

  function render(answer) {
    var data = answer.body;
    person = data.jobseeker;
    var referred = data.referred || [];
    $("matches-for").textContent = fill(strings.matchesFor, {
      name: person.name, reference: person.reference, n: data.results.total
    });
    var list = $("matches-list");
    list.textContent = "";
    if (!data.results.matches.length) { list.appendChild(el("li", "hint", strings.matchesNone)); }
    data.results.matches.forEach(function (match) {
      var v = match.vacancy;
      var item = el("li", "match");
      item.setAttribute("data-reference", v.reference);
      var text = el("div", "match-text");
      text.appendChild(el("strong", null, v.title));
      text.appendChild(el("span", "hint", " · " + v.employer + " · "));
      text.appendChild(el("span", "mono", v.reference));
      var reasons = el("div", "v-reasons");
      match.reasons.forEach(function (r) { reasons.appendChild(el("span", "reason", r.text[lang])); });
      text.appendChild(reasons);
      item.appendChild(text);
      if (referred.indexOf(v.reference) >= 0) {
        item.appendChild(el("span", "referred", "✓ " + strings.referred));
      } else {
        var note = el("input", "text-input note");
        note.placeholder = strings.referNote;
        note.maxLength = 200;
        var refer = el("button", "big-button secondary refer", strings.refer);
        refer.type = "button";
        refer.addEventListener("click", function () {
          refer.disabled = true;
          api("POST", "/api/v1/referrals", {
            registrationId: person.id, vacancyReference: v.reference, note: note.value || null
          }).then(function (result) {
            if (result.status === 201 || result.status === 409) { return find(); }
            refer.disabled = false;
            $("matches-error").textContent = errorText(result);
          });
        });
        item.appendChild(note);
        item.appendChild(refer);
      }
      list.appendChild(item);
    });
  }

  function find() {
    $("matches-error").textContent = "";
    var number = $("matches-registry").value.trim();
    if (!number) { return Promise.resolve(); }
    return api("GET", "/api/v1/staff/matches?pageSize=50&registryNumber=" + encodeURIComponent(number))
      .then(function (answer) {
        if (answer.status === 200) { return render(answer); }
        $("matches-list").textContent = "";
        $("matches-for").textContent = "";
        $("matches-error").textContent = answer.status === 404 ? strings.matchesNotFound : errorText(answer);
      });
  }
  $("matches-form").addEventListener("submit", function (event) {
    event.preventDefault();
    find();
  });

  // ---------- the list of a soum or khoroo ----------
  function loadSoums() {
    var aimag = $("area-aimag").value;
    api("GET", "/api/v1/reference/admin-units?parent=" + encodeURIComponent(aimag)).then(function (answer) {
      var select = $("area-soum");
      select.textContent = "";
      select.appendChild(el("option", null, "—")).value = "";
      (answer.body.items || []).forEach(function (unit) {
        var option = el("option", null, unit.name[lang]);
        option.value = unit.code;
        select.appendChild(option);
      });
    });
  }
  var aimagSelect = $("area-aimag");
  aimagSelect.value = aimagSelect.getAttribute("data-office-unit") || aimagSelect.value;
  aimagSelect.addEventListener("change", loadSoums);
  loadSoums();
  $("area-print").addEventListener("click", function () {
    var search = new URLSearchParams();
    search.set("aimag", $("area-aimag").value);
    if ($("area-soum").value) { search.set("soum", $("area-soum").value); }
    $("area-status").textContent = "…";
    api("POST", "/api/v1/vacancies/print", { printer: "a4", language: lang, search: search.toString() })
      .then(function (answer) {
        var message = (answer.body.message || (answer.body.error || {}).message || {})[lang] || "";
        var faults = (answer.body.faults || []).map(function (f) { return f.message[lang]; });
        $("area-status").textContent = [message].concat(faults).join(" ");
        $("area-status").className = "print-status " + (answer.body.status === "sent" ? "ok" : "problem");
      });
  });
})();
