# The Digital Office portal. Two commands set it up (see README.md):
#   make run    the portal with demo data at http://127.0.0.1:8000, Celery worker and beat included
#   make test   the checks and the tests, as CI runs them (.ci/run)
# Needs only Python 3.11+, Node 20+ and GNU make. Installs happen only when their inputs change.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
TEST_SETTINGS := digital_office.settings.test
CHROMIUM := /usr/bin/chromium
# The project's packages (bandit looks for high-severity security findings in them).
APPS := core councils people strategy initiatives partner_access dashboard contracts practice public collaboration bulk_export seeding digital_office

RUN_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp
NODE_STAMP := node_modules/.stamp

# Extra arguments for pytest, e.g. make test PYTEST_ARGS='-m "not browser" -x'
PYTEST_ARGS ?=
# pytest-xdist workers for the first pass (one per core here). The tests marked serial (an open transaction elsewhere
# on the server changes what they see: the change feed's horizon) run after it in one process.
TEST_WORKERS ?= 2
# make test SMOKE=0 leaves out bin/smoke-production (the production stack end to end, about two minutes).
SMOKE ?= 1

.PHONY: help run test smoke bench lint messages clean distclean install install-dev chromium

help:
	@echo "make run        serve the portal with demo data at http://127.0.0.1:8000 (runserver, Celery worker and beat)"
	@echo "make test       ruff, the import layers, bandit, migration check and pytest (installs what the tests need first)"
	@echo "make smoke      bin/smoke-production: gunicorn, worker and beat with production settings on PostgreSQL and Redis"
	@echo "make bench      the portal under load with production settings, against a floor and Datasette (docs/benchmarks.md)"
	@echo "make lint       ruff check ., lint-imports (the one-way layers) and bandit (no high-severity finding)"
	@echo "make messages   update the Gaelic (gd) message catalogue in locale/ and compile it"
	@echo "make clean      remove caches and collected static files"
	@echo "make distclean  clean, and remove .venv, node_modules, db.sqlite3 and var/"

# --- installs, each redone only when its input changes ---------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0] + " (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)

# --no-compile: Python compiles each module when it is first imported instead of pip compiling every installed
# module up front (a third of the install's time here, 52 s against 32 s, for modules most runs never import).
$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet --no-compile -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet --no-compile -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

$(NODE_STAMP): package-lock.json package.json
	@node -e 'const m = +process.versions.node.split(".")[0]; if (m < 20) { console.error("Node 20+ is needed; found " + process.version); process.exit(1); }'
	npm ci --no-audit --no-fund
	@touch $@

install: $(RUN_STAMP) $(NODE_STAMP)

install-dev: $(DEV_STAMP) $(NODE_STAMP)

# Browser tests drive Debian's Chromium; Playwright cannot download a browser here.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "make test: $(CHROMIUM) is missing and only root can install it." >&2; \
		echo "  Install it with: sudo apt-get install -y chromium chromium-driver   (then run make test again)" >&2; \
		exit 1; \
	fi; \
	echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y chromium chromium-driver || { apt-get update && apt-get install -y chromium chromium-driver; }; \
	[ -x $(CHROMIUM) ] || { echo "make test: $(CHROMIUM) still missing after apt-get install" >&2; exit 1; }

# --- the two set-up commands -----------------------------------------------------------------

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo --scale small --seed 1 --if-empty
	bin/run-local

test: install-dev chromium
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive $(APPS) --severity-level high
	BIN=$(BIN) bin/audit-dependencies
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run
	@# The migrated template database and the collected static files every test process copies (tests/prepared.py).
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m tests.prepared
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) TEST_PASS=parallel $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20 $(PYTEST_ARGS)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) TEST_PASS=serial $(BIN)/pytest --durations=10 $(PYTEST_ARGS)
	@if [ "$(SMOKE)" = 1 ]; then $(MAKE) --no-print-directory smoke; fi

smoke: install-dev
	$(PY) bin/smoke-production

# Not part of make test. Loads the large demo set into its own database once (BENCH_DATABASE_URL), then about
# 5 minutes of load; pass options with BENCH_ARGS, e.g. make bench BENCH_ARGS='--duration 5 --only api'.
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk >/dev/null 2>&1 || true
	$(PY) bench/run.py $(BENCH_ARGS)

# --- housekeeping ----------------------------------------------------------------------------

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive $(APPS) --severity-level high

# Gaelic is offered on the site only once its catalogue is translated and compiled (core/i18n.py).
messages: $(RUN_STAMP)
	$(MANAGE) makemessages -l gd --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*' --ignore='var/*' --ignore='tests/*' --ignore='test-artifacts/*'
	$(MANAGE) compilemessages -l gd --ignore='.venv/*' --ignore='node_modules/*'

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache .hypothesis test-artifacts var/test-media
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules db.sqlite3 var
