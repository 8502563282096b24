# Pilote TI — one command per need. See README.md and .env.example.
#   make run    install everything, migrate, import the reference data, seed the demo, serve on http://127.0.0.1:8000
#               (with the background worker that sends the e-mails: they land in var/mail/)
#   make serve-prod  production server: gunicorn, 2 workers, config.settings.prod (needs PILOTE_SECRET_KEY)
#   make worker-prod the background worker of production (e-mails, daily reminders), beside serve-prod
#   make test   install, lint, check migrations, run the whole test suite (SQLite; PostgreSQL too with
#               PILOTE_TEST_POSTGRES=1, which needs a running server reachable through its default socket)
#   make bench  time the import, the resolution, the comparison and the pages on the real data
#   make lint   ruff check, ruff format --check, the layer contract (lint-imports), djlint, makemigrations --check

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.PHONY: help install run serve serve-prod worker-prod test test-sqlite test-postgres lint format bench clean

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# pytest's exit code 5 means it collected no test: said out loud, and still a failure.
PYTEST := ./.ci/pytest
# The fast suite runs on PYTEST_WORKERS processes (pytest-xdist; each has its own test database and builds the tiny
# France once, tests/conftest.py); every run prints its slowest tests.
PYTEST_WORKERS ?= 2
FAST_SUITE := tests --ignore=tests/realdata -n $(PYTEST_WORKERS) --durations=15
HOST_PORT ?= 127.0.0.1:8000

# The reference files are read from a mirror folder when there is one (../shared/data beside the clone).
SHARED_DATA := $(abspath ../shared/data)
PILOTE_DATA_MIRROR ?= $(if $(wildcard $(SHARED_DATA)),$(SHARED_DATA),)
export PILOTE_DATA_MIRROR

# PostgreSQL databases used by `make test` when PILOTE_TEST_POSTGRES=1 (pytest-django creates test_<name> itself;
# the real-data database is created here and kept between runs, like the SQLite one in var/).
PILOTE_TEST_POSTGRES ?=
PG_TEST_URL ?= postgres:///pilote_test
PG_REALDATA_URL ?= postgres:///pilote_realdata
PG_REALDATA_DB := $(lastword $(subst /, ,$(PG_REALDATA_URL)))

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

# --- installation (each step is skipped while its inputs are unchanged) ------------------------------------------

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# --- serving -----------------------------------------------------------------------------------------------------

# `make run` is the demo: bootstrap seeds the demo accounts and campaign, the login page lists them. The e-mails
# (notifications, reminders) are sent by the background worker started beside the server; in development they are
# written as files in var/mail/ (config/settings/dev.py).
run: export PILOTE_DEMO ?= 1
run: install
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) bootstrap
	$(MANAGE) send_opinion_reminders --schedule
	$(MAKE) --no-print-directory serve

# The server and the task worker (`db_worker`: e-mails, the daily reminders) as one command: Ctrl-C, or the
# server stopping, stops the worker too.
serve:
	$(MANAGE) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST_PORT)

# Production: the deploy checks must pass, then gunicorn serves config.wsgi (PILOTE_BIND, PILOTE_WORKERS: see
# config/gunicorn.py and .env.example). Static files are served by whitenoise from the same process.
serve-prod: export DJANGO_SETTINGS_MODULE = config.settings.prod
serve-prod: install
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) collectstatic --no-input -v0
	$(BIN)/gunicorn -c config/gunicorn.py config.wsgi

# The background worker alone, for production beside `make serve-prod` (run one or more, on the same database):
# it sends the e-mails and runs the daily reminders (`manage.py send_opinion_reminders --schedule` once after a deploy).
worker-prod: export DJANGO_SETTINGS_MODULE = config.settings.prod
worker-prod: install
	$(MANAGE) db_worker

# --- quality -----------------------------------------------------------------------------------------------------

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	if [ -d pilote/templates ]; then $(BIN)/djlint --check pilote/templates; fi
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run -v1

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	if [ -d pilote/templates ]; then $(BIN)/djlint --reformat pilote/templates; fi

# --- tests -------------------------------------------------------------------------------------------------------
# The real-data session replaces the test database (tests/realdata/conftest.py): it is a pytest run of its own.

test: lint test-sqlite
	if [ -n "$(PILOTE_TEST_POSTGRES)" ] && [ "$(PILOTE_TEST_POSTGRES)" != 0 ]; then \
		$(MAKE) --no-print-directory test-postgres; fi

test-sqlite: install
	@echo "=== tests on SQLite ==="
	env -u PILOTE_DATABASE_URL -u PILOTE_REALDATA_DATABASE_URL $(PYTEST) $(FAST_SUITE)
	env -u PILOTE_DATABASE_URL -u PILOTE_REALDATA_DATABASE_URL $(PYTEST) tests/realdata --durations=15

test-postgres: install
	@echo "=== tests on PostgreSQL ==="
	pg_isready -q || { echo "PostgreSQL is not reachable (start it, or run without PILOTE_TEST_POSTGRES)"; exit 1; }
	psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(PG_REALDATA_DB)'" | grep -q 1 \
		|| createdb $(PG_REALDATA_DB)
	PILOTE_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) $(FAST_SUITE)
	PILOTE_DATABASE_URL=$(PG_TEST_URL) PILOTE_REALDATA_DATABASE_URL=$(PG_REALDATA_URL) $(PYTEST) tests/realdata --durations=15

# --- benchmark ---------------------------------------------------------------------------------------------------

bench: install
	$(MANAGE) bench

clean:
	rm -rf var/bench var/test-realdata.sqlite3* $(PY_STAMP) $(NODE_STAMP)
