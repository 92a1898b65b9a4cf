"""Ship a calibration's output directory as scenarios/calibrated.yaml (``make calibrate``).

Copies ``posterior.parquet`` to ``scenarios/calibrated_posterior.parquet`` and
``diagnostics.json`` to ``docs/calibration_diagnostics.json``, and writes
``scenarios/calibrated.yaml`` from the run's ``calibrated.yaml`` with its two paths made
relative to ``scenarios/`` (``extends: baseline.yaml``, ``file: calibrated_posterior.parquet``).
Nothing is edited by hand: the shipped files are this script's output.

usage: python scripts/ship_calibration.py OUT_DIR [REPO]
"""

import re
import shutil
import sys
from pathlib import Path


def ship(out: Path, repo: Path) -> None:
    scenarios = repo / "scenarios"
    text = (out / "calibrated.yaml").read_text(encoding="utf-8")
    text, n_extends = re.subn(r"(?m)^extends: .*$", "extends: baseline.yaml", text)
    text = text.replace("file: posterior.parquet", "file: calibrated_posterior.parquet")
    if n_extends != 1:
        sys.exit(f"{out / 'calibrated.yaml'}: expected one extends: line")
    header = (
        "# Shipped by `make calibrate` (scripts/ship_calibration.py): posterior.parquet renamed\n"
        "# calibrated_posterior.parquet, extends made relative to this file; diagnostics in\n"
        "# docs/calibration_diagnostics.json, the method in docs/calibration.md.\n"
    )
    shutil.copyfile(out / "posterior.parquet", scenarios / "calibrated_posterior.parquet")
    shutil.copyfile(out / "diagnostics.json", repo / "docs" / "calibration_diagnostics.json")
    (scenarios / "calibrated.yaml").write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    ship(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("."))
