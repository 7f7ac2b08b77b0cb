#!/usr/bin/env python
"""A gunicorn worker killed with SIGKILL in the middle of the load (make fault-worker).

The master starts a new worker; requests in flight on the killed one fail (they were never
acknowledged). Expected: nothing acknowledged is missing from the database.
"""

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fault import Context, run


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def kill_one(ctx: Context) -> None:
    before = workers(ctx.server.pid)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    ctx.log(f"SIGKILL sent to worker {victim} of gunicorn {ctx.server.pid} (workers were {before})")
    ctx.notes["killed_worker"] = victim


if __name__ == "__main__":
    sys.exit(run("fault-worker", kill_one))
