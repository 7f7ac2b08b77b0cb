"""Benchmark-only settings: the production settings, plus a bare view on the same server.

Used by benchmarks/quiz_page.py and answer_save.py only (DJANGO_SETTINGS_MODULE=benchmarks.bench_settings, repo
root on PYTHONPATH). Differences from kyphoquiz.settings, none of which changes how the
measured pages are rendered:

- ROOT_URLCONF adds /bare/ (benchmarks/bench_urls.py) in front of the whole site;
- STATIC_ROOT is the benchmark's temp dir when BENCH_STATIC_ROOT is set;
- static files are hashed and listed in the manifest as in production, but not gzip/brotli
  compressed: the benchmark never requests them, and compressing ~350 files made
  collectstatic take 17-20 s of the run. {% static %} reads the same manifest either way.
"""

import os
from pathlib import Path

from kyphoquiz.settings import *  # noqa: F403
from kyphoquiz.settings import STORAGES

ROOT_URLCONF = "benchmarks.bench_urls"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
