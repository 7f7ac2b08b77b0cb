"""What the gunicorn + wrk benchmarks share: a throwaway production-like server and wrk runs.

Used by quiz_page.py (make bench-page) and answer_save.py (make bench-save). Everything only
talks to 127.0.0.1 and lives in a temp dir the caller makes and deletes:

- environment(tmp): production settings (DJANGO_DEBUG=false) plus benchmarks/bench_settings.py,
  a fresh SQLite database and STATIC_ROOT in `tmp`, and CACHE_URL=redis://127.0.0.1:6379/15
  (BENCH_REDIS_DB for another database) with a cache key prefix of the run's own when a
  local Redis answers (drop its keys with redis_flush() afterwards);
- run(): migrate, collectstatic and set-up scripts in a subprocess with that environment;
- start_gunicorn(), wait_ready(), stop(): gunicorn with 2 sync workers on a free port, in its
  own process group, stopped by its PID only;
- LUA_STATS and wrk(): a wrk run whose Lua script counts non-200 answers and prints p50/p95/p99
  as one machine-readable line (wrk itself prints no p95).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.client import HTTPMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WRK_THREADS = 2
WRK_CONNECTIONS = 20
WARMUP = "3s"
DURATION = "10s"
BARE_PATH = "/bare/"
# Database 15 unless BENCH_REDIS_DB says another: two benchmarks run at once must not flush
# each other's sessions.
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "15"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"

# The end of every wrk script: non-200 answers counted per thread, and one machine-readable
# line from done(). A script may wrap setup/init (call the originals) to add its own state.
LUA_STATS = """
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
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p95_us": %.1f, "p99_us": %.1f, '
    .. '"non200": %d, "last_non200_status": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}\\n',
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


def logger(name: str) -> Callable[[str], None]:
    """A function that prints `[name] message` on stderr."""

    def log(message: str) -> None:
        print(f"[{name}] {message}", file=sys.stderr, flush=True)

    return log


def request(
    url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None, timeout: float = 10
) -> tuple[int, HTTPMessage, str]:
    """One request without redirects: status, headers (a redirect's Location included) and body."""
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with _opener.open(req, timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def get(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, str]:
    """GET with an optional Cookie header: status and body, or `(Location: …)` for a redirect."""
    status, headers, body = request(url, headers={"Cookie": cookie} if cookie else {}, timeout=timeout)
    location = headers.get("Location", "") if status >= 300 else ""
    return status, f"(Location: {location})" if location else body


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def find_wrk() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def run(args: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
    return result.stdout


def prepare_database(env: dict[str, str]) -> None:
    """migrate and collectstatic into the temp dir named by `env`."""
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrate")
    run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env, "collectstatic")


def environment(tmp: Path) -> dict[str, str]:
    # Start from the caller's environment without any DJANGO_* overrides, so every run serves
    # the same production defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DJANGO_HTTPS": "false",  # plain HTTP on loopback, no TLS proxy in front
            "GUNICORN_ACCESSLOG": "",  # gunicorn.conf.py is read too; a line per request would be measured
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # BENCH_DATABASE_URL (an empty database) measures on PostgreSQL instead of SQLite.
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "BENCH_STATIC_ROOT": str(tmp / "static"),
            "PYTHONPATH": os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # Production shares its cache (rendered pages, sessions) between workers through Redis;
    # use a local one when it answers, else the per-process memory cache.
    if redis_answers():
        env["CACHE_URL"] = REDIS_URL
        env["BENCH_CACHE_PREFIX"] = f"bench-{secrets.token_hex(4)}"  # benchmarks/bench_settings.py
    return env


def cache_name(env: dict[str, str]) -> str:
    return "redis" if "CACHE_URL" in env else "locmem"


def redis_flush(prefix: str | None = None) -> None:
    """Drop the run's pages and sessions from the benchmark's Redis database (REDIS_DB): the
    keys under the run's cache prefix, or the whole database when there is none."""
    import redis  # the app's own Redis client

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        if prefix is None:
            client.flushdb()
            return
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "gunicorn", "kyphoquiz.wsgi",
        "-w", str(WORKERS), "-b", f"{HOST}:{port}",
        "--graceful-timeout", "5", "--no-control-socket",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(server: subprocess.Popen, base: str, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            status, _ = get(f"{base}/healthz", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{log_path.read_text()[-4000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers only
        server.wait(timeout=5)


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU seconds used so far by gunicorn: the master, its live workers and the workers it
    has already replaced (max_requests recycles them)."""
    import psutil  # locust's dependency, so only the benchmarks that use locust need it

    master = psutil.Process(server.pid)
    own = master.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for worker in master.children(recursive=True):
        try:
            times = worker.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def check_alive(server: subprocess.Popen, log_path: Path) -> None:
    if server.poll() is not None:
        raise BenchError(f"gunicorn died during the run:\n{log_path.read_text()[-4000:]}")


def wrk(wrk_path: str, lua: Path, url: str, duration: str, log: Callable[[str], None]) -> dict:
    """One wrk run with the script `lua` (ending in LUA_STATS); raises if any answer was not 200."""
    args = [
        wrk_path, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}",
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
        log(f"warning: {url} ({duration}) had socket errors {socket_errors}")
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def ms(microseconds: float) -> float:
    return round(microseconds / 1000, 2)


def log_load(log: Callable[[str], None]) -> None:
    load = os.getloadavg()[0]
    log(
        f"load average {load:.1f} on {os.cpu_count()} CPUs (wrk and gunicorn account for about 2); "
        "other busy processes make both numbers, and the ratio, noisy"
    )


def install_sigterm_exit() -> None:
    """Turn a SIGTERM (e.g. from a CI timeout) into SystemExit, so the finally blocks still run."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def print_result(benchmark: str, label: str, measured: dict, bare: dict, env: dict[str, str], **extra) -> None:
    """The one JSON line a benchmark prints: the measured view next to the bare one, and their ratio."""
    print(
        json.dumps(
            {
                "benchmark": benchmark,
                **{k: v for k, v in extra.items() if k != "target_ratio"},
                f"{label}_rps": round(measured["rps"], 1),
                f"{label}_p50_ms": ms(measured["p50_us"]),
                f"{label}_p95_ms": ms(measured["p95_us"]),
                "bare_rps": round(bare["rps"], 1),
                "bare_p50_ms": ms(bare["p50_us"]),
                "bare_p95_ms": ms(bare["p95_us"]),
                "ratio": round(measured["rps"] / bare["rps"], 3),
                "target_ratio": extra["target_ratio"],
                "cache": cache_name(env),
            }
        ),
        flush=True,
    )


def clean_up(server, env: dict[str, str], tmp: Path) -> None:
    """Stop the server, drop the run's keys from the benchmark's Redis database, remove the temp folder."""
    if server is not None:
        stop(server)
    if env.get("CACHE_URL") == REDIS_URL:
        redis_flush(env.get("BENCH_CACHE_PREFIX"))
    shutil.rmtree(tmp, ignore_errors=True)
