# Fresh machine: `make run` or `make test` installs everything first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MATURITY_HOME ?= $(CURDIR)/.state
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test reliability lint typecheck eval calibrate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/maturity ui

# The whole suite, the reliability scenarios (tests/reliability) included. Two workers: much of
# the suite waits on subprocesses, servers and browsers, so two cores run it in ~2/3 of the time
# (8.3 vs 12.8 min); --dist loadfile keeps each module's fixtures (apps, servers) in one worker.
PYTEST := $(BIN)/pytest -q -n 2 --dist loadfile
test: install
	$(BIN)/ruff check assistant evals tests ui
	$(BIN)/mypy assistant evals
	$(PYTEST)

# Load, crash, faults, hostile input and access: the scenarios RELIABILITY.md reports on.
reliability: install
	$(PYTEST) tests/reliability

lint: install
	$(BIN)/ruff check assistant evals tests ui
	$(BIN)/ruff format --check assistant evals tests ui

typecheck: install
	$(BIN)/mypy assistant evals

# Knowledge bases for the dev question sets: the seeds and the external corpus.
EVAL_DIR := $(MATURITY_HOME)/eval
eval: install
	$(BIN)/python -m evals.assessments all
	$(BIN)/python -m evals.dev_sets --out $(EVAL_DIR)

calibrate: install
	$(BIN)/python -m evals.calibrate

bench: install
	$(BIN)/python -m evals.bench

clean:
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache
