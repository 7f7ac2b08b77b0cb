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
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SLUG = "bench-20"
QUESTIONS = 20
CHOICES = 4
TARGET_RATIO = 0.2
WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 20
WARMUP = "3s"
DURATION = "10s"
PAGE_PATH = f"/quizzes/{SLUG}/"
BARE_PATH = "/bare/"

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

# wrk script: the learner's cookie on every request, non-200 answers counted per thread, and
# one machine-readable line from done() (wrk itself prints no p95).
LUA_SCRIPT = """
wrk.headers["Cookie"] = "%(cookie)s"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  last_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    last_status = status
  end
end

function done(summary, latency, requests)
  local non200, last_status = 0, 0
  for _, thread in ipairs(threads) do
    non200 = non200 + thread:get("non200")
    if thread:get("last_status") ~= 0 then last_status = thread:get("last_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%.1f, "p95_us": %%.1f, "p99_us": %%.1f, '
    .. '"non200": %%d, "last_non200_status": %%d, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), non200, last_status, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class BenchError(Exception):
    """Something that makes the numbers meaningless: exit non-zero."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 to the login page must show up as a 302, not as the login page


# No proxies (only ever talk to 127.0.0.1) and no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _get(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location", "")
        return error.code, f"(Location: {location})" if location else error.read().decode("utf-8", "replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _log(message: str) -> None:
    print(f"[bench-page] {message}", file=sys.stderr, flush=True)


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
    return result.stdout


def _environment(tmp: Path) -> dict[str, str]:
    # Start from the caller's environment without any DJANGO_* overrides, so every run serves
    # the same production defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "BENCH_STATIC_ROOT": str(tmp / "static"),
            "PYTHONPATH": os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # Production shares its cache (rendered pages, sessions) between workers through Redis;
    # use a local one when it answers, else the per-process memory cache.
    if _redis_answers():
        env["CACHE_URL"] = REDIS_URL
    return env


REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_flush() -> None:
    """Empty the benchmark's own Redis database (15) of its pages and sessions."""
    with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
        sock.sendall(b"SELECT 15\r\nFLUSHDB\r\n")
        sock.recv(64)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "gunicorn", "kyphoquiz.wsgi",
        "-w", str(WORKERS), "-b", f"{HOST}:{port}",
        "--graceful-timeout", "5", "--no-control-socket",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(server: subprocess.Popen, base: str, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            status, _ = _get(f"{base}/healthz", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{log_path.read_text()[-4000:]}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers only
        server.wait(timeout=5)


def _check_pages(base: str, cookie: str) -> None:
    """The learner gets the quiz (200, all 20 questions), and a reload resumes the same attempt."""
    attempts = []
    for n in (1, 2):
        status, body = _get(base + PAGE_PATH, cookie)
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
    status, body = _get(base + BARE_PATH, cookie)
    if status != 200:
        raise BenchError(f"GET {BARE_PATH} answered {status} {body[:300]}, not 200")


def _wrk(wrk: str, lua: Path, url: str, duration: str) -> dict:
    args = [
        wrk, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}",
        "--timeout", "5s", "--latency", "-s", str(lua), url,
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    stats = json.loads(line.removeprefix("BENCH "))
    bad = stats["non200"]
    if bad:
        raise BenchError(
            f"{url}: {bad} of {stats['requests']} answers were not 200 (last: {stats['last_non200_status']})"
        )
    socket_errors = {k: stats[k] for k in ("connect", "read", "write", "timeout") if stats[k]}
    if socket_errors:
        _log(f"warning: {url} ({duration}) had socket errors {socket_errors}")
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def _ms(microseconds: float) -> float:
    return round(microseconds / 1000, 2)


def main() -> int:
    wrk = shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)
    if wrk is None:
        print("wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu).", file=sys.stderr)
        return 2

    # Turn a SIGTERM (e.g. from a CI timeout) into SystemExit, so the finally blocks still run.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    tmp = Path(tempfile.mkdtemp(prefix="kyphoquiz-bench-"))
    server = None
    env: dict[str, str] = {}
    try:
        env = _environment(tmp)
        started = time.monotonic()
        _run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrate")
        _run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env, "collectstatic")
        out = _run([sys.executable, "-c", SETUP_SCRIPT], env, "creating the quiz and the learner")
        cookie = json.loads(out.strip().splitlines()[-1])["cookie"]
        if not re.fullmatch(r"[A-Za-z0-9_-]+=[a-z0-9]+", cookie):
            raise BenchError(f"unexpected session cookie {cookie!r}")
        _log(f"database, static files and quiz ready in {time.monotonic() - started:.1f} s")

        lua = tmp / "pct.lua"
        lua.write_text(LUA_SCRIPT % {"cookie": cookie})

        port = _free_port()
        base = f"http://{HOST}:{port}"
        log_path = tmp / "gunicorn.log"
        server = _start_gunicorn(env, port, log_path)
        _wait_ready(server, base, log_path)
        _log(f"gunicorn (pid {server.pid}, {WORKERS} workers) serving on {base}")
        _check_pages(base, cookie)

        results = {}
        for name, path in (("page", PAGE_PATH), ("bare", BARE_PATH)):
            _wrk(wrk, lua, base + path, WARMUP)
            results[name] = stats = _wrk(wrk, lua, base + path, DURATION)
            _log(
                f"{path}: {stats['requests']} requests, {stats['rps']:.1f} req/s, p50 {_ms(stats['p50_us'])} ms, "
                f"p95 {_ms(stats['p95_us'])} ms, p99 {_ms(stats['p99_us'])} ms"
            )
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{log_path.read_text()[-4000:]}")
        load = os.getloadavg()[0]
        _log(
            f"load average {load:.1f} on {os.cpu_count()} CPUs (wrk and gunicorn account for about 2); "
            "other busy processes make both numbers, and the ratio, noisy"
        )

        page, bare = results["page"], results["bare"]
        print(
            json.dumps(
                {
                    "benchmark": "quiz_page",
                    "quiz_questions": QUESTIONS,
                    "page_rps": round(page["rps"], 1),
                    "page_p50_ms": _ms(page["p50_us"]),
                    "page_p95_ms": _ms(page["p95_us"]),
                    "bare_rps": round(bare["rps"], 1),
                    "bare_p50_ms": _ms(bare["p50_us"]),
                    "bare_p95_ms": _ms(bare["p95_us"]),
                    "ratio": round(page["rps"] / bare["rps"], 3),
                    "target_ratio": TARGET_RATIO,
                    "cache": "redis" if "CACHE_URL" in env else "locmem",
                }
            ),
            flush=True,
        )
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"[bench-page] error: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            _stop(server)
        if env.get("CACHE_URL") == REDIS_URL:
            _redis_flush()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
