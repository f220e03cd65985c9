# Station — the two everyday commands are `make run` and `make test` (see README.md).
# Both create the virtual environment in .venv from the pinned requirements on first use.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test bench bench-sync bench-county bundle clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python main.py $(ARGS)

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(ARGS)

bench: $(VENV)/.dev
	$(BIN)/python -m bench.run $(ARGS)

bench-sync: $(VENV)/.dev
	$(BIN)/python -m bench.sync $(ARGS)

# The county console at city scale (PostgreSQL 100 townships × 10,000 people, SQLite 20): bench/COUNTY-RESULTS.md.
bench-county: $(VENV)/.dev
	$(BIN)/python -m bench.county $(ARGS)

$(VENV)/.build: requirements-build.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-build.txt
	touch $@

# The standalone Linux bundle (build/dist/Station/), then a smoke start of it: see packaging/README.md.
bundle: $(VENV)/.build
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/work packaging/station.spec
	$(BIN)/python packaging/smoke_test.py build/dist/Station/Station

clean-venv:
	rm -rf $(VENV)
