# ora_xblock: `make demo` serves the demo on http://127.0.0.1:8000 (`make demo PORT=8123` for another port),
# `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTHON_FOR_VENV := $(shell scripts/find-python)
DEMO := DJANGO_SETTINGS_MODULE=demo.settings $(BIN)/python -m django
# Two stamps: the demo needs the package and the workbench only (requirements-demo.txt); tests, lint and the
# screenshots add their tools on top (requirements-test.txt), so a venv built by `make demo` is completed by `make test`.
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed

.PHONY: venv demo test test-fast test-browser lint format bench wheel clean translations screenshots

$(DEMO_STAMP): setup.py requirements-demo.txt
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Python 3.12 (or 3.11) not found"; exit 1; }
	test -x $(BIN)/python || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-compile -e . -r requirements-demo.txt  # modules compile as they are first used
	touch $(DEMO_STAMP)

$(STAMP): $(DEMO_STAMP) requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(STAMP)

venv: $(STAMP)

demo: $(DEMO_STAMP)
	mkdir -p var
	$(DEMO) migrate --run-syncdb --verbosity 0
	$(DEMO) load_demo --url http://127.0.0.1:$(PORT)/
	$(DEMO) runserver 127.0.0.1:$(PORT)

# README pictures: the demo on a free port and a throwaway database, walked through in chromium (docs/screenshots/).
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

# Every test on SQLite; the fuzzers at full depth (tests/fuzz: 10,000 examples a target) on two processes, since
# their targets are independent and CI has two cores; then the tests marked `databases` on PostgreSQL and MariaDB
# (skipped if a server is down, a failure under CI=true). Exit code 5 means no test was marked, not a failure.
test: $(STAMP)
	$(BIN)/pytest --ignore=tests/fuzz
	ORA_FUZZ_PROFILE=ci $(BIN)/pytest -n 2 tests/fuzz
	@for db in postgresql mysql; do \
	  echo "== tests marked databases, on ORA_TEST_DATABASE=$$db"; \
	  ORA_TEST_DATABASE=$$db $(BIN)/pytest -m databases || { status=$$?; [ $$status -eq 5 ] || exit $$status; }; \
	done

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check ora_xblock tests demo scripts bench
	$(BIN)/ruff format --check ora_xblock tests demo scripts bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format ora_xblock tests demo
	$(BIN)/ruff check --fix ora_xblock tests demo

bench: $(STAMP)
	$(BIN)/python bench/bench_definition.py
	$(BIN)/python bench/bench_journey.py
	$(BIN)/python bench/bench_peer.py
	$(BIN)/python bench/bench_staff.py
	$(BIN)/python bench/bench_uploads.py

translations: $(STAMP)
	$(BIN)/python scripts/i18n.py

wheel: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
