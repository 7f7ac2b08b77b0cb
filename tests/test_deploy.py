"""Production defaults: `check --deploy` is clean with only a key and hosts set, HTTPS is on
behind the proxy header, and the plain-HTTP opt-out does what the README says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def deploy_check(**extra: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env = {
        **clean,
        "DJANGO_ENV_FILE": "",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Qz" * 12,
        "DJANGO_ALLOWED_HOSTS": "quiz.hospital.example",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_defaults_pass_the_deploy_check_with_no_warning():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_plain_http_opt_out_is_reported_by_the_deploy_check():
    result = deploy_check(DJANGO_HTTPS="false")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W008" in output  # no HTTPS redirect
    assert "security.W004" in output  # no HSTS


@pytest.fixture
def https_on(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, https_on):
    response = client.get("/", headers={"host": "localhost"})
    assert response.status_code == 301
    assert response["Location"] == "https://localhost/"


@pytest.mark.django_db
def test_behind_the_proxy_a_https_request_is_served_with_hsts(client, https_on):
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_the_health_probe_answers_over_plain_http(client, https_on):
    assert client.get("/healthz").status_code == 200
