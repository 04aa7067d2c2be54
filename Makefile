# Both targets create .venv and install the pinned dependencies themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.venv/prefect-home
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180

.PHONY: demo test lint eval bench ui ui-check browser clean-warehouse

BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
PAGES ?= 2000
CRAWL_PAGES ?= 10000
SNAPSHOTS ?= 50
PROVINCE_HOSTS ?= 200

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/zwgk demo

# The report's browser test needs headless Chromium and a CJK font (Debian packages, installed once); where they
# cannot be installed, that one test is skipped and says why.
test: $(STAMP)
	@$(MAKE) --no-print-directory browser || echo "make test: chromium could not be installed; the report's browser test will be skipped"
	$(BIN)/python -m pytest

browser:
	@(command -v chromium >/dev/null && fc-list | grep -qi wqy) || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei) \
		|| sudo sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei'

lint: $(STAMP)
	$(BIN)/ruff check zwgk flows transforms mirror tests bench tools
	$(BIN)/mypy

# Indicator extraction scored per set (seeds, development corpus): precision, recall, F1, attribute accuracies.
# MISSES=N lists up to N missed gold rows and extra predictions per set.
MISSES ?= 0
eval: $(STAMP)
	$(BIN)/python -m zwgk.evaluate --pages tests/fixtures/seeds tests/fixtures/gold/seeds-indicators.jsonl \
		--corpus tests/fixtures/corpus --misses $(MISSES)

# trafilatura is a dependency of the benchmark only: it lives in its own venv, never in .venv.
$(BENCH_STAMP): requirements.lock requirements-bench.lock pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-bench.lock
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(BENCH_STAMP)

# One table (speed, scale, accuracy), written to BENCHMARKS.md; under 15 minutes on 2 cores.
bench: $(BENCH_STAMP)
	PREFECT_HOME=$(CURDIR)/$(BENCH_VENV)/prefect-home $(BENCH_VENV)/bin/python -m bench.run --pages $(PAGES) \
		--crawl-pages $(CRAWL_PAGES) --snapshots $(SNAPSHOTS) --province-hosts $(PROVINCE_HOSTS)

# The Prefect server and UI on 127.0.0.1:4200 (the UI ships in the prefect wheel; nothing is downloaded).
# In another terminal: PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/zwgk serve
ui: $(STAMP)
	$(BIN)/prefect server start --host 127.0.0.1 --port 4200

# A real server, one crawl, headless-Chromium screenshots of the run's artifacts (docs/ui-check*.png) and of
# `zwgk report` on that crawl's warehouse (docs/report.png).
ui-check: $(STAMP) browser
	$(BIN)/python tools/ui_check.py

clean-warehouse:
	rm -rf warehouse/catalog.sqlite* warehouse/data
