"""Running a study: points in blocks, checkpointed, on any executor.

Every point is run over the same worlds: a block of K points is one model of K copies
of those worlds sharing their random draws (``EscalationModel(blocks=K)``), each copy
with its point's parameter values. A point's numbers therefore equal an ``escsim run``
of the scenario with those values, the same seed and worlds, and do not depend on the
block size, the number of workers, the backend or the order blocks finish in. A block's
chunks are built by ``sim.montecarlo.build_model`` (the one chunk recipe) and blocks run
on ``sim.parallel`` (the one executor layer).

With an output directory, each finished block is written atomically to ``blocks/``; a
killed sweep resumes with ``resume=True`` and ends with the same table. A study changed
since the partial run is refused rather than mixed.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.design import design_points
from sim.files import atomic_write
from sim.model import EscalationModel
from sim.montecarlo import Points, chunk_tasks, run_chunk
from sim.outcomes import OUTCOME_NAMES
from sim.parallel import map_as_completed
from sim.scenario import Scenario, ScenarioError
from sim.scenario.problems import Problem
from sim.seeding import DEFAULT_CHUNK_SIZE
from sim.stats import wilson_interval


@dataclass(frozen=True)
class BlockTask:
    """K points over the study's worlds: everything a worker needs, picklable."""

    index: int
    scenario: Scenario
    points: Points  # K points: their values of the varied keys
    seed: int
    worlds: int
    horizon_weeks: int
    chunk_size: int = DEFAULT_CHUNK_SIZE


def point_counts(model: EscalationModel) -> np.ndarray:
    """What a sweep keeps of a finished chunk: outcome counts per point (K x outcomes)."""
    return model.outcome_counts()


def run_block(task: BlockTask) -> np.ndarray:
    """Outcome counts (K points x all outcomes) of one block, over all its worlds."""
    counts = np.zeros((len(task.points), len(OUTCOME_NAMES)), dtype=np.int64)
    for chunk in chunk_tasks(task.scenario, task.worlds, task.seed, task.horizon_weeks,
                             task.chunk_size, points=task.points):
        counts += run_chunk(chunk, measure=point_counts)
    return counts


def block_size(worlds: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Points per block: about one chunk of worlds per model."""
    return max(1, chunk_size // min(worlds, chunk_size))


def make_tasks(study, points: pd.DataFrame) -> list[BlockTask]:
    keys = tuple(points.columns)
    values = points.to_numpy(dtype=float)
    k = block_size(study.worlds)
    return [BlockTask(i, study.scenario, Points(keys, values[start:start + k]), study.seed,
                      study.worlds, study.horizon_weeks)
            for i, start in enumerate(range(0, len(values), k))]


class Checkpoint:
    """The output directory of a sweep: manifest, design, finished blocks."""

    def __init__(self, out: Path, study, points: pd.DataFrame, resume: bool) -> None:
        self.dir = Path(out)
        self.blocks = self.dir / "blocks"
        manifest = self.dir / "manifest.json"
        fingerprint = study.fingerprint()
        if manifest.exists():
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
                if not isinstance(old, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as err:
                # Written atomically by this class, so only a hand edit or another tool
                # gets here: say so rather than guess what the directory holds.
                raise ScenarioError([Problem(str(manifest), None, "", f"is not a sweep "
                                     f"manifest ({err}); choose another --out")]) from None
            if not resume:
                raise ScenarioError([Problem(str(self.dir), None, "", "holds results of a "
                                     "sweep already: pass --resume to continue it, or choose "
                                     "another --out")])
            if old.get("fingerprint") != fingerprint:
                raise ScenarioError([Problem(str(self.dir), None, "", "the study (or its "
                                     "scenario) changed since the partial run there; refusing "
                                     "to mix them: use a new --out")])
        self.blocks.mkdir(parents=True, exist_ok=True)
        if not manifest.exists():
            from sim.output import scenario_yaml_text

            atomic_write(self.dir / "study.resolved.yaml", scenario_yaml_text(
                study.to_dict(), "The resolved study: re-run any row with its scenario "
                                 "and parameter values."))
            atomic_write(self.dir / "points.csv", points.to_csv(index_label="point"))
            atomic_write(manifest, json.dumps({"fingerprint": fingerprint, "study": study.name,
                                               "points": len(points)}, indent=2))

    def path(self, index: int) -> Path:
        return self.blocks / f"block-{index:06d}.npy"

    def done(self, index: int) -> np.ndarray | None:
        path = self.path(index)
        return np.load(path) if path.exists() else None

    def save(self, index: int, counts: np.ndarray) -> None:
        import io

        buf = io.BytesIO()
        np.save(buf, counts)
        atomic_write(self.path(index), buf.getvalue())


def run_study(study, out=None, workers: int = 1, executor=None, dask=None,
              resume: bool = False, progress=None) -> pd.DataFrame:
    """Run ``study`` (a Study or a path) and return the tidy table: one row per point
    and outcome with the varied parameter values, p, its 95% interval, n, k and seed.

    ``out`` checkpoints every finished block there and writes the table and figures;
    ``workers`` > 1 uses a process pool; ``dask`` is a scheduler address or a
    ``distributed.Client``; ``progress(points_done, points, worlds_per_second)``.
    """
    from sim.experiments.study import Study, load_study

    study = study if isinstance(study, Study) else load_study(study)
    points = design_points(study)
    tasks = make_tasks(study, points)
    ckpt = Checkpoint(out, study, points, resume) if out is not None else None
    counts: dict[int, np.ndarray] = {}
    todo = []
    for t in tasks:
        done = ckpt.done(t.index) if ckpt else None
        if done is not None:
            counts[t.index] = done
        else:
            todo.append(t)
    start, points_done = time.perf_counter(), sum(len(counts[i]) for i in counts)
    worlds_run = 0
    # As blocks finish (not in order), so each is checkpointed at once.
    for i, result in map_as_completed(run_block, todo, workers=workers, executor=executor,
                                      dask=dask):
        task = todo[i]
        counts[task.index] = result
        if ckpt:
            ckpt.save(task.index, result)
        points_done += len(result)
        worlds_run += len(result) * study.worlds
        if progress:
            progress(points_done, len(points), worlds_run / max(time.perf_counter() - start,
                                                                1e-9))
    table = tidy_table(study, points, np.concatenate([counts[t.index] for t in tasks]))
    if ckpt:
        from sim.experiments.outputs import write_outputs

        write_outputs(study, table, ckpt.dir)
    return table


def tidy_table(study, points: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    """One row per point and study outcome (counts: points x all outcomes)."""
    rows = []
    for point, (values, row) in enumerate(zip(points.to_dict("records"), counts, strict=True)):
        for outcome in study.outcomes:
            k = int(row[OUTCOME_NAMES.index(outcome)])
            lo, hi = wilson_interval(k, study.worlds)
            rows.append({"point": point, **values, "outcome": outcome,
                         "p": k / study.worlds, "ci_low": lo, "ci_high": hi,
                         "n": study.worlds, "k": k, "seed": study.seed})
    return pd.DataFrame(rows)
