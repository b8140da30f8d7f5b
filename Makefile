# medhome — entry points: `make demo`, `make test`, `make lint`, `make bench`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYENV_ROOT := $(shell pyenv root 2>/dev/null)

# The machine's default python3 may be 3.11: find a 3.12+ interpreter.
BASE_PYTHON := $(shell for c in python3.13 python3.12 \
	$(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3) $(wildcard $(PYENV_ROOT)/versions/3.12*/bin/python3) python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: demo test test-fast e2e lint bench clean venv screenshots lock

# Installs come from the lock (requirements/dev.txt: runtime + dev, every file's hash checked);
# the project itself goes in without dependencies so nothing unlocked slips in beside it.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
	  echo "medhome needs Python 3.12 or newer: install python3.12/python3.13 (or a pyenv version) and retry." >&2; exit 1; fi
	@[ -x $(PY) ] || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# The lock: requirements/runtime.txt (pyproject's dependencies) and requirements/dev.txt (those
# same pins plus the dev extra), with hashes. After editing pyproject.toml: `make lock`, review the
# diff, commit pyproject.toml and both files. Pins already in the lock are kept unless asked:
# `make lock UPGRADE="django requests"` moves those packages, `make lock UPGRADE=all` moves all.
# pip-tools runs in its own venv (.venv-lock), pinned, so the lock does not depend on .venv.
LOCK_VENV := .venv-lock
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
LOCK_UPGRADE := $(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))

lock: export CUSTOM_COMPILE_COMMAND = make lock
lock:
	@[ -x $(LOCK_VENV)/bin/pip-compile ] || { $(BASE_PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet pip==26.3 pip-tools==7.7.0; }
	@mkdir -p requirements
	$(PIP_COMPILE) $(LOCK_UPGRADE) $(LOCK_ARGS) -o requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) $(LOCK_UPGRADE) $(LOCK_ARGS) --extra dev -c requirements/runtime.txt \
	  -o requirements/dev.txt pyproject.toml

venv: $(VENV)/.installed

demo: venv
	@mkdir -p var
	MEDHOME_ENV=demo $(PY) manage.py migrate --no-input
	MEDHOME_ENV=demo $(PY) manage.py collectstatic --no-input --verbosity 0
	MEDHOME_ENV=demo $(PY) manage.py load_demo
	@# The background worker and the local SMS gateway (loopback only: it plays the families'
	@# phones) run beside the web server; Ctrl-C (or the server stopping) stops all three.
	@echo "The families' phones (the local SMS gateway, every text with its live link): http://127.0.0.1:8025/"
	@MEDHOME_ENV=demo $(PY) manage.py run_sms_gateway --port 8025 & gateway=$$!; \
	MEDHOME_ENV=demo $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker $$gateway 2>/dev/null; wait $$worker $$gateway 2>/dev/null' EXIT; \
	MEDHOME_ENV=demo $(PY) manage.py runserver 127.0.0.1:8000

# The README's screenshots, from the demo running on 127.0.0.1:8000 (make demo).
screenshots: venv
	$(PY) docs/screenshots/make.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	MEDHOME_ENV=test $(VENV)/bin/mypy medhome
	MEDHOME_ENV=test $(PY) manage.py makemigrations --check --dry-run

test: lint
	MEDHOME_ENV=test $(VENV)/bin/pytest

# Browser tests in Debian's Chromium (apt-get install chromium), on their own demo server.
e2e: venv
	MEDHOME_ENV=test $(VENV)/bin/pytest -m e2e tests/e2e

test-fast: venv
	MEDHOME_ENV=test $(VENV)/bin/pytest

bench: venv
	MEDHOME_ENV=bench $(PY) bench/synth_and_search.py --children 100000
	MEDHOME_ENV=bench $(PY) bench/due_list.py --children 100000
	MEDHOME_ENV=bench $(PY) bench/directory_search.py --services 20000
	MEDHOME_ENV=bench $(PY) bench/measures.py --children 100000 --db sqlite

clean:
	rm -rf $(VENV) $(LOCK_VENV) var staticfiles
