"""The experts' central arguments move the result in their own lenses (issue 11, "Must
show"): in Tasits' lens a binding CSTO obligation, and in Kopalyan's a credible US
sanctions threat, each at least halve the chance of a full-scale invasion within a year.

Both runs of a pair share the seed, so they differ only by the lever (common random
numbers). The halving is checked on the counts, and the lever-off count must be large
enough that a halving can be told from noise: the check would fail if the lever moved
nothing (the two counts would be within a few of each other) and cannot pass on a
handful of events.
"""

import pytest

from sim.montecarlo import run_scenario
from sim.outcomes import OUTCOME_NAMES
from sim.package_data import scenarios_dir
from sim.scenario import load_scenario

WORLDS = 100_000
SEED = 20250320
INVASION = OUTCOME_NAMES.index("full_scale_invasion")
# Below this many invasions with the lever off, a halving is not measurable at this size
# (the count's standard error is its square root, so 40 events put half of it 3 standard
# errors away).
MIN_EVENTS = 40


def invasions(lens: str, key: str, value: float) -> int:
    scenario = load_scenario(scenarios_dir() / "experts" / f"{lens}.yaml")
    result = run_scenario(
        scenario.with_overrides({key: value}),
        n_worlds=WORLDS,
        seed=SEED,
        horizon_weeks=52,
        workers=2,
        spread=None,
    )
    return int(result.tally.co_occurrence[INVASION, INVASION])


@pytest.mark.slow
@pytest.mark.parametrize(
    "lens, key",
    [
        ("tasits", "csto.obligation_strength"),
        ("kopalyan", "usa_eu.sanctions_credibility"),
    ],
)
def test_the_lens_central_argument_at_least_halves_a_full_scale_invasion(lens, key):
    off, on = invasions(lens, key, 0.0), invasions(lens, key, 1.0)
    assert off >= MIN_EVENTS, f"{lens}: only {off} invasions in {WORLDS:,} worlds with {key}=0"
    assert on <= off / 2, f"{lens}: {key} 0 -> 1 takes invasions from {off} to {on}"
