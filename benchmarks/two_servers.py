#!/usr/bin/env python
"""Two app servers, one PostgreSQL and one Redis: nothing lost, nothing stale (make check-servers).

What it does, all on 127.0.0.1, in a throwaway temp dir and a throwaway PostgreSQL database
(dropped at the end, even on failure):

1. migrate, collectstatic, load_content and demo_setup (a trainee, a clinician and an enrolled
   patient) with the production settings (DJANGO_DEBUG=false, plain HTTP on loopback) and
   Redis database 15 as the shared cache when a local Redis answers;
2. two gunicorn servers, A and B, on two ports, against that one database and cache;
3. each person's requests go to A and B in turn, cookies and CSRF tokens carried across:
   - the trainee signs in, opens a quiz, submits it on the other server, reads the result and
     "My results", and sees the quiz page on both servers say it was submitted (not stale);
   - the trainee builds a self-test, saves every answer as the page's script does (JSON), each
     save on the other server from the page it was chosen on, finishes and reads the review;
   - the patient opens their link and walks the whole consent pathway (lessons, the check and
     its teach-back rounds) until the record is complete;
   - the clinician signs the record off on one server and sees it signed off on the other;
4. after each part, what the servers acknowledged is compared with what the database holds.

Prints what it did on stderr and one JSON line on stdout; exits 1 on any mismatch.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from itertools import cycle
from pathlib import Path

try:
    from benchmarks import _harness as harness
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness

BenchError = harness.BenchError
_log = harness.logger("two-servers")
ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TRAINEE, CLINICIAN, PASSWORD = "demo-trainee", "demo-clinician", "kyphoquiz-demo"
QUIZ = "trainee-osteoporosis"
PATIENT_LINK = re.compile(r"Demo patient \(English\): \S+?(/consent/[^/\s]+/)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's cookies, used against whichever server each request goes to."""

    def __init__(self, servers: list[str], name: str):
        self.servers = cycle(servers)
        self.name = name
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def _send(self, path, *, data=None, headers=None, server=None):
        base = server or next(self.servers)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = {"Cookie": cookie, **(headers or {})}
        if data is not None:
            sent |= {"Origin": base, "Referer": base + path, "Content-Type": "application/x-www-form-urlencoded"}
            data = urllib.parse.urlencode(data, doseq=True).encode()
        status, answer_headers, body = harness.request(base + path, headers=sent, data=data)
        self.requests += 1
        for header in answer_headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return status, answer_headers.get("Location", ""), body, base

    def get(self, path, *, expect=200, server=None):
        status, location, body, base = self._send(path, server=server)
        if status != expect:
            raise BenchError(f"{self.name}: GET {path} on {base} answered {status} {location}, not {expect}")
        return location or body

    def post(self, path, data, *, expect=302, page=None, json_answer=False, server=None):
        token = CSRF_INPUT.search(page or "")
        fields = {**data, "csrfmiddlewaretoken": token.group(1) if token else self.cookies.get("csrftoken", "")}
        headers = {"Accept": "application/json"} if json_answer else {}
        status, location, body, base = self._send(path, data=fields, headers=headers, server=server)
        if status != expect:
            raise BenchError(f"{self.name}: POST {path} on {base} answered {status} {location} {body[:300]}")
        return json.loads(body) if json_answer else location

    def sign_in(self, username):
        page = self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": username, "password": PASSWORD}, page=page)


def field_values(page: str, name: str) -> list[str]:
    """The values a form offers for the radio or checkbox inputs called `name`, in page order."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            found.append(html.unescape(value.group(1)) if value else "on")
    return found


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    if not match:
        raise BenchError(f"no {name} field on the page")
    return html.unescape(match.group(1))


def database(env, code: str) -> dict:
    """Run `code` (which sets `result`) in Django against the run's database; its JSON."""
    script = (
        "import django, json; django.setup()\n"
        "from quizzes.models import *\nfrom django.contrib.auth import get_user_model\n"
        f"{code}\nprint(json.dumps(result, default=str))"
    )
    return json.loads(harness.run([sys.executable, "-c", script], env, "reading the database").splitlines()[-1])


def check(found: list[str], ok: bool, message: str) -> None:
    _log(("ok   " if ok else "FAIL ") + message)
    if not ok:
        found.append(message)


def trainee_quiz(trainee: Browser, env, found: list[str]) -> dict:
    page = trainee.get(f"/quizzes/{QUIZ}/")
    attempt = hidden_value(page, "attempt")
    answers = {"attempt": attempt}
    for position in sorted({int(n) for n in re.findall(r'name="q(\d+)"', page)}):
        answers[f"q{position}"] = field_values(page, f"q{position}")[:1]
    result_url = trainee.post(f"/quizzes/{QUIZ}/", answers, page=page)
    check(found, result_url.endswith(f"/attempts/{attempt}/"), f"quiz submitted: {result_url}")
    check(found, "Your score" in trainee.get(result_url), "the other server shows the result")
    check(found, result_url in trainee.get("/me/results/"), "'My results' lists the attempt")
    for _server in range(2):
        again = trainee.get(f"/quizzes/{QUIZ}/")
        check(found, 'name="attempt" value="' + attempt not in again, "no server shows the submitted attempt open")
    stored = database(
        env, f"a = Attempt.objects.get(pk={attempt}); result = [a.submitted_at is not None, a.responses.count()]"
    )
    check(found, stored == [True, len(answers) - 1], f"the database holds the submitted attempt {stored}")
    return {"quiz_attempts_acknowledged": 1, "quiz_answers_sent": len(answers) - 1}


def trainee_selftest(trainee: Browser, env, found: list[str]) -> dict:
    page = trainee.get("/selftest/new/")
    form = {
        "topics": field_values(page, "topics"),
        "count": "10",
        "pool": "all",
        "mode": "timed",
        "seconds_per_question": "90",
    }
    take = trainee.post("/selftest/new/", form, page=page)
    test_id = int(re.search(r"/selftest/(\d+)/", take).group(1))
    acknowledged = 0
    for position in range(1, int(form["count"]) + 1):
        page = trainee.get(f"/selftest/{test_id}/?q={position}")
        values = [v for v in field_values(page, f"q{position}") if v]  # not the empty "none" field
        saved = trainee.post(
            f"/selftest/{test_id}/",
            {"position": position, f"q{position}": ["", values[position % len(values)]], "action": "save"},
            page=page,
            json_answer=True,
            expect=200,
        )
        acknowledged += bool(saved.get("saved"))
        shown = trainee.get(f"/selftest/{test_id}/?q={position}")  # on the other server
        choice = values[position % len(values)]
        if f'value="{choice}" checked' not in shown:
            check(found, False, f"self-test: question {position}'s saved answer is not shown by the other server")
    stored = database(env, f"result = SelfTestItem.objects.filter(test_id={test_id}).exclude(chosen=[]).count()")
    check(found, stored == acknowledged, f"self-test: {acknowledged} saves acknowledged, {stored} stored")
    finish = trainee.get(f"/selftest/{test_id}/finish/")
    review = trainee.post(f"/selftest/{test_id}/finish/", {}, page=finish)
    check(found, review.endswith(f"/selftest/{test_id}/review/"), "self-test finished on the other server")
    trainee.get(review)
    return {"selftest_answers_acknowledged": acknowledged, "selftest_answers_stored": stored}


def patient_pathway(patient: Browser, link: str, env, found: list[str]) -> dict:
    patient.get(link, expect=302)
    answered = 0
    for _step in range(400):
        status, location, page, _base = patient._send("/consent/pathway/check/")
        if status == 302 and "/done/" in location:
            break
        if status == 302 and "/lessons/" in location:
            read_lesson(patient, location)
            continue
        if status == 302:
            patient.get(location)  # the teach-back page of a wrong answer
            continue
        values = field_values(page, "choice")
        if status != 200 or not values:
            raise BenchError(f"patient: unexpected check page ({status})")
        patient.post(
            "/consent/pathway/check/",
            {"ask": hidden_value(page, "ask"), "choice": values[answered % len(values)]},
            page=page,
        )
        answered += 1
    else:
        raise BenchError("patient: the pathway did not end in 400 steps")
    done = patient.get("/consent/pathway/done/")
    stored = database(
        env,
        "r = ConsentRecord.objects.get(enrolment__label='Demo patient (English)', enrolment__revoked_at=None); "
        "result = [r.completed_at is not None, r.status, r.events.filter(kind='answer').count(), r.enrolment_id]",
    )
    check(found, stored[0], f"the patient's record is complete ({stored[1]})")
    check(found, stored[2] == answered, f"patient: {answered} answers acknowledged, {stored[2]} stored")
    check(found, "<h1" in done, "the ending page is shown")
    return {"patient_answers_acknowledged": answered, "patient_answers_stored": stored[2], "enrolment": stored[3]}


def read_lesson(patient: Browser, location: str) -> None:
    path = urllib.parse.urlsplit(location).path
    while "/lessons/" in path:
        step = patient.get(path, expect=302) if not re.search(r"/\d+/$", path) else None
        if step:
            path = urllib.parse.urlsplit(step).path
            continue
        page = patient.get(path)
        number = int(re.search(r"/(\d+)/$", path).group(1))
        following = re.sub(r"/\d+/$", f"/{number + 1}/", path)
        if f'href="{following}"' not in page:
            return
        path = following


def clinician_signoff(clinician: Browser, enrolment: int, env, found: list[str]) -> None:
    detail = f"/staff/patients/{enrolment}/"
    page = clinician.get(detail)
    clinician.post(f"/staff/patients/{enrolment}/signoff/", {"note": "Reviewed on server A"}, page=page)
    seen = clinician.get(detail)
    check(found, "Reviewed on server A" in seen, "the other server shows the sign-off")
    stored = database(env, f"result = SignOff.objects.filter(record__enrolment_id={enrolment}).count()")
    check(found, stored == 1, f"one sign-off stored ({stored})")


def main() -> int:
    harness.install_sigterm_exit()
    tmp = Path(tempfile.mkdtemp(prefix="kyphoquiz-servers-"))
    db_name = f"kyphoquiz_servers_{os.getpid()}"
    servers, env, found, summary = [], {}, [], {}
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["BENCH_DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql", "postgres") + f"/{db_name}"
        env = harness.environment(tmp)
        started = time.monotonic()
        harness.prepare_database(env)
        harness.run([sys.executable, "manage.py", "load_content"], env, "load_content")
        demo = harness.run([sys.executable, "manage.py", "demo_setup"], env, "demo_setup")
        link = PATIENT_LINK.search(demo).group(1)
        _log(f"PostgreSQL database {db_name}, content and people ready in {time.monotonic() - started:.1f} s")

        bases = []
        for name in "AB":
            port = harness.free_port()
            log_path = tmp / f"gunicorn-{name}.log"
            server = harness.start_gunicorn(env, port, log_path)
            servers.append(server)
            bases.append(f"http://{harness.HOST}:{port}")
            harness.wait_ready(server, bases[-1], log_path)
            _log(f"server {name}: gunicorn pid {server.pid} on {bases[-1]}")

        trainee = Browser(bases, "trainee")
        trainee.sign_in(TRAINEE)
        summary |= trainee_quiz(trainee, env, found)
        summary |= trainee_selftest(trainee, env, found)
        patient = Browser(bases, "patient")
        summary |= patient_pathway(patient, link, env, found)
        clinician = Browser(bases, "clinician")
        clinician.sign_in(CLINICIAN)
        clinician_signoff(clinician, summary.pop("enrolment"), env, found)
        summary["requests"] = trainee.requests + patient.requests + clinician.requests
    except BenchError as error:
        found.append(str(error))
        _log(f"FAIL {error}")
    finally:
        for server in servers:
            harness.stop(server)
        harness.clean_up(None, env, tmp)
        try:
            import psycopg

            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        except Exception as error:  # report it; the run's result stands
            _log(f"could not drop {db_name}: {error}")
    print(json.dumps({"check": "two_servers", "servers": 2, **summary, "problems": found}), flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
