#!/usr/bin/env python
"""Learners under load (make bench) and an exam-start stampede (make bench-stampede).

All on 127.0.0.1, in a throwaway temp dir: the production settings (debug off) with SQLite, or
PostgreSQL when BENCH_DATABASE_URL names an empty database; Redis database 15 as the shared
cache when a local Redis answers; gunicorn with 2 sync workers (gunicorn.conf.py), as `make
serve` runs it. The content is loaded and the learners are signed in beforehand (sessions made
directly), so the runs measure taking quizzes; sign-in is measured on its own.

- `load` (default): 50 locust users for 60 s, half taking the 30-question trainee quiz again
  and again (page, each answer saved as it is chosen, submit, result), half taking 10-question self-tests (builder, each question's
  page and its JSON save, finish, review); then the quiz page and a bare Django view with wrk,
  on the same server, for their ratio.
- `stampede`: 1,000 learners open the same quiz within 10 s (each starts an attempt).

Then what the server acknowledged (attempt ids, answers, saves) is compared with the database.
Prints one JSON line; exits 1 on errors or on anything acknowledged but not stored.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks import _harness as harness
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness

BenchError = harness.BenchError
_log = harness.logger("bench-load")
HERE = Path(__file__).resolve().parent
QUIZ = "trainee-osteoporosis"

# Run in a subprocess: N trainees with signed-in sessions; writes BENCH_PEOPLE's JSON.
PEOPLE_SCRIPT = """
import json, secrets, sys
from importlib import import_module
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from quizzes import roles

count, out, quiz = int(sys.argv[1]), sys.argv[2], sys.argv[3]
User = get_user_model()
users = User.objects.bulk_create(User(username=f"bench-{n:05d}") for n in range(count))
roles.roles_sync()
group = roles.Group.objects.get(name=roles.TRAINEE)
group.user_set.add(*users)
people = []
Store = import_module(settings.SESSION_ENGINE).SessionStore
for user in users:
    session = Store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "quizzes.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    people.append({"username": user.username, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                   "csrf": secrets.token_hex(16)})
json.dump({"quiz": quiz, "people": people}, open(out, "w"))
"""

# Run in a subprocess: what the database holds for what was acknowledged (BENCH_ACKS lines).
STORED_SCRIPT = """
import json, sys
import django
django.setup()
from quizzes.models import Attempt, Response, SelfTest, SelfTestItem

acks = [json.loads(line) for line in open(sys.argv[1])]


def saves(name, model, owner, acknowledged):
    # Each (owner, position) acknowledged, counted once, and how many of those rows hold a choice.
    pairs = set(acknowledged)
    rows = model.objects.filter(**{f"{owner}__in": {o for o, _p in pairs}}).exclude(chosen=[])
    stored = set(rows.values_list(owner, "position")) & pairs
    return {f"{name}_acknowledged": len(pairs), f"{name}_stored": len(stored)}


attempts = sorted({a for ack in acks for a in ack["attempts"]})
finished = sorted({t for ack in acks for t in ack.get("finished", [])})
submitted = sys.argv[2] == "submitted"
stored = Attempt.objects.filter(pk__in=attempts, **({"submitted_at__isnull": False} if submitted else {}))
print(json.dumps({
    "attempts_acknowledged": len(attempts),
    "attempts_stored": stored.count(),
    "answers_acknowledged": sum(ack["answers"] for ack in acks),
    "answers_stored": Response.objects.filter(attempt__in=stored).exclude(chosen=[]).count(),
    **saves("quiz_saves", Response, "attempt_id", [tuple(p) for ack in acks for p in ack["quiz_saves"]]),
    **saves("selftest_saves", SelfTestItem, "test_id", [tuple(p) for ack in acks for p in ack["saves"]]),
    "tests_finished_acknowledged": len(finished),
    "tests_finished_stored": SelfTest.objects.filter(pk__in=finished, finished_at__isnull=False).count(),
}))
"""

LUA_SCRIPT = """
wrk.headers["Cookie"] = "%(cookie)s"
""" + harness.LUA_STATS.replace("%", "%%")


def locust_start(
    env,
    base: str,
    tmp: Path,
    *,
    scenario: str,
    users: int,
    rate: float,
    seconds: int,
    label: str | None = None,
    people: Path | None = None,
    stop_timeout: int = 30,
    extra_env: dict[str, str] | None = None,
):
    """Start locust headless in the background (wait for it with locust_results).

    `label` names the run's files (statistics, acknowledgements; the scenario by default),
    `people` the signed-in learners (people.json), `stop_timeout` how long users may finish
    what they are doing when the time is up (0: stopped at once).
    """
    label = label or scenario
    args = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(users), "-r", str(rate), "-t", f"{seconds}s",
        *(["--stop-timeout", str(stop_timeout)] if stop_timeout else []),
        "--host", base, "--csv", str(tmp / f"locust-{label}"), "--loglevel", "WARNING",
    ]  # fmt: skip
    locust_env = {**env, "BENCH_SCENARIO": scenario, "BENCH_PEOPLE": str(people or tmp / "people.json"),
                  "BENCH_ACKS": str(tmp / f"acks-{label}.jsonl"), **(extra_env or {})}  # fmt: skip
    return subprocess.Popen(args, env=locust_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def locust_results(process, tmp: Path, *, scenario: str, seconds: int) -> dict:
    """Wait for locust; per request name (and "Aggregated"): count, failures, req/s, p50, p95 (ms).

    `scenario` is the run's label (the files' name) when locust_start was given one.
    """
    prefix = tmp / f"locust-{scenario}"
    out, err = process.communicate(timeout=seconds + 300)
    if os.environ.get("BENCH_DEBUG"):
        _log(out[-3000:])
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise BenchError(f"locust wrote no statistics (exit {process.returncode}):\n{err[-3000:]}")
    steps = {}
    with stats_file.open() as rows:
        for row in csv.DictReader(rows):
            steps[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
            }
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open() as rows:
            for row in csv.DictReader(rows):
                _log(f"errors: {row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error'][:200]}")
    return steps


def prepare(env, tmp: Path, users: int) -> None:
    """The database, the content and `users` (+1 spare) signed-in trainees in people.json."""
    harness.prepare_database(env)
    harness.run([sys.executable, "manage.py", "load_content"], env, "load_content")
    people = [sys.executable, "-c", PEOPLE_SCRIPT, str(users + 1), str(tmp / "people.json"), QUIZ]
    harness.run(people, env, "people")


def stored_vs_acknowledged(
    env, tmp: Path, *, scenario: str = "load", submitted: bool | None = None
) -> tuple[dict, bool]:
    """What the server acknowledged and what the database holds; True if anything was lost.

    `scenario` is the run's label; quiz attempts count as stored once submitted, except in the
    stampede (opened), unless `submitted` says otherwise.
    """
    acks = tmp / f"acks-{scenario}.jsonl"
    if submitted is None:
        submitted = scenario != "stampede"
    which = "submitted" if submitted else "opened"
    out = harness.run([sys.executable, "-c", STORED_SCRIPT, str(acks), which], env, "reading the database")
    stored = json.loads(out.splitlines()[-1])
    lost = any(
        stored[f"{what}_stored"] != stored[f"{what}_acknowledged"]
        for what in ("attempts", "answers", "quiz_saves", "selftest_saves", "tests_finished")
    )
    return stored, lost


def sign_in_rate(base: str, env, tmp: Path) -> dict:
    """Password sign-ins per second, one after another (hashing is deliberately slow)."""
    harness.run(
        [sys.executable, "-c", "import django; django.setup(); from django.contrib.auth import get_user_model; "
         "from quizzes import roles; u = get_user_model().objects.create_user('bench-password', password='bench-pass-2026-x'); "
         "roles.role_assign(user=u, role=roles.TRAINEE)"],
        env, "a user with a password",
    )  # fmt: skip
    import re
    import urllib.parse

    count, started = 0, time.monotonic()
    while time.monotonic() - started < 5:
        _status, headers, page = harness.request(f"{base}/accounts/login/")
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": "bench-password", "password": "bench-pass-2026-x", "csrfmiddlewaretoken": token}
        )
        status, _h, _b = harness.request(f"{base}/accounts/login/", headers={"Cookie": cookie}, data=data.encode())
        if status != 302:
            raise BenchError(f"sign-in answered {status}")
        count += 1
    return {"sign_ins": count, "sign_ins_per_s": round(count / (time.monotonic() - started), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", choices=["load", "stampede"], default="load")
    parser.add_argument("--users", type=int, help="50 for load, 1000 for stampede")
    parser.add_argument("--seconds", type=int, help="60 for load; the stampede spawns everyone within 10 s")
    options = parser.parse_args()
    users = options.users or (1000 if options.scenario == "stampede" else 50)
    seconds = options.seconds or (60 if options.scenario == "load" else 25)
    rate = users / 10 if options.scenario == "stampede" else 10

    if options.scenario == "stampede" and os.environ.get("BENCH_DATABASE_URL") and "BENCH_WORKERS" not in os.environ:
        # Starting an attempt waits on PostgreSQL's round trips: a third worker keeps both cores
        # busy (measured: p95 2.6 s with 2 workers, 1.2 s with 3; benchmarks/README.md).
        harness.WORKERS = 3
    harness.install_sigterm_exit()
    tmp = Path(tempfile.mkdtemp(prefix=f"kyphoquiz-{options.scenario}-"))
    server, env = None, {}
    try:
        env = harness.environment(tmp)
        prepare(env, tmp, users)
        port = harness.free_port()
        base = f"http://{harness.HOST}:{port}"
        log_path = tmp / "gunicorn.log"
        server = harness.start_gunicorn(env, port, log_path)
        harness.wait_ready(server, base, log_path)
        harness.log_load(_log)
        _log(
            f"{options.scenario}: {users} learners against {base} ({harness.WORKERS} workers, {harness.cache_name(env)})"
        )

        process = locust_start(env, base, tmp, scenario=options.scenario, users=users, rate=rate, seconds=seconds)
        steps = locust_results(process, tmp, scenario=options.scenario, seconds=seconds)
        harness.check_alive(server, log_path)
        stored, lost = stored_vs_acknowledged(env, tmp, scenario=options.scenario)
        total = steps.pop("Aggregated", {})
        result = {
            "benchmark": f"bench-{options.scenario}" if options.scenario == "stampede" else "bench",
            "database": "postgresql" if "postgres" in env["DATABASE_URL"] else "sqlite",
            "cache": harness.cache_name(env),
            "users": users,
            "workers": harness.WORKERS,
            "duration_s": seconds,
            "requests_per_s": total.get("rps"),
            "errors": total.get("errors"),
            "steps": steps,
            **stored,
        }
        if options.scenario == "load":
            wrk = harness.find_wrk()
            if wrk is None:
                raise BenchError("wrk is not installed (apt-get install wrk)")
            people = json.loads((tmp / "people.json").read_text())["people"]
            cookie = people[-1]["cookie"]  # a learner locust never used: an open attempt, cached
            harness.get(f"{base}/quizzes/{QUIZ}/", cookie)
            lua = tmp / "page.lua"
            lua.write_text(LUA_SCRIPT % {"cookie": cookie})
            measured = {}
            for name, path in (("quiz_page", f"/quizzes/{QUIZ}/"), ("bare", harness.BARE_PATH)):
                harness.wrk(wrk, lua, base + path, harness.WARMUP, _log)
                measured[name] = harness.wrk(wrk, lua, base + path, harness.DURATION, _log)
            result["quiz_page_rps"] = round(measured["quiz_page"]["rps"], 1)
            result["bare_rps"] = round(measured["bare"]["rps"], 1)
            result["quiz_page_vs_bare"] = round(measured["quiz_page"]["rps"] / measured["bare"]["rps"], 3)
        else:
            result |= sign_in_rate(base, env, tmp)
        print(json.dumps(result), flush=True)
        return 1 if lost or total.get("errors") else 0
    except (BenchError, OSError) as error:  # OSError: a request that timed out
        _log(f"FAIL {error!r}")
        return 1
    finally:
        harness.clean_up(server, env, tmp)


if __name__ == "__main__":
    sys.exit(main())
