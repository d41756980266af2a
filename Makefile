# civcas: two commands on a fresh clone. `make run` builds everything on the embedded default;
# `make test` runs the tests. Nothing beyond Python 3.11 is needed: uv comes from PyPI into .tools/.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: setup manifest run test dev s3 lint format bench clean

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: civcas needs Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(BIN)/civcas: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

setup: $(BIN)/civcas  ## environment from the lock file

manifest: setup  ## the dbt manifest, prepared at build time
	$(BIN)/civcas manifest

run: manifest  ## materialize every asset on the embedded default, then show headline figures
	$(BIN)/civcas run

test: manifest  ## set up and run the tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

dev: manifest  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/civcas dev

s3: setup  ## a local S3 server (SeaweedFS) on 127.0.0.1:8333 with keys; prints the settings
	$(BIN)/civcas s3

lint: setup
	$(BIN)/ruff check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: manifest
	$(BIN)/python -m bench

clean:
	rm -rf .civcas dbt_project/target
