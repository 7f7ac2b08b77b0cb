"""Benchmark-only settings: the production settings, plus a bare view on the same server.

Used by benchmarks/quiz_page.py and answer_save.py only (DJANGO_SETTINGS_MODULE=benchmarks.bench_settings, repo
root on PYTHONPATH). Differences from kyphoquiz.settings, none of which changes how the
measured pages are rendered:

- ROOT_URLCONF adds /bare/ (benchmarks/bench_urls.py) in front of the whole site;
- STATIC_ROOT is the benchmark's temp dir when BENCH_STATIC_ROOT is set;
- cache keys carry the run's own prefix when BENCH_CACHE_PREFIX is set;
- static files are hashed and listed in the manifest as in production, but not gzip/brotli
  compressed: the benchmark never requests them, and compressing ~350 files made
  collectstatic take 17-20 s of the run. {% static %} reads the same manifest either way.
"""

import os
from pathlib import Path

from kyphoquiz.settings import *  # noqa: F403
from kyphoquiz.settings import CACHES, STORAGES

ROOT_URLCONF = "benchmarks.bench_urls"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

# A prefix of the run's own on every cache key (BENCH_CACHE_PREFIX, set by _harness): another
# process using the same Redis database can then never hand this server its entries (a
# "user:1" of another database's user 1 fails the session check and signs that learner out).
if os.environ.get("BENCH_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
