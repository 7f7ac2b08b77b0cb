#!/usr/bin/env python
"""Quiz page throughput against a bare Django view, both served by one gunicorn (make bench-page).

What it does, all on 127.0.0.1 and in a throwaway temp dir:

1. a fresh SQLite database (migrate) and collectstatic, with the production settings
   (DJANGO_DEBUG=false) plus benchmarks/bench_urls.py, which adds /bare/;
2. a 20-question single-answer quiz with 4 choices each (slug bench-20) and a learner in the
   trainee role with a logged-in session (made with the session engine directly);
3. gunicorn with 2 sync workers on a free port; one urllib request checks that the quiz page
   answers 200 with "Question 1 of 20" for the learner (not a redirect to the login page) and
   that a second request resumes the same attempt;
4. wrk: 3 s warm-up, then 10 s with 2 threads and 20 connections, for the quiz page and for
   /bare/, with the learner's cookie on both; a Lua script counts non-200 answers and prints
   the percentiles.

Prints one JSON line. Exits 0 whatever the numbers are (it is a benchmark, not a test); exits
non-zero if the server does not start or the pages do not answer 200.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks import _harness as harness
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness

HOST = harness.HOST
SLUG = "bench-20"
QUESTIONS = 20
CHOICES = 4
TARGET_RATIO = 0.2
WORKERS = harness.WORKERS
PAGE_PATH = f"/quizzes/{SLUG}/"
BARE_PATH = harness.BARE_PATH

# Run in a subprocess with the benchmark settings: builds the quiz, the learner and a session.
SETUP_SCRIPT = f"""
import json
from decimal import Decimal
from importlib import import_module

import django

django.setup()

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction

from quizzes.models import Choice, Question, Quiz

with transaction.atomic():
    quiz = Quiz.objects.create(
        slug={SLUG!r}, title="Benchmark quiz", audience="trainee", pass_mark=70,
        description="Twenty single-answer questions for the page benchmark.",
    )
    for n in range(1, {QUESTIONS} + 1):
        question = Question.objects.create(
            quiz=quiz, name=f"bench-q{{n:02d}}", position=n, kind="single",
            stem=f"Benchmark question {{n}}: which vertebral level is most often fractured in osteoporosis?",
            explanation=f"Explanation for question {{n}}: the **thoracolumbar junction** takes the load.",
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"Answer {{i}} to question {{n}} (T{{10 + i}})",
                   fraction=Decimal(1 if i == 1 else 0))
            for i in range(1, {CHOICES} + 1)
        )
    user = get_user_model().objects.create_user(username="bench-learner", email="bench@example.invalid")
    try:  # quizzes need the trainee role (the take_quiz permission) where the project has roles
        from quizzes import roles
    except ImportError:
        roles = None
    if roles is not None:
        roles.role_assign(user=user, role=roles.TRAINEE)

session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = user._meta.pk.value_to_string(user)
session[BACKEND_SESSION_KEY] = "quizzes.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(json.dumps({{"cookie": f"{{settings.SESSION_COOKIE_NAME}}={{session.session_key}}"}}))
"""

# wrk script: the learner's cookie on every request, then the shared non-200 count and
# percentiles (harness.LUA_STATS).
LUA_SCRIPT = """
wrk.headers["Cookie"] = "%(cookie)s"
""" + harness.LUA_STATS.replace("%", "%%")

BenchError = harness.BenchError
_log = harness.logger("bench-page")


def _check_pages(base: str, cookie: str) -> None:
    """The learner gets the quiz (200, all 20 questions), and a reload resumes the same attempt."""
    attempts = []
    for n in (1, 2):
        status, body = harness.get(base + PAGE_PATH, cookie)
        if status != 200:
            raise BenchError(f"GET {PAGE_PATH} #{n} as the learner answered {status} {body[:300]}, not 200")
        for needle in ("Question 1 of 20", "Question 20 of 20"):
            if needle not in body:
                raise BenchError(f"GET {PAGE_PATH} #{n} answered 200 but has no {needle!r}")
        radios = body.count('type="radio"')
        if radios != QUESTIONS * CHOICES:
            raise BenchError(f"GET {PAGE_PATH} #{n} has {radios} radio buttons, not {QUESTIONS * CHOICES}")
        found = re.search(r'name="attempt" value="(\d+)"', body)
        attempts.append(found and found.group(1))
    if attempts[0] is None or attempts[0] != attempts[1]:
        raise BenchError(f"the second GET did not resume the first attempt: {attempts}")
    status, body = harness.get(base + BARE_PATH, cookie)
    if status != 200:
        raise BenchError(f"GET {BARE_PATH} answered {status} {body[:300]}, not 200")


def main() -> int:
    wrk = harness.find_wrk()
    if wrk is None:
        print("wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu).", file=sys.stderr)
        return 2

    harness.install_sigterm_exit()

    tmp = Path(tempfile.mkdtemp(prefix="kyphoquiz-bench-"))
    server = None
    env: dict[str, str] = {}
    try:
        env = harness.environment(tmp)
        started = time.monotonic()
        harness.prepare_database(env)
        out = harness.run([sys.executable, "-c", SETUP_SCRIPT], env, "creating the quiz and the learner")
        cookie = json.loads(out.strip().splitlines()[-1])["cookie"]
        if not re.fullmatch(r"[A-Za-z0-9_-]+=[a-z0-9]+", cookie):
            raise BenchError(f"unexpected session cookie {cookie!r}")
        _log(f"database, static files and quiz ready in {time.monotonic() - started:.1f} s")

        lua = tmp / "pct.lua"
        lua.write_text(LUA_SCRIPT % {"cookie": cookie})

        port = harness.free_port()
        base = f"http://{HOST}:{port}"
        log_path = tmp / "gunicorn.log"
        server = harness.start_gunicorn(env, port, log_path)
        harness.wait_ready(server, base, log_path)
        _log(f"gunicorn (pid {server.pid}, {WORKERS} workers) serving on {base}")
        _check_pages(base, cookie)

        results = {}
        for name, path in (("page", PAGE_PATH), ("bare", BARE_PATH)):
            harness.wrk(wrk, lua, base + path, harness.WARMUP, _log)
            results[name] = stats = harness.wrk(wrk, lua, base + path, harness.DURATION, _log)
            _log(
                f"{path}: {stats['requests']} requests, {stats['rps']:.1f} req/s, "
                f"p50 {harness.ms(stats['p50_us'])} ms, p95 {harness.ms(stats['p95_us'])} ms, "
                f"p99 {harness.ms(stats['p99_us'])} ms"
            )
        harness.check_alive(server, log_path)
        harness.log_load(_log)

        harness.print_result(
            "quiz_page",
            "page",
            results["page"],
            results["bare"],
            env,
            quiz_questions=QUESTIONS,
            target_ratio=TARGET_RATIO,
        )
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"[bench-page] error: {error}", file=sys.stderr)
        return 1
    finally:
        harness.clean_up(server, env, tmp)


if __name__ == "__main__":
    sys.exit(main())
