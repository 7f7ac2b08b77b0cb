#!/usr/bin/env python
"""The backup the README describes, restored and checked (make check-backup).

On loopback PostgreSQL, in throwaway databases dropped at the end (even on failure):

1. a source database with the content, the demo people (demo_setup, with weeks of self-tests),
   200 simulated quiz attempts, a patient's record and its audit entries;
2. `pg_dump --format=custom`, then `pg_restore --clean --if-exists --no-owner` into a second,
   empty database, exactly as README "Deploy" says;
3. every table compared: its row count, and a checksum of all its rows in key order;
4. gunicorn started on the restored database: /healthz answers 200 and the trainee's results
   page lists the same attempts.

Prints what it found and one JSON line; exits 1 on any difference.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks import _harness as harness
    from benchmarks.two_servers import ADMIN_URL, TRAINEE, Browser
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    import _harness as harness
    from two_servers import ADMIN_URL, TRAINEE, Browser

BenchError = harness.BenchError
_log = harness.logger("backup")


def url_of(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fingerprint(name: str) -> dict[str, list]:
    """Each table's row count and the md5 of its rows, in primary-key order."""
    import psycopg
    from psycopg import sql

    tables = {}
    with psycopg.connect(url_of(name)) as conn:
        names = [
            row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        for table in names:
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t")
            count, digest = conn.execute(query.format(sql.Identifier(table))).fetchone()
            tables[table] = [count, digest]
    return tables


def main() -> int:
    import psycopg

    harness.install_sigterm_exit()
    tmp = Path(tempfile.mkdtemp(prefix="kyphoquiz-backup-"))
    source, restored = f"kyphoquiz_backup_{os.getpid()}", f"kyphoquiz_restored_{os.getpid()}"
    server, env, problems, summary = None, {}, [], {}
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            for name in (source, restored):
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["BENCH_DATABASE_URL"] = url_of(source)
        env = harness.environment(tmp)
        harness.prepare_database(env)
        for command in (
            ["load_content"],
            ["demo_setup"],
            ["simulate_attempts", "--quiz", "trainee-osteoporosis", "--learners", "200"],
        ):
            harness.run([sys.executable, "manage.py", *command], env, " ".join(command))
        before = fingerprint(source)
        summary["tables"] = len(before)
        summary["rows"] = sum(count for count, _digest in before.values())
        _log(f"source: {summary['tables']} tables, {summary['rows']} rows")

        dump = tmp / "kyphoquiz.dump"
        started = time.monotonic()
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url_of(source)], check=True)
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url_of(restored)}", str(dump)],
            check=True,
        )
        summary["dump_bytes"] = dump.stat().st_size
        summary["dump_and_restore_s"] = round(time.monotonic() - started, 2)
        after = fingerprint(restored)
        for table in sorted(set(before) | set(after)):
            if before.get(table) != after.get(table):
                problems.append(f"{table}: {before.get(table)} before, {after.get(table)} restored")
        _log(f"restored: {len(after)} tables, {len(problems)} differ")

        env["DATABASE_URL"] = url_of(restored).replace("postgresql://", "postgres://")
        port = harness.free_port()
        base = f"http://{harness.HOST}:{port}"
        server = harness.start_gunicorn(env, port, tmp / "gunicorn.log")
        harness.wait_ready(server, base, tmp / "gunicorn.log")
        trainee = Browser([base], "trainee")
        trainee.sign_in(TRAINEE)
        listed = len(
            set(
                re.findall(
                    r"/selftest/\d+/review/|/attempts/\d+/", trainee.get("/me/results/") + trainee.get("/progress/")
                )
            )
        )
        summary["results_listed_on_restored_site"] = listed
        _log(f"the restored site serves the trainee's results ({listed} links)")
    except (BenchError, subprocess.CalledProcessError, psycopg.Error) as error:
        problems.append(str(error))
    finally:
        if server is not None:
            harness.stop(server)
        harness.clean_up(None, env, tmp)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            for name in (source, restored):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for problem in problems:
        _log(f"FAIL {problem}")
    print(json.dumps({"check": "backup_restore", **summary, "problems": problems}), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
