# Station — the two everyday commands are `make run` and `make test` (see README.md).
# Both create the virtual environment in .venv from the pinned requirements on first use.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test bench bench-sync bench-peer bench-county bundle guide guide-review clean-venv

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

# The user's guide's screenshots, taken from the real program in a virtual X server (Debian: xvfb),
# at 1024×768, the smallest screen it is made for: see packaging/guide/shoot.py.
XVFB := xvfb-run -a -s "-screen 0 1024x768x24"
guide: $(VENV)/.runtime
	$(XVFB) $(BIN)/python packaging/guide/shoot.py --out resources/guide/images

# Every screen of the guide, whole, at 1024×768 and 1366×768, into build/review/ to look at.
guide-review: $(VENV)/.runtime
	$(XVFB) $(BIN)/python packaging/guide/shoot.py --out build/review/1024/windows --review build/review/1024
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python packaging/guide/shoot.py --out build/review/1366/windows \
		--review build/review/1366

# Station's push beside PouchDB's replication (node and npm needed; the peer is set up in bench/data/peer).
bench-peer: $(VENV)/.dev
	$(BIN)/python -m bench.peer $(ARGS)

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
