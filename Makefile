# ora_xblock: `make demo` serves the demo on http://127.0.0.1:8000 (`make demo PORT=8123` for another port),
# `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTHON_FOR_VENV := $(shell scripts/find-python)
DEMO := DJANGO_SETTINGS_MODULE=demo.settings $(BIN)/python -m django
# Pinned sets compiled by pip-tools from requirements/*.in (make upgrade), for Python 3.12. Three stamps: the demo
# needs the package and the workbench only (requirements/demo.txt); tests, lint and the screenshots add their tools on
# top (requirements/test.txt), so a venv built by `make demo` is completed by `make test`; `make requirements` adds
# the maintainer's tools (requirements/dev.txt: pip-tools, twine, tox).
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The Tutor plugin's tests run in a venv of their own (requirements/tutor.txt): Tutor pins its own tools.
TUTOR_VENV := .venv-tutor
TUTOR_STAMP := $(TUTOR_VENV)/.installed
# `make bench-ora2` runs edx-ora2 beside us in a venv of its own (requirements/ora2-bench.txt); ora2 never ships.
ORA2_VENV := .venv-ora2
ORA2_STAMP := $(ORA2_VENV)/.installed
# ESLint for the browser scripts (static/js), from npm at the versions package-lock.json pins.
NODE_STAMP := node_modules/.installed

.PHONY: venv demo test test-fast test-browser lint format bench wheel clean translations extract_translations screenshots

.PHONY: requirements upgrade release-check test-tutor bench-ora2

$(DEMO_STAMP): setup.py requirements/demo.txt
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Python 3.12 (or 3.11) not found"; exit 1; }
	test -x $(BIN)/python || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-compile -r requirements/demo.txt  # modules compile as they are first used
	$(BIN)/pip install --quiet --no-compile --no-deps -e .  # its dependencies are the pins above
	touch $(DEMO_STAMP)

$(STAMP): $(DEMO_STAMP) requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(DEV_STAMP)

$(TUTOR_STAMP): requirements/tutor.txt tutor-contrib-ora-xblock/pyproject.toml
	test -x $(TUTOR_VENV)/bin/python || $(PYTHON_FOR_VENV) -m venv $(TUTOR_VENV)
	$(TUTOR_VENV)/bin/pip install --quiet -r requirements/tutor.txt
	$(TUTOR_VENV)/bin/pip install --quiet --no-deps -e tutor-contrib-ora-xblock
	touch $(TUTOR_STAMP)

$(ORA2_STAMP): setup.py requirements/ora2-bench.txt
	test -x $(ORA2_VENV)/bin/python || $(PYTHON_FOR_VENV) -m venv $(ORA2_VENV)
	$(ORA2_VENV)/bin/pip install --quiet -r requirements/ora2-bench.txt
	$(ORA2_VENV)/bin/pip install --quiet --no-deps -e .
	touch $(ORA2_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

venv: $(STAMP)

# Every pinned set in .venv: the demo's, the tests' and the maintainer's tools.
requirements: $(DEV_STAMP)

# Recompile the pinned sets from requirements/*.in at the newest versions their ranges allow, in dependency order
# (each set is compiled against the pins of the one it builds on). Review the diff, then `make test`.
upgrade: export CUSTOM_COMPILE_COMMAND = make upgrade
upgrade: $(DEV_STAMP)
	for set in base demo test dev tutor ora2-bench; do \
	  $(BIN)/pip-compile --quiet --upgrade --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	    --output-file requirements/$$set.txt requirements/$$set.in || exit 1; \
	done

# What PyPI would get: the sdist and the wheel built from it, their metadata and README checked by twine; the same
# for the Tutor plugin.
release-check: $(DEV_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m build --outdir dist tutor-contrib-ora-xblock
	$(BIN)/twine check --strict dist/*

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
test: $(STAMP) $(TUTOR_STAMP)
	$(BIN)/pytest --ignore=tests/fuzz
	node --test tests/js/*.test.js  # the browser scripts' pure parts, on Node's own runner
	$(TUTOR_VENV)/bin/pytest tutor-contrib-ora-xblock
	ORA_FUZZ_PROFILE=ci $(BIN)/pytest -n 2 tests/fuzz
	@for db in postgresql mysql; do \
	  echo "== tests marked databases, on ORA_TEST_DATABASE=$$db"; \
	  ORA_TEST_DATABASE=$$db $(BIN)/pytest -m databases || { status=$$?; [ $$status -eq 5 ] || exit $$status; }; \
	done

# The Tutor plugin through Tutor's own Python API, in the Tutor venv (make test runs it too).
test-tutor: $(TUTOR_STAMP)
	$(TUTOR_VENV)/bin/pytest tutor-contrib-ora-xblock

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser and not slow"

lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check ora_xblock tests demo scripts bench setup.py tutor-contrib-ora-xblock
	$(BIN)/ruff format --check ora_xblock tests demo scripts bench setup.py tutor-contrib-ora-xblock
	$(BIN)/mypy
	$(BIN)/lint-imports
	npx --no-install eslint ora_xblock/static/js tests/js eslint.config.js

format: $(STAMP)
	$(BIN)/ruff format ora_xblock tests demo
	$(BIN)/ruff check --fix ora_xblock tests demo

bench: $(STAMP)
	$(BIN)/python bench/bench_definition.py
	$(BIN)/python bench/bench_journey.py
	$(BIN)/python bench/bench_peer.py
	$(BIN)/python bench/bench_staff.py
	$(BIN)/python bench/bench_uploads.py
	$(BIN)/python bench/bench_course_dashboard.py
	$(BIN)/python bench/bench_calibration.py

# Side by side with edx-ora2 7.1.1 (optional, not in `make bench`): the same peer operations on the same pool through
# each side's public Python API, interleaved; prints the ratio table (docs/performance.md). ORA2_SIZES="--sizes 1000
# 10000 100000" for more.
ORA2_SIZES ?= --sizes 1000 10000
bench-ora2: $(ORA2_STAMP)
	$(ORA2_VENV)/bin/python bench/ora2/bench_side_by_side.py $(ORA2_SIZES)

# The English source catalogs (conf/locale/en, the platform's layout), then the shipped catalogs merged and compiled.
translations extract_translations: $(STAMP)
	$(BIN)/python scripts/i18n.py

wheel: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) $(TUTOR_VENV) $(ORA2_VENV) node_modules build dist *.egg-info .pytest_cache .ruff_cache
