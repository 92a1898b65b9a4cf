"""Scenario files: good input loads right, bad input gets one clear report of every problem."""

import textwrap
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from sim.scenario import Beta, Fixed, ScenarioError, Triangular, TruncNormal, Uniform, load_scenario
from sim.scenario.scenario import Scenario
from sim.seeding import chunk_seed
from tests.conftest import REPO


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.problems


def test_a_good_file_loads_with_its_values(tmp_path):
    path = write(
        tmp_path,
        """\
        name: test
        as_of: 2024-03-01
        horizon_weeks: 26
        initial: {rung: 2, sanctions_imposed: true}
        parameters:
          azerbaijan:
            risk_aversion: {beta: {a: 2, b: 2}, meaning: m, source: "assumption: test"}
            decision_noise: 2
          usa_eu:
            sanctions_credibility: {uniform: [0.2, 0.4]}
          turkey:
            stance: {triangular: [-1, 0, 0.5]}
          russia:
            push: {normal: {mean: 1, sd: 2}}
        """,
    )
    s = load_scenario(path)
    assert s.name == "test" and s.horizon_weeks == 26 and str(s.as_of) == "2024-03-01"
    assert s.initial.rung == 2 and s.initial.sanctions_imposed and s.initial.occupied_km2 == 170
    p = s.parameters
    # A beta spans the parameter's registered range (risk aversion: 0 to 1).
    assert p["azerbaijan.risk_aversion"].dist == Beta(2, 2, 0.0, 1.0)
    assert p["azerbaijan.risk_aversion"].source == "assumption: test"
    assert p["azerbaijan.decision_noise"].dist == Fixed(2.0)
    assert p["usa_eu.sanctions_credibility"].dist == Uniform(0.2, 0.4)
    assert p["turkey.stance"].dist == Triangular(-1, 0, 0.5)
    assert p["russia.push"].dist == TruncNormal(1.0, 2.0, 0.0, 6.0)
    # Parameters the file does not set keep their defaults, with the default's source.
    from sim.actors import PARAMS_BY_KEY

    assert len(p) == len(PARAMS_BY_KEY)
    spec = PARAMS_BY_KEY["csto.obligation_strength"]
    assert p[spec.key].dist == Fixed(spec.default)
    assert p[spec.key].source == spec.source


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(0.2, 0.7),
        Beta(8, 2, 0, 1),
        Beta(2, 5, 1, 3),
        Triangular(0, 1, 4),
        Triangular(0, 0, 1),
        TruncNormal(0.5, 0.3, 0, 1),
        TruncNormal(5.5, 2, 0, 6),
    ],
)
def test_distributions_sample_inside_support_with_the_analytic_mean(dist):
    """20,000 seeded draws: all inside the support, mean within 4 standard errors."""
    x = dist.sample(np.random.default_rng(123), 20_000)
    lo, hi = dist.support()
    assert x.min() >= lo and x.max() <= hi
    assert abs(x.mean() - dist.mean()) < 4 * x.std() / np.sqrt(x.size)


def test_fixed_draws_nothing():
    rng = np.random.default_rng(5)
    before = rng.bit_generator.state
    assert np.all(Fixed(0.3).sample(rng, 10) == 0.3)
    assert rng.bit_generator.state == before


def test_changing_one_distribution_leaves_the_other_draws_alone():
    base = load_scenario(REPO / "scenarios" / "baseline.yaml")
    other = base.with_overrides({"azerbaijan.risk_aversion": Uniform(0.1, 0.2)})
    a, b = base.sample(chunk_seed(1, 0), 100), other.sample(chunk_seed(1, 0), 100)
    for key in a:
        if key != "azerbaijan.risk_aversion":
            np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["azerbaijan.risk_aversion"], b["azerbaijan.risk_aversion"])


def test_extends_overrides_key_by_key(tmp_path):
    write(
        tmp_path,
        """\
        name: parent
        horizon_weeks: 30
        initial: {rung: 2, occupied_km2: 200}
        parameters:
          russia: {push: 2.0, defend_armenia: 0.5}
        """,
        "parent.yaml",
    )
    (tmp_path / "lenses").mkdir()
    child = write(
        tmp_path,
        """\
        name: child
        extends: ../parent.yaml
        initial: {rung: 3}
        parameters:
          russia: {push: 0.5}
        """,
        "lenses/child.yaml",
    )
    s = load_scenario(child)
    assert s.name == "child" and s.horizon_weeks == 30
    assert s.initial.rung == 3 and s.initial.occupied_km2 == 200
    assert s.parameters["russia.push"].dist == Fixed(0.5)
    assert s.parameters["russia.defend_armenia"].dist == Fixed(0.5)
    assert [p.name for p in s.extends_chain] == ["parent.yaml"]


def test_extends_cycle_and_missing_parent(tmp_path):
    write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    (problem,) = problems_of(tmp_path / "a.yaml")
    assert "cycle" in problem.message and problem.key_path == "extends"
    path = write(tmp_path, "name: c\nextends: nowhere.yaml\n", "c.yaml")
    (problem,) = problems_of(path)
    assert "does not exist" in problem.message and problem.line == 2


@pytest.mark.parametrize(
    "text, key_path, suggestion",
    [
        ("name: x\nhorizon_wekes: 10\n", "horizon_wekes", "horizon_weeks"),
        ("name: x\nparameters:\n  azerbajan: {}\n", "parameters.azerbajan", "azerbaijan"),
        (
            "name: x\nparameters:\n  azerbaijan:\n    risk_aversn: 0.5\n",
            "parameters.azerbaijan.risk_aversn",
            "risk_aversion",
        ),
        (
            "name: x\nparameters:\n  azerbaijan:\n    risk_aversion: {vaule: 0.5}\n",
            "parameters.azerbaijan.risk_aversion.vaule",
            "value",
        ),
        ("name: x\ninitial: {rungs: 2}\n", "initial.rungs", "rung"),
    ],
)
def test_misspelt_keys_get_did_you_mean(tmp_path, text, key_path, suggestion):
    problems = problems_of(write(tmp_path, text))
    match = [p for p in problems if p.key_path == key_path]
    assert match, problems
    assert f"did you mean '{suggestion}'" in match[0].message
    assert match[0].line is not None


@pytest.mark.parametrize(
    "text, key_path, words",
    [
        ("name: x\nhorizon_weeks: many\n", "horizon_weeks", "expected a whole number"),
        ("name: x\nhorizon_weeks: 0\n", "horizon_weeks", "1 to 520"),
        ("name: x\ninitial: {rung: 7}\n", "initial.rung", "0 to 5"),
        (
            "name: x\ninitial: {sanctions_imposed: 'no'}\n",
            "initial.sanctions_imposed",
            "true or false",
        ),
        (
            "name: x\nparameters:\n  russia:\n    push: high\n",
            "parameters.russia.push",
            "expected a number, found text 'high'",
        ),
        ("name: x\nparameters:\n  russia:\n    push: 9\n", "parameters.russia.push", "[0, 6]"),
        (
            "name: x\nparameters:\n  russia:\n    push: {uniform: [1, 8]}\n",
            "parameters.russia.push",
            "values from 1 to 8",
        ),
        (
            "name: x\nparameters:\n  russia:\n    push: {uniform: [2, 1]}\n",
            "parameters.russia.push.uniform",
            "low < high",
        ),
        (
            "name: x\nparameters:\n  russia:\n    push: {value: 1, uniform: [0, 1]}\n",
            "parameters.russia.push",
            "exactly one of",
        ),
        (
            "name: x\nparameters:\n  russia:\n    push: {beta: {a: 1}}\n",
            "parameters.russia.push.beta",
            "missing b",
        ),
        (
            "name: x\nparameters:\n  russia:\n    push: {value: 1, source: 'my hunch'}\n",
            "parameters.russia.push.source",
            "assumption:",
        ),
        ("name: x\nas_of: someday\n", "as_of", "a date"),
    ],
)
def test_wrong_values_say_what_was_expected_and_found(tmp_path, text, key_path, words):
    problems = problems_of(write(tmp_path, text))
    match = [p for p in problems if p.key_path == key_path]
    assert match, problems
    assert words in match[0].message


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        """\
        name: x
        horizon_weeks: -3
        initial: {rung: 9}
        parameters:
          russia:
            psuh: 1
        """,
    )
    problems = problems_of(path)
    assert [p.line for p in problems] == [2, 3, 6]
    text = str(ScenarioError(problems))
    assert text.startswith("3 problems") and f"{path}:6: parameters.russia.psuh" in text


def test_duplicate_keys_are_rejected_with_both_lines(tmp_path):
    (problem,) = problems_of(write(tmp_path, "name: x\nhorizon_weeks: 10\nhorizon_weeks: 20\n"))
    assert "duplicate" in problem.message and problem.line == 3 and "line 2" in problem.message


def test_python_tags_are_reported_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = write(tmp_path, f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    problems = problems_of(path)
    assert any("tags are not allowed" in p.message for p in problems)
    assert not marker.exists()


def test_yaml_1_2_keeps_no_as_text(tmp_path):
    s = load_scenario(write(tmp_path, "name: NO\ndescription: yes\n"))
    assert s.name == "NO" and s.description == "yes"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("name: [unclosed\n", "not valid YAML"),
        ("horizon_weeks: 5\n", "missing"),
    ],
)
def test_unreadable_files(tmp_path, text, words):
    problems = problems_of(write(tmp_path, text))
    assert any(words in p.message for p in problems), problems


def test_missing_file(tmp_path):
    (problem,) = problems_of(tmp_path / "nope.yaml")
    assert problem.message == "file not found" and "nope.yaml" in problem.file


def test_to_dict_round_trips_to_the_same_numbers(tmp_path):
    base = load_scenario(REPO / "scenarios" / "baseline.yaml")
    path = tmp_path / "resolved.yaml"
    yaml = YAML(typ="safe", pure=True)
    with path.open("w") as f:
        yaml.dump(base.to_dict(), f)
    again = load_scenario(path)
    assert again.to_dict() == base.to_dict()
    a, b = base.sample(chunk_seed(3, 1), 50), again.sample(chunk_seed(3, 1), 50)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_with_overrides_checks_names_and_ranges():
    s = Scenario.from_defaults()
    assert s.with_overrides({"russia.push": 2.0}).parameters["russia.push"].dist == Fixed(2.0)
    with pytest.raises(ScenarioError, match="did you mean 'russia.push'"):
        s.with_overrides({"russia.psh": 2.0})
    with pytest.raises(ScenarioError, match="outside the range"):
        s.with_overrides({"russia.push": 60.0})


@pytest.mark.slow
def test_every_shipped_scenario_is_valid_and_fully_sourced():
    """Every parameter a shipped scenario sets has a meaning and a traceable source."""
    files = sorted((REPO / "scenarios").rglob("*.yaml"))
    assert files
    for path in files:
        s = load_scenario(path)
        for key, entry in s.parameters.items():
            if entry.origin is not None and entry.origin.resolve() == path.resolve():
                assert entry.source, f"{path.name}: {key} has no source"
