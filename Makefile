# Gridline: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-dev lint bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(VENV)/bin/pip install -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(VENV)/bin/python scripts/run.py --port $(PORT)

test: install-dev
	$(VENV)/bin/python scripts/services.py run -- $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf .data
