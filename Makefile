# The README's two commands: `make run` and `make test`. Each sets everything up first.
VENV ?= .venv
export OPENBLAS_NUM_THREADS = 1

.PHONY: setup run test bench lint

setup:
	@bash scripts/bootstrap.sh

run: setup
	$(VENV)/bin/escsim run scenarios/baseline.yaml --out out/baseline

test: setup
	$(VENV)/bin/python -m pytest -q

bench: setup
	$(VENV)/bin/escsim bench

lint: setup
	$(VENV)/bin/ruff check sim tests
