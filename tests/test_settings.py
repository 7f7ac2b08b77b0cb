import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The development `.env` that `make install` writes is not read here: these test the environment alone.
NO_ENV_FILE = {"DJANGO_ENV_FILE": ""}


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | NO_ENV_FILE
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_check(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_starts_with_a_secret_key():
    assert run_check(DJANGO_SECRET_KEY="x" * 50).returncode == 0


def test_starts_in_debug_without_a_secret_key():
    assert run_check(DJANGO_DEBUG="true").returncode == 0


def test_sqlite_file_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    script = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"} | NO_ENV_FILE
    env = {**clean, "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    mode, timeout = result.stdout.split()[-2:]
    assert mode == "wal"
    assert int(timeout) >= 20000


def _database_setting(name, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | NO_ENV_FILE
    script = f"from django.conf import settings; print(settings.DATABASES['default'][{name!r}])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "true", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def test_kept_database_connections_are_checked_unless_turned_off():
    assert _database_setting("CONN_HEALTH_CHECKS") == "True"
    assert _database_setting("CONN_HEALTH_CHECKS", DJANGO_CONN_HEALTH_CHECKS="false") == "False"
    assert _database_setting("CONN_MAX_AGE", DJANGO_CONN_MAX_AGE="0") == "0"
