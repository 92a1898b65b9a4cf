# The README's two commands: `make run` and `make test`. Each sets everything up first.
VENV ?= .venv
export OPENBLAS_NUM_THREADS = 1

.PHONY: setup setup-dev test-tools run test test-fast bench bench-against bench-calibration \
	bench-hostile-input lint dashboard report calibrate

# `make run` needs the package and its core dependencies only; the tests need the dev
# extra (every optional extra and the tools), installed by the targets that use it.
setup:
	@bash scripts/bootstrap.sh

setup-dev:
	@bash scripts/bootstrap.sh dev

run: setup
	$(VENV)/bin/escsim run scenarios/baseline.yaml --out out/baseline

# What the tests need beyond the package: Chromium and the dashboard's browser assets.
test-tools: setup-dev
	@bash scripts/ensure-chromium.sh
	@$(VENV)/bin/python scripts/fetch_solara_assets.py

test: test-tools
	$(VENV)/bin/python -m pytest -q

# The fast tier: everything but the tests marked slow (browser, notebooks, Dask, kill -9,
# the wheel install, long statistical checks). Needs no browser.
test-fast: setup-dev
	$(VENV)/bin/python -m pytest -q -m "not slow"

dashboard: setup
	@bash scripts/bootstrap.sh dashboard
	@$(VENV)/bin/python scripts/fetch_solara_assets.py
	$(VENV)/bin/escsim dashboard

report: setup
	$(VENV)/bin/escsim report scenarios/baseline.yaml -o out/report

# Regenerate the shipped calibration (scenarios/calibrated.yaml, its posterior, and
# docs/calibration_diagnostics.json) from the record: no hand edits (docs/calibration.md).
CALIBRATION_OUT ?= build/calibration
calibrate: setup-dev
	rm -rf $(CALIBRATION_OUT)
	$(VENV)/bin/escsim calibrate --record data/record/armenia_azerbaijan_monthly.csv \
		--scenario scenarios/baseline.yaml --out $(CALIBRATION_OUT) --until 2024-06 \
		--seed 20250320 --workers 2
	$(VENV)/bin/python scripts/ship_calibration.py $(CALIBRATION_OUT) .
	$(VENV)/bin/python scripts/calibration_table.py

bench: setup
	$(VENV)/bin/escsim bench

# The developers' benchmarks (benchmarks/, not in the package): this checkout against
# another revision's checkout (make bench-against DIR=../escsim-before), the calibration
# budget, and how quickly `escsim validate` answers hostile files.
bench-against: setup
	@test -n "$(DIR)" || { echo "usage: make bench-against DIR=<another checkout>" >&2; exit 2; }
	$(VENV)/bin/python -m benchmarks.against "$(DIR)"

bench-calibration: setup-dev
	$(VENV)/bin/python -m benchmarks.calibration

bench-hostile-input: setup
	$(VENV)/bin/python -m benchmarks.hostile_input

lint: setup-dev
	$(VENV)/bin/ruff check sim tests benchmarks
