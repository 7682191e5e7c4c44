# Two commands for a new machine with only python3: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: install run test lint check clean-data messages

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Migrate, load the demo data and serve the API on the embedded default (SQLite under .data/).
run: install
	$(BIN)/ctomatch demo

## The whole test suite: SQLite, and PostgreSQL (mandatory when CI=true).
test: install
	$(BIN)/pytest --numprocesses=auto --maxprocesses=4 --dist worksteal --durations=15

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: test lint

## Bring the message catalogs in step with the sources (then translate the new French entries).
messages: install
	$(BIN)/python -m service.i18n update

clean-data:
	rm -rf .data
