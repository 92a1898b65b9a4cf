"""Rolling-origin backtests with assimilation: each origin's forecast starts from the
worlds filtered through the record's months before it (:mod:`sim.assimilation`), not
from a blank world. One filter pass runs through every origin, forking the ensemble at
each to forecast every horizon; scoring and references are those of
:mod:`sim.analysis.rolling`, so the two backtests compare like with like.
"""

import pandas as pd

from sim.analysis.rolling import (
    PERSISTENCE_MONTHS,
    Forecast,
    adaptive_references,
    check_origins,
    reference_share,
    window_happened,
)
from sim.record import Record, observed_events, record_outcomes
from sim.stats import wilson_interval


def assimilated_forecasts(
    scenario,
    record: Record,
    origins: list[pd.Period],
    horizons: list[int],
    n_worlds: int,
    seed: int,
    outcomes: list[str] | None = None,
    workers: int = 1,
    conditions=None,
    observation=None,
    replicates: int = 4,
    progress=None,
    dask=None,
):
    """``({horizon: [Forecast, ...]}, FilterResult)``: every origin's forecast of every
    outcome at every horizon, from the filtered worlds (same seed for every origin)."""
    from sim.assimilation.forecast import filter_record

    outcomes = list(outcomes or (o.name for o in record_outcomes()))
    check_origins(record, origins, outcomes)
    result = filter_record(
        scenario,
        record,
        origins,
        tuple(horizons),
        n_worlds=n_worlds,
        replicates=replicates,
        seed=seed,
        observation=observation,
        conditions=conditions,
        workers=workers,
        dask=dask,
        progress=progress,
    )
    if progress is not None:
        progress(len(origins), len(origins), None)
    events = observed_events(record)
    by_horizon = {}
    for h in horizons:
        forecasts = []
        for origin in origins:
            for outcome in outcomes:
                k, n = result.probability(origin, h, outcome)
                series = events[outcome]
                forecasts.append(
                    Forecast(
                        origin,
                        outcome,
                        k / n,
                        wilson_interval(k, n),
                        n,
                        window_happened(series, origin, h),
                        reference_share(series, origin, h),
                        reference_share(series, origin, h, max(PERSISTENCE_MONTHS, h)),
                        *adaptive_references(series, origin, h),
                    )
                )
        by_horizon[h] = forecasts
    return by_horizon, result


def format_skill_summary(by_horizon: dict[int, list[Forecast]], assimilated: bool) -> str:
    """Per horizon: the model's Brier score and its skill against each reference, with
    the block-bootstrap 95% interval (pooled over outcomes)."""
    import math

    from sim.analysis.references import bootstrap_block
    from sim.analysis.rolling import ALL_REFERENCES, scores

    def cell(x, lo, hi):
        return "n/a" if not math.isfinite(x) else f"{x:+.2f} [{lo:+.2f}, {hi:+.2f}]"

    lines = [
        f"Skill by horizon ({'filtered' if assimilated else 'blank'} origins; "
        "1 - Brier(model) / Brier(reference), 95% block-bootstrap interval over origins):",
        "",
        f"{'horizon':<8}{'n':>4} {'Brier':>7}  "
        + "".join(f"{'vs ' + r:>24}" for r in ALL_REFERENCES),
    ]
    for h, forecasts in by_horizon.items():
        s = scores(forecasts, bootstrap_block(h))
        cells = [cell(s[f"skill_vs_{r}"], *s["skill_intervals"][f"vs_{r}"]) for r in ALL_REFERENCES]
        lines.append(
            f"{str(h) + ' mo':<8}{s['forecasts']:>4} {s['model']['brier']:>7.4f}  "
            + "".join(f"{c:>24}" for c in cells)
        )
    return "\n".join(lines) + "\n"
