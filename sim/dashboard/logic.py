"""What the dashboard computes, without any widget: scenarios to pick, the levers and
their slider ranges, the live Monte Carlo estimate, and one world stepped in words.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sim.actors import PARAMS_BY_KEY, registered
from sim.montecarlo import ChunkTask, build_model, run_scenario
from sim.narrate import beliefs, is_over, step_world
from sim.outcomes import DASHBOARD_OUTCOMES
from sim.package_data import scenarios_dir
from sim.params import ParamKey
from sim.scenario import Scenario, load_scenario

SCENARIOS_DIR = scenarios_dir()  # package data: works from an installed wheel too
DASHBOARD_WORLDS = 10_000
DASHBOARD_SEED = 2025
# The spread over parameter draws beside each estimate: 100 draws x 40 worlds (4,000
# worlds, less than the estimate's own 10,000, so the page stays quick).
DASHBOARD_SPREAD = (100, 40)

# The levers a class moves: (parameter, label, step), grouped by actor (the group's title
# is ACTOR_TITLES[actor]). Ranges and help texts are the parameters' own (the registry's
# range and meaning). Beside the experts' central arguments (the West's resolve, Russia's
# push, the CSTO's obligation, Turkey's line, Armenia's denial, Baku's risk attitude),
# the levers of issue "Actors that choose, remember and bargain": how sanctions end, the
# Russian spoiler, Yerevan's gain from peace, the two beliefs and how fast they learn,
# and the transit route as another path to the corridor. Each key is checked against
# the registry at import (a renamed parameter fails there, not silently on the page).
_LEVERS = (
    ("usa_eu.sanctions_credibility", "Western resolve (sanctions threat credibility)", 0.05),
    ("usa_eu.lift_after_weeks", "Calm weeks before sanctions are lifted", 1.0),
    ("usa_eu.gas_dependence", "EU dependence on Azerbaijani gas", 0.05),
    ("russia.push", "Russian push on Baku", 0.25),
    ("russia.spoiler", "Russian gain from blocking the treaty (spoiler)", 0.25),
    ("russia.ukraine_constraint", "Russian capacity tied down in Ukraine", 0.05),
    ("csto.obligation_strength", "CSTO obligation strength", 0.05),
    ("turkey.stance", "Turkey: restrains (-1) ... drives (+1)", 0.1),
    ("armenia.denial_capacity", "Armenian readiness in depth (porcupine denial)", 0.05),
    ("armenia.peace_value", "Yerevan's gain from signing an offered treaty", 0.5),
    ("armenia.csto_appeal", "Armenia's trust in the CSTO at the start", 0.05),
    ("armenia.trust_strength", "Weight of that trust (attacks it takes to halve it)", 0.5),
    ("azerbaijan.risk_aversion", "Baku's risk aversion (weight on the spread)", 0.05),
    ("azerbaijan.belief_strength", "Weight of Baku's prior about Western resolve", 0.5),
    ("world.oil_price_index", "Oil price (1 = March 2025)", 0.1),
    ("world.transit_route", "Agreed transit route (share of the corridor given)", 0.05),
)
LEVERS: tuple[tuple[ParamKey, str, float], ...] = tuple(
    (registered(key), label, step) for key, label, step in _LEVERS
)
ACTOR_TITLES = {
    "usa_eu": "US/EU",
    "russia": "Russia",
    "csto": "CSTO",
    "turkey": "Turkey",
    "armenia": "Armenia",
    "azerbaijan": "Azerbaijan",
    "world": "The world",
}
SHOWN_OUTCOMES = DASHBOARD_OUTCOMES  # the outcome table's "dashboard" column


def scenario_files() -> dict[str, Path]:
    """Scenarios a class can pick: the baseline, the one calibrated on the record, the
    lenses, the counterfactuals."""
    files = {
        "baseline": SCENARIOS_DIR / "baseline.yaml",
        "calibrated": SCENARIOS_DIR / "calibrated.yaml",
    }
    for folder in ("experts", "counterfactuals"):
        for path in sorted((SCENARIOS_DIR / folder).glob("*.yaml")):
            files[f"{folder}/{path.stem}"] = path
    return files


def lever_ranges() -> dict[ParamKey, tuple[float, float, float, str]]:
    """key -> (low, high, step, label)."""
    return {
        key: (PARAMS_BY_KEY[key].low, PARAMS_BY_KEY[key].high, step, label)
        for key, label, step in LEVERS
    }


def lever_help(key: str) -> str:
    """A lever's help text: the parameter's meaning and unit as the registry states them
    (``escsim params``), so the page says what the model does with it."""
    spec = PARAMS_BY_KEY[key]
    meaning = spec.meaning[0].upper() + spec.meaning[1:]
    return f"{meaning} ({spec.unit}, {spec.low:g} to {spec.high:g})"


def lever_defaults(scenario: Scenario) -> dict[str, float]:
    """Each lever at the scenario's mean value (rounded to the slider's step)."""
    means = scenario.means()
    return {key: round(round(means[key] / step) * step, 6) for key, _label, step in LEVERS}


def estimate(
    scenario: Scenario,
    levers: dict[str, float],
    n_worlds: int = DASHBOARD_WORLDS,
    seed: int = DASHBOARD_SEED,
    spread: tuple[int, int] = DASHBOARD_SPREAD,
):
    """The scenario with the levers set (fixed values), run over ``n_worlds`` worlds,
    with the spread over the remaining parameters' draws (``spread``: G draws x m worlds).
    The same seed every time: moving a lever changes the numbers through the lever
    only (common random numbers)."""
    adjusted = scenario.with_overrides(levers, source="assumption: set on the dashboard")
    return run_scenario(adjusted, n_worlds=n_worlds, seed=seed, spread=spread)


def outcome_rows(result) -> list[tuple[str, str, str, str]]:
    """(outcome, p, 95% CI, spread over parameter draws) for each shown outcome; the
    spread cell is empty when the result has none."""
    from sim.formatting import interval_text, pct, spread_text

    rows = []
    for name in SHOWN_OUTCOMES:
        est = result.estimate(name)
        spread = spread_text(*result.spread.percentiles(name)) if result.spread.computed else ""
        rows.append((name.replace("_", " "), pct(est.p), interval_text(*est.ci), spread))
    return rows


@dataclass
class WorldStepper:
    """One world of the scenario (with the levers set), stepped a week at a time."""

    scenario: Scenario
    levers: dict[str, float]
    seed: int = 1
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        adjusted = self.scenario.with_overrides(
            self.levers, source="assumption: set on the dashboard"
        )
        self.model = build_model(ChunkTask(adjusted, self.seed, 0, 1, adjusted.horizon_weeks))

    @property
    def week(self) -> int:
        return self.model.world.week

    @property
    def finished(self) -> bool:
        return is_over(self.model, 0)

    def beliefs(self) -> str:
        """The two beliefs as they stand (:func:`sim.narrate.beliefs`)."""
        return beliefs(self.model, 0)

    def step(self) -> str:
        """Advance one week and return what happened, in words (:func:`sim.narrate.step_world`)."""
        if self.finished:
            return self.lines[-1] if self.lines else "The run is over."
        line = step_world(self.model, 0).line()
        self.lines.append(line)
        return line


def load(name: str):
    """The scenario ``name``, with the custom actors ``escsim dashboard --actors`` named
    (``$ESCSIM_ACTORS``, :mod:`sim.custom_actors`) in their shipped actors' places."""
    from sim.custom_actors import actors_from_env

    scenario = load_scenario(scenario_files()[name])
    custom = actors_from_env()
    return scenario.with_actors(*custom) if custom else scenario
