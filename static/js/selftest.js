// Self-test page: saves the answer as soon as it is chosen (in tutor mode it is kept until
// "Check answer"), keeps the navigator up to date and shows the countdown. Without this script
// the page still works: every button posts the form, which saves the answer before moving on.
// The timer is only a display; the server enforces the deadline.
(function () {
  "use strict";
  var form = document.getElementById("selftest-form");
  if (!form) return;
  var status = document.getElementById("save-status");
  var position = form.dataset.position;
  // Not form.action: the buttons named "action" shadow that property.
  var url = form.getAttribute("action");
  var autosave = form.dataset.locked !== "1";

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.className = "small mb-2 " + (isError ? "text-danger fw-semibold" : "text-success");
  }

  function answerInputs() {
    return form.querySelectorAll('input[name="q' + position + '"]:not([type="hidden"])');
  }

  function markNavigator(answered) {
    var button = form.querySelector('[data-nav="' + position + '"]');
    if (!button) return;
    button.dataset.answered = answered ? "1" : "0";
    var buttons = form.querySelectorAll("[data-nav]");
    var count = form.querySelectorAll('[data-nav][data-answered="1"]').length;
    var counter = document.getElementById("answered-count");
    if (counter) {
      counter.textContent = form.dataset.countText.replace("ANSWERED", count).replace("TOTAL", buttons.length);
    }
  }

  // Saves run one at a time, and always send the latest ticks, so a slow reply can never
  // overwrite a newer answer.
  var saving = false;
  var dirty = false;

  function save() {
    if (saving) {
      dirty = true;
      return;
    }
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok && result.body.saved) {
          if (result.body.pending) {
            say(form.dataset.pendingText, false);
          } else {
            say(result.body.answered ? form.dataset.savedText : form.dataset.clearedText, false);
          }
          markNavigator(result.body.answered);
        } else {
          say(result.body.error || form.dataset.failedText, true);
          if (result.body.redirect) {
            window.setTimeout(function () {
              window.location.assign(result.body.redirect);
            }, 2500);
          }
        }
      })
      .catch(function () {
        say(form.dataset.failedText, true);
      })
      .finally(function () {
        saving = false;
        if (dirty) save();
      });
  }

  if (autosave) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "q" + position) save();
    });
  }

  // Says "less than 5 minutes left" and "less than 1 minute left" once each, through a polite
  // live region (a screen reader would otherwise hear nothing until time is up, or every second).
  // What was said is kept for the tab's session, so moving to the next question does not repeat it.
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
    var finished = false;
    var announce = timerAnnouncer(timer);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60) timer.classList.add("text-danger");
      announce(left);
      if (left === 0 && !finished) {
        finished = true;
        say(timer.dataset.expiredText, true);
        answerInputs().forEach(function (input) {
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
