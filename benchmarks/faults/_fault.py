"""What the fault scripts share: a server under load, one fault injected, then the count.

`run(name, inject, ...)` prepares a throwaway site (benchmarks/load.py's set-up: the content,
signed-in learners), starts gunicorn, runs the locust learners of `make bench` for `seconds`,
calls `inject(ctx)` after `at` seconds (it breaks something and mends it, printing what it did),
then checks that everything the server acknowledged (submitted attempts, their answers, quiz and
self-test saves) is in the database. Prints one JSON line; exit 1 if anything acknowledged is
missing or the site did not recover.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from benchmarks import _harness as harness  # noqa: E402
from benchmarks import load  # noqa: E402


@dataclass
class Context:
    env: dict[str, str]
    tmp: Path
    base: str
    port: int
    log_path: Path
    server: object  # the gunicorn Popen (replaced by a restart)
    notes: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # what the fault script expected and did not see
    log: Callable[[str], None] = print

    def expect(self, ok: bool, what: str) -> None:
        self.log(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            self.problems.append(what)

    def restart_server(self) -> None:
        harness.stop(self.server)
        self.server = harness.start_gunicorn(self.env, self.port, self.log_path)
        harness.wait_ready(self.server, self.base, self.log_path)

    def status(self, path: str) -> tuple[int, str]:
        try:
            status, _headers, body = harness.request(self.base + path, timeout=5)
        except OSError as error:
            return 0, str(error)
        return status, body


def run(
    name: str,
    inject: Callable[[Context], None],
    *,
    users: int = 30,
    seconds: int = 40,
    at: float = 10,
    env_extra: dict[str, str] | None = None,
) -> int:
    log = harness.logger(name)
    harness.install_sigterm_exit()
    tmp = Path(tempfile.mkdtemp(prefix=f"kyphoquiz-{name}-"))
    ctx = None
    env: dict[str, str] = {}
    try:
        env = {**harness.environment(tmp), **(env_extra or {})}
        load.prepare(env, tmp, users)
        port = harness.free_port()
        base = f"http://{harness.HOST}:{port}"
        log_path = tmp / "gunicorn.log"
        server = harness.start_gunicorn(env, port, log_path)
        harness.wait_ready(server, base, log_path)
        ctx = Context(env=env, tmp=tmp, base=base, port=port, log_path=log_path, server=server, log=log)
        log(f"{users} learners for {seconds} s against {base}; the fault at {at:.0f} s")
        process = load.locust_start(env, base, tmp, scenario="load", users=users, rate=users, seconds=seconds)
        timer = threading.Timer(at, inject, args=[ctx])
        timer.start()
        steps = load.locust_results(process, tmp, scenario="load", seconds=seconds)
        timer.join()
        time.sleep(1)
        recovered = ctx.status("/healthz")[0] == 200
        stored, lost = load.stored_vs_acknowledged(env, tmp)
        total = steps.get("Aggregated", {})
        result = {
            "fault": name,
            "database": "postgresql" if "postgres" in env["DATABASE_URL"] else "sqlite",
            "requests": total.get("requests"),
            "errors": total.get("errors"),
            **ctx.notes,
            **stored,
            "recovered": recovered,
            "nothing_lost": not lost,
            "problems": ctx.problems,
        }
        print(json.dumps(result), flush=True)
        ok = not lost and recovered and not ctx.problems
        log(("ok: " if ok else "FAIL: ") + f"nothing lost: {not lost}; recovered: {recovered}")
        return 0 if ok else 1
    except (harness.BenchError, OSError) as error:
        log(f"FAIL {error!r}")
        return 1
    finally:
        harness.clean_up(ctx.server if ctx else None, env, tmp)
