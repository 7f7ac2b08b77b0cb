"""Locust users for `make bench` and `make bench-stampede` (driven by benchmarks/load.py).

Every user is one learner whose signed-in session cookie comes from BENCH_PEOPLE (a JSON file
written by load.py's set-up), so the run measures taking quizzes, not password hashing. What
each user had acknowledged by the server (attempt ids, answers, saves) is appended to
BENCH_ACKS (one JSON line per user) when the run stops, for load.py to compare with the database.

- QuizLearner: opens the quiz (starting again if the last attempt was submitted), saves an
  answer for every question as the page's script does, submits them, reads the result.
- SelfTestTaker: builds a 10-question self-test, opens and saves each question as the page's
  script does (JSON), finishes and reads the review.
- StampedeLearner (BENCH_SCENARIO=stampede): opens the quiz once, then waits.
"""

import html
import json
import os
import re
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


class Learner(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = "trainee"

    def on_start(self):
        person = PEOPLE["people"][next(_next_person) % len(PEOPLE["people"])]
        self.cookie = person["cookie"]
        self.csrf = person["csrf"]
        self.acks = {
            "user": person["username"],
            "attempts": [],
            "answers": 0,
            "quiz_saves": [],  # [attempt, position] of every acknowledged save
            "saves": [],  # [test, position]
            "tests": [],
        }
        ACKS.append(self.acks)

    def headers(self, *, page=None, json_answer=False):
        sent = {"Cookie": f"{self.cookie}; csrftoken={self.csrf}", "Referer": self.host + (page or "/")}
        if json_answer:
            sent["Accept"] = "application/json"
        return sent

    def post(self, path, data, *, name, json_answer=False):
        # Encoded here: the client would send a list value as its repr, not as repeated fields.
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True)
        headers = {**self.headers(page=path, json_answer=json_answer), "Content-Type": FORM}
        return self.client.post(
            path,
            data=body,
            headers=headers,
            name=name,
            allow_redirects=False,
        )


class QuizLearner(Learner):
    weight = 1

    @task
    def take_the_quiz(self):
        path = f"/quizzes/{SLUG}/"
        page = self.client.get(path, headers=self.headers(), name="quiz page").text or ""
        if 'name="attempt"' not in page:  # the last attempt was submitted: take it again
            self.post(path, {"action": "start"}, name="quiz start")
            page = self.client.get(path, headers=self.headers(), name="quiz page").text or ""
        attempt = re.search(r'name="attempt" value="(\d+)"', page)
        if attempt is None:
            return
        answers = {f"q{position}": values[0] for position, values in values_by_question(page).items()}
        for name, value in answers.items():  # as the page's script saves each choice
            saved = self.post(
                f"{path}save/", {"attempt": attempt.group(1), name: ["", value]}, name="quiz save", json_answer=True
            )
            if saved.status_code == 200 and (saved.json() or {}).get("saved"):
                self.acks["quiz_saves"].append([int(attempt.group(1)), int(name[1:])])
        answer = self.post(path, {"attempt": attempt.group(1), **answers}, name="quiz submit")
        if answer.status_code == 302 and "/attempts/" in (answer.headers.get("Location") or ""):
            self.acks["attempts"].append(int(attempt.group(1)))
            self.acks["answers"] += len(answers)
            self.client.get(answer.headers["Location"], headers=self.headers(), name="quiz result")


class SelfTestTaker(Learner):
    weight = 1

    @task
    def take_a_selftest(self):
        form = self.client.get("/selftest/new/", headers=self.headers(), name="selftest builder").text or ""
        topics = input_values(form).get("topics", [])
        built = self.post(
            "/selftest/new/",
            {"topics": topics, "count": 10, "pool": "all", "mode": "tutor", "seconds_per_question": 90},
            name="selftest create",
        )
        test = re.search(r"/selftest/(\d+)/", built.headers.get("Location") or "")
        if test is None:
            return
        path = f"/selftest/{test.group(1)}/"
        self.acks["tests"].append(int(test.group(1)))
        for position in range(1, 11):
            page = self.client.get(f"{path}?q={position}", headers=self.headers(), name="selftest page").text or ""
            values = values_by_question(page).get(str(position), [])
            if not values:
                continue
            saved = self.post(
                path,
                {"position": position, f"q{position}": values[position % len(values)], "action": "save"},
                name="selftest save",
                json_answer=True,
            )
            if saved.status_code == 200 and (saved.json() or {}).get("saved"):
                self.acks["saves"].append([int(test.group(1)), position])
        self.post(f"{path}finish/", {}, name="selftest finish")
        self.client.get(f"{path}review/", headers=self.headers(), name="selftest review")


class StampedeLearner(Learner):
    """Opens the quiz once, as a whole class does at the start of an exam."""

    weight = 1

    @task
    def open_the_quiz(self):
        if getattr(self, "opened", False):
            gevent.sleep(3600)  # once is the whole scenario; the run's time limit ends the wait
            return
        self.opened = True
        answer = self.client.get(f"/quizzes/{SLUG}/", headers=self.headers(), name="quiz page (stampede)")
        attempt = re.search(r'name="attempt" value="(\d+)"', answer.text or "")
        if attempt is not None:
            self.acks["attempts"].append(int(attempt.group(1)))


# Only the scenario's users run (locust runs every non-abstract User class in the file).
if SCENARIO == "stampede":
    QuizLearner.abstract = SelfTestTaker.abstract = True
else:
    StampedeLearner.abstract = True


@events.quitting.add_listener
def _write_acknowledged(environment, **kwargs):
    if os.environ.get("BENCH_ACKS"):
        with open(os.environ["BENCH_ACKS"], "a") as out:
            for acks in ACKS:
                out.write(json.dumps(acks) + "\n")
