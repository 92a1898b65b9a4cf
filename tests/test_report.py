"""Reports: one self-contained HTML file with its inputs, numbers, figures and claims."""

import re
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import REPO


def _html(out: Path) -> str:
    text = (out / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    # Self-contained: no file or network references, figures embedded.
    assert not re.search(r'src="(?!data:)', text) and "<link" not in text
    return text


@pytest.mark.slow
def test_scenario_report_with_claims(tmp_path, capsys):
    path = REPO / "scenarios" / "experts" / "tasits.yaml"
    assert main(["report", str(path), "-o", str(tmp_path), "-n", "1500", "--seed", "3"]) == 0
    text = _html(tmp_path)
    assert "Scenario: tasits" in text and "1,500 worlds, seed 3" in text
    # outcomes, the fan chart (quantile bands) and the stacked state shares
    assert text.count("data:image/png;base64,") == 3
    assert "How likely each rung is" in text
    assert "Claims check" in text and "highly unlikely" in text
    assert "000_b6c8157d2dc91f0e.txt" in text  # provenance shown with the inputs
    assert "full_scale_invasion" in text and "[" in text  # numbers with intervals


@pytest.mark.slow  # over a second: the fast tier must stay under a minute
def test_comparison_and_sweep_reports(tmp_path, capsys):
    lenses = [str(REPO / "scenarios" / "experts" / f"{n}.yaml") for n in ("yunusov", "areshev")]
    assert main(["report", *lenses, "-o", str(tmp_path / "c"), "-n", "800"]) == 0
    text = _html(tmp_path / "c")
    assert "Comparison: yunusov, areshev" in text and "What accounts for the gaps" in text
    study = tmp_path / "s.yaml"
    study.write_text(f"""\
name: small
scenario: {REPO / "scenarios" / "baseline.yaml"}
seed: 1
worlds: 300
horizon_weeks: 10
outcomes: [border_clash]
design:
  method: grid
  parameters:
    russia.push: [0, 3, 6]
""")
    assert main(["report", str(study), "-o", str(tmp_path / "s")]) == 0
    text = _html(tmp_path / "s")
    assert "Study: small" in text and "data:image/png;base64," in text


def test_report_of_a_bad_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon_weeks: 0\n")
    assert main(["report", str(bad), "-o", str(tmp_path / "o")]) == 2
    assert "horizon_weeks" in capsys.readouterr().err
