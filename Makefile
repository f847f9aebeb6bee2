# Case Review Library — the two commands of the README, and a few more.
#   make run    set everything up, build the index from corpus/, serve http://127.0.0.1:5000
#   make test   set everything up, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= var
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test venv system-deps browser-deps bench-deps lint format bench corpus eval clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Debian packages the tests need: Chromium for the browser tests, poppler for reference figures,
# npm for axe-core, Tesseract with English and orientation (osd) data for OCR of scanned pages
# (`make run` works without it: OCR is then off). Only the missing ones: a machine whose Node.js comes from
# elsewhere (e.g. nodesource) already has npm, and Debian's npm conflicts with that nodejs.
system-deps:
	@pkgs=""; \
	command -v chromium >/dev/null 2>&1 || pkgs="$$pkgs chromium"; \
	command -v pdftotext >/dev/null 2>&1 || pkgs="$$pkgs poppler-utils"; \
	command -v npm >/dev/null 2>&1 || pkgs="$$pkgs npm"; \
	command -v tesseract >/dev/null 2>&1 || pkgs="$$pkgs tesseract-ocr"; \
	tesseract --list-langs 2>/dev/null | grep -qx eng || pkgs="$$pkgs tesseract-ocr-eng"; \
	tesseract --list-langs 2>/dev/null | grep -qx osd || pkgs="$$pkgs tesseract-ocr-osd"; \
	if [ -n "$$pkgs" ]; then \
	  echo "Installing Debian packages:$$pkgs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null; \
	fi

# axe-core (accessibility rules) injected into pages by the browser tests.
browser-deps: system-deps
	@test -f tests/node_modules/axe-core/axe.min.js || (cd tests && npm install --silent --no-audit --no-fund --prefix . axe-core@4 >/dev/null)

run: venv
	$(BIN)/reviewlib --data-dir $(DATA) ingest corpus
	$(BIN)/reviewlib --data-dir $(DATA) serve --host $(HOST) --port $(PORT)

test: venv browser-deps
	@set +e; $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$rc

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# wrk (Debian) drives the load figures; without it bench/ falls back to a Python load generator.
bench-deps: system-deps
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: venv bench-deps
	$(PY) -m bench

corpus: venv
	$(PY) corpus/samples/build.py

# Every evaluation set (evaluation/, not shipped): figures per class or field, floors held by
# tests (docs/metadata.md, docs/themes.md).
eval: venv
	$(PY) -m evaluation all

clean:
	rm -rf $(VENV) var .pytest_cache tests/artifacts
