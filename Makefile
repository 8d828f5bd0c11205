# `make run` serves the demo site; `make test` runs the whole suite. Both set up what they need.
# `make check` is the fast lane for an edit-test loop: lint, types, and the tests that need
# no browser or other program (pytest -m "not browser and not external and not slow").
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

CATALOGUES := $(patsubst %.po,%.mo,$(wildcard reader/locale/*/LC_MESSAGES/*.po))

.PHONY: run test check lint check-python test-tools catalogues bench bench-million soak clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'

$(STAMP): pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,import]'
	touch $(STAMP)

# The interface's gettext catalogues, compiled again whenever a .po changes.
catalogues: $(CATALOGUES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel --quiet compile --input-file $< --output-file $@

run: $(STAMP) catalogues
	$(BIN)/reader serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

test-tools:
	@sh scripts/install-test-tools

test: lint test-tools catalogues
	$(BIN)/pytest

check: lint catalogues
	$(BIN)/pytest -q -m "not browser and not external and not slow"

# A minute of load on `reader serve --workers 2` while files change; see docs/reliability.md.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

# Measures throughput, start, memory, edits and the static export; writes docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,import,bench]'
	@command -v wrk >/dev/null || echo "note: wrk is not installed (apt-get install wrk); using the slower in-repo load generator"
	@command -v hugo >/dev/null || echo "note: hugo is not installed (apt-get install hugo); the export is compared with Pelican only"
	$(BIN)/python bench/search.py --articles 10000 --out docs/search-figures.md
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A million articles on one machine: start, memory, edits, throughput and search. About
# 35 minutes and 10 GB of disk; writes docs/million-figures.md.
bench-million: $(STAMP)
	$(BIN)/python bench/million.py $(MILLION_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
