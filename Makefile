# The two commands of the README: `make run` and `make test`. Each sets itself up:
# virtualenv in .venv/, pinned install (only when requirements change), quartier data build.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DATA := data/quartiers.geojson

.PHONY: run test data lint

run: $(VENV)/.runtime $(DATA)
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev $(DATA)
	$(PY) -m ruff check .
	$(PY) -m pytest

data: $(VENV)/.runtime
	$(PY) -m geo build-data

lint: $(VENV)/.dev
	$(PY) -m ruff check .

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
$(DATA): geo/sources.py data/sources.toml data/noms_locaux.csv | $(VENV)/.runtime
	$(PY) -m geo build-data
