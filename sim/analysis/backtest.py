"""Backtests: forecasts from history cases against what happened.

A case is a scenario set to the conditions as of a date plus ``observed:`` outcomes of
the following 12 months (format: :mod:`sim.scenario.claims`). Every outcome a case
records is scored:

- Brier score, mean of (p - o)^2 over case-outcomes (0 is perfect);
- log loss, mean of -[o ln p + (1 - o) ln(1 - p)], with p kept inside
  [1 / (2n), 1 - 1 / (2n)] for n worlds, because a Monte Carlo estimate of 0 is "fewer
  than one in n", not impossible;
- skill against a base-rate forecast, 1 - Brier(model) / Brier(base rate). The base rate
  of an outcome is its frequency over the cases run, shrunk toward 1/2 as (k + 0.5) /
  (m + 1) for k of m cases (a Jeffreys-style estimate: never 0 or 1 from few cases).
  It is in-sample, which flatters the base rate; skill above 0 is then a fair sign.
"""

import math
from dataclasses import dataclass

from sim.montecarlo import run_scenario

HORIZON_WEEKS = 52  # cases record the 12 months after their date


@dataclass(frozen=True)
class Row:
    case: str
    outcome: str
    p: float
    ci: tuple[float, float]
    n: int
    observed: bool


def forecast_rows(cases, n_worlds: int, seed: int, workers: int = 1) -> list[Row]:
    """Each case's forecast for every outcome it records."""
    rows = []
    for case in cases:
        result = run_scenario(case, n_worlds=n_worlds, seed=seed, workers=workers,
                              horizon_weeks=HORIZON_WEEKS)
        for outcome, happened in case.observed.outcomes().items():
            est = result.estimate(outcome)
            rows.append(Row(case.name, outcome, est.p, est.ci, est.n, happened))
    return rows


def base_rates(rows: list[Row]) -> dict[str, float]:
    """(k + 0.5) / (m + 1) per outcome over the cases (see the module docstring)."""
    counts: dict[str, list[int]] = {}
    for r in rows:
        k_m = counts.setdefault(r.outcome, [0, 0])
        k_m[0] += r.observed
        k_m[1] += 1
    return {o: (k + 0.5) / (m + 1) for o, (k, m) in counts.items()}


def brier(pairs) -> float:
    pairs = list(pairs)
    return sum((p - o) ** 2 for p, o in pairs) / len(pairs)


def log_loss(pairs, n_worlds: int) -> float:
    eps = 1 / (2 * n_worlds)
    total, count = 0.0, 0
    for p, o in pairs:
        p = min(max(p, eps), 1 - eps)
        total -= math.log(p) if o else math.log(1 - p)
        count += 1
    return total / count


@dataclass(frozen=True)
class Scores:
    brier: float
    log_loss: float
    base_brier: float
    base_log_loss: float

    @property
    def skill(self) -> float:
        """Brier skill against the base rate (1 perfect, 0 no better, < 0 worse)."""
        return 1 - self.brier / self.base_brier if self.base_brier > 0 else float("nan")


def score(rows: list[Row], n_worlds: int) -> Scores:
    base = base_rates(rows)
    model = [(r.p, r.observed) for r in rows]
    ref = [(base[r.outcome], r.observed) for r in rows]
    return Scores(brier(model), log_loss(model, n_worlds), brier(ref), log_loss(ref, n_worlds))


def format_backtest(rows: list[Row], scores: Scores, seed: int) -> str:
    from sim.output import pct

    base = base_rates(rows)
    lines = [f"seed: {seed}    worlds: {rows[0].n:,} per case    horizon: {HORIZON_WEEKS} weeks",
             "", f"{'case':<22} {'outcome':<24} {'forecast':>8}  {'95% CI':<17} "
             f"{'base rate':>9}  happened"]
    for r in rows:
        lines.append(f"{r.case:<22} {r.outcome:<24} {pct(r.p):>8}  "
                     f"{'[' + pct(r.ci[0]) + ', ' + pct(r.ci[1]) + ']':<17} "
                     f"{pct(base[r.outcome]):>9}  {'yes' if r.observed else 'no'}")
    lines += ["", f"Brier score: model {scores.brier:.4f}, base rate {scores.base_brier:.4f};"
                  f" skill {scores.skill:+.3f}",
              f"log loss:    model {scores.log_loss:.4f}, base rate {scores.base_log_loss:.4f}",
              f"({len(rows)} case-outcomes from {len({r.case for r in rows})} cases)"]
    return "\n".join(lines) + "\n"
