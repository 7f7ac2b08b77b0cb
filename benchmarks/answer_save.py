#!/usr/bin/env python
"""Self-test answer saving throughput against a bare Django view, both served by one gunicorn
(make bench-save).

What it does, all on 127.0.0.1 and in a throwaway temp dir (the harness is shared with
quiz_page.py, see _harness.py):

1. a fresh SQLite database (migrate) and collectstatic, with the production settings
   (DJANGO_DEBUG=false) plus benchmarks/bench_settings.py, which adds /bare/; Redis database 15
   as the cache (and so the session cache) when a local Redis answers, flushed afterwards;
2. a trainee question bank of 20 single-answer questions with 4 choices each, a trainee with a
   logged-in session (made with the session engine directly) and an open TIMED self-test of all
   20, with 3600 s per question so that no save meets the deadline;
3. gunicorn with 2 sync workers on a free port; urllib checks, redirects not followed, that the
   test page answers 200 to the trainee and hands out a CSRF cookie and token, that a save
   without the token is refused (403: CSRF is on), and that a save with it answers 200 JSON
   {"saved": true} and really changes the question's row in the database;
4. wrk: 3 s warm-up, then 10 s with 2 threads and 20 connections, first POSTing saves the way
   static/js/selftest.js does (form-encoded position, q<position>=<the choice's place as shown>, action=save and
   csrfmiddlewaretoken; the session and csrftoken cookies; Origin and Referer as a browser sends
   them; Accept: application/json), then GETting /bare/ with the same cookies. Each wrk thread
   owns half of the positions and gives each one the next choice on every visit, so every save
   changes the stored answer. The Lua script counts non-200 answers and prints the percentiles;
5. after the runs, checks that every position was written during the measured run.

Prints one JSON line. Exits 0 whatever the numbers are (it is a benchmark, not a test); exits
non-zero if the server does not start, the checks fail or any answer is not 200.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

try:
    from benchmarks import _harness as harness
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness

QUESTIONS = 20
CHOICES = 4
SECONDS_PER_QUESTION = 3600
TARGET_RATIO = 0.25

# Run in a subprocess with the benchmark settings: the bank, the trainee, their session and
# the open timed test. Prints the cookie, the test id and each position's choice ids.
SETUP_SCRIPT = f"""
import json
from decimal import Decimal
from importlib import import_module

import django

django.setup()

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction

from quizzes import roles
from quizzes.models import Choice, Question, Quiz, SelfTest, Topic
from quizzes.selftest import services

with transaction.atomic():
    quiz = Quiz.objects.create(slug="bench-bank", title="Benchmark bank", audience="trainee", pass_mark=70)
    topic = Topic.objects.create(slug="bench-topic", title="Benchmark topic")
    for n in range(1, {QUESTIONS} + 1):
        question = Question.objects.create(
            quiz=quiz, name=f"bench-q{{n:02d}}", position=n, kind="single", topic=topic,
            stem=f"Benchmark question {{n}}: which vertebral level is most often fractured in osteoporosis?",
            explanation=f"Explanation for question {{n}}: the **thoracolumbar junction** takes the load.",
            source="Benchmark source",
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"Answer {{i}} to question {{n}} (T{{10 + i}})",
                   fraction=Decimal(1 if i == 1 else 0), feedback=f"Feedback on answer {{i}}.")
            for i in range(1, {CHOICES} + 1)
        )
    user = get_user_model().objects.create_user(username="bench-trainee", email="bench@example.invalid")
    roles.role_assign(user=user, role=roles.TRAINEE)

test = services.selftest_create(
    user=user, topics=[topic], pool=SelfTest.Pool.ALL, count={QUESTIONS}, mode=SelfTest.Mode.TIMED,
    seconds_per_question={SECONDS_PER_QUESTION},
)
choices = [[c["id"] for c in item.snapshot["choices"]] for item in test.items.order_by("position")]

session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = user._meta.pk.value_to_string(user)
session[BACKEND_SESSION_KEY] = "quizzes.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(json.dumps({{
    "cookie": f"{{settings.SESSION_COOKIE_NAME}}={{session.session_key}}",
    "test": test.pk,
    "choices": choices,
}}))
"""

# Run in a subprocess: the stored answer of every position of the test named in argv[1].
STATE_SCRIPT = """
import json
import sys

import django

django.setup()

from quizzes.models import SelfTest

test = SelfTest.objects.get(pk=int(sys.argv[1]))
print(json.dumps({
    "finished": test.is_finished,
    "items": {
        item.position: {"chosen": item.chosen, "answered_at": item.answered_at and item.answered_at.isoformat()}
        for item in test.items.all()
    },
}))
"""

# wrk script for the saves. Thread n (0-based) owns positions n+1, n+1+threads, ...; each
# request visits its next position with that position's next choice.
_SAVE_HEAD = """
wrk.method = "POST"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "%(origin)s"
wrk.headers["Referer"] = "%(referer)s"

local token = "%(token)s"
local threads_total = %(threads)d
local choices = %(choices)s
"""
_SAVE_REQUESTS = """
local next_index = 0
local stats_setup = setup
function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
  stats_setup(thread)
end

local stats_init = init
function init(args)
  stats_init(args)
  counter = 0
  mine = {}
  for position = 1, #choices do
    if (position - 1) %% threads_total == thread_index then table.insert(mine, position) end
  end
end

function request()
  local position = mine[(counter %% #mine) + 1]
  local options = choices[position]
  local choice = options[(math.floor(counter / #mine) %% #options) + 1]
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&position=" .. position
    .. "&q" .. position .. "=" .. choice .. "&action=save"
  return wrk.format(nil, nil, nil, body)
end
"""
SAVE_LUA = _SAVE_HEAD + harness.LUA_STATS.replace("%", "%%") + _SAVE_REQUESTS

# wrk script for /bare/: the same cookies.
BARE_LUA = """
wrk.headers["Cookie"] = "%(cookie)s"
""" + harness.LUA_STATS.replace("%", "%%")

BenchError = harness.BenchError
_log = harness.logger("bench-save")


def _lua_table(rows: list[list[int]]) -> str:
    return "{" + ", ".join("{" + ", ".join(str(i) for i in row) + "}" for row in rows) + "}"


def _state(env: dict[str, str], test_id: int) -> dict:
    out = harness.run([sys.executable, "-c", STATE_SCRIPT, str(test_id)], env, "reading the test's answers")
    return json.loads(out.strip().splitlines()[-1])


def _csrf(base: str, take_path: str, session_cookie: str) -> tuple[str, str]:
    """The test page as the trainee: 200, then its CSRF cookie and the form's token."""
    status, headers, body = harness.request(f"{base}{take_path}?q=1", headers={"Cookie": session_cookie})
    if status != 200:
        raise BenchError(f"GET {take_path}?q=1 as the trainee answered {status} {headers.get('Location', '')}")
    for needle in (f"Question 1 of {QUESTIONS}", 'id="timer"', 'name="q1"'):
        if needle not in body:
            raise BenchError(f"GET {take_path}?q=1 answered 200 but has no {needle!r}")
    cookies = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []]
    csrf_cookie = next((c for c in cookies if c.startswith("csrftoken=")), None)
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', body)
    if csrf_cookie is None or token is None:
        raise BenchError(f"GET {take_path} gave no CSRF cookie or token (cookies: {cookies})")
    return csrf_cookie, token.group(1)


def _save(base: str, take_path: str, cookie: str, fields: dict[str, str | int]) -> tuple[int, str]:
    status, headers, body = harness.request(
        base + take_path,
        headers={
            "Cookie": cookie,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": base,
            "Referer": f"{base}{take_path}?q=1",
        },
        data=urllib.parse.urlencode(fields).encode(),
    )
    return status, headers.get("Location") or body


def _check_save(env: dict[str, str], base: str, take_path: str, cookie: str, token: str, test: dict) -> None:
    """A save without the CSRF token is refused; one with it answers 200 JSON and changes the row."""
    first_choices = test["choices"][0]  # ids, in the order shown
    form = {"position": 1, "q1": len(first_choices), "action": "save"}  # the last choice shown
    status, body = _save(base, take_path, cookie, form)
    if status != 403:
        raise BenchError(f"a save without the CSRF token answered {status} {body[:200]}, not 403")
    before = _state(env, test["test"])["items"]["1"]
    status, body = _save(base, take_path, cookie, {**form, "csrfmiddlewaretoken": token})
    if status != 200:
        raise BenchError(f"POST {take_path} (save) answered {status} {body[:300]}, not 200")
    answer = json.loads(body)
    if answer != {"saved": True, "position": 1, "answered": True, "pending": False}:
        raise BenchError(f"POST {take_path} (save) answered 200 but {answer}")
    after = _state(env, test["test"])["items"]["1"]
    if before["chosen"] != [] or after["chosen"] != [first_choices[-1]] or after["answered_at"] is None:
        raise BenchError(f"the save did not change the stored answer as expected: {before} -> {after}")


def _server_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn: the master, its live workers, and the
    workers it has reaped (recycled after `max_requests`). Unlike requests per second, this
    hardly moves when other processes share the machine."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[int]:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:  # a worker that just exited: the master counts it once reaped
            return [0, 0, 0, 0]
        return [int(f) for f in stat.rsplit(")", 1)[1].split()[11:15]]  # utime stime cutime cstime

    try:
        workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        workers = []
    return (sum(fields(master)) + sum(sum(fields(pid)[:2]) for pid in workers)) / ticks


def _check_written(env: dict[str, str], test_id: int, since: datetime) -> None:
    """Every position was saved (its answered_at set) during the measured run."""
    state = _state(env, test_id)
    stale = [
        position
        for position, item in state["items"].items()
        if item["answered_at"] is None or datetime.fromisoformat(item["answered_at"]) < since
    ]
    if state["finished"] or len(state["items"]) != QUESTIONS or stale:
        raise BenchError(f"not every answer was rewritten during the run: finished={state['finished']} stale={stale}")


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
        out = harness.run([sys.executable, "-c", SETUP_SCRIPT], env, "creating the bank, the trainee and the test")
        test = json.loads(out.strip().splitlines()[-1])
        session_cookie = test["cookie"]
        if not re.fullmatch(r"[A-Za-z0-9_-]+=[a-z0-9]+", session_cookie):
            raise BenchError(f"unexpected session cookie {session_cookie!r}")
        _log(f"database, static files and test ready in {time.monotonic() - started:.1f} s")

        port = harness.free_port()
        base = f"http://{harness.HOST}:{port}"
        take_path = f"/selftest/{test['test']}/"
        log_path = tmp / "gunicorn.log"
        server = harness.start_gunicorn(env, port, log_path)
        harness.wait_ready(server, base, log_path)
        _log(f"gunicorn (pid {server.pid}, {harness.WORKERS} workers) serving on {base}")

        csrf_cookie, token = _csrf(base, take_path, session_cookie)
        cookie = f"{session_cookie}; {csrf_cookie}"
        _check_save(env, base, take_path, cookie, token, test)
        status, body = harness.get(base + harness.BARE_PATH, cookie)
        if status != 200:
            raise BenchError(f"GET {harness.BARE_PATH} answered {status} {body[:300]}, not 200")

        save_lua, bare_lua = tmp / "save.lua", tmp / "bare.lua"
        save_lua.write_text(
            SAVE_LUA
            % {
                "cookie": cookie,
                "origin": base,
                "referer": f"{base}{take_path}?q=1",
                "token": token,
                "threads": harness.WRK_THREADS,
                # The page's values for the choices: their places in the order shown (1, 2, ...).
                "choices": _lua_table([list(range(1, len(ids) + 1)) for ids in test["choices"]]),
            }
        )
        bare_lua.write_text(BARE_LUA % {"cookie": cookie})

        results = {}
        for name, lua, path in (("save", save_lua, take_path), ("bare", bare_lua, harness.BARE_PATH)):
            harness.wrk(wrk, lua, base + path, harness.WARMUP, _log)
            measured_from = datetime.now(UTC)
            cpu_before = _server_cpu(server.pid)
            results[name] = stats = harness.wrk(wrk, lua, base + path, harness.DURATION, _log)
            stats["cpu_ms"] = (_server_cpu(server.pid) - cpu_before) * 1000 / stats["requests"]
            _log(
                f"{'POST' if name == 'save' else 'GET'} {path}: {stats['requests']} requests, "
                f"{stats['rps']:.1f} req/s, p50 {harness.ms(stats['p50_us'])} ms, "
                f"p95 {harness.ms(stats['p95_us'])} ms, p99 {harness.ms(stats['p99_us'])} ms, "
                f"gunicorn CPU {stats['cpu_ms']:.2f} ms a request"
            )
            if name == "save":
                _check_written(env, test["test"], measured_from)
        harness.check_alive(server, log_path)
        harness.log_load(_log)

        save_cpu, bare_cpu = results["save"]["cpu_ms"], results["bare"]["cpu_ms"]
        harness.print_result(
            "answer_save", "save", results["save"], results["bare"], env, questions=QUESTIONS,
            save_cpu_ms=round(save_cpu, 3), bare_cpu_ms=round(bare_cpu, 3), cpu_ratio=round(bare_cpu / save_cpu, 3),
            target_ratio=TARGET_RATIO,
        )  # fmt: skip
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"[bench-save] error: {error}", file=sys.stderr)
        return 1
    finally:
        harness.clean_up(server, env, tmp)


if __name__ == "__main__":
    sys.exit(main())
