"""Locust users for `make bench`, `make bench-stampede`, `make bench-attempt` and `make bench-class`.

Driven by benchmarks/load.py and benchmarks/attempts.py. Every user is one learner whose
signed-in session cookie comes from BENCH_PEOPLE (a JSON file written by the set-up), so the run
measures taking quizzes, not password hashing. What each user had acknowledged by the server
(attempt ids, answers, saves, finished tests) and each whole attempt it completed (start, end,
requests) are appended to BENCH_ACKS (one JSON line per user) when the run stops, for the
driver to compare with the database and to count attempts.

BENCH_SCENARIO picks the users that run:
- `load`: QuizLearner (takes the quiz again and again: page, each answer saved as the page's
  script does, submit, result, "take the quiz again") and SelfTestTaker (builder page, a
  10-question tutor test, each question's page and its JSON save, finish, review), half each;
- `quiz_js` / `quiz_nojs`: QuizLearner with / without the script's saves;
- `selftest` / `selftest_nojs`: SelfTestTaker, a 20-question timed test (BENCH_SELFTEST_COUNT,
  BENCH_SELFTEST_MODE) built from the builder's POST, as the page's script takes it (the test
  page once, then one small save per answer; a page per question only where the first page
  does not carry that question's choices) / without the script (the form's Next button, then
  the next question's page; Finish, its page, the finish button);
- `stampede`: StampedeLearner (opens the quiz once, then waits);
- `class`: ClassLearner (a paced class: opens the self-test made for them beforehand, then
  answers one question every BENCH_CLASS_PACE seconds, e.g. "15-25", for BENCH_CLASS_SECONDS).
"""

import html
import json
import os
import random
import re
import time
import urllib.parse
from itertools import count
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task

PEOPLE = json.loads(Path(os.environ["BENCH_PEOPLE"]).read_text()) if os.environ.get("BENCH_PEOPLE") else {}
SLUG = PEOPLE.get("quiz", "")
SCENARIO = os.environ.get("BENCH_SCENARIO", "load")
_next_person = count()
ACKS: list[dict] = []
FORM = "application/x-www-form-urlencoded"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
NAME = re.compile(r'\bname="([^"]+)"')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def input_values(page: str) -> dict[str, list[str]]:
    """Each input name on the page and its non-empty values, in page order."""
    found: dict[str, list[str]] = {}
    for tag in INPUT.findall(page):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name and value and value.group(1):
            found.setdefault(name.group(1), []).append(html.unescape(value.group(1)))
    return found


def values_by_question(page: str) -> dict[str, list[str]]:
    """The answer values each question offers, by position (q1, q2, ... fields)."""
    return {name[1:]: values for name, values in input_values(page).items() if re.fullmatch(r"q\d+", name)}


def nav_positions(page: str) -> int:
    """How many questions the self-test page's navigator lists (0 when it has none)."""
    return len(set(re.findall(r'data-nav="(\d+)"', page)))


class Learner(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = "trainee"
    scenarios: tuple[str, ...] = ()

    def on_start(self):
        person = PEOPLE["people"][next(_next_person) % len(PEOPLE["people"])]
        self.person = person
        self.cookie = person["cookie"]
        self.csrf = person["csrf"]
        self.sent = 0  # requests sent so far, to count those of each whole attempt
        self.acks = {
            "user": person["username"],
            "attempts": [],
            "answers": 0,
            "quiz_saves": [],  # [attempt, position] of every acknowledged save
            "saves": [],  # [test, position]
            "tests": [],
            "finished": [],  # self-tests whose finish was acknowledged
            "completed": [],  # [start, end, requests, questions] of each whole attempt
            "incomplete": {},  # why an attempt stopped short: how many times
            "answered": 0,  # requests answered, whole attempts or not
        }
        ACKS.append(self.acks)

    def headers(self, *, page=None, json_answer=False):
        sent = {"Cookie": f"{self.cookie}; csrftoken={self.csrf}", "Referer": self.host + (page or "/")}
        if json_answer:
            sent["Accept"] = "application/json"
        return sent

    def get(self, path, *, name):
        self.sent += 1
        answer = self.client.get(path, headers=self.headers(), name=name, allow_redirects=False)
        self.acks["answered"] += 1
        return answer

    def post(self, path, data, *, name, json_answer=False):
        # Encoded here: the client would send a list value as its repr, not as repeated fields.
        self.sent += 1
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True)
        headers = {**self.headers(page=path, json_answer=json_answer), "Content-Type": FORM}
        answer = self.client.post(path, data=body, headers=headers, name=name, allow_redirects=False)
        self.acks["answered"] += 1
        return answer

    def attempt_started(self):
        self.attempt_start, self.attempt_sent = time.time(), self.sent

    def attempt_completed(self, questions):
        self.acks["completed"].append([self.attempt_start, time.time(), self.sent - self.attempt_sent, questions])

    def attempt_incomplete(self, why, answer=None):
        """An attempt given up: counted (by reason and status) so the driver can say so."""
        key = why
        if answer is not None:
            location = (answer.headers.get("Location") or "").split("?")[0]
            key += f" ({answer.status_code}{' to ' + location if location else ''})"
        self.acks["incomplete"][key] = self.acks["incomplete"].get(key, 0) + 1

    def acknowledged(self, answer) -> bool:
        """A JSON save the server says it stored."""
        if answer.status_code != 200:
            return False
        try:
            return bool((answer.json() or {}).get("saved"))
        except ValueError:
            return False


class QuizLearner(Learner):
    """Takes the quiz, then again from its result page ("Take the quiz again")."""

    weight = 1
    scenarios = ("load", "quiz_js", "quiz_nojs")
    saves = SCENARIO != "quiz_nojs"  # the page's script saves each answer as it is chosen
    taken = False

    @task
    def take_the_quiz(self):
        path = f"/quizzes/{SLUG}/"
        self.attempt_started()
        page, opened = "", None
        if self.taken:  # the result page's button
            self.post(path, {"action": "start"}, name="quiz start")
        else:
            opened = self.get(path, name="quiz page")
            page = opened.text or ""
            if 'name="attempt"' not in page:  # the last attempt was submitted: take it again
                self.post(path, {"action": "start"}, name="quiz start")
                page = ""
        if not page:
            opened = self.get(path, name="quiz page")
            page = opened.text or ""
        attempt = re.search(r'name="attempt" value="(\d+)"', page)
        if attempt is None:
            self.attempt_incomplete("quiz page without an attempt", opened)
            return
        answers = {f"q{position}": values[0] for position, values in values_by_question(page).items()}
        if self.saves:
            for name, value in answers.items():  # one answer at a time: one small request each
                saved = self.post(
                    f"{path}save/", {"attempt": attempt.group(1), name: ["", value]}, name="quiz save", json_answer=True
                )
                if self.acknowledged(saved):
                    self.acks["quiz_saves"].append([int(attempt.group(1)), int(name[1:])])
        answer = self.post(path, {"attempt": attempt.group(1), **answers}, name="quiz submit")
        if answer.status_code == 302 and "/attempts/" in (answer.headers.get("Location") or ""):
            self.acks["attempts"].append(int(attempt.group(1)))
            self.acks["answers"] += len(answers)
            self.get(answer.headers["Location"], name="quiz result")
            self.taken = True
            self.attempt_completed(len(answers))
        else:
            self.attempt_incomplete("submit not acknowledged", answer)


SELFTEST_COUNT = int(os.environ.get("BENCH_SELFTEST_COUNT", "10" if SCENARIO == "load" else "20"))
SELFTEST_MODE = os.environ.get("BENCH_SELFTEST_MODE", "tutor" if SCENARIO == "load" else "timed")


class SelfTestTaker(Learner):
    """Builds a self-test and takes it whole: with the page's script, or without it (nojs)."""

    weight = 1
    scenarios = ("load", "selftest", "selftest_nojs")
    script = SCENARIO != "selftest_nojs"
    builder_page = SCENARIO == "load"  # else the topics come with the people (PEOPLE["topics"])

    @task
    def take_a_selftest(self):
        self.attempt_started()
        topics = PEOPLE.get("topics")
        if self.builder_page or not topics:
            form = self.get("/selftest/new/", name="selftest builder").text or ""
            topics = input_values(form).get("topics", [])
        built = self.post(
            "/selftest/new/",
            {
                "topics": topics,
                "count": SELFTEST_COUNT,
                "pool": "all",
                "mode": SELFTEST_MODE,
                "seconds_per_question": 600 if SELFTEST_MODE == "timed" else 90,
            },
            name="selftest create",
        )
        location = built.headers.get("Location") or ""
        test = re.search(r"/selftest/(\d+)/", location)
        if test is None:
            self.attempt_incomplete("no test made", built)
            return
        pk = int(test.group(1))
        self.acks["tests"].append(pk)
        page = self.get(location, name="selftest page").text or ""
        questions = max(nav_positions(page), len(values_by_question(page))) or SELFTEST_COUNT
        answer = self.answer_with_script if self.script else self.answer_without
        finished = answer(pk, page, questions)
        if finished:
            self.acks["finished"].append(pk)
            self.get(f"/selftest/{pk}/review/", name="selftest review")
            self.attempt_completed(questions)
        else:
            self.attempt_incomplete("not finished")

    def answer_with_script(self, pk, page, questions) -> bool:
        """One save per question; a question's page only when no page loaded yet showed it."""
        path = f"/selftest/{pk}/"
        known = values_by_question(page)
        for position in range(1, questions + 1):
            if str(position) not in known:
                known |= values_by_question(self.get(f"{path}?q={position}", name="selftest page").text or "")
            values = known.get(str(position), [])
            if not values:
                continue
            saved = self.post(
                path,
                {"position": position, f"q{position}": values[position % len(values)], "action": "save"},
                name="selftest save",
                json_answer=True,
            )
            if self.acknowledged(saved):
                self.acks["saves"].append([pk, position])
        finished = self.post(f"{path}finish/", {}, name="selftest finish")
        return finished.status_code == 302 and "/review/" in (finished.headers.get("Location") or "")

    def answer_without(self, pk, page, questions) -> bool:
        """The form's Next button on each question (the answer posted with it), then the next
        page; on the last question Finish, the finish page and its button."""
        path = f"/selftest/{pk}/"
        position = 1
        while True:
            values = values_by_question(page).get(str(position), [])
            last = position >= questions
            data = {"position": position, "action": "finish" if last else "next"}
            if values:
                data[f"q{position}"] = ["", values[position % len(values)]]
            moved = self.post(path, data, name="selftest finish button" if last else "selftest next")
            location = moved.headers.get("Location") or ""
            expected = f"{path}finish/" if last else f"?q={position + 1}"
            if moved.status_code != 302 or not location.endswith(expected):
                return False
            if values:
                self.acks["saves"].append([pk, position])
            if last:
                break
            position += 1
            page = self.get(location, name="selftest page").text or ""
        self.get(f"{path}finish/", name="selftest finish page")
        finished = self.post(f"{path}finish/", {}, name="selftest finish")
        return finished.status_code == 302 and "/review/" in (finished.headers.get("Location") or "")


def _pace() -> tuple[float, float]:
    low, _, high = os.environ.get("BENCH_CLASS_PACE", "15-25").partition("-")
    return float(low), float(high or low)


CLASS_SECONDS = float(os.environ.get("BENCH_CLASS_SECONDS", "180"))


class ClassLearner(Learner):
    """One learner of a paced class: opens the test made for them, then answers one question
    every 15-25 s (BENCH_CLASS_PACE) for BENCH_CLASS_SECONDS, as the page's script saves it."""

    weight = 1
    scenarios = ("class",)
    done = False

    @task
    def sit_the_test(self):
        if self.done:
            gevent.sleep(3600)  # the run's time limit ends the wait
            return
        self.done = True
        pk = self.person["test"]
        path = f"/selftest/{pk}/"
        opened = time.monotonic()
        page = self.get(path, name="class open").text or ""
        self.acks["tests"].append(pk)
        known = values_by_question(page)
        questions = max(nav_positions(page), len(known))
        for position in range(1, questions + 1):
            gevent.sleep(random.uniform(*_pace()))
            if time.monotonic() - opened > CLASS_SECONDS:
                break
            if str(position) not in known:  # a page per question: the server's older page
                known |= values_by_question(self.get(f"{path}?q={position}", name="class page").text or "")
            values = known.get(str(position), [])
            if not values:
                continue
            saved = self.post(
                path,
                {"position": position, f"q{position}": values[position % len(values)], "action": "save"},
                name="class save",
                json_answer=True,
            )
            if self.acknowledged(saved):
                self.acks["saves"].append([pk, position])


class StampedeLearner(Learner):
    """Opens the quiz once, as a whole class does at the start of an exam."""

    weight = 1
    scenarios = ("stampede",)

    @task
    def open_the_quiz(self):
        if getattr(self, "opened", False):
            gevent.sleep(3600)  # once is the whole scenario; the run's time limit ends the wait
            return
        self.opened = True
        answer = self.get(f"/quizzes/{SLUG}/", name="quiz page (stampede)")
        attempt = re.search(r'name="attempt" value="(\d+)"', answer.text or "")
        if attempt is not None:
            self.acks["attempts"].append(int(attempt.group(1)))


# Only the scenario's users run (locust runs every non-abstract User class in the file).
for _user in (QuizLearner, SelfTestTaker, ClassLearner, StampedeLearner):
    _user.abstract = SCENARIO not in _user.scenarios


@events.quitting.add_listener
def _write_acknowledged(environment, **kwargs):
    if os.environ.get("BENCH_ACKS"):
        with open(os.environ["BENCH_ACKS"], "a") as out:
            for acks in ACKS:
                out.write(json.dumps(acks) + "\n")
