"""Coverage on records with a known answer (the coverage form of simulation-based
calibration, Talts et al. 2018): truths drawn from the prior, one record simulated at
each (:func:`sim.calibration.inference.synthetic_record`, the record's months and
conditions), a PMMH posterior of the parameters the shipped calibration calls calibrated
(decision noise, posture cost, great-power-war cost) on it, and whether each 90% interval
holds its truth. For a calibrated posterior every interval covers with
probability 0.9 over (truth, record) drawn this way.

The chains start from prior draws (no IF2 stage: the prior is the right start when the
truth is drawn from it) and keep the shipped PMMH kernel at a smaller size, stated by
the caller. Used by a slow test (8 records) and by ``python -m sim.calibration.coverage
N`` for the fuller run in docs/calibration.md.
"""

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.calibration.inference import prepare, synthetic_record
from sim.calibration.likelihood_run import problem_of
from sim.calibration.pmmh import PMMHSettings, run_chunk, start_chains
from sim.parallel import map_ordered

KEYS = (
    "azerbaijan.decision_noise",
    "azerbaijan.posture_cost",
    "azerbaijan.great_power_war_cost",
)
RATIO = "posture_cost / decision_noise"
SMALL = PMMHSettings(chains=8, worlds=80, iterations=30, burn_in=10, chunk=10)


@dataclass(frozen=True)
class _RecordTask:
    """One synthetic record's run: its truth and chain starts, drawn beforehand in
    record order from the one generator, so the answer does not depend on the workers."""

    record: str
    scenario: str
    settings: PMMHSettings
    seed: int
    index: int
    truth: np.ndarray
    start: np.ndarray


def _one_record(task: _RecordTask) -> dict:
    """Simulate the record at the truth, run the small PMMH on it, and say for each
    parameter (and the ratio) whether its 90% interval holds the truth."""
    settings, seed, r = task.settings, task.seed, task.index
    with tempfile.TemporaryDirectory() as tmp:
        base = prepare(task.record, task.scenario, None, list(KEYS), 1, seed)
        path = Path(tmp) / f"record{r}.csv"
        synthetic_record(
            base, dict(zip(KEYS, task.truth, strict=True)), seed=seed * 1000 + r
        ).to_csv(path, index=False)
        setup = prepare(path, task.scenario, None, list(KEYS), 1, seed)
    problem = problem_of(setup, settings.worlds, 1)
    chains = start_chains(setup.priors, task.start, problem, seed + r)
    while chains.iteration < settings.iterations:
        chains = run_chunk(chains, setup.priors, problem, settings, seed + r)
    kept = np.concatenate(chains.samples[settings.burn_in :])
    values = {k: kept[:, i] for i, k in enumerate(KEYS)}
    values[RATIO] = kept[:, 1] / kept[:, 0]
    truths = {k: task.truth[i] for i, k in enumerate(KEYS)}
    truths[RATIO] = task.truth[1] / task.truth[0]
    row = {}
    for key, v in values.items():
        lo, hi = np.quantile(v, [0.05, 0.95])
        row[key] = {
            "truth": float(truths[key]),
            "90": [float(lo), float(hi)],
            "covered": bool(lo <= truths[key] <= hi),
        }
    return row


def coverage(
    record, scenario, records: int, settings: PMMHSettings, seed: int, workers: int = 1
) -> dict:
    """Per parameter (and the ratio): how many of ``records`` 90% intervals held the
    truth, and the truths and intervals. The records run on ``workers`` processes; the
    answer is the same for any number."""
    base = prepare(record, scenario, None, list(KEYS), 1, seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(17,)))
    tasks = []
    for r in range(records):
        truth = np.array([p.dist.sample(rng, 1)[0] for p in base.priors])
        start = np.column_stack([p.dist.sample(rng, settings.chains) for p in base.priors])
        tasks.append(_RecordTask(str(record), str(scenario), settings, seed, r, truth, start))
    rows = list(map_ordered(_one_record, tasks, workers=workers))
    return {
        key: {
            "covered": sum(r[key]["covered"] for r in rows),
            "records": records,
            "rows": [r[key] for r in rows],
        }
        for key in (*KEYS, RATIO)
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    result = coverage(
        "data/record/armenia_azerbaijan_monthly.csv", "scenarios/baseline.yaml", n, SMALL, 2026
    )
    import json

    print(json.dumps(result))
    for key, v in result.items():
        first8 = sum(r["covered"] for r in v["rows"][:8])
        print(f"{key}: {v['covered']}/{v['records']} intervals cover the truth (first 8: {first8})")
