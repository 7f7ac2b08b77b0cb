#!/usr/bin/env python
"""Redis stopped for 10 seconds during the load, then started again (make fault-redis).

The site's cache is a redis-server this script starts (and stops, by its PID) on a free port.
Expected: pages keep working without it (slower), no error, nobody signed out, nothing lost,
and the cache is used again once Redis answers.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fault import Context, run

OUTAGE_SECONDS = 10


class Redis:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = None

    def start(self):
        args = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen([*args, "--appendonly", "no"], stdout=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def keys(self) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"DBSIZE\r\n")
            return int(sock.recv(64).strip().lstrip(b":"))


REDIS = Redis()


def outage(ctx: Context) -> None:
    REDIS.stop()
    ctx.log(f"redis-server stopped (pid {REDIS.process.pid}) for {OUTAGE_SECONDS} s")
    time.sleep(OUTAGE_SECONDS / 2)
    ctx.notes["healthz_without_redis"] = ctx.status("/healthz")[0]
    time.sleep(OUTAGE_SECONDS / 2)
    REDIS.start()
    time.sleep(8)  # the workers try again 5 s after their last failure
    ctx.notes["cache_keys_after_return"] = REDIS.keys()
    ctx.expect(ctx.notes["healthz_without_redis"] == 200, "the site answers while Redis is away")
    ctx.expect(ctx.notes["cache_keys_after_return"] > 0, "the cache is used again once Redis answers")


if __name__ == "__main__":
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    REDIS.start()
    try:
        url = f"redis://127.0.0.1:{REDIS.port}/0"
        sys.exit(run("fault-redis", outage, env_extra={"CACHE_URL": url}))
    finally:
        if REDIS.process.poll() is None:
            REDIS.stop()
