# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app eigendossier
TRANSLATIONS := backend/eigendossier/translations
# `make run HOST=0.0.0.0 PORT=5001` serves elsewhere.
HOST ?= 127.0.0.1
PORT ?= 5000
# The Chromium the end-to-end tests drive (Debian's package by default), and its headless shell
# (the same Chromium without the browser's user interface: a third less CPU) that drives all
# but the push tests where installed.
EIGENDOSSIER_CHROMIUM ?= $(or $(shell command -v chromium 2>/dev/null),/usr/bin/chromium)
EIGENDOSSIER_CHROMIUM_HEADLESS_SHELL ?= $(or $(shell command -v chromium-headless-shell 2>/dev/null),/usr/bin/chromium-headless-shell)
export EIGENDOSSIER_CHROMIUM_HEADLESS_SHELL
export EIGENDOSSIER_CHROMIUM
# Test processes (pytest-xdist): one per core; JOBS=0 runs the tests in one process.
JOBS ?= auto
# Extra pytest arguments, e.g. `make test JOBS=0 PYTEST_ARGS="tests/unit -x"`.
PYTEST_ARGS ?=
# uv (pinned, the one package pip installs) installs the locks, in seconds where pip takes a
# minute, and makes them (`make lock`): one lock for every platform and every Python from 3.11
# on (packages some need only, like async-timeout before 3.11.3, carry markers).
# uv, unlike pip, writes no bytecode unless asked: without it (and with PYTHONDONTWRITEBYTECODE
# set, as on CI's machine) every process compiled every module it imported again, 5 s of CPU of
# the 7.5 s a cold create_app() took; each gunicorn worker, `flask` command and test process paid.
UV := $(BIN)/uv
UV_INSTALL := $(UV) pip install --quiet --python $(BIN)/python --no-deps --compile-bytecode
LOCK := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCKFLAGS)

.PHONY: run test bench install install-test translations chromium openapi lint lock clean

run: install translations  ## install into .venv, migrate SQLite, load the demo, serve on HOST:PORT
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Eigen Dossier: http://$(HOST):$(PORT) (Ctrl+C stops it)"
	$(BIN)/gunicorn -c config/gunicorn.conf.py --bind $(HOST):$(PORT) --workers 1 --threads 4

# The tests and benchmarks keep Python's bytecode caches even where the environment turns
# them off (PYTHONDONTWRITEBYTECODE): otherwise every test process, and every server and
# worker they start, compiles all it imports again (collecting the tests alone: 13 s of CPU
# per process instead of 5).
CACHED := env -u PYTHONDONTWRITEBYTECODE

test: install-test translations chromium  ## install what the tests need and run them all
	@# The app's own modules compiled first (an editable install; up-to-date ones are skipped):
	@# otherwise both test processes compile them at once when they start.
	$(BIN)/python -m compileall -q -j 0 backend >/dev/null
	$(CACHED) $(BIN)/pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

bench: install-test translations  ## run every benchmark under bench/ and print one table
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } || true
	$(CACHED) $(BIN)/python bench/run_all.py

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Exactly the versions (and files, by hash) in the lock files: nothing moves under us.
$(VENV)/.installed: pyproject.toml requirements.lock | $(UV)
	$(UV_INSTALL) --require-hashes -r requirements.lock
	$(UV_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(UV_INSTALL) --require-hashes -r requirements-test.lock
	touch $@

$(UV):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.8

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

# The end-to-end tests drive Debian's Chromium and its headless shell; install them when
# missing and we may (root). Without the shell, the full Chromium drives every test.
chromium:
	@if [ ! -x "$(EIGENDOSSIER_CHROMIUM)" ] || [ ! -x "$(EIGENDOSSIER_CHROMIUM_HEADLESS_SHELL)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell; } \
	      || [ -x "$(EIGENDOSSIER_CHROMIUM)" ]; \
	  elif [ -x "$(EIGENDOSSIER_CHROMIUM)" ]; then \
	    echo "Without chromium-headless-shell the end-to-end tests take a third more CPU."; \
	  else \
	    echo "The end-to-end tests drive Chromium, which is not installed. Install it with:"; \
	    echo "    sudo apt-get install chromium chromium-headless-shell"; \
	    echo "(Debian's package; elsewhere set EIGENDOSSIER_CHROMIUM=/path/to/chromium)"; \
	    exit 1; \
	  fi; \
	fi

openapi: install  ## regenerate schemas/openapi.json from the code
	$(FLASK) openapi write --format=json schemas/openapi.json

messages: install  ## extract translatable strings and update the catalogues
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k _m -o $(TRANSLATIONS)/messages.pot backend/eigendossier
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

lint: install-test  ## ruff over the code, tests and benchmarks; mypy --strict on the pure libraries
	$(BIN)/ruff check backend tests bench
	$(BIN)/mypy

lock: $(UV)  ## re-resolve requirements*.lock after changing pyproject.toml (LOCKFLAGS="-P NAME" moves NAME)
	$(LOCK) --output-file requirements.lock pyproject.toml
	$(LOCK) --extra test --constraints requirements.lock --output-file requirements-test.lock \
	  pyproject.toml

clean:
	rm -rf $(VENV) .venv-tools .venv-peer .venv-cpsat instance .pytest_cache .ruff_cache .mypy_cache
