"""Expert lenses and claim checks: words to bands, verdicts, the check command."""

import json
from pathlib import Path

import pytest

from sim.analysis.check import CONSISTENT, INCONCLUSIVE, INCONSISTENT, check_scenario, verdict
from sim.analysis.words import DEFAULT_MAPPING, ICD_203, Band, band_for, load_mapping
from sim.cli import main
from sim.scenario import ScenarioError, load_scenario

REPO = Path(__file__).resolve().parents[1]
EXPERTS = sorted((REPO / "scenarios" / "experts").glob("*.yaml"))
LENSES = ["tasits", "mikaelian", "kopalyan", "mirgadirov", "yunusov", "areshev", "pashinyan"]


def test_icd_203_bands_are_the_published_ones():
    published = {"almost no chance": (0.0, 0.05), "very unlikely": (0.05, 0.20),
                 "unlikely": (0.20, 0.45), "roughly even chance": (0.45, 0.55),
                 "likely": (0.55, 0.80), "very likely": (0.80, 0.95),
                 "almost certain": (0.95, 1.0)}
    for words, (lo, hi) in published.items():
        assert ICD_203[words] == Band(lo, hi)


def test_documented_choices_and_lookup():
    assert band_for("Minimal", DEFAULT_MAPPING) == ICD_203["almost no chance"]
    assert band_for("quite  low", DEFAULT_MAPPING) == ICD_203["very unlikely"]
    assert band_for("possible", DEFAULT_MAPPING).high is None
    with pytest.raises(ScenarioError, match="did you mean 'unlikely'"):
        band_for("unlikley", DEFAULT_MAPPING)


@pytest.mark.parametrize("ci, band, expected", [
    ((0.06, 0.10), Band(0.05, 0.20), (CONSISTENT, "")),
    ((0.001, 0.01), Band(0.05, 0.20), (INCONSISTENT, "model lower than the words")),
    ((0.30, 0.40), Band(0.05, 0.20), (INCONSISTENT, "model higher than the words")),
    ((0.03, 0.08), Band(0.05, 0.20), (INCONCLUSIVE, "")),
    ((0.50, 0.99), Band(0.05, None), (CONSISTENT, "")),
    ((0.01, 0.04), Band(0.05, None), (INCONSISTENT, "model lower than the words")),
])
def test_verdicts(ci, band, expected):
    assert verdict(ci, band) == expected


def test_a_user_mapping_replaces_the_default(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text("remote: [0, 0.02]\nplausible: [0.1]\n")
    mapping = load_mapping(path)
    assert mapping == {"remote": Band(0.0, 0.02), "plausible": Band(0.1, None)}
    path.write_text("remote: [0.5, 0.2]\n")
    with pytest.raises(ScenarioError, match="expected"):
        load_mapping(path)


def test_every_lens_is_shipped_with_its_date_and_claims():
    assert sorted(p.stem for p in EXPERTS) == sorted(LENSES)
    for path in EXPERTS:
        s = load_scenario(path)
        assert s.as_of is not None and s.claims, path.name
        assert s.extends_chain and s.extends_chain[0].name == "baseline.yaml"
        for claim in s.claims:
            band_for(claim.words, DEFAULT_MAPPING)  # every claim's words have a band
    tasits = load_scenario(REPO / "scenarios" / "experts" / "tasits.yaml")
    assert any(c.given == "full_scale_invasion" for c in tasits.claims)  # the conditional


def test_check_finds_a_known_consistent_and_a_known_inconsistent_claim(tmp_path):
    """A frozen ladder makes P(border clash) exactly 0: 'almost no chance' is consistent,
    'likely' is inconsistent (the model is lower than the words)."""
    path = tmp_path / "frozen.yaml"
    path.write_text("""\
name: frozen
horizon_weeks: 20
parameters:
  azerbaijan: {change_cost: 15, decision_noise: 0.2}
claims:
  - {outcome: border_clash, words: almost no chance, quote: q, source: 000_b6c8157d2dc91f0e.txt}
  - {outcome: border_clash, words: likely, quote: q, source: 000_b6c8157d2dc91f0e.txt}
""")
    checks = check_scenario(load_scenario(path), n_worlds=2_000, seed=1)
    assert [c.verdict for c in checks] == [CONSISTENT, INCONSISTENT]
    assert checks[0].estimate.k == 0 and checks[1].side == "model lower than the words"
    assert main(["check", str(path), "-n", "500"]) == 0
    assert main(["check", str(path), "-n", "500", "--strict"]) == 1


def test_check_json_and_bad_claims(capsys, tmp_path):
    code = main(["check", str(REPO / "scenarios" / "experts" / "yunusov.yaml"), "-n", "1000",
                 "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data[0]["scenario"] == "yunusov"
    assert {c["verdict"] for c in data[0]["claims"]} <= {CONSISTENT, INCONSISTENT, INCONCLUSIVE}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: b\nclaims:\n  - {outcome: invasion, words: likely, quote: q, "
                   "source: 000_b6c8157d2dc91f0e.txt}\n  - {outcome: border_clash}\n")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'full_scale_invasion'" in err and "missing words, quote, source" in err


def test_the_baseline_agrees_with_the_majority_of_the_seed_experts():
    """Full-scale invasion within 12 months 'unlikely' or lower (at most 45%, ICD 203)
    and border clashes 'possible' (at least 5%), by the 95% intervals, 20,000 worlds."""
    from sim.montecarlo import run_scenario

    r = run_scenario(load_scenario(REPO / "scenarios" / "baseline.yaml"), n_worlds=20_000,
                     seed=2024)
    assert r.estimate("full_scale_invasion").ci[1] <= 0.45
    assert r.estimate("full_scale_invasion").ci[1] < r.estimate("limited_incursion").ci[0]
    assert r.estimate("border_clash").ci[0] >= 0.05


def test_a_rare_condition_is_checked_over_worlds_held_on_its_rung():
    """Tasits' conditional: invasion is too rare in his own lens to condition on, so
    the check holds worlds on rung 5 and says so; the reaction is then far likelier
    than in the baseline, whose Russia does not mean to defend Armenia."""
    tasits = load_scenario(REPO / "scenarios" / "experts" / "tasits.yaml")
    cond = [c for c in check_scenario(tasits, n_worlds=3_000, seed=5) if c.claim.given][0]
    assert "held on rung 5" in cond.method and cond.estimate.n == 3_000
    base = tasits.with_overrides({"russia.defend_armenia": 0.15, "csto.obligation_strength": 0.2})
    weak = [c for c in check_scenario(base, n_worlds=3_000, seed=5) if c.claim.given][0]
    assert weak.estimate.ci[1] < cond.estimate.ci[0]
