"""What the dashboard computes, without any widget: scenarios to pick, the levers and
their slider ranges, the live Monte Carlo estimate, and one world stepped in words.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sim.ladder import DASHBOARD_OUTCOMES
from sim.montecarlo import ChunkTask, build_model, run_scenario
from sim.narrate import is_over, step_world
from sim.package_data import scenarios_dir
from sim.scenario import load_scenario

SCENARIOS_DIR = scenarios_dir()  # package data: works from an installed wheel too
DASHBOARD_WORLDS = 10_000
DASHBOARD_SEED = 2025
# The spread over parameter draws beside each estimate: 100 draws x 40 worlds (4,000
# worlds, less than the estimate's own 10,000, so the page stays quick).
DASHBOARD_SPREAD = (100, 40)

# The levers a class moves: (parameter, label, step). Ranges are the parameters' own.
LEVERS: tuple[tuple[str, str, float], ...] = (
    ("usa_eu.sanctions_credibility", "US/EU sanctions threat: credibility", 0.05),
    ("russia.push", "Russian push on Baku", 0.25),
    ("turkey.stance", "Turkey: restrains (-1) ... drives (+1)", 0.1),
    ("armenia.denial_capacity", "Armenian readiness (denial in depth)", 0.05),
    ("csto.obligation_strength", "CSTO obligation strength", 0.05),
    ("azerbaijan.risk_aversion", "Azerbaijani risk aversion", 0.05),
    ("world.oil_price_index", "Oil price (1 = March 2025)", 0.1),
)
SHOWN_OUTCOMES = DASHBOARD_OUTCOMES  # the outcome table's "dashboard" column


def scenario_files() -> dict[str, Path]:
    """Scenarios a class can pick: the baseline, the one calibrated on the record, the
    lenses, the counterfactuals."""
    files = {"baseline": SCENARIOS_DIR / "baseline.yaml",
             "calibrated": SCENARIOS_DIR / "calibrated.yaml"}
    for folder in ("experts", "counterfactuals"):
        for path in sorted((SCENARIOS_DIR / folder).glob("*.yaml")):
            files[f"{folder}/{path.stem}"] = path
    return files


def lever_ranges() -> dict[str, tuple[float, float, float, str]]:
    """key -> (low, high, step, label)."""
    from sim.actors import PARAMS_BY_KEY

    return {key: (PARAMS_BY_KEY[key].low, PARAMS_BY_KEY[key].high, step, label)
            for key, label, step in LEVERS}


def lever_defaults(scenario) -> dict[str, float]:
    """Each lever at the scenario's mean value (rounded to the slider's step)."""
    means = scenario.means()
    return {key: round(round(means[key] / step) * step, 6) for key, _label, step in LEVERS}


def estimate(scenario, levers: dict[str, float], n_worlds: int = DASHBOARD_WORLDS,
             seed: int = DASHBOARD_SEED, spread: tuple[int, int] = DASHBOARD_SPREAD):
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
        spread = (spread_text(*result.spread.percentiles(name)) if result.spread.computed
                  else "")
        rows.append((name.replace("_", " "), pct(est.p), interval_text(*est.ci), spread))
    return rows


@dataclass
class WorldStepper:
    """One world of the scenario (with the levers set), stepped a week at a time."""

    scenario: object
    levers: dict[str, float]
    seed: int = 1
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        adjusted = self.scenario.with_overrides(self.levers,
                                                source="assumption: set on the dashboard")
        self.model = build_model(ChunkTask(adjusted, self.seed, 0, 1,
                                           adjusted.horizon_weeks))

    @property
    def week(self) -> int:
        return self.model.world.week

    @property
    def finished(self) -> bool:
        return is_over(self.model, 0)

    def step(self) -> str:
        """Advance one week and return what happened, in words (:func:`sim.narrate.step_world`)."""
        if self.finished:
            return self.lines[-1] if self.lines else "The run is over."
        line = step_world(self.model, 0).line()
        self.lines.append(line)
        return line


def load(name: str):
    return load_scenario(scenario_files()[name])
