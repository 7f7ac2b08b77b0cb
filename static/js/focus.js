// Focus that follows the work. A page reached by an action (an answer checked, a question
// flagged, "Next", the navigator, a patient's answer) marks its new question or feedback
// heading with data-autofocus (and tabindex="-1"); focus goes there instead of staying at the
// top of the page, so the next Tab reaches the answers. A message the server sent along (for
// example "That is right.") comes first, as it says what just happened. A link to a place in
// the page (#...) keeps the browser's own behaviour.
(function () {
  "use strict";
  var target = document.querySelector("[data-autofocus]");
  if (!target || window.location.hash) return;
  var message = document.querySelector("main > .alert");
  if (message) {
    message.setAttribute("tabindex", "-1");
    target = message;
  }
  target.focus();
})();
