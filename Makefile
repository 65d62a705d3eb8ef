# The two commands of the README: `make run` and `make test`. Each sets itself up:
# virtualenv in .venv/, pinned install (only when requirements change), quartier data build, translations
# (Babel: extract the messages, update the catalogs, compile them).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DATA := data/quartiers.geojson
LOCALES := ar en es
LOCALE_DIR := geo/locale
POT := $(LOCALE_DIR)/messages.pot
CATALOGS := $(foreach l,$(LOCALES),$(LOCALE_DIR)/$(l)/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
MESSAGE_SOURCES := babel.cfg app.py $(wildcard ui/pages/*.py ui/*.py geo/*.py geo/*/*.py geo/*/*/*.py) \
	data/services.csv data/structures.csv data/gup_themes.csv data/gup_contacts.csv
PYBABEL := PYTHONPATH=. $(VENV)/bin/pybabel

.PHONY: run test test-fast docs data lint translations

run: $(VENV)/.runtime $(DATA) $(COMPILED)
	$(PY) -m geo serve --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev $(DATA) $(COMPILED)
	$(PY) -m ruff check .
	$(PY) -m mypy --strict geo
	$(PY) -m mypy app.py ui
	$(PY) -m pytest

# The developer's quick loop: no browser, no PostgreSQL, no server start-up, nothing marked slow (under 2 minutes
# here). `make test` stays the whole suite, the one CI runs.
test-fast: $(VENV)/.dev $(DATA) $(COMPILED)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -m "not browser and not postgres and not server and not slow"

# The documentation site (docs/), its references written from the code; a warning is an error.
docs: $(VENV)/.dev $(DATA)
	$(PY) -m sphinx -W -q -b html docs docs/_build/html
	@echo "Documentation : docs/_build/html/index.html"

data: $(VENV)/.runtime
	$(PY) -m geo build-data

translations: $(COMPILED)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy --strict geo
	$(PY) -m mypy app.py ui

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Rebuilt when the build code, its catalogue or the local names change; GUP_COMMUNE is checked at load.
$(DATA): geo/sources/build.py data/sources.toml data/noms_locaux.csv | $(VENV)/.runtime
	$(PY) -m geo build-data

# A new or changed text lands in the catalogs untranslated (no guessed "fuzzy" match): tests/test_i18n.py then
# names it until a translator writes it.
$(COMPILED) &: $(MESSAGE_SOURCES) $(CATALOGS) | $(VENV)/.runtime
	$(PYBABEL) -q extract -F babel.cfg --add-location=file --no-wrap --sort-by-file \
		--project="Carte de la médiation" -o $(POT).new .
	@# The template is replaced only when a message or a location changed, never for its date alone,
	@# so that running the tests leaves a clean tree.
	@for f in $(POT) $(POT).new; do grep -v -e '^"POT-Creation-Date:' -e '^# Copyright' -e '^# FIRST AUTHOR' \
		"$$f" > "$$f.cmp" 2>/dev/null || true; done
	@if cmp -s $(POT).cmp $(POT).new.cmp; then rm $(POT).new; else mv $(POT).new $(POT); fi
	@rm -f $(POT).cmp $(POT).new.cmp
	$(PYBABEL) -q update -i $(POT) -d $(LOCALE_DIR) --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(PYBABEL) compile -d $(LOCALE_DIR) --statistics
