# The two commands: `make run` and `make test`. Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.run-installed

## Open the console on the local store (demo data is added when the store is empty).
run: $(VENV)/.run-installed
	$(BIN)/jobcenter demo --if-empty
	$(BIN)/jobcenter

## Install the test extras, run `make lint`, then the whole suite.
test: lint
	$(BIN)/python -m pytest -n auto -p no:cacheprovider

## Layer contracts (import-linter), ruff, and mypy (strict for domain/).
lint: $(VENV)/.test-installed
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy

## Regenerate the README screenshots (docs/screenshots/*.svg).
screenshots: $(VENV)/.test-installed
	$(BIN)/python scripts/screenshots.py

## The speed table for the README (not part of the test suite): `make bench BENCH="--seekers 1000000"`.
bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/run $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache
