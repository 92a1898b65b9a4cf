"""Rolling-origin backtests: forecasts from many origins against the monthly record.

For every origin month the world is set up as of that month
(:func:`sim.record.scenario_as_of`: only conditions dated on or before its 1st), run
for H months (the weeks of :func:`sim.record.month_weeks`), and each outcome a month of
the record shows (:func:`sim.record.record_outcomes`, the rows of :mod:`sim.outcomes`
with a month reader) is forecast by the model: "happened at least once in the H months
from the origin". The record's ``limited_incursion`` (rung >= 3 or ground taken) is
matched to the model's (rung >= 3 reached), because in the model taking ground is what
rung 3 is.

Every forecast whose window (origin to origin + H - 1) lies wholly inside the record
is scored; a later origin is forecast but not scored (``observed`` is None). Scores
(the rules of :mod:`sim.scoring`):

- Brier score;
- log loss, with a model p kept inside [1 / (2n), 1 - 1 / (2n)] for n worlds;
- skill, 1 - Brier(model) / Brier(reference), against two reference forecasts that use
  only months before the origin, never the months being scored:
  * climatology: the share of the rolling H-month windows of the record that end before
    the origin in which the event happened;
  * persistence: the same share over the last max(12, H) months before the origin (for
    H <= 12, the 12 months before it, as the issue asks; a longer H needs a longer
    stretch to hold one window);
  both smoothed as (k + 0.5) / (m + 1) for k of m windows, so neither is ever 0 or 1;
  and two adaptive references from the months before the origin
  (:mod:`sim.analysis.references`): an online monthly rate and an online first-order
  Markov chain. Skill carries a moving-block bootstrap interval over origins.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import scoring
from sim.analysis.references import bootstrap_block, online_markov, online_rate, skill_intervals
from sim.record import Record, month_weeks, observed_events, record_outcomes, scenario_as_of
from sim.scenario.problems import Problem, ScenarioError, did_you_mean
from sim.stats import wilson_interval

PERSISTENCE_MONTHS = 12
RELIABILITY_BINS = np.linspace(0.0, 1.0, 11)  # ten bins of 10 percentage points
REFERENCES = ("climatology", "persistence")
ADAPTIVE_REFERENCES = ("online_rate", "online_markov")
ALL_REFERENCES = REFERENCES + ADAPTIVE_REFERENCES


@dataclass(frozen=True)
class Forecast:
    origin: pd.Period
    outcome: str
    p: float
    ci: tuple[float, float]
    n: int
    observed: bool | None  # None: the window runs past the record (not scored)
    climatology: float
    persistence: float
    online_rate: float = float("nan")
    online_markov: float = float("nan")

    def to_dict(self) -> dict:
        return {
            "origin": str(self.origin),
            "outcome": self.outcome,
            "p": self.p,
            "ci": [self.ci[0], self.ci[1]],
            "n": self.n,
            "observed": self.observed,
            "climatology": self.climatology,
            "persistence": self.persistence,
            "online_rate": self.online_rate,
            "online_markov": self.online_markov,
        }


def window_happened(events: pd.Series, start: pd.Period, months: int) -> bool | None:
    """Whether the event happened in the ``months`` months from ``start`` (None if the
    window does not lie wholly inside the record)."""
    end = start + months - 1
    if start < events.index[0] or end > events.index[-1]:
        return None
    return bool(events.loc[start:end].any())


def reference_share(
    events: pd.Series, origin: pd.Period, months: int, lookback: int | None = None
) -> float:
    """(k + 0.5) / (m + 1): k of the m rolling ``months``-month windows that end before
    ``origin`` (and start no earlier than ``lookback`` months before it, if given) in
    which the event happened."""
    first = events.index[0] if lookback is None else max(events.index[0], origin - lookback)
    starts = pd.period_range(first, origin - months, freq="M") if first <= origin - months else []
    hits = [window_happened(events, s, months) for s in starts]
    return scoring.smoothed_rate(sum(bool(h) for h in hits), len(hits))


def adaptive_references(events: pd.Series, origin: pd.Period, months: int) -> tuple[float, float]:
    """The online rate and the online Markov chain (:mod:`sim.analysis.references`)."""
    return online_rate(events, origin, months), online_markov(events, origin, months)


def check_origins(record: Record, origins: list[pd.Period], outcomes: list[str]) -> None:
    """Origins inside the record, outcomes among the record's events: one problem each."""
    problems = [
        Problem(
            str(record.path),
            None,
            "--origins",
            f"origin {o} is outside the record ({record.first_month} to {record.last_month})",
        )
        for o in origins
        if not record.first_month <= o <= record.last_month
    ]
    events = [o.name for o in record_outcomes()]
    problems += [
        Problem(
            "<command line>",
            None,
            "--outcomes",
            f"unknown outcome '{o}'; the "
            f"record's events are {', '.join(events)}{did_you_mean(o, events)}",
        )
        for o in outcomes
        if o not in events
    ]
    if problems:
        raise ScenarioError(problems)


def default_origins(record: Record, horizon_months: int) -> list[pd.Period]:
    """Every origin with 12 months of record before it and its window inside the record."""
    first = record.first_month + PERSISTENCE_MONTHS
    last = record.last_month - horizon_months + 1
    return list(pd.period_range(first, last, freq="M")) if first <= last else []


def simulate(scenario, n_worlds: int, seed: int, horizon_weeks: int, workers: int, dask=None):
    """The one call into the Monte Carlo layer (kept in one place on purpose)."""
    from sim.montecarlo import run_scenario

    return run_scenario(
        scenario,
        n_worlds=n_worlds,
        seed=seed,
        horizon_weeks=horizon_weeks,
        workers=workers,
        dask=dask,
    )


def rolling_forecasts(
    scenario,
    record: Record,
    origins: list[pd.Period],
    horizon_months: int,
    n_worlds: int,
    seed: int,
    outcomes: list[str] | None = None,
    workers: int = 1,
    conditions=None,
    progress: Callable[[int, int, pd.Period], None] | None = None,
    dask=None,
) -> list[Forecast]:
    """Each origin's forecast of each outcome, with what happened and the references.
    Every origin uses the same seed (common random numbers across origins)."""
    outcomes = list(outcomes or (o.name for o in record_outcomes()))
    check_origins(record, origins, outcomes)
    events = observed_events(record)
    forecasts = []
    for i, origin in enumerate(origins):
        if progress is not None:
            progress(i, len(origins), origin)
        world = scenario_as_of(scenario, origin, conditions, what=f"origin {origin}")
        weeks = sum(month_weeks(origin, horizon_months))
        result = simulate(world, n_worlds, seed, weeks, workers, dask)
        for outcome in outcomes:
            est = result.estimate(outcome)
            series = events[outcome]
            forecasts.append(
                Forecast(
                    origin,
                    outcome,
                    est.p,
                    est.ci,
                    est.n,
                    window_happened(series, origin, horizon_months),
                    reference_share(series, origin, horizon_months),
                    reference_share(
                        series, origin, horizon_months, max(PERSISTENCE_MONTHS, horizon_months)
                    ),
                    *adaptive_references(series, origin, horizon_months),
                )
            )
    if progress is not None:
        progress(len(origins), len(origins), None)
    return forecasts


def scores(forecasts: list[Forecast], block: int | None = None) -> dict:
    """Brier, log loss and skill of the scored forecasts (see the module docstring)."""
    scored = [f for f in forecasts if f.observed is not None]
    o = np.array([f.observed for f in scored], dtype=bool)
    p = np.array([f.p for f in scored], dtype=float)
    n = min((f.n for f in scored), default=1)
    eps = scoring.monte_carlo_eps(n)
    out: dict[str, Any] = {
        "model": {"brier": scoring.brier(p, o), "log_loss": scoring.log_loss(p, o, eps)}
    }
    for ref in ALL_REFERENCES:
        q = np.array([getattr(f, ref) for f in scored], dtype=float)
        out[ref] = {"brier": scoring.brier(q, o), "log_loss": scoring.log_loss(q, o)}
    for ref in ALL_REFERENCES:
        out[f"skill_vs_{ref}"] = scoring.skill(out["model"]["brier"], out[ref]["brier"])
    out["forecasts"] = len(scored)
    if block is not None:
        out["skill_intervals"] = skill_intervals(scored, ALL_REFERENCES, block)
    return out


def scores_by_outcome(forecasts: list[Forecast], block: int | None = None) -> dict[str, dict]:
    names = list(dict.fromkeys(f.outcome for f in forecasts))
    return {name: scores([f for f in forecasts if f.outcome == name], block) for name in names}


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_forecast: float
    observed: int  # windows in which the event happened

    @property
    def frequency(self) -> float:
        return self.observed / self.count if self.count else float("nan")

    @property
    def ci(self) -> tuple[float, float]:
        return wilson_interval(self.observed, self.count)

    def to_dict(self) -> dict:
        return {
            "bin": [self.low, self.high],
            "n": self.count,
            "mean_forecast": self.mean_forecast,
            "observed_frequency": self.frequency,
            "ci": list(self.ci),
        }


def reliability(forecasts: list[Forecast]) -> list[ReliabilityBin]:
    """Scored forecasts in bins of forecast probability: how often the event happened
    when the model said about p (the last bin includes 1)."""
    scored = [f for f in forecasts if f.observed is not None]
    p = np.array([f.p for f in scored], dtype=float)
    o = np.array([f.observed for f in scored], dtype=bool)
    index = np.clip(np.digitize(p, RELIABILITY_BINS) - 1, 0, len(RELIABILITY_BINS) - 2)
    bins = []
    for b in range(len(RELIABILITY_BINS) - 1):
        mask = index == b
        bins.append(
            ReliabilityBin(
                float(RELIABILITY_BINS[b]),
                float(RELIABILITY_BINS[b + 1]),
                int(mask.sum()),
                float(p[mask].mean()) if mask.any() else float("nan"),
                int(o[mask].sum()),
            )
        )
    return bins


def to_dict(
    forecasts: list[Forecast],
    origins: list[pd.Period],
    horizon_months: int,
    extra: dict | None = None,
) -> dict:
    """The JSON shape the issue fixes (plus n, the references and the reliability)."""
    return {
        **(extra or {}),
        "origins": [str(o) for o in origins],
        "horizon_months": horizon_months,
        "forecasts": [f.to_dict() for f in forecasts],
        "scores": scores(forecasts, bootstrap_block(horizon_months)),
        "by_outcome": scores_by_outcome(forecasts, bootstrap_block(horizon_months)),
        "reliability": [b.to_dict() for b in reliability(forecasts) if b.count],
    }
