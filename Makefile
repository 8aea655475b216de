# itcell — see README.md. Every target installs what it needs first.
SHELL := /bin/bash
PY_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PY_VERSION) 2>/dev/null || ls -d $$HOME/.pyenv/versions/$(PY_VERSION)*/bin/python 2>/dev/null | sort -V | tail -1)
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install messages demo serve test test-sqlite test-postgres check bench clean lock

install: $(VENV)/.installed messages

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python $(PY_VERSION) not found: install it (pyenv install $(PY_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@mkdir -p var && awk '/^[a-z]/{p=/^uv==/} p' requirements.lock > var/uv.requirements
	$(BIN)/python -m pip install -q --require-hashes -r var/uv.requirements
	$(BIN)/uv pip sync -q --require-hashes --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --no-deps --python $(BIN)/python -e .
	touch $@

# Compiled Hindi catalogue (not committed: made from itcell/locale/hi/LC_MESSAGES/django.po).
messages: itcell/locale/hi/LC_MESSAGES/django.mo
itcell/locale/hi/LC_MESSAGES/django.mo: itcell/locale/hi/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || scripts/services.sh up
	msgfmt --check -o $@ $<

# Regenerate the Hindi .po from the code after changing strings (then translate the new ones).
makemessages: $(VENV)/.installed
	cd itcell && ../$(BIN)/python ../manage.py makemessages -l hi --no-obsolete --add-location file

demo: install
	$(BIN)/itcell demo
	$(BIN)/itcell collectstatic --no-input -v 0
	$(BIN)/itcell serve

serve: install
	$(BIN)/itcell serve

# The whole suite on SQLite, then again on PostgreSQL; browser tests included.
test: install
	scripts/services.sh up
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	ITCELL_VAR_DIR=var/test-sqlite $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$$(cat var/test-database-url) ITCELL_VAR_DIR=var/test-postgres $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy itcell config
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: install
	scripts/services.sh up
	$(BIN)/python -m bench

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra embeddings --generate-hashes --universal --python-version $(PY_VERSION) -o requirements.lock -q

clean:
	rm -rf $(VENV) var/static var/test-*
