# The two commands of the README: `make demo` and `make test`. Both build .venv by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The fault campaign (bench/faults.py): rounds, database, seed (empty: a new one), PostgreSQL database
# (dropped and created) and Redis for DB=postgres.
ROUNDS ?= 30
DB ?= sqlite
SEED ?=
FAULTS_PG_URL ?= $(dir $(PG_URL))sellersync_faults
FAULTS_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: demo test lint test-sqlite test-postgres test-faults bench bench-scale faults venv messages

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sellersync demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sellersync tests bench
	$(BIN)/mypy sellersync/spapi sellersync/sandbox
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/python -m pytest

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL suite ($(PG_URL)) =="; \
		DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI must run the PostgreSQL suite"; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL suite (no server at $(PG_URL); start one or set PG_URL)"; \
	fi

test: lint test-faults test-sqlite test-postgres

# After adding or changing user-facing strings: extract them into sellersync/locale/{zh_Hans,es} and compile
# the .mo files (needs GNU gettext). Then translate the new msgids and run it again (see CONTRIBUTING.md).
messages: $(STAMP)
	$(BIN)/python -m sellersync.catalogues

bench: $(STAMP)
	$(BIN)/python -m bench

# 50 sellers x 2,000 orders, 4 worker processes on PostgreSQL + Redis (many minutes; see bench/bench_scale.py)
bench-scale: $(STAMP)
	$(BIN)/python -m bench scale

# The short fault campaign of `make test` (and CI): 10 rounds on each database (PostgreSQL: two syncs at once
# at times), fixed seeds; before the suites, so that pytest's summary closes the output.
test-faults: $(STAMP)
	$(BIN)/python -m bench.faults --rounds 10 --db sqlite --seed 11 --check-every 5
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(BIN)/python -m bench.faults --rounds 10 --db postgres --seed 12 --check-every 5 \
			--postgres-url $(FAULTS_PG_URL) --redis-url $(FAULTS_REDIS_URL); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI must run the PostgreSQL campaign"; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL fault campaign (no server at $(PG_URL))"; \
	fi

faults: $(STAMP)
	$(BIN)/python -m bench.faults --rounds $(ROUNDS) --db $(DB) $(if $(SEED),--seed $(SEED)) \
		--postgres-url $(FAULTS_PG_URL) --redis-url $(FAULTS_REDIS_URL)
