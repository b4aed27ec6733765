# Joinedup: `make demo` runs the app with demo data; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STATIC_BUILD := src/joinedup/static/build
export JOINEDUP_HOME := $(CURDIR)

.PHONY: help demo test check lint typecheck pytest static serve clean

help:
	@echo "make demo   install everything, load the demo boroughs and serve http://127.0.0.1:8000"
	@echo "make test   install what the tests need and run every check (lint, types, tests)"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else "Joinedup needs Python 3.12 (see .python-version); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend and htmx come from npm; the stylesheet is compiled from our
# Sass with GOV.UK Frontend's settings, and nothing of theirs is committed.
$(STATIC_BUILD)/.built: node_modules/.installed src/joinedup/static/scss/joinedup.scss
	mkdir -p $(STATIC_BUILD)/css $(STATIC_BUILD)/js $(STATIC_BUILD)/govuk
	npx sass --quiet --load-path=node_modules --style=compressed --no-source-map \
		src/joinedup/static/scss/joinedup.scss $(STATIC_BUILD)/css/joinedup.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC_BUILD)/js/
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC_BUILD)/js/
	rm -rf $(STATIC_BUILD)/govuk/assets && cp -r node_modules/govuk-frontend/dist/govuk/assets $(STATIC_BUILD)/govuk/assets
	touch $@

static: $(STATIC_BUILD)/.built

# Where `make demo` serves: make demo PORT=8001 if 8000 is taken.
PORT ?= 8000

demo: $(VENV)/.installed static
	DEBUG=true JOINEDUP_TWO_FACTOR_BY_ROLE=false $(BIN)/joinedup demo --addrport 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test static
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	@# With a PostgreSQL to test on (CI), the whole suite runs on it at the same time as on SQLite, each in its
	@# usual order; PostgreSQL's report follows SQLite's. Either failing fails the run.
	@if [ -z "$$JOINEDUP_TEST_POSTGRES_URL" ]; then \
		$(BIN)/pytest; \
	else \
		log=$$(mktemp); \
		echo "== The whole suite on SQLite and, at the same time, on PostgreSQL =="; \
		DATABASE_URL="$$JOINEDUP_TEST_POSTGRES_URL" $(BIN)/pytest > "$$log" 2>&1 & postgres=$$!; \
		if $(BIN)/pytest; then sqlite=0; else sqlite=1; fi; \
		if wait $$postgres; then on_postgres=0; else on_postgres=1; fi; \
		echo "== The whole suite on PostgreSQL =="; cat "$$log"; rm -f "$$log"; \
		[ $$sqlite -eq 0 ] && [ $$on_postgres -eq 0 ]; \
	fi

check: test

clean:
	rm -rf $(VENV) node_modules $(STATIC_BUILD)
