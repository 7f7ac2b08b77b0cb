// Self-test page. The page holds every question of the test and shows one; this script moves
// between them in the browser (Previous, Next, the navigator, the browser's Back and Forward)
// and saves each answer as soon as it is chosen, as a small urlencoded post the server
// acknowledges. In tutor mode a choice is kept until "Check answer", whose reply carries the
// question's feedback. A save that cannot reach the server stays queued and is sent again when
// the browser is back online; whatever is queued is sent at once (keepalive) when the page is
// hidden or closed. Without this script the page still works: every button posts the form,
// which saves the shown question's answer before the next page opens.
// The timer is only a display; the server enforces the deadline.
(function () {
  "use strict";
  var form = document.getElementById("selftest-form");
  if (!form) return;
  var text = form.dataset;
  // Not form.action: the buttons named "action" shadow that property.
  var url = form.getAttribute("action");
  var total = Number(text.total);
  var current = Number(text.position);
  var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  var positionInput = form.querySelector('input[name="position"]');
  var status = document.getElementById("save-status");
  var navigator = document.getElementById("navigator");
  var flagButton = document.getElementById("flag-button");
  var prevButton = document.getElementById("prev-button");
  var nextButton = document.getElementById("next-button");
  var finishButton = document.getElementById("finish-button");
  var expired = false;

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.className = "small mb-2 " + (isError ? "text-danger fw-semibold" : "text-success");
  }

  function question(position) {
    return document.getElementById("st-q-" + position);
  }

  function answerInputs(position) {
    return question(position).querySelectorAll('input[name="q' + position + '"]:not([type="hidden"])');
  }

  function ticked(position) {
    var values = [];
    answerInputs(position).forEach(function (input) {
      if (input.checked) values.push(input.value);
    });
    return values;
  }

  // The navigator, the answered count, and the buttons under the question -------------------

  function paintNavigator() {
    var answered = 0;
    navigator.querySelectorAll("[data-nav]").forEach(function (button) {
      var position = Number(button.dataset.nav);
      var isAnswered = button.dataset.answered === "1";
      var isFlagged = question(position).dataset.flagged === "1";
      if (isAnswered) answered += 1;
      button.classList.remove("btn-dark", "btn-primary", "btn-outline-secondary", "border-warning", "border-3");
      if (position === current) {
        button.classList.add("btn-dark");
        button.setAttribute("aria-current", "step");
      } else {
        button.classList.add(isAnswered ? "btn-primary" : "btn-outline-secondary");
        button.removeAttribute("aria-current");
      }
      if (isFlagged) button.classList.add("border-warning", "border-3");
      button.textContent = position + (isFlagged ? "⚑" : "");
      var label = navigator.dataset.questionText.replace("NUMBER", position) + ", ";
      label += isAnswered ? navigator.dataset.answeredText : navigator.dataset.unansweredText;
      if (isFlagged) label += ", " + navigator.dataset.flaggedText;
      button.setAttribute("aria-label", label);
    });
    var counter = document.getElementById("answered-count");
    if (counter) counter.textContent = text.countText.replace("ANSWERED", answered).replace("TOTAL", total);
  }

  function paintControls() {
    var flagged = question(current).dataset.flagged === "1";
    flagButton.value = flagged ? "0" : "1";
    flagButton.setAttribute("aria-pressed", flagged ? "true" : "false");
    flagButton.textContent = flagged ? flagButton.dataset.onText : flagButton.dataset.offText;
    flagButton.classList.toggle("btn-warning", flagged);
    flagButton.classList.toggle("btn-outline-warning", !flagged);
    flagButton.classList.toggle("text-body", !flagged);
    prevButton.hidden = current === 1;
    nextButton.hidden = current === total;
    var last = current === total;
    finishButton.classList.toggle("btn-success", last);
    finishButton.classList.toggle("btn-lg", last);
    finishButton.classList.toggle("btn-outline-secondary", !last);
  }

  function titleFor(position) {
    return text.titleText.replace("POSITION", position).replace("TOTAL", total);
  }

  // Focus goes to the question's heading (its feedback once checked), as after a page load.
  function focusQuestion(target) {
    var heading = target || question(current).querySelector("legend, h2");
    var old = document.getElementById("question-heading");
    if (old && old !== heading && old.tagName === "LEGEND") old.removeAttribute("id");
    if (heading.tagName === "LEGEND") heading.id = "question-heading";
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  function show(position, push) {
    if (!(position >= 1 && position <= total) || position === current) return;
    var before = titleFor(current);
    question(current).hidden = true;
    current = position;
    question(current).hidden = false;
    positionInput.value = current;
    document.title = document.title.replace(before, titleFor(current));
    if (push) window.history.pushState({ q: current }, "", "?q=" + current);
    paintControls();
    paintNavigator();
    focusQuestion();
  }

  window.addEventListener("popstate", function () {
    var wanted = Number(new URLSearchParams(window.location.search).get("q"));
    show(wanted || 1, false);
  });

  // Saving ----------------------------------------------------------------------------------
  // One queued change per question (the latest ticks, the flag, whether to check), and one
  // request per question at a time, so a slow reply can never overwrite a newer answer.

  var queued = {}; // position -> {values, flag, check}
  var sending = {}; // position -> true while its request is out
  var retryTimer = null;
  var retryDelay = 2000;
  var finishing = false;

  function enqueue(position, change) {
    var job = queued[position] || (queued[position] = { values: null, flag: null, check: false });
    if (change.values) job.values = change.values;
    if (change.flag != null) job.flag = change.flag;
    if (change.check) job.check = true;
    pump(false);
  }

  function putBack(position, job) {
    var newer = queued[position];
    if (!newer) {
      queued[position] = job;
      return;
    }
    if (!newer.values) newer.values = job.values;
    if (newer.flag == null) newer.flag = job.flag;
    newer.check = newer.check || job.check;
  }

  function body(position, job) {
    var data = new URLSearchParams();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("position", position);
    if (job.values) {
      data.append("q" + position, ""); // sent even with nothing ticked: "cleared", not "not sent"
      job.values.forEach(function (value) {
        data.append("q" + position, value);
      });
    }
    if (job.flag != null) data.append("flag", job.flag);
    data.append("action", job.check ? "check" : "save");
    return data;
  }

  function busy() {
    return Object.keys(queued).length > 0 || Object.keys(sending).length > 0;
  }

  function pump(keepalive) {
    if (expired || (retryTimer && !keepalive)) return;
    Object.keys(queued).forEach(function (key) {
      if (sending[key]) return;
      var job = queued[key];
      delete queued[key];
      send(Number(key), job, keepalive);
    });
    if (finishing && !busy()) window.location.assign(text.finishUrl);
  }

  function send(position, job, keepalive) {
    sending[position] = true;
    fetch(url, {
      method: "POST",
      body: body(position, job),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: keepalive,
    })
      .then(function (response) {
        return response.json().then(
          function (answer) {
            return { ok: response.ok, answer: answer };
          },
          function () {
            return { ok: false, answer: {} }; // not our JSON (a proxy's page): try again later
          },
        );
      })
      .then(
        function (result) {
          delete sending[position];
          if (result.ok && result.answer.saved) {
            retryDelay = 2000;
            acknowledged(position, job, result.answer);
          } else if (result.answer.error) {
            refused(result.answer);
          } else {
            failed(position, job);
          }
        },
        function () {
          delete sending[position];
          failed(position, job);
        },
      )
      .finally(function () {
        pump(false);
      });
  }

  function failed(position, job) {
    putBack(position, job);
    finishing = false;
    say(text.failedText, true);
    if (retryTimer) return;
    retryTimer = window.setTimeout(retry, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function retry() {
    window.clearTimeout(retryTimer);
    retryTimer = null;
    pump(false);
  }

  function refused(answer) {
    finishing = false;
    say(answer.error || text.failedText, true);
    if (answer.redirect) {
      window.setTimeout(function () {
        window.location.assign(answer.redirect);
      }, 2500);
    }
  }

  function acknowledged(position, job, answer) {
    var button = navigator.querySelector('[data-nav="' + position + '"]');
    if (button) button.dataset.answered = answer.answered ? "1" : "0";
    if (answer.feedback) {
      // Checked: the question is locked, and its feedback takes its place.
      var holder = question(position);
      var older = document.getElementById("feedback-outcome"); // one id in the page: the newest
      if (older) {
        older.removeAttribute("id");
        older.removeAttribute("data-autofocus");
      }
      holder.innerHTML = answer.feedback;
      holder.dataset.locked = "1";
      if (position === current) focusQuestion(holder.querySelector("[data-autofocus]"));
    } else if (job.check && !answer.answered) {
      say(text.chooseText, true);
    } else if (job.flag != null && position === current) {
      say(job.flag === "1" ? text.flaggedText : text.unflaggedText, false);
    } else if (job.values && position === current) {
      if (answer.pending) say(text.pendingText, false);
      else say(answer.answered ? text.savedText : text.clearedText, false);
    }
    paintNavigator();
  }

  window.addEventListener("online", retry);
  // A phone may never come back to a hidden page: send what is queued now, and let the
  // browser finish the requests after the page is gone.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") pump(true);
  });
  window.addEventListener("pagehide", function () {
    pump(true);
  });

  // What the trainee does -------------------------------------------------------------------

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (!/^q\d+$/.test(name) || event.target.type === "hidden") return;
    var position = Number(name.slice(1));
    // Tutor mode keeps the choice (pending) until "Check answer" marks it.
    enqueue(position, { values: ticked(position) });
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    event.preventDefault();
    if (!button || expired) return;
    if (button.name === "goto") {
      show(Number(button.value), true);
    } else if (button.name === "flag") {
      var holder = question(current);
      holder.dataset.flagged = holder.dataset.flagged === "1" ? "0" : "1";
      enqueue(current, { flag: holder.dataset.flagged });
      paintControls();
      paintNavigator();
    } else if (button.value === "prev") {
      show(current - 1, true);
    } else if (button.value === "next") {
      show(current + 1, true);
    } else if (button.value === "check") {
      var values = ticked(current);
      if (!values.length) {
        say(text.chooseText, true);
        return;
      }
      enqueue(current, { values: values, check: true });
    } else if (button.value === "finish") {
      // The finish page counts what the server holds: every queued answer goes first.
      finishing = true;
      if (busy()) say(text.savingText, false);
      retry();
    }
  });

  // Says "less than 5 minutes left" and "less than 1 minute left" once each, through a polite
  // live region (a screen reader would otherwise hear nothing until time is up, or every second).
  // What was said is kept for the tab's session, so opening the test again does not repeat it.
  function timerAnnouncer(timer) {
    var region = document.getElementById("timer-announce");
    var key = "kq-timer-said-" + timer.dataset.test;
    var said;
    try {
      said = window.sessionStorage.getItem(key) || "";
    } catch (e) {
      said = "";
    }
    var marks = [
      { seconds: 60, id: "1", text: timer.dataset.oneText },
      { seconds: 300, id: "5", text: timer.dataset.fiveText },
    ];
    return function (left) {
      if (!region || left <= 0) return;
      for (var i = 0; i < marks.length; i++) {
        var mark = marks[i];
        if (left <= mark.seconds) {
          if (said.indexOf(mark.id) === -1) {
            // Anything already passed counts as said: only the latest news is spoken.
            for (var j = i; j < marks.length; j++) said += marks[j].id;
            region.textContent = mark.text;
            try {
              window.sessionStorage.setItem(key, said);
            } catch (e) {
              // Private windows may refuse storage; the announcement was still made.
            }
          }
          return;
        }
      }
    };
  }

  // Countdown (display only).
  var timer = document.getElementById("timer");
  if (timer) {
    var end = Date.now() + Number(timer.dataset.remaining) * 1000;
    var grace = Number(timer.dataset.grace || 5);
    var announce = timerAnnouncer(timer);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60) timer.classList.add("text-danger");
      announce(left);
      if (left === 0 && !expired) {
        pump(true); // what is queued may still be in time, within the grace
        expired = true;
        say(timer.dataset.expiredText, true);
        form.querySelectorAll('input[name^="q"]').forEach(function (input) {
          input.disabled = true;
        });
        // Opening the test after its time finishes it and shows the results.
        window.setTimeout(function () {
          window.location.assign(url);
        }, (grace + 1) * 1000);
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }
})();
