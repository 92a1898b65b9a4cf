"""Mechanism claims: a ratio of chances between a lens and the lens with a counterfactual
change, on the same worlds (sim.analysis.ratio), its schema and its reporting."""

import json
import shutil

import numpy as np
import pytest

from sim.analysis.check import check_scenario, format_checks
from sim.analysis.ratio import (
    CONSISTENT,
    INCONCLUSIVE,
    INCONSISTENT,
    PairedTable,
    RatioCheck,
    outcome_indicators,
    ratio_interval,
    ratio_verdict,
)
from sim.cli import main
from sim.montecarlo import run_scenario
from sim.outcomes import OUTCOME_NAMES
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.claims import RatioBound
from tests.conftest import BASELINE, REPO

S0 = "000_b6c8157d2dc91f0e.txt"
# Baku's ladder held still (the most change cost at the least noise the ranges allow):
# a world never leaves the rung it starts on, so which rung it starts on decides a
# rung outcome in every world (a world started on rung 2 has fought a clash).
FROZEN = "parameters:\n  azerbaijan: {change_cost: 15, decision_noise: 0.2}\n"


# --- the interval, on tables whose answer is known ------------------------------------


def paired_worlds(rng, n, p_lens, ratio, overlap):
    """n paired worlds: the outcome in the lens with chance p_lens, with the change with
    chance ratio * p_lens; a share ``overlap`` of the lens's worlds keep it (the pairing
    common random numbers give)."""
    lens = rng.random(n) < p_lens
    keep = lens & (rng.random(n) < overlap)
    extra = (ratio * p_lens - overlap * p_lens) / (1 - overlap * p_lens)
    changed = keep | (~keep & (rng.random(n) < extra))
    return changed, lens


def test_the_interval_covers_the_true_ratio_about_95_times_in_100():
    """400 tables of 2,000 paired worlds with a true ratio of 2 (10% -> 20%, strongly
    paired): the 95% interval covers 2 in 0.95 of them up to Monte Carlo error (binomial
    sd of the coverage over 400 tables: 1.1 points; accepted 0.91 to 0.99)."""
    rng = np.random.default_rng(3)
    covered = 0
    for i in range(400):
        table = PairedTable.of(*paired_worlds(rng, 2_000, 0.10, 2.0, 0.9))
        lo, hi = ratio_interval(table, seed=i, draws=2_000)
        covered += lo <= 2.0 <= hi
    assert 0.91 <= covered / 400 <= 0.99


def test_pairing_narrows_the_interval():
    """The same two chances, paired (common random numbers) or independent: the paired
    table's interval is narrower, which is why both arms run on the same worlds."""
    rng = np.random.default_rng(5)
    changed, lens = paired_worlds(rng, 5_000, 0.2, 1.5, 0.95)
    independent = PairedTable.of(changed, rng.permutation(lens))
    lo_p, hi_p = ratio_interval(PairedTable.of(changed, lens), seed=1)
    lo_i, hi_i = ratio_interval(independent, seed=1)
    assert hi_p - lo_p < 0.6 * (hi_i - lo_i)


def test_empty_arms_give_honest_intervals():
    only_changed = PairedTable(both=0, changed_only=60, lens_only=0, neither=9_940)
    assert only_changed.ratio == float("inf")
    assert ratio_interval(only_changed, seed=0)[0] > 2  # 60 against none: more than 2x
    nothing = PairedTable(0, 0, 0, 10_000)
    assert np.isnan(nothing.ratio)
    lo, hi = ratio_interval(nothing, seed=0)
    assert lo < 0.5 and hi > 2  # no world says anything: the interval says so
    assert ratio_interval(nothing, seed=0) == ratio_interval(nothing, seed=0)  # seeded


@pytest.mark.parametrize(
    "ci, bound, expected",
    [
        ((2.1, 3.0), RatioBound(2, None), (CONSISTENT, "")),
        (
            (1.5, 1.6),
            RatioBound(2, None),
            (INCONSISTENT, "below the claim: the change matters less"),
        ),
        ((1.5, 2.5), RatioBound(2, None), (INCONCLUSIVE, "")),
        ((0.2, 0.4), RatioBound(None, 0.5), (CONSISTENT, "")),
        (
            (0.7, 0.8),
            RatioBound(None, 0.5),
            (INCONSISTENT, "above the claim: the change matters less"),
        ),
        (
            (0.1, 0.2),
            RatioBound(0.3, 0.5),
            (INCONSISTENT, "below the claim: the change matters more"),
        ),
        (
            (3.0, 4.0),
            RatioBound(1.5, 2.5),
            (INCONSISTENT, "above the claim: the change matters more"),
        ),
    ],
)
def test_ratio_verdicts(ci, bound, expected):
    verdict, side = ratio_verdict(ci, bound)
    assert verdict == expected[0] and expected[1] in side


# --- the check on controlled scenarios -------------------------------------------------


def lens_with(tmp_path, claims: str, initial_rung: int = 1, change: str = "", own=FROZEN) -> str:
    """A lens (frozen by default) starting on ``initial_rung`` and a counterfactual file
    ``cf.yaml`` with ``change`` (its own keys), beside a copy of the baseline."""
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    (tmp_path / "cf.yaml").write_text(f"name: cf\nextends: baseline.yaml\n{change}")
    path = tmp_path / "lens.yaml"
    path.write_text(
        f"name: lens\nextends: baseline.yaml\nhorizon_weeks: 8\ninitial: {{rung: {initial_rung}}}\n"
        f"{own}claims:\n{claims}"
    )
    return str(path)


def claim(outcome: str, ratio: str, cf: str = "cf.yaml") -> str:
    return (
        f"  - {{who: X, outcome: {outcome}, counterfactual: {cf}, ratio: {ratio}, "
        f"quote: q, source: {S0}}}\n"
    )


def test_a_change_that_changes_nothing_pairs_every_world(tmp_path):
    """The change sets a parameter to the value the lens already gives it: with common
    random numbers every world ends the same in both runs (no discordant pair), the ratio
    is exactly 1 and its interval tight around it."""
    same = "parameters:\n  usa_eu: {mediation: 0.5}\n"
    path = lens_with(
        tmp_path,
        claim("border_clash", "{at_least: 2}")
        + claim("border_clash", "{at_least: 0.9, at_most: 1.1}"),
        change=same,
        own=same,
    )
    doubled, near_one = check_scenario(load_scenario(path), n_worlds=1_000, seed=4)
    assert isinstance(doubled, RatioCheck) and doubled.table.lens.k >= 50
    assert doubled.table.changed_only == doubled.table.lens_only == 0
    assert doubled.ratio == 1.0 and 0.9 < doubled.ci[0] <= 1.0 <= doubled.ci[1] < 1.1
    assert doubled.verdict == INCONSISTENT and near_one.verdict == CONSISTENT


def test_known_ratios_from_the_starting_rung(tmp_path):
    """Frozen worlds: the lens starts on rung 1 (never a clash), the change starts them on
    rung 2 (a clash in every world): the ratio is infinite, so "at least 2" holds and
    "at most 0.5" fails; the other way round (lens on 2, change to 1) the ratio is 0."""
    path = lens_with(
        tmp_path,
        claim("border_clash", "{at_least: 2}") + claim("border_clash", "{at_most: 0.5}"),
        initial_rung=1,
        change="initial: {rung: 2}\n",
    )
    up, capped = check_scenario(load_scenario(path), n_worlds=1_000, seed=2)
    assert (up.table.lens.k, up.table.changed.k) == (0, 1_000)
    assert up.verdict == CONSISTENT and capped.verdict == INCONSISTENT
    path = lens_with(
        tmp_path,
        claim("border_clash", "{at_most: 0.5}") + claim("border_clash", "{at_least: 2}"),
        initial_rung=2,
        change="initial: {rung: 1}\n",
    )
    down, raised = check_scenario(load_scenario(path), n_worlds=1_000, seed=2)
    assert down.ratio == 0.0 and down.ci[1] < 0.01
    assert down.verdict == CONSISTENT and raised.verdict == INCONSISTENT
    assert "matters less" in raised.side


def test_the_paired_worlds_are_a_plain_runs_worlds():
    """The indicators the ratio reads count what run_scenario counts, for the same seed."""
    scenario = load_scenario(BASELINE)
    ind = outcome_indicators(scenario, 600, seed=9, horizon_weeks=10)
    result = run_scenario(scenario, n_worlds=600, seed=9, horizon_weeks=10)
    for name in ("border_clash", "limited_incursion"):
        assert ind[OUTCOME_NAMES.index(name)].sum() == result.estimate(name).k


def test_text_json_and_strict(tmp_path, capsys):
    path = lens_with(
        tmp_path,
        claim("border_clash", "{at_most: 0.5}"),
        initial_rung=1,
        change="initial: {rung: 2}\n",
    )
    checks = check_scenario(load_scenario(path), n_worlds=300, seed=1)
    text = format_checks("lens", checks, 1)
    assert "with cf / lens <= 0.5" in text and "n=300 paired worlds" in text
    assert "INCONSISTENT" in text and "ratio inf, 95% interval [" in text
    assert main(["check", path, "-n", "300", "--format", "json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)[0]["claims"][0]
    assert data["kind"] == "ratio" and data["bound"] == {"at_most": 0.5}
    assert data["lens"]["n"] == data["changed"]["n"] == data["n"] == 300
    assert data["paired"]["changed_only"] == 300 and data["verdict"] == INCONSISTENT
    assert main(["check", path, "-n", "300", "--strict", "-q"]) == 1


# --- the schema ------------------------------------------------------------------------


CF, R2 = "counterfactual: cf.yaml", "ratio: {at_least: 2}"


@pytest.mark.parametrize(
    "fields, key_path, words",
    [
        (R2, "claims[0]", "missing counterfactual"),
        (CF, "claims[0]", "missing ratio"),
        (f"{CF}, ratio: {{at_lest: 2}}", "claims[0].ratio.at_lest", "did you mean 'at_least'"),
        (f"{CF}, ratio: {{}}", "claims[0].ratio", "give at_least:, at_most: or both"),
        (f"{CF}, ratio: {{at_least: -1}}", "claims[0].ratio.at_least", "a ratio between"),
        (f"{CF}, ratio: {{at_least: .nan}}", "claims[0].ratio.at_least", "a ratio between"),
        (f"{CF}, ratio: {{at_least: 2, at_most: 1}}", "claims[0].ratio", "at_least < at_most"),
        (f"{CF}, ratio: 2", "claims[0].ratio", "expected a mapping like {at_least: 2}"),
        (f"counterfactual: nowhere.yaml, {R2}", "claims[0].counterfactual", "does not exist"),
        (f"given: border_clash, {CF}, {R2}", "claims[0].given", "takes no given:"),
        (f"counterfactual: empty.yaml, {R2}", "claims[0].counterfactual", "changes nothing"),
        (f"counterfactual: bad.yaml, {R2}", "claims[0].counterfactual", "has the problems above"),
    ],
)
def test_bad_mechanism_claims(tmp_path, fields, key_path, words):
    (tmp_path / "cf.yaml").write_text("name: cf\ninitial: {rung: 2}\n")
    (tmp_path / "empty.yaml").write_text("name: empty\n")
    (tmp_path / "bad.yaml").write_text(
        "name: bad\nparameters:\n  usa_eu: {sanctions_credibility: 7}\n"
    )
    path = tmp_path / "lens.yaml"
    path.write_text(
        f"name: lens\nclaims:\n  - {{outcome: border_clash, {fields}, quote: q, source: {S0}}}\n"
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    found = [p for p in exc.value.problems if p.key_path == key_path and words in p.message]
    assert found, exc.value.problems
    assert found[0].line is not None


def test_a_change_sourced_from_the_claims_quote_is_refused(tmp_path):
    quote = "which will most likely prevent such developments"
    (tmp_path / "cf.yaml").write_text(
        "name: cf\nparameters:\n  usa_eu:\n    sanctions_credibility:\n      value: 0\n"
        f'      source: "{S0}: \\"{quote}\\""\n'
    )
    path = tmp_path / "lens.yaml"
    path.write_text(
        "name: lens\nclaims:\n  - {outcome: full_scale_invasion, counterfactual: cf.yaml, "
        f'ratio: {{at_least: 2}}, quote: "{quote}", source: {S0}}}\n'
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (problem,) = exc.value.problems
    assert problem.file == str(tmp_path / "cf.yaml")
    assert "cannot be sourced from the claim" in problem.message


def test_a_lens_extending_a_lens_keeps_its_change(tmp_path):
    (tmp_path / "sub").mkdir()
    path = lens_with(
        tmp_path, claim("border_clash", "{at_least: 2}"), change="initial: {rung: 2}\n"
    )
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("name: child\nextends: ../lens.yaml\n")
    (c,) = load_scenario(child).claims
    assert c.counterfactual.path == (tmp_path / "cf.yaml").resolve()
    assert c.to_dict()["counterfactual"] == "cf.yaml" and c.to_dict()["ratio"] == {"at_least": 2.0}
    assert load_scenario(path).claims[0].is_ratio


@pytest.mark.slow
def test_every_lens_but_the_quoted_prime_minister_makes_a_mechanism_claim():
    """Each lens has a claim the model can fail: a mechanism claim (a ratio bound on the
    lens's own cause), or, for Pashinyan, whose reasons in seed 001 are the lens's inputs,
    his "highly likely", a lower bound of 80% (ICD 203)."""
    for path in sorted((REPO / "scenarios" / "experts").glob("*.yaml")):
        lens = load_scenario(path)
        ratios = [c for c in lens.claims if c.is_ratio]
        if path.stem == "pashinyan":
            assert not ratios and [c.words for c in lens.claims] == ["highly likely"]
            continue
        assert ratios, path.name
        for c in ratios:
            assert c.counterfactual.path.parent.name == "counterfactuals", path.name
            assert c.quote and c.source.startswith(("000_", "001_")), path.name
