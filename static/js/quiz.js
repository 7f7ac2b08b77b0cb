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
      jumpTo(event, first, first && first.querySelector("input:not([type=hidden])"));
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

  // Each answer is saved as it is chosen, so a closed tab or a dropped network loses nothing.
  // Changes wait a moment and go together in one small request; what is not acknowledged
  // stays pending and is sent again (when the network is back, or the page is hidden).
  var saveUrl = form.dataset.saveUrl;
  var status = document.getElementById("save-status");
  var pending = {};     // position -> true while its latest choice is not acknowledged
  var inFlight = null;  // the positions of the request on its way
  var timer = null;

  function say(text, failed) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("text-danger", !!failed);
    status.classList.toggle("text-muted", !failed);
  }

  function body(positions) {
    var data = new URLSearchParams();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("attempt", form.elements.attempt.value);
    positions.forEach(function (position) {
      var name = "q" + position;
      data.append(name, "");
      form.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (input) {
        data.append(name, input.value);
      });
    });
    return data;
  }

  function flush(leaving) {
    clearTimeout(timer);
    var positions = Object.keys(pending);
    if (!saveUrl || !positions.length || (inFlight && !leaving)) return;
    positions.forEach(function (position) { delete pending[position]; });
    inFlight = positions;
    say(form.dataset.savingText, false);
    fetch(saveUrl, {
      method: "POST",
      body: body(positions),
      credentials: "same-origin",
      keepalive: true,
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      inFlight = null;
      if (result.ok && result.answer.saved) {
        if (Object.keys(pending).length) { schedule(); } else { say(form.dataset.savedText, false); }
        return;
      }
      say(result.answer.error || form.dataset.failedText, true);
      if (!result.answer.reload) { retry(positions); }
    }).catch(function () {
      inFlight = null;
      say(form.dataset.failedText, true);
      retry(positions);
    });
  }

  function retry(positions) {
    positions.forEach(function (position) { pending[position] = true; });
    clearTimeout(timer);
    timer = setTimeout(flush, 5000);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flush, 400);
  }

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name && /^q\d+$/.test(name)) {
      pending[name.slice(1)] = true;
      schedule();
    }
    update();
  });
  window.addEventListener("online", function () { flush(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });
  window.addEventListener("pagehide", function () { flush(true); });
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
  // Submitting sends every answer itself: nothing is left to save on the way out.
  form.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { pending = {}; clearTimeout(timer); }
  });
  update();
})();
