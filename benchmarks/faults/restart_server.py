#!/usr/bin/env python
"""The whole server restarted in the middle of attempts (make fault-restart).

gunicorn gets SIGTERM (it finishes the requests in hand, then exits) and a new one starts on
the same port; requests in the gap fail and were never acknowledged. Expected: every answer
acknowledged before or after the restart is in the database.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fault import Context, run


def restart(ctx: Context) -> None:
    started = time.monotonic()
    old = ctx.server.pid
    ctx.restart_server()
    gap = time.monotonic() - started
    ctx.log(f"gunicorn {old} stopped and {ctx.server.pid} serving again after {gap:.1f} s")
    ctx.notes["restart_gap_s"] = round(gap, 1)


if __name__ == "__main__":
    sys.exit(run("fault-restart", restart))
