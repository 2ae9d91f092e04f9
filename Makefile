# `make run` and `make test` each set everything up on a fresh machine, then run.
# The first interpreter that runs and is 3.11 or 3.12 (pyenv shims may exist for versions that do not run).
PYTHON ?= $(shell for p in python3 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null && { command -v $$p; break; }; \
	done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint bench setup system-deps services clean

# Migrations run by command, never when the app starts (the same step precedes gunicorn in production).
run: setup
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp serve --no-upgrade --host $(HOST) --port $(PORT)

test: setup services
	$(BIN)/pytest

# The linters need the virtualenv only (no apt packages, no services).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run_all.py --write

setup: system-deps $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed (durable-rules does not build on 3.13)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[pdf,docx,web,dev]'
	touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

services:
	@bash scripts/services.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache tests/artifacts
