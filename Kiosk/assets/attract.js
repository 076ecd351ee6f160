// Attract screen: choose a language. location.replace keeps the browser history at one entry,
// so nothing from one visitor can be reached with "back" by the next.
(function () {
  "use strict";
  var query = document.body.getAttribute("data-query") || "";
  document.querySelectorAll("[data-lang]").forEach(function (button) {
    button.addEventListener("click", function () {
      location.replace("/kiosk/" + button.getAttribute("data-lang") + "/register" + query);
    });
  });
})();
