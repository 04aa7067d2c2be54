# Both targets create .venv and install the pinned dependencies themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.venv/prefect-home
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180

.PHONY: demo test lint eval bench clean-warehouse

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/zwgk demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check zwgk flows transforms mirror tests
	$(BIN)/mypy

# Indicator extraction scored against the seeds' gold (needs ../shared from the zwgk workspace).
eval: $(STAMP)
	$(BIN)/python -m zwgk.evaluate tests/fixtures/seeds tests/fixtures/gold/seeds-indicators.jsonl

clean-warehouse:
	rm -rf warehouse/catalog.sqlite* warehouse/data
