#!/usr/bin/env python
"""PostgreSQL stopped for 10 seconds during the load, then started again (make fault-postgres).

The database is a PostgreSQL cluster of this script's own (initdb in a temp dir, run as the
postgres user on a free loopback port, stopped with pg_ctl), so the machine's server is never
touched. Expected while it is down: /healthz answers 503 and pages show the friendly error page
without a stack trace; afterwards the site recovers by itself and nothing acknowledged is lost.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fault import Context, run

OUTAGE_SECONDS = 10
BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class Cluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="kyphoquiz-pg-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        owner = pwd.getpwnam("postgres")
        os.chown(self.dir, owner.pw_uid, owner.pw_gid)

    def as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.as_postgres(
            str(BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self.as_postgres(str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


CLUSTER = Cluster()


def outage(ctx: Context) -> None:
    CLUSTER.stop()
    ctx.log(f"PostgreSQL stopped for {OUTAGE_SECONDS} s")
    time.sleep(2)
    health, _ = ctx.status("/healthz")
    page, body = ctx.status("/")
    friendly = "Something went wrong" in body and "Traceback" not in body and "psycopg" not in body
    ctx.notes |= {"healthz_while_down": health, "page_while_down": page, "friendly_error_page": friendly}
    ctx.expect(health == 503, f"/healthz answers {health} while the database is down (503 expected)")
    ctx.expect(page == 500 and friendly, f"a page answers {page} with the friendly error page and no stack trace")
    time.sleep(OUTAGE_SECONDS - 2)
    CLUSTER.start()
    time.sleep(2)
    ctx.notes["healthz_after"] = ctx.status("/healthz")[0]
    ctx.log(f"PostgreSQL started again: /healthz {ctx.notes['healthz_after']}")


if __name__ == "__main__":
    if not (BIN / "initdb").exists() or shutil.which("runuser") is None:
        sys.exit(f"needs PostgreSQL's server programs in {BIN} and runuser (set PG_BIN)")
    CLUSTER.init()
    CLUSTER.start()
    try:
        url = CLUSTER.create_database("kyphoquiz_fault")
        status = run("fault-postgres", outage, env_extra={"DATABASE_URL": url})
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            CLUSTER.stop()
        shutil.rmtree(CLUSTER.dir, ignore_errors=True)
    sys.exit(status)
