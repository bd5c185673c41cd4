# The two commands: `make run` (portal on the embedded default) and `make test` (full suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Production-like settings for `check --deploy` (no real secret: a throwaway one per run).
DEPLOY_ENV = DEBUG=false ALLOWED_HOSTS=portal.example.org \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) EMAIL_URL=smtp://127.0.0.1:25

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kloormokers
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14
# The broker gets its own Redis database: tests flush the cache database between tests.
TEST_ENV = DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	CELERY_TASK_ALWAYS_EAGER=true DJANGO_ALLOW_ASYNC_UNSAFE=true EMAIL_URL=

.PHONY: run test install install-dev lint format messages vendor clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	scripts/ensure_pdf_libs.sh
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL $(PY) manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL $(PY) manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  Kloormokers runs at http://127.0.0.1:$(PORT)/  (admin: /admin/)"
	@echo "  Demo logins, password kloormokers-demo:"
	@echo "    ehrenamt@demo.kloormokers.de (volunteer), verein@demo.kloormokers.de (association)"
	@echo "    leitung@demo.kloormokers.de (all rights), beratung@ / qualifizierung@ / vernetzung@ / redaktion@demo.kloormokers.de (staff)"
	@echo "  Staff set up two-factor authentication (TOTP) at first login."
	@echo "  E-mails are printed here and saved under var/mail/."
	@echo
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	scripts/ensure_test_services.sh
	scripts/ensure_pdf_libs.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(VENV)/bin/pytest

lint: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract and compile translations (needs Debian's gettext). The msgids are English, so only
# German has a catalogue: English pages show the msgids (Django never falls back to German).
messages: install
	$(PY) manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=staticfiles \
		--ignore=var --ignore=tests --ignore=static --ignore=node_modules --ignore=benchmarks
	$(PY) manage.py compilemessages --ignore=.venv

vendor:
	scripts/vendor_kern.sh

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache
