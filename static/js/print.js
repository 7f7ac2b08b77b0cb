// Print buttons: <button data-print>. The CSP forbids inline handlers, so they are wired here.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
