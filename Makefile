# KyphoQuiz developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development settings for every manage.py command typed by hand (git-ignored; never deployed).
DEV_ENV ?= .env
# `make serve`: production settings on this machine, over plain HTTP (no TLS proxy on loopback).
SERVE_ENV := DJANGO_DEBUG=false DJANGO_HTTPS=false
# XStatic-Bootstrap builds from source and needs an older setuptools (pkg_resources).
export PIP_CONSTRAINT := $(CURDIR)/build-constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help dev-env install install-dev run serve test test-quick lint format messages bench bench-stampede bench-attempt bench-class bench-page bench-save bench-items check-servers check-backup faults fault-worker fault-restart fault-redis fault-postgres audit clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt build-constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(BIN)/.dev-installed: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

$(DEV_ENV):
	@printf '# Development settings written by `make install`. Never use them in production.\nDJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@ with development settings (DJANGO_DEBUG=true and a new secret key)."

dev-env: $(DEV_ENV)  ## Write the development .env (kept if it exists)

install: $(BIN)/.installed $(DEV_ENV)  ## Create .venv, install the runtime requirements, write a development .env

install-dev: install $(BIN)/.dev-installed  ## Also install the test and lint tools

run: install  ## Migrate, load content, create demo accounts and serve on http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py demo_setup --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install  ## The production set-up on http://127.0.0.1:$(PORT): gunicorn (gunicorn.conf.py), debug off, WhiteNoise
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(SERVE_ENV) $(BIN)/python manage.py load_content
	exec env $(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# Two pytest-xdist workers: the machine's two cores (browser tests wait on Chromium half the time).
TEST_WORKERS ?= 2

test: install-dev  ## Run the whole suite (browser tests included when Chromium is found)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

test-quick: install-dev  ## Everything but the browser tests
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) -m "not browser"

lint: install-dev  ## ruff check, ruff format --check and the import contracts (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev  ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev  ## Refresh locale/es from the code and compile it (needs GNU gettext)
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l es --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete --no-location
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages -l es --ignore=.venv

bench: install-dev  ## 50 learners for 60 s with locust: quizzes and self-tests, stored = acknowledged (BENCH_DATABASE_URL for PostgreSQL)
	$(BIN)/python benchmarks/load.py load

bench-stampede: install-dev  ## 1,000 signed-in learners open the same quiz within 10 s, and sign-in throughput
	$(BIN)/python benchmarks/load.py stampede

bench-attempt: install-dev  ## Whole 20-question attempts (quiz with/without JS, self-test with/without JS) in bare-view requests each
	$(BIN)/python benchmarks/attempts.py attempt $(BENCH_ARGS)

bench-class: install-dev  ## A paced class: 250-2,000 learners answering a self-test question every ~20 s; the largest that holds
	$(BIN)/python benchmarks/attempts.py class $(BENCH_ARGS)

bench-page: install-dev  ## Quiz page throughput vs a bare Django view (gunicorn + wrk)
	$(BIN)/python benchmarks/quiz_page.py

bench-save: install-dev  ## Self-test answer saving throughput vs a bare Django view (gunicorn + wrk)
	$(BIN)/python benchmarks/answer_save.py

bench-items: install-dev  ## Item analysis over 1,000,000 responses on SQLite (and PostgreSQL with BENCH_DATABASE_URL)
	$(BIN)/python benchmarks/item_analysis.py

check-servers: install-dev  ## Two gunicorn servers, one PostgreSQL, one Redis: each person's requests alternate between them
	$(BIN)/python benchmarks/two_servers.py

check-backup: install-dev  ## pg_dump and pg_restore as README "Deploy" says, every table compared, the restored site served
	$(BIN)/python benchmarks/backup_restore.py

fault-worker: install-dev  ## Under load, SIGKILL a gunicorn worker: nothing acknowledged may be lost
	$(BIN)/python benchmarks/faults/kill_worker.py

fault-restart: install-dev  ## Under load, restart the whole server: every saved answer is still there
	$(BIN)/python benchmarks/faults/restart_server.py

fault-redis: install-dev  ## Under load, stop Redis for 10 s: pages keep working, nothing lost, the cache comes back
	$(BIN)/python benchmarks/faults/redis_outage.py

fault-postgres: install-dev  ## Under load, stop PostgreSQL for 10 s: 503 health, friendly error page, recovery, nothing lost
	$(BIN)/python benchmarks/faults/postgres_outage.py

faults: fault-worker fault-restart fault-redis fault-postgres  ## All four fault scripts, one after the other

audit: install-dev  ## pip-audit the pinned requirements (fails on a known vulnerability not accepted in audit-accepted.txt)
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off \
		$$(grep -Eo '^[A-Za-z]+-[A-Za-z0-9-]+' audit-accepted.txt | sed 's/^/--ignore-vuln /')

clean:  ## Remove the virtualenv, the development .env, local database and collected static files
	rm -rf $(VENV) .env db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
