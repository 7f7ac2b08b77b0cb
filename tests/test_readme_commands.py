"""Every `manage.py` command the README shows works as typed after `make install`.

`make install` writes a development `.env`; the commands read it, with nothing typed before
them. Here the file goes to a temporary folder (`DEV_ENV=...`), and the database too.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"^\.venv/bin/python manage\.py (.+)$", re.MULTILINE)
PLACEHOLDERS = {"SLUG": "trainee-osteoporosis", "LABEL": "readme-check"}


def readme_commands() -> list[str]:
    """The README's manage.py lines, without optional [parts] and with placeholders filled in."""
    commands = []
    for line in COMMAND.findall((ROOT / "README.md").read_text()):
        line = re.sub(r"\s*\[[^\]]*\]", "", line).strip()
        commands.append(" ".join(PLACEHOLDERS.get(word, word) for word in line.split()))
    return commands


@pytest.fixture(scope="module")
def dev_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    env_file = folder / ".env"
    subprocess.run(["make", "-s", "dev-env", f"DEV_ENV={env_file}"], cwd=ROOT, check=True, capture_output=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    return folder, {
        **clean,
        "DJANGO_ENV_FILE": str(env_file),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
    }


def manage(args: str, env: dict, folder: Path) -> subprocess.CompletedProcess:
    """Run from the repository's root, as the README says; a file a command writes goes to `folder`."""
    for name in ("questions.json", "questions.gift"):
        args = args.replace(name, shlex.quote(str(folder / name)))
    return subprocess.run(
        f"{shlex.quote(sys.executable)} manage.py {args}",
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_dev_env_writes_debug_settings_and_a_secret_key_once(dev_env):
    folder, _env = dev_env
    text = (folder / ".env").read_text()
    assert "DJANGO_DEBUG=true" in text
    key = re.search(r"^DJANGO_SECRET_KEY=(\S{40,})$", text, re.MULTILINE)
    assert key, text
    subprocess.run(["make", "-s", "dev-env", f"DEV_ENV={folder / '.env'}"], cwd=ROOT, check=True, capture_output=True)
    assert (folder / ".env").read_text() == text, "a second make must keep the key"


def test_the_readme_shows_the_commands_a_newcomer_types():
    names = {command.split()[0] for command in readme_commands()}
    assert {"load_content", "export_questions", "import_questions", "enrol_patient", "setup_roles"} <= names


def test_every_readme_command_runs_as_written_with_the_development_file(dev_env):
    folder, env = dev_env
    for setup in ("migrate --no-input", "load_content"):  # what `make run` did first
        done = manage(setup, env, folder)
        assert done.returncode == 0, done.stderr
    # The exports that write questions.json and questions.gift go before the commands that read them.
    for command in sorted(readme_commands(), key=lambda c: "> questions." not in c):
        result = manage(command, env, folder)
        assert result.returncode == 0, f"manage.py {command}\n{result.stdout}\n{result.stderr}"


def test_without_the_file_or_a_key_the_site_refuses_to_start(dev_env):
    folder, env = dev_env
    result = manage("check", {**env, "DJANGO_ENV_FILE": str(folder / "missing.env")}, folder)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_deploy_check_warns_when_settings_came_from_the_development_file(dev_env):
    folder, env = dev_env
    result = manage("check --deploy", env, folder)
    assert "kyphoquiz.W001" in result.stdout + result.stderr
    production = {**env, "DJANGO_ENV_FILE": "", "DJANGO_SECRET_KEY": "x" * 60}
    assert "kyphoquiz.W001" not in (lambda r: r.stdout + r.stderr)(manage("check --deploy", production, folder))
