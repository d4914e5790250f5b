# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up they share.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
DATELINE := $(VENV)/bin/dateline
STAMP := $(VENV)/.installed

.PHONY: setup run test bench lint lock devdata clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || { python=$$(scripts/find-python) && "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

## setup: virtual environment, locked dependencies, database schema, static files (idempotent)
setup: $(STAMP)
	$(DATELINE) migrate --noinput --verbosity 0
	$(DATELINE) collectstatic --noinput --verbosity 0

## run: the site on the embedded default (SQLite, in-process cache, DB-backed worker) with demo content
run: setup
	$(DATELINE) loaddemo
	$(DATELINE) serve --port $(PORT)

## test: the whole suite (set DATABASE_URL / REDIS_URL to run it against PostgreSQL / Redis)
test: setup
	$(PY) -m pytest

## bench: benchmarks; prints a table and writes JSON under bench/results/
bench: setup
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## devdata: load the demo content into the current database (same as `dateline loaddemo`)
devdata: setup
	$(DATELINE) loaddemo

## lock: re-resolve requirements.lock from pyproject.toml (needs network access to PyPI)
lock: $(STAMP)
	$(PY) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 \
		--universal --quiet --output-file requirements.lock

clean:
	rm -rf $(VENV) var
