// Progress indicator ("n of N answered"), the jumps to the first unanswered question and to
// Submit, and a warning before submitting with unanswered questions. The page works without
// this script: the server shows the same count and warning, and the jumps are plain links.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var questions = form.querySelectorAll("[data-question]");
  var total = questions.length;
  var bar = document.querySelector("#progress .progress-bar");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var warning = document.getElementById("unanswered-warning");
  var warningText = document.getElementById("unanswered-text");

  var jumpUnanswered = document.getElementById("jump-unanswered");
  var jumpSubmit = document.getElementById("jump-submit");

  function unanswered() {
    return Array.prototype.filter.call(questions, function (q) {
      return !q.querySelector("input:checked");
    });
  }

  function unansweredCount() {
    return unanswered().length;
  }

  // A jump moves focus too, so the next key press acts there (not back at the top).
  function jumpTo(event, section, focusable) {
    if (!section || !focusable) return;
    event.preventDefault();
    section.scrollIntoView({ block: "start" });
    focusable.focus({ preventScroll: true });
  }

  if (jumpUnanswered) {
    jumpUnanswered.addEventListener("click", function (event) {
      var first = unanswered()[0];
      jumpTo(event, first, first && first.querySelector("input"));
    });
  }
  if (jumpSubmit) {
    jumpSubmit.addEventListener("click", function (event) {
      var submit = document.getElementById("submit-quiz");
      jumpTo(event, submit, submit);
    });
  }

  function update() {
    var answered = total - unansweredCount();
    var pct = total ? Math.round((answered / total) * 100) : 0;
    bar.style.width = pct + "%";
    progress.setAttribute("aria-valuenow", String(answered));
    progressText.textContent = form.dataset.progressText
      .replace("ANSWERED", answered).replace("TOTAL", total);
    var first = unanswered()[0];
    if (jumpUnanswered) {
      jumpUnanswered.classList.toggle("d-none", !first);
      if (first) jumpUnanswered.setAttribute("href", "#" + first.id);
    }
    if (!first) warning.classList.add("d-none");
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "confirm_unanswered") return;
    var missing = unansweredCount();
    if (!missing) return;
    event.preventDefault();
    warningText.textContent = missing === 1
      ? form.dataset.unansweredOne
      : form.dataset.unansweredMany.replace("COUNT", missing);
    warning.classList.remove("d-none");
    warning.focus();
  });
  update();
})();
