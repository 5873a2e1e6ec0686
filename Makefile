# Parley: the two commands.
#   make run    set up everything (first time), then run web + worker + beat + Chroma on
#               the embedded defaults and print the first admin's credentials.
#   make test   set up everything (first time), then run the whole test suite.
# Both are safe to run again: setup is skipped when nothing changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

export DO_NOT_TRACK := 1
export UNSTRUCTURED_DISABLE_NOTICE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-integration install browser lint bench-conversations bench-knowledge clean

run: install
	$(PY) manage.py run_local

test: install browser
	$(PY) -m pytest -q

# The same suite on PostgreSQL + Redis, plus the tests that need a real Celery worker.
test-integration: install
	PARLEY_INTEGRATION=1 \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parley} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest -q

install: $(STAMP)

# torch first, from the CPU wheel (a plain resolve would pull several GB of CUDA packages);
# unstructured-inference without its dependencies (DEPENDENCIES.md, trap 1).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel setuptools
	$(PIP) install -q torch==2.13.0 || $(PIP) install -q torch --index-url https://download.pytorch.org/whl/cpu
	$(PIP) install -q ".[dev]"
	$(PIP) install -q --no-deps unstructured-inference==1.6.14
	touch $(STAMP)

# Browser tests drive the system Chromium; install it when we can (root), else they are skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found: browser tests will be skipped"; fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf var/ .pytest_cache
