"""The Sobol study varies Baku's decision noise and switching costs (design.include),
found by pattern in the parameter registry; swamped indices are named in the note."""

import fnmatch

import pandas as pd
import pytest

from sim.actors import PARAMS_BY_KEY
from sim.experiments import load_study
from sim.experiments.sensitivity import swamped_note
from sim.scenario import ScenarioError, load_scenario
from tests.conftest import BASELINE, REPO

SOBOL = REPO / "sim" / "studies" / "sobol_all.yaml"


def test_the_shipped_sobol_study_varies_bakus_noise_and_switching_costs():
    """Whatever Baku's noise and costs are called at the time, every registry parameter
    the study's patterns match is varied: over the baseline's distribution where it has
    one, else over the parameter's declared range."""
    study = load_study(SOBOL)
    baseline = load_scenario(BASELINE)
    matched = [
        key for key in PARAMS_BY_KEY if any(fnmatch.fnmatchcase(key, p) for p in study.include)
    ]
    assert any("noise" in k for k in matched) and any(
        "change" in k or "switch" in k for k in matched
    )
    for key in matched:
        low, high = baseline.parameters[key].dist.support()
        if low == high:  # fixed in the baseline: the whole declared range
            spec = PARAMS_BY_KEY[key]
            assert study.parameters[key] == [spec.low, spec.high], key
            assert key in study.included
        else:
            assert study.parameters[key] == [low, high], key
    assert "azerbaijan.decision_noise" in study.included
    assert study.to_dict()["design"]["include"] == list(study.include)


def write(tmp_path, design: str):
    path = tmp_path / "s.yaml"
    path.write_text(
        f"name: s\nscenario: {BASELINE}\nseed: 1\nworlds: 10\noutcomes: [border_clash]\n"
        f"design:\n{design}"
    )
    return path


SAMPLED = "  method: sobol\n  samples: 4\n  parameters: uncertain\n"


@pytest.mark.parametrize(
    "design, words",
    [
        (
            f"{SAMPLED}  include: [azerbaijan.noise]\n",
            "matches no parameter",
        ),
        (
            f"{SAMPLED}  include: azerbaijan.*\n",
            "expected a list of parameter keys or patterns",
        ),
        (
            "  method: grid\n  parameters: {russia.push: [0, 1]}\n"
            "  include: [azerbaijan.*noise*]\n",
            "applies to sampling designs",
        ),
    ],
)
def test_bad_include(tmp_path, design, words):
    with pytest.raises(ScenarioError) as exc:
        load_study(write(tmp_path, design))
    (problem,) = [p for p in exc.value.problems if p.key_path == "design.include"]
    assert words in problem.message and problem.line is not None


def test_an_explicit_range_is_kept_and_a_pattern_adds_only_new_parameters(tmp_path):
    study = load_study(
        write(
            tmp_path,
            "  method: latin_hypercube\n  samples: 4\n  parameters:\n"
            "    azerbaijan.decision_noise: [1, 2]\n  include: ['azerbaijan.*noise*', "
            "'azerbaijan.change_cost']\n",
        )
    )
    spec = PARAMS_BY_KEY["azerbaijan.change_cost"]
    assert study.parameters["azerbaijan.decision_noise"] == [1.0, 2.0]
    assert study.parameters["azerbaijan.change_cost"] == [spec.low, spec.high]
    assert study.included == ("azerbaijan.change_cost",)


def test_the_note_names_swamped_indices_and_counts_first_order_ones():
    sens = pd.DataFrame(
        {
            "outcome": ["x", "x", "y"],
            "parameter": ["azerbaijan.decision_noise", "b", "c"],
            "ST_swamped": [True, False, False],
            "S1_swamped": [True, True, False],
        }
    )
    note = swamped_note(sens, 128)
    assert "1 of 3 total indices (ST) are swamped" in note
    assert ": azerbaijan.decision_noise (x);" in note and "2 of 3 first-order indices (S1)" in note
    only_first = sens.assign(ST_swamped=False)
    assert "0 of 3 total" in swamped_note(only_first, 128)
