# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/1
SOAK_SECONDS ?= 300

.PHONY: help install run demo admin test test-fast test-postgres lint format bench soak bench-micro clean

help:
	@echo "make run            install, migrate, load the default questionnaire, serve on http://$(HOST):$(PORT)"
	@echo "make test           the whole test suite (browser tests included) on SQLite"
	@echo "make test-fast      everything but the browser and server tests, in parallel (about a minute)"
	@echo "make test-postgres  the whole test suite on PostgreSQL ($(PG_TEST_URL)) and Redis ($(REDIS_TEST_URL))"
	@echo "make demo           like run, with demonstration teams: history, rounds, actions (demo-1-1 / demo-password-123)"
	@echo "make admin          create an admin account"
	@echo "make lint           ruff check and format check, mypy with django-stubs"
	@echo "make bench          the production server under load, every page against the floor (QUICK=1: a minute)"
	@echo "make soak           32 simulated people for SOAK_SECONDS (300) on the production server, then nothing may be lost"
	@echo "make bench-micro    pytest-benchmark timings of scoring and the results page"

.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ with pip"
	"$$(scripts/find-python)" -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$$(scripts/find-python)"
	@touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_default_questionnaire
	@echo ""
	@echo "  The app is at http://$(HOST):$(PORT)/"
	@echo "  To sign in to the admin at http://$(HOST):$(PORT)/admin/, create an account with: make admin"
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_default_questionnaire
	@if DJANGO_DEBUG=1 $(PY) manage.py seed_demo --password demo-password-123 --members 4; then \
	  echo "  Sign in as demo-1-1 (the first team's owner) with the password demo-password-123."; \
	else echo "  The demo teams are already there: sign in as demo-1-1 / demo-password-123."; fi
	@echo "  The app is at http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

admin: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py createsuperuser

test: install
	scripts/ensure-chromium
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not e2e and not server" -n 2 -q

test-postgres: install
	scripts/ensure-chromium
	DATABASE_URL=$(PG_TEST_URL) CACHE_URL=$(REDIS_TEST_URL) $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy assessments maturity

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	scripts/ensure-wrk
	QUICK=$(QUICK) $(PY) benchmarks/run.py

soak: install
	SOAK_SECONDS=$(SOAK_SECONDS) $(PY) benchmarks/soak.py

bench-micro: install
	$(PY) -m pytest benchmarks -p no:cacheprovider -q --benchmark-only

clean:
	rm -rf $(VENV) .tools staticfiles .pytest_cache .ruff_cache
