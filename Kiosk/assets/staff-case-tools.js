// Console pages for appointments and programmes: the calls to the JSON API with the officer's
// session cookie, the error texts the server gives in both languages, and the person finder.
window.CaseTools = (function () {
  "use strict";
  var lang = document.documentElement.lang || "mn";
  var strings = JSON.parse(document.getElementById("page-strings").textContent);

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      if (response.status === 401) { window.location.href = "/staff?lang=" + lang; }
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, ok: response.ok, body: json };
      });
    });
  }
  function text(localized) { return localized ? (localized[lang] || localized.mn) : ""; }
  function problem(answer) {
    var error = answer.body && answer.body.error;
    if (!error) { return ""; }
    if (error.fields && error.fields.length) {
      return error.fields.map(function (f) { return text(f.message); }).join(" ");
    }
    var message = text(error.message) || error.code;
    return error.requestId ? message + " (" + error.requestId + ")" : message;
  }
  // The person a typed registry number names: shown by name and reference, kept by id.
  function finder(onFound) {
    $("find-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var number = $("find-registry").value.trim();
      $("person").textContent = "";
      api("GET", "/api/v1/staff/appointments/find?registryNumber=" + encodeURIComponent(number)).then(function (a) {
        if (!a.ok) {
          $("person").textContent = a.status === 404 ? strings.page.notFound : problem(a);
          onFound(null);
          return;
        }
        $("person").textContent = a.body.displayName + " · " + a.body.reference;
        onFound(a.body);
      });
    });
    // Opened from a case page: that person is looked up at once.
    var given = new URLSearchParams(window.location.search).get("registryNumber");
    if (given) {
      $("find-registry").value = given;
      $("find-form").requestSubmit();
    }
  }
  return { $: $, el: el, api: api, text: text, problem: problem, finder: finder, lang: lang, strings: strings };
})();
