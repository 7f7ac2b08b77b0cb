#!/usr/bin/env python
"""What a self-test answer save costs in-process, layer by layer (the request floor, issue 15).

    .venv/bin/python benchmarks/request_floor.py [--requests N] [--cprofile]

No server and no wrk: the same production settings, database and signed-in trainee as
`make bench-save` (answer_save.py's set-up, SQLite in a temp dir, or PostgreSQL with
BENCH_DATABASE_URL; Redis database 14 as the cache when a local Redis answers, flushed
afterwards), then, in one process, N saves (each writes: every position gets its next choice)
and N GETs of the bare view, each a WSGI call of Django's own handler the way gunicorn makes it
(response iterated and closed). Every middleware is wrapped in a stopwatch, so its own cost is
its time minus the time of what it wraps, plus its `process_view`; inside the view, the session
load, the user load, the save service and each SQL statement are timed as well.

Prints a Markdown table (microseconds per request, the median over N requests) and one JSON line. The
saves are checked on the way: each answers 200 JSON, no save writes the session, and the
statement count per save is printed. With --cprofile, the 45 functions of the saves with the most time inside them
(by own time) are printed too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter, defaultdict
from pathlib import Path

try:
    from benchmarks import _harness as harness
    from benchmarks import answer_save
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness
    import answer_save

REDIS_DB = 14  # not 15: make bench-save / bench-page may run at the same time
_log = harness.logger("request-floor")


def _redis_flush() -> None:
    with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
        sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        sock.recv(64)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="saves and bare GETs each (default 3000)")
    parser.add_argument("--cprofile", action="store_true", help="also print the costliest functions of the saves")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kyphoquiz-floor-"))
    env: dict[str, str] = {}
    try:
        env = harness.environment(tmp)
        if "CACHE_URL" in env:
            env["CACHE_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        harness.prepare_database(env)  # the test page renders {% static %} from the manifest
        out = harness.run([sys.executable, "-c", answer_save.SETUP_SCRIPT], env, "creating the trainee and the test")
        env["FLOOR_SETUP"] = out.strip().splitlines()[-1]
        command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(args.requests)]
        if args.cprofile:
            command.append("--cprofile")
        result = subprocess.run(command, cwd=harness.ROOT, env=env, capture_output=True, text=True, timeout=600)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            print(f"[request-floor] error: the measuring process exited {result.returncode}", file=sys.stderr)
            return 1
        sys.stdout.write(result.stdout)
        return 0
    except (harness.BenchError, subprocess.TimeoutExpired) as error:
        print(f"[request-floor] error: {error}", file=sys.stderr)
        return 1
    finally:
        if env.get("CACHE_URL", "").endswith(f"/{REDIS_DB}"):
            _redis_flush()
        shutil.rmtree(tmp, ignore_errors=True)


# The measuring process -------------------------------------------------------------------------


class Stopwatches:
    """Seconds per label within the current request, kept per request; counts over the run."""

    def __init__(self) -> None:
        self.current: defaultdict[str, float] = defaultdict(float)
        self.samples: list[dict[str, float]] = []
        self.counts: Counter[str] = Counter()
        self.on = False

    def timed(self, label: str, function):
        def call(*args, **kwargs):
            if not self.on:
                return function(*args, **kwargs)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - started
                self.counts[label] += 1

        return call

    def end_request(self, wall: float) -> None:
        self.samples.append({**self.current, "wall": wall})
        self.current.clear()

    def reset(self) -> None:
        self.current.clear()
        self.samples.clear()
        self.counts.clear()


def _timed_middleware(watches: Stopwatches, path: str):
    """A factory Django loads like the middleware at `path`, timing its call and process_view."""
    from django.utils.module_loading import import_string

    cls = import_string(path)
    name = path.rsplit(".", 1)[1]

    def factory(get_response):
        instance = cls(get_response)

        class Timed:
            def __call__(self, request):
                return call(request)

        timed = Timed()
        call = watches.timed(f"call:{name}", instance)
        if hasattr(instance, "process_view"):
            timed.process_view = watches.timed(f"view:{name}", instance.process_view)
        for hook in ("process_exception", "process_template_response"):
            if hasattr(instance, hook):
                setattr(timed, hook, getattr(instance, hook))
        return timed

    factory.sync_capable, factory.async_capable = True, False
    return name, factory


def measure(requests: int, cprofile: bool) -> None:
    import django

    django.setup()

    from django.conf import settings
    from django.contrib import auth
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.utils.module_loading import import_string

    from quizzes.selftest import answers

    setup = json.loads(os.environ["FLOOR_SETUP"])
    watches = Stopwatches()

    # Every middleware behind a stopwatch, loaded by Django itself.
    names, factories = [], {}
    for path in settings.MIDDLEWARE:
        name, factory = _timed_middleware(watches, path)
        names.append(name)
        factories[f"floor_timed.{name}"] = factory

    module = types.ModuleType("floor_timed")
    for key, factory in factories.items():
        setattr(module, key.split(".", 1)[1], factory)
    sys.modules["floor_timed"] = module
    settings.MIDDLEWARE = list(factories)

    class Handler(WSGIHandler):
        def _get_response(self, request):
            return watches.timed("view phase", super()._get_response)(request)

    handler = Handler()

    # Inside the view phase.
    session_class = import_string(settings.SESSION_ENGINE).SessionStore
    session_class.load = watches.timed("session load", session_class.load)
    session_class.save = watches.timed("session save", session_class.save)
    auth.get_user = watches.timed("user load (session load included)", auth.get_user)
    answers.selftest_answer = watches.timed("the save service", answers.selftest_answer)
    statements: list[str] = []

    def sql(execute, sql_text, params, many, context):
        if watches.on:
            statements.append(sql_text)
        return watches.timed("SQL statements", execute)(sql_text, params, many, context)

    connection.execute_wrappers.append(sql)
    if hasattr(connection, "is_usable"):
        connection.is_usable = watches.timed("connection health check", connection.is_usable)

    host = "127.0.0.1"
    cookie = setup["cookie"]
    take_path = f"/selftest/{setup['test']}/"

    def wsgi(method: str, path: str, cookie_header: str, body: bytes = b"", **headers) -> tuple[str, list, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": host,
            "HTTP_HOST": f"{host}:8000",
            "HTTP_COOKIE": cookie_header,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
            **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        answer: dict = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = status, response_headers

        response = handler(environ, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()
        return answer["status"], answer["headers"], content

    # The page once, for the CSRF cookie and token (as the benchmark does).
    status, headers, page = wsgi("GET", take_path, cookie)
    if not status.startswith("200"):
        raise SystemExit(f"GET {take_path} answered {status}")

    token = re.search(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page).group(1).decode()
    csrf_cookie = next(v for k, v in _set_cookies(headers) if k == "csrftoken")
    cookies = f"{cookie}; csrftoken={csrf_cookie}"
    origin = f"http://{host}:8000"
    choices = setup["choices"]

    def save(n: int) -> tuple[str, list, bytes]:
        position = n % len(choices) + 1
        value = (n // len(choices)) % len(choices[position - 1]) + 1
        body = f"csrfmiddlewaretoken={token}&position={position}&q{position}={value}&action=save".encode()
        return wsgi(
            "POST", take_path, cookies, body, accept="application/json", origin=origin, referer=origin + take_path
        )

    def bare(_n: int) -> tuple[str, list, bytes]:
        return wsgi("GET", harness.BARE_PATH, cookies)

    results = {}
    for label, send in (("save", save), ("bare", bare)):
        for n in range(min(300, requests)):  # warm-up: caches, connection, the answer sheet
            send(n)
        watches.reset()
        statements.clear()
        watches.on = True
        for n in range(requests):
            started = time.perf_counter()
            status, headers, body = send(n + 300)
            watches.end_request(time.perf_counter() - started)
            if not status.startswith("200"):
                raise SystemExit(f"{label} #{n} answered {status}: {body[:300]!r}")
        watches.on = False
        if label == "save" and json.loads(body).get("saved") is not True:
            raise SystemExit(f"a save answered {body[:300]!r}")
        results[label] = _layers(watches.samples, names)
        results[label]["statements_per_request"] = len(statements) / requests
        results[label]["statements_seen"] = sorted({s.split(" ", 1)[0] for s in statements})
        results[label]["headers"] = sorted(key for key, _value in headers)
        if label == "save" and watches.counts["session save"]:
            raise SystemExit(f"{watches.counts['session save']} saves wrote the session")

    if cprofile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [save(n) for n in range(requests)])
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue(), file=sys.stderr)

    results["reference"] = _round_trips(requests, cookie.split("=", 1)[1], session_class)
    _print_table(results, names, requests, connection.vendor)


def _round_trips(requests: int, session_key: str, session_class) -> dict[str, float]:
    """Microseconds (median) for what a save waits on, alone: a session load, a cache read, a statement."""
    from django.core.cache import cache
    from django.db import connection

    def median(call) -> float:
        times = []
        for _n in range(requests):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1e6

    with connection.cursor() as cursor:
        return {
            "a session load alone": median(lambda: session_class(session_key).load()),
            "a cache read alone (cache.get)": median(lambda: cache.get("request-floor")),
            "a `SELECT 1` alone": median(lambda: cursor.execute("SELECT 1")),
        }


def _set_cookies(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The name and value of each cookie an answer sets."""
    from http.cookies import SimpleCookie

    jar = SimpleCookie()
    for key, value in headers:
        if key.lower() == "set-cookie":
            jar.load(value)
    return [(k, m.value) for k, m in jar.items()]


def _layers(samples: list[dict[str, float]], names: list[str]) -> dict:
    """Microseconds, the median over the requests: each middleware's own cost (its time less
    the time of what it wraps, plus its process_view), the view phase, and what is inside it.
    Medians, not means: a request the scheduler put aside for another process moves a mean."""
    rows = []
    for sample in samples:
        us = {k: v * 1e6 for k, v in sample.items()}
        inclusive = [us.get(f"call:{name}", 0.0) for name in names] + [us["view phase"]]
        row = {
            "whole request (WSGI call, iterated and closed)": us["wall"],
            "handler outside the middleware (request object, signals, close)": us["wall"] - inclusive[0],
        }
        for i, name in enumerate(names):
            row[f"middleware {name}"] = inclusive[i] - inclusive[i + 1] + us.get(f"view:{name}", 0.0)
        row["URL resolving, decorators and the view"] = us["view phase"] - sum(
            us.get(f"view:{name}", 0.0) for name in names
        )
        for key in INSIDE:
            row[key] = us.get(key, 0.0)
        rows.append(row)
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    return {
        "layers": {k: v for k, v in median.items() if k not in INSIDE},
        "inside": {k: median[k] for k in INSIDE if any(row[k] for row in rows)},
    }


INSIDE = (
    "user load (session load included)",
    "session load",
    "the save service",
    "SQL statements",
    "connection health check",
    "session save",
)


def _print_table(results: dict, names: list[str], requests: int, vendor: str) -> None:
    save, bare = results["save"], results["bare"]
    print(f"\nMicroseconds per request, median of {requests} ({vendor}):\n")
    print("| layer | save | bare view |")
    print("| --- | ---: | ---: |")
    for key, value in save["layers"].items():
        print(f"| {key} | {value:.0f} | {bare['layers'].get(key, 0):.0f} |")
    for key, value in save["inside"].items():
        print(f"| … of the view: {key} | {value:.0f} | {bare['inside'].get(key, 0):.0f} |")
    for key, value in results["reference"].items():
        print(f"| for reference: {key} | {value:.0f} | |")
    print(
        f"| SQL statements per request | {save['statements_per_request']:.2f} | {bare['statements_per_request']:.2f} |"
    )
    print()
    print(
        json.dumps(
            {
                "benchmark": "request_floor",
                "database": vendor,
                "requests": requests,
                "save_us": round(save["layers"]["whole request (WSGI call, iterated and closed)"]),
                "bare_us": round(bare["layers"]["whole request (WSGI call, iterated and closed)"]),
                "save_statements": save["statements_per_request"],
                "save_statement_kinds": save["statements_seen"],
                "save_headers": save["headers"],
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--measure":
        measure(int(sys.argv[2]), "--cprofile" in sys.argv)
    else:
        sys.exit(main())
