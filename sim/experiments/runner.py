"""Running a study: points in blocks, checkpointed, on any executor.

Every point is run over the same worlds: a block of K points is one model of K copies
of those worlds sharing their random draws (``EscalationModel(blocks=K)``), each copy
with its point's parameter values. A point's numbers therefore equal an ``escsim run``
of the scenario with those values, the same seed and worlds, and do not depend on the
block size, the number of workers, the backend or the order blocks finish in. A block's
chunks are built by ``sim.montecarlo.build_model`` (the one chunk recipe) and blocks run
on ``sim.parallel`` (the one executor layer).

With an output directory, each finished block is written atomically to ``blocks/`` with
its identity and checksum (``Checkpoint``); a killed sweep resumes with ``resume=True``
and ends with the same table. A study changed since the partial run is refused rather
than mixed, a block that is not what it should be is run again, and the directory is
locked while the sweep runs.
"""

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.design import design_points
from sim.files import atomic_write, named
from sim.model import EscalationModel
from sim.montecarlo import Points, chunk_tasks, run_chunk
from sim.outcomes import OUTCOME_NAMES
from sim.parallel import map_as_completed
from sim.runinfo import run_info
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
    for chunk in chunk_tasks(
        task.scenario,
        task.worlds,
        task.seed,
        task.horizon_weeks,
        task.chunk_size,
        points=task.points,
    ):
        counts += run_chunk(chunk, measure=point_counts)
    return counts


def block_size(worlds: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Points per block: about one chunk of worlds per model."""
    return max(1, chunk_size // min(worlds, chunk_size))


def make_tasks(study, points: pd.DataFrame) -> list[BlockTask]:
    keys = tuple(points.columns)
    values = points.to_numpy(dtype=float)
    k = block_size(study.worlds)
    return [
        BlockTask(
            i,
            study.scenario,
            Points(keys, values[start : start + k]),
            study.seed,
            study.worlds,
            study.horizon_weeks,
        )
        for i, start in enumerate(range(0, len(values), k))
    ]


MANIFEST = "manifest.json"
CHECKSUMS = "checksums.jsonl"


def _manifest_error(path: Path, message: str) -> ScenarioError:
    return ScenarioError([Problem(str(path), None, "", message)])


def check_checkpoint(out, study, resume: bool) -> bool:
    """Whether ``out`` may take this study's sweep, checked before any work (the timing
    probe included): True if it holds this study's partial run (and ``resume``), False
    if it holds no sweep; ScenarioError if it holds another study's, a damaged manifest,
    or a run without ``resume``."""
    manifest = Path(out) / MANIFEST
    if not manifest.exists():
        return False
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(old, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError, OSError) as err:
        # Written atomically by this module, so only a hand edit or another tool gets
        # here: say so rather than guess what the directory holds.
        raise _manifest_error(
            manifest, f"is not a sweep manifest ({err}); choose another --out"
        ) from None
    if not resume:
        raise _manifest_error(
            Path(out),
            "holds results of a sweep already: pass --resume to "
            "continue it, or choose another --out",
        )
    if old.get("fingerprint") != study.fingerprint():
        raise _manifest_error(
            Path(out),
            "the study (or its scenario) changed since the "
            "partial run there; refusing to mix them: use a new "
            "--out",
        )
    return True


class Checkpoint:
    """The output directory of a sweep: manifest, design, finished blocks.

    Each block is a ``.npy`` file of outcome counts (points x outcomes, int64) written
    atomically; its identity and checksum, ``sha256(fingerprint:index:bytes)``, are
    appended to ``blocks/checksums.jsonl`` once the file is in place (an append-only log,
    so a study of many blocks does not rewrite its manifest after each). On resume a
    block is trusted only if its bytes match the checksum recorded for that study and
    that index, and it has the shape, type and range of counts it must have; any other
    block (truncated, empty, not NumPy's format, the wrong shape or type, a block copied
    over another, or one with no checksum because the run was killed between the two
    writes) is recomputed, and the run says how many were.
    """

    def __init__(self, out: Path, study, points: pd.DataFrame, resume: bool) -> None:
        self.dir = Path(out)
        self.blocks = self.dir / "blocks"
        self.fingerprint = study.fingerprint()
        self.worlds = study.worlds
        self.recomputed: list[tuple[int, str]] = []
        existing = check_checkpoint(out, study, resume)
        self.blocks.mkdir(parents=True, exist_ok=True)
        self.sums = self._read_checksums() if existing else {}
        if not existing:
            from sim.output import scenario_yaml_text

            atomic_write(
                self.dir / "study.resolved.yaml",
                scenario_yaml_text(
                    study.to_dict(),
                    "The resolved study: re-run any row with its scenario and parameter values.",
                ),
            )
            atomic_write(self.dir / "points.csv", points.to_csv(index_label="point"))
            atomic_write(self.blocks / CHECKSUMS, "")
            atomic_write(
                self.dir / MANIFEST,
                json.dumps(
                    {
                        "fingerprint": self.fingerprint,
                        "study": study.name,
                        "points": len(points),
                        "block_checksums": f"blocks/{CHECKSUMS}",
                        "run_info": run_info(study.seed),
                    },
                    indent=2,
                ),
            )

    def _read_checksums(self) -> dict[int, str]:
        sums: dict[int, str] = {}
        try:
            lines = (self.blocks / CHECKSUMS).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return sums  # every block is then recomputed
        for line in lines:
            try:
                entry = json.loads(line)
                sums[int(entry["block"])] = str(entry["sha256"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by kill -9, or edited: its block is recomputed
        return sums

    def identity(self, index: int, data: bytes) -> str:
        digest = hashlib.sha256(f"{self.fingerprint}:{index}:".encode())
        digest.update(data)
        return digest.hexdigest()

    def path(self, index: int) -> Path:
        return self.blocks / f"block-{index:06d}.npy"

    def done(self, task: BlockTask) -> np.ndarray | None:
        """The block's counts if a trustworthy copy is on disk, else None (recompute)."""
        path = self.path(task.index)
        if not path.exists() and not path.is_symlink():
            return None
        why = None
        try:
            data = path.read_bytes()
        except OSError as err:
            data, why = b"", f"cannot be read ({err.strerror or err})"
        if why is None and self.sums.get(task.index) != self.identity(task.index, data):
            why = (
                "has no checksum (the run stopped as it was written)"
                if task.index not in self.sums
                else "does not match its checksum (damaged, or another block's file)"
            )
        counts = None
        if why is None:
            counts, why = self._counts(data, len(task.points))
        if why is not None:
            self.recomputed.append((task.index, why))
            return None
        return counts

    def _counts(self, data: bytes, points: int) -> tuple[np.ndarray | None, str | None]:
        import io

        try:
            counts = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError) as err:
            return None, f"is not a NumPy block ({err})"
        want = (points, len(OUTCOME_NAMES))
        if not isinstance(counts, np.ndarray) or counts.shape != want:
            return None, f"has shape {getattr(counts, 'shape', None)}, not {want}"
        if counts.dtype != np.int64:
            return None, f"holds {counts.dtype}, not int64 counts"
        if counts.min(initial=0) < 0 or counts.max(initial=0) > self.worlds:
            return None, f"holds counts outside 0..{self.worlds}"
        return counts, None

    def save(self, index: int, counts: np.ndarray) -> None:
        import io

        buf = io.BytesIO()
        np.save(buf, counts)
        data = buf.getvalue()
        atomic_write(self.path(index), data)
        sha = self.identity(index, data)
        self.sums[index] = sha
        log_path = self.blocks / CHECKSUMS
        try:
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps({"block": index, "sha256": sha}) + "\n")
                log.flush()
                os.fsync(log.fileno())
        except OSError as err:  # a full disk: name the file
            raise named(err, log_path) from None

    def finished(self) -> int:
        """How many blocks are on disk with their checksum (what an interruption keeps)."""
        return sum(1 for i in self.sums if self.path(i).exists())


RESUME_HINT = "run the same command with --resume to continue"


def run_study(
    study,
    out=None,
    workers: int = 1,
    executor=None,
    dask=None,
    resume: bool = False,
    progress=None,
    resume_hint: str = RESUME_HINT,
) -> pd.DataFrame:
    """Run ``study`` (a Study or a path) and return the tidy table: one row per point
    and outcome with the varied parameter values, p, its 95% interval, n, k and seed.

    ``out`` checkpoints every finished block there and writes the table and figures; it
    is locked for the whole run (``sim.files.locked_out_dir``: a second sweep on it is
    refused). ``workers`` > 1 uses a process pool; ``dask`` is a scheduler address or a
    ``distributed.Client``; ``progress(points_done, points, worlds_per_second)``;
    ``resume_hint`` ends the message an interruption prints.
    """
    import contextlib

    from sim.cli_support import kept_on_interrupt
    from sim.experiments.study import Study, load_study
    from sim.files import locked_out_dir

    study = study if isinstance(study, Study) else load_study(study)
    points = design_points(study)
    tasks = make_tasks(study, points)
    with contextlib.ExitStack() as stack:
        ckpt = None
        if out is not None:
            stack.enter_context(locked_out_dir(out, "sweep"))
            ckpt = Checkpoint(out, study, points, resume)
            stack.enter_context(
                kept_on_interrupt(
                    lambda: (
                        f"{ckpt.finished()} of {len(tasks)} blocks finished and kept in "
                        f"{ckpt.blocks}; {resume_hint}"
                    )
                )
            )
        return _run_blocks(study, points, tasks, ckpt, workers, executor, dask, progress)


def _run_blocks(study, points, tasks, ckpt, workers, executor, dask, progress):
    counts: dict[int, np.ndarray] = {}
    todo = []
    for t in tasks:
        done = ckpt.done(t) if ckpt else None
        if done is not None:
            counts[t.index] = done
        else:
            todo.append(t)
    if ckpt and ckpt.recomputed:
        import sys

        first, why = ckpt.recomputed[0]
        print(
            f"note: {len(ckpt.recomputed)} checkpoint block(s) in {ckpt.blocks} not "
            f"trusted and run again (e.g. {ckpt.path(first).name} {why})",
            file=sys.stderr,
        )
    start, points_done = time.perf_counter(), sum(len(counts[i]) for i in counts)
    worlds_run = 0
    # As blocks finish (not in order), so each is checkpointed at once.
    for i, result in map_as_completed(
        run_block, todo, workers=workers, executor=executor, dask=dask
    ):
        task = todo[i]
        counts[task.index] = result
        if ckpt:
            ckpt.save(task.index, result)
        points_done += len(result)
        worlds_run += len(result) * study.worlds
        if progress:
            progress(points_done, len(points), worlds_run / max(time.perf_counter() - start, 1e-9))
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
            rows.append(
                {
                    "point": point,
                    **values,
                    "outcome": outcome,
                    "p": k / study.worlds,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": study.worlds,
                    "k": k,
                    "seed": study.seed,
                }
            )
    return pd.DataFrame(rows)
