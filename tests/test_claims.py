"""Expert lenses and claim checks: words to bands, verdicts, the check command."""

import json

import pytest

from sim.analysis.check import (
    CONSISTENT,
    INCONCLUSIVE,
    INCONSISTENT,
    UNMAPPED,
    ClaimCheck,
    check_scenario,
    format_checks,
    read_all,
    verdict,
    with_user_mapping,
)
from sim.analysis.words import (
    AT_LEAST,
    AT_MOST,
    BAND,
    DEFAULT_MAPPING,
    ICD,
    ICD_203,
    KENT,
    KENT_1964,
    MAPPINGS,
    Band,
    band_for,
    load_mapping,
    why,
)
from sim.cli import main
from sim.formatting import json_text
from sim.results import Estimate
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.claims import Claim
from tests.conftest import REPO

EXPERTS = sorted((REPO / "scenarios" / "experts").glob("*.yaml"))
LENSES = ["tasits", "mikaelian", "kopalyan", "mirgadirov", "yunusov", "areshev", "pashinyan"]


def test_the_published_tables_are_as_printed():
    """ICD 203 section D.6.a and Kent (1964), row by row."""
    icd = {
        "almost no chance": (0.01, 0.05),
        "very unlikely": (0.05, 0.20),
        "unlikely": (0.20, 0.45),
        "roughly even chance": (0.45, 0.55),
        "likely": (0.55, 0.80),
        "very likely": (0.80, 0.95),
        "almost certain": (0.95, 0.99),
    }
    kent = {
        "certain": (1.0, 1.0),
        "almost certain": (0.87, 0.99),
        "probable": (0.63, 0.87),
        "chances about even": (0.40, 0.60),
        "probably not": (0.20, 0.40),
        "almost certainly not": (0.02, 0.12),
        "impossible": (0.0, 0.0),
    }
    assert {k: (b.low, b.high) for k, b in ICD_203.items()} == icd
    assert {k: (b.low, b.high) for k, b in KENT_1964.items()} == kent


# phrase: (reading, ICD 203 [low, high], Kent 1964 [low, high]); None = open to 1.
EXPECTED = {
    "almost no chance": (AT_MOST, (0, 0.05), (0, 0.12)),
    "remote": (AT_MOST, (0, 0.05), (0, 0.12)),
    "minimal": (AT_MOST, (0, 0.05), (0, 0.12)),
    "almost certainly not": (AT_MOST, (0, 0.05), (0, 0.12)),
    "very unlikely": (AT_MOST, (0, 0.20), (0, 0.12)),
    "highly improbable": (AT_MOST, (0, 0.20), (0, 0.12)),
    "highly unlikely": (AT_MOST, (0, 0.20), (0, 0.12)),
    "quite low": (AT_MOST, (0, 0.20), (0, 0.12)),
    "quite unlikely": (AT_MOST, (0, 0.20), (0, 0.12)),
    "unlikely": (AT_MOST, (0, 0.45), (0, 0.40)),
    "improbable": (AT_MOST, (0, 0.45), (0, 0.40)),
    "probably not": (AT_MOST, (0, 0.45), (0, 0.40)),
    "roughly even chance": (BAND, (0.45, 0.55), (0.40, 0.60)),
    "roughly even odds": (BAND, (0.45, 0.55), (0.40, 0.60)),
    "chances about even": (BAND, (0.45, 0.55), (0.40, 0.60)),
    "likely": (AT_LEAST, (0.55, None), (0.63, None)),
    "probable": (AT_LEAST, (0.55, None), (0.63, None)),
    "very likely": (AT_LEAST, (0.80, None), (0.87, None)),
    "highly probable": (AT_LEAST, (0.80, None), (0.87, None)),
    "highly likely": (AT_LEAST, (0.80, None), (0.87, None)),
    "would have to": (AT_LEAST, (0.80, None), (0.87, None)),
    "almost certain": (AT_LEAST, (0.95, None), (0.87, None)),
    "nearly certain": (AT_LEAST, (0.95, None), (0.87, None)),
    "possible": (AT_LEAST, (0.05, None), (0.02, None)),
    "cannot be ruled out": (AT_LEAST, (0.01, None), (0.02, None)),
}


@pytest.mark.parametrize("phrase", sorted(EXPECTED))
def test_each_phrase_is_a_band_or_a_bound_under_each_mapping(phrase):
    reading, icd, kent = EXPECTED[phrase]
    for mapping, (low, high) in ((ICD, icd), (KENT, kent)):
        band = band_for(phrase, mapping.bands)
        assert (band.low, band.high) == pytest.approx((low, high)), mapping.name
        assert band.reading == reading, mapping.name
    assert why(phrase), "every built-in phrase documents its reading"


def test_both_mappings_read_the_same_phrases_and_name_their_source():
    assert set(ICD.bands) == set(KENT.bands) == set(EXPECTED)
    assert "Directive 203" in ICD.source and "Kent" in KENT.source and "1964" in KENT.source
    assert [m.name for m in MAPPINGS] == ["ICD 203", "Kent 1964"]


def test_documented_choices_and_lookup():
    assert band_for("Minimal", DEFAULT_MAPPING) == band_for("almost no chance", DEFAULT_MAPPING)
    assert band_for("quite  low", DEFAULT_MAPPING).describe() == "<= 20%"
    assert band_for("possible", DEFAULT_MAPPING).describe() == ">= 5%"
    assert band_for("chances about even", KENT.bands).describe() == "40-60%"
    with pytest.raises(ScenarioError, match="did you mean 'unlikely'"):
        band_for("unlikley", DEFAULT_MAPPING)


@pytest.mark.parametrize(
    "ci, band, expected",
    [
        ((0.06, 0.10), Band(0.05, 0.20), (CONSISTENT, "")),
        ((0.001, 0.01), Band(0.05, 0.20), (INCONSISTENT, "model lower than the words")),
        ((0.30, 0.40), Band(0.05, 0.20), (INCONSISTENT, "model higher than the words")),
        ((0.03, 0.08), Band(0.05, 0.20), (INCONCLUSIVE, "")),
        ((0.50, 0.99), Band(0.05, None), (CONSISTENT, "")),
        ((0.01, 0.04), Band(0.05, None), (INCONSISTENT, "model lower than the words")),
        # one-sided upper bounds: any interval at or below the bound agrees
        ((0.0, 0.0004), Band(0.0, 0.20), (CONSISTENT, "")),
        ((0.15, 0.25), Band(0.0, 0.20), (INCONCLUSIVE, "")),
        ((0.21, 0.25), Band(0.0, 0.20), (INCONSISTENT, "model higher than the words")),
        # "cannot be ruled out" at least 1%: fails when the model all but rules it out
        ((0.0, 0.004), Band(0.01, None), (INCONSISTENT, "model lower than the words")),
    ],
)
def test_verdicts(ci, band, expected):
    assert verdict(ci, band) == expected


def test_a_user_mapping_is_a_further_column(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text("remote: [0, 0.02]\nplausible: [0.1]\n")
    mapping = load_mapping(path)
    assert mapping == {"remote": Band(0.0, 0.02), "plausible": Band(0.1, None)}
    mappings = with_user_mapping(mapping)
    assert [m.name for m in mappings] == ["ICD 203", "Kent 1964", "user"]
    readings = read_all(Estimate(30, 1000), "remote", mappings)
    assert [r.verdict for r in readings] == [CONSISTENT, CONSISTENT, INCONSISTENT]
    assert [r.verdict for r in read_all(Estimate(30, 1000), "likely", mappings)] == [
        INCONSISTENT,
        INCONSISTENT,
        UNMAPPED,
    ]
    path.write_text("remote: [0.5, 0.2]\n")
    with pytest.raises(ScenarioError, match="expected"):
        load_mapping(path)


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_every_lens_is_shipped_with_its_date_and_claims():
    assert sorted(p.stem for p in EXPERTS) == sorted(LENSES)
    for path in EXPERTS:
        s = load_scenario(path)
        assert s.as_of is not None and s.claims, path.name
        assert s.extends_chain and s.extends_chain[0].name == "baseline.yaml"
        for claim in s.claims:
            if not claim.is_ratio:
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


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_check_json_and_bad_claims(capsys, tmp_path):
    code = main(
        [
            "check",
            str(REPO / "scenarios" / "experts" / "yunusov.yaml"),
            "-n",
            "1000",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data[0]["scenario"] == "yunusov"
    assert {c["verdict"] for c in data[0]["claims"]} <= {CONSISTENT, INCONSISTENT, INCONCLUSIVE}
    words = tmp_path / "words.yaml"
    words.write_text("unlikely: [0.2, 0.45]\n")  # ICD's printed row, read as a band
    assert (
        main(
            [
                "check",
                str(REPO / "scenarios" / "experts" / "yunusov.yaml"),
                "-n",
                "1000",
                "--format",
                "json",
                "--mapping",
                str(words),
            ]
        )
        == 0
    )
    first = json.loads(capsys.readouterr().out)[0]["claims"][0]
    assert list(first["verdicts"]) == ["ICD 203", "Kent 1964", "user"]
    assert first["verdicts"]["user"]["verdict"] == INCONSISTENT and first["flips"] is True
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: b\nclaims:\n  - {outcome: invasion, words: likely, quote: q, "
        "source: 000_b6c8157d2dc91f0e.txt}\n  - {outcome: border_clash}\n"
    )
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'full_scale_invasion'" in err and "missing words, quote, source" in err


@pytest.mark.slow
def test_the_baseline_agrees_with_the_majority_of_the_seed_experts():
    """Full-scale invasion within 12 months 'unlikely' or lower (at most 45%, ICD 203)
    and border clashes 'possible' (at least 5%), by the 95% intervals, 20,000 worlds."""
    from sim.montecarlo import run_scenario

    r = run_scenario(
        load_scenario(REPO / "scenarios" / "baseline.yaml"), n_worlds=20_000, seed=2024
    )
    assert r.estimate("full_scale_invasion").ci[1] <= 0.45
    assert r.estimate("full_scale_invasion").ci[1] < r.estimate("limited_incursion").ci[0]
    assert r.estimate("border_clash").ci[0] >= 0.05


@pytest.mark.slow
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


def _check(words: str, k: int, n: int, given: str | None = None) -> ClaimCheck:
    claim = Claim("full_scale_invasion", words, "q", "000_b6c8157d2dc91f0e.txt", "X", given)
    est = Estimate(k, n)
    return ClaimCheck(claim, est, read_all(est, words, MAPPINGS), 52)


def test_a_verdict_that_flips_between_mappings_is_flagged():
    """15% "highly unlikely": within ICD's <= 20%, above Kent's <= 12%."""
    flip = _check("highly unlikely", 1_500, 10_000)
    assert [r.verdict for r in flip.readings] == [CONSISTENT, INCONSISTENT]
    assert flip.flips and flip.to_dict()["flips"] is True
    assert "FLIPS" in format_checks("x", [flip], 0)
    steady = _check("highly unlikely", 10, 10_000)
    assert not steady.flips and "FLIPS" not in format_checks("x", [steady], 0)
    assert [r.beyond_row for r in steady.readings] == ["below", "below"]


def test_check_json_shape():
    data = json.loads(json_text(_check("would have to", 8_300, 10_000)))
    assert data["verdict"] == data["verdicts"]["ICD 203"]["verdict"] == CONSISTENT
    assert data["verdicts"]["Kent 1964"] == {
        "band": [0.87, None],
        "reading": AT_LEAST,
        "verdict": INCONSISTENT,
        "side": "model lower than the words",
        "beyond_row": "",
    }
    assert data["flips"] is True
    assert {
        "who",
        "outcome",
        "words",
        "quote",
        "source",
        "estimate",
        "horizon_weeks",
        "method",
        "band",
        "side",
    } <= set(data)


def test_possible_fails_when_the_model_rules_the_event_out(tmp_path):
    """A frozen ladder never clashes: the 95% interval of 0 in 2,000 worlds ends near
    0.19%, below every floor, so "possible" and "cannot be ruled out" fail under both
    mappings, while "minimal" holds."""
    path = tmp_path / "frozen.yaml"
    path.write_text("""\
name: frozen
horizon_weeks: 20
parameters:
  azerbaijan: {change_cost: 15, decision_noise: 0.2}
claims:
  - {outcome: border_clash, words: possible, quote: q, source: 000_b6c8157d2dc91f0e.txt}
  - {outcome: border_clash, words: cannot be ruled out, quote: q, source: 000_b6c8157d2dc91f0e.txt}
  - {outcome: border_clash, words: minimal, quote: q, source: 000_b6c8157d2dc91f0e.txt}
""")
    checks = check_scenario(load_scenario(path), n_worlds=2_000, seed=1)
    assert checks[0].estimate.k == 0 and checks[0].estimate.ci[1] < 0.01
    for c in checks[:2]:
        assert [r.verdict for r in c.readings] == [INCONSISTENT, INCONSISTENT]
        assert c.side == "model lower than the words"
    assert [r.verdict for r in checks[2].readings] == [CONSISTENT, CONSISTENT]
