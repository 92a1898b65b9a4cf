"""What the dashboard computes, without any widget: scenarios to pick, the levers and
their slider ranges, and the live Monte Carlo estimate with the numbers of ``escsim run``.

The outcome table is :mod:`.table`, one world stepped week by week :mod:`.world`, a
scenario file opened from disk :mod:`.opening`.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.actors import PARAMS_BY_KEY, registered
from sim.montecarlo import default_spread, run_scenario
from sim.outcomes import DASHBOARD_OUTCOMES
from sim.package_data import scenarios_dir
from sim.params import ParamKey
from sim.results import RunResult
from sim.scenario import Scenario, load_scenario
from sim.seeding import DEFAULT_SEED

SCENARIOS_DIR = scenarios_dir()  # package data: works from an installed wheel too
# `escsim run`'s own defaults, so the screen and a handout made with `escsim run` or
# `escsim report` show the same numbers: 10,000 worlds (the command's -n default; a
# test compares with sim.api.run's), the master seed sim.seeding.DEFAULT_SEED and the
# spread pass default_spread(10,000) gives.
DASHBOARD_WORLDS = 10_000
# A lever dragged or stepped with the arrow keys sends a value per step: wait this long
# before estimating, so only the value the hand stops at costs a run.
DEBOUNCE_SECONDS = 0.15
OVERRIDE_SOURCE = "assumption: set on the dashboard"

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
SHOWN_OUTCOMES = DASHBOARD_OUTCOMES  # the outcome table's "dashboard" column
ACTOR_TITLES = {
    "usa_eu": "US/EU",
    "russia": "Russia",
    "csto": "CSTO",
    "turkey": "Turkey",
    "armenia": "Armenia",
    "azerbaijan": "Azerbaijan",
    "world": "The world",
}


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


def with_custom_actors(scenario: Scenario) -> Scenario:
    """``scenario`` with the custom actors ``escsim dashboard --actors`` named
    (``$ESCSIM_ACTORS``, :mod:`sim.custom_actors`) in their shipped actors' places."""
    from sim.custom_actors import actors_from_env

    custom = actors_from_env()
    return scenario.with_actors(*custom) if custom else scenario


def load(name: str) -> Scenario:
    """The shipped scenario ``name`` (a key of :func:`scenario_files`), with the custom
    actors in place."""
    return with_custom_actors(load_scenario(scenario_files()[name]))


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


def lever_text(key: str, value: float) -> str:
    """A lever's value as its slider shows it: as many decimals as its step has
    (0.05 -> ``0.60``, 0.1 -> ``1.3``, 1 -> ``12``)."""
    step = next(s for k, _label, s in LEVERS if k == key)
    decimals = len(f"{step:g}".partition(".")[2])
    return f"{value:.{decimals}f}"


def moved_levers(scenario: Scenario, levers: dict[str, float]) -> list[tuple[str, str, str]]:
    """(label, the scenario's value, the value set) for each lever moved, in the order
    of the sliders."""
    defaults = lever_defaults(scenario)
    return [
        (label, lever_text(key, defaults[key]), lever_text(key, levers[key]))
        for key, label, _step in LEVERS
        if key in levers
    ]


def adjusted(scenario: Scenario, levers: dict[str, float]) -> Scenario:
    """The scenario with the moved levers fixed at their values in every world (the
    others keep the scenario's distributions)."""
    return scenario.with_overrides(dict(levers), source=OVERRIDE_SOURCE) if levers else scenario


class Superseded(Exception):
    """A newer request replaced this one before it finished: its answer is not wanted."""


def estimate(
    scenario: Scenario,
    levers: dict[str, float],
    n_worlds: int = DASHBOARD_WORLDS,
    seed: int = DEFAULT_SEED,
    spread: tuple[int, int] | None = None,
    still_wanted: Callable[[], bool] | None = None,
) -> RunResult:
    """``escsim run`` of the scenario with the levers set: ``n_worlds`` worlds, the
    command's seed and its spread pass (``spread=(G, m)``; default
    :func:`sim.montecarlo.default_spread`). The same seed every time, so moving a lever
    changes the numbers through the lever only (common random numbers).

    ``still_wanted()`` is asked before the run and after each chunk; once it says no
    (a newer request came), :class:`Superseded` is raised instead of finishing."""
    passes = spread if spread is not None else default_spread(n_worlds)
    progress = None
    if still_wanted is not None:
        if not still_wanted():
            raise Superseded

        def progress(_done: int, _total: int) -> None:
            if not still_wanted():
                raise Superseded

    return run_scenario(
        adjusted(scenario, levers), n_worlds=n_worlds, seed=seed, spread=passes, progress=progress
    )


def request_key(choice: str, levers: dict[str, float]) -> tuple:
    """What an estimate answers: the scenario picked and the levers as set."""
    return (choice, tuple(sorted(levers.items())))


@dataclass(frozen=True)
class Answer:
    """One estimate as the page shows it: the request it answers, the run, the run of
    the scenario as it is (no lever moved: the "before" of each outcome) and the fan
    chart as PNG bytes (drawn here, off the page's thread)."""

    key: tuple
    result: RunResult
    reference: RunResult
    chart_png: bytes


def fan_chart_png(result: RunResult) -> bytes:
    """The fan chart (:func:`sim.plots.fan_chart_figure`) as PNG bytes."""
    from sim.plots import fan_chart_figure

    buffer = io.BytesIO()
    fan_chart_figure(result).savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def answer(
    choice: str,
    scenario: Scenario,
    levers: dict[str, float],
    reference: RunResult | None = None,
    still_wanted: Callable[[], bool] | None = None,
    **run_options,
) -> Answer:
    """The estimate for ``levers`` and, unless given, the reference run (no lever moved);
    the same run when no lever is moved. ``run_options`` go to :func:`estimate`."""
    if reference is None or not levers:
        reference = estimate(scenario, {}, still_wanted=still_wanted, **run_options)
    result = (
        estimate(scenario, levers, still_wanted=still_wanted, **run_options)
        if levers
        else reference
    )
    if still_wanted is not None and not still_wanted():
        raise Superseded
    return Answer(request_key(choice, levers), result, reference, fan_chart_png(result))
