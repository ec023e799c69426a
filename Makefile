# Local Service — two commands on a fresh machine:
#   make run    set up, migrate, load the registry, onboard the demo LAOs, serve http://localhost:$(PORT)
#   make test   set up and run the test suite
# With no DATABASE_URL both use an embedded PostgreSQL under .pgdata/ (PyPI pgserver).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install bench messages clean-db screenshots

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= true
run: export PUBLIC_PORT ?= :$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate_schemas --shared --noinput -v 0
	$(BIN)/python manage.py migrate_schemas --tenant --noinput -v 0
	$(BIN)/python manage.py setup_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

# The browser journeys alone, saving a PNG of every checked step under screenshots/.
screenshots: $(STAMP)
	SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/reconcile.py
	$(BIN)/python bench/scale.py --laos 300 --routing-seconds 10

messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages -l th --ignore=.venv --ignore=deploy --ignore=bench --ignore=tests --no-obsolete
	cd platform && msgfmt --check -o locale/th/LC_MESSAGES/django.mo locale/th/LC_MESSAGES/django.po

clean-db:
	rm -rf .pgdata
