// Progress indicator and a warning before submitting with unanswered questions.
// The page works without this script: the server shows the same warning.
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

  function unansweredCount() {
    var missing = 0;
    questions.forEach(function (q) {
      if (!q.querySelector("input:checked")) missing += 1;
    });
    return missing;
  }

  function update() {
    var answered = total - unansweredCount();
    var pct = total ? Math.round((answered / total) * 100) : 0;
    bar.style.width = pct + "%";
    progress.setAttribute("aria-valuenow", String(answered));
    progressText.textContent = form.dataset.progressText
      .replace("ANSWERED", answered).replace("TOTAL", total);
    if (!unansweredCount()) warning.classList.add("d-none");
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
