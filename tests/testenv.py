"""Loaded by pytest (`-p tests.testenv`) before Django's settings are read.

The settings refuse to start without a secret key unless DJANGO_DEBUG is on; the test run
supplies a throwaway key instead, so the tests exercise the production defaults.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# The test client and live_server speak plain HTTP (tests/test_deploy.py checks the HTTPS defaults).
os.environ.setdefault("DJANGO_HTTPS", "false")
# No development `.env`: the tests exercise the production defaults.
os.environ.setdefault("DJANGO_ENV_FILE", "")
