"""``escsim calibrate --method likelihood``: IF2 for the maximum and the profiles, then
PMMH for the posterior, each step checkpointed so a resumed run equals an uninterrupted
one.

Stages (each keyed in the seed tree by its stage and iteration, never by the worker):

1. IF2 (:mod:`sim.calibration.if2`) in ``if2_blocks`` independent blocks started from
   prior draws; the maximum-likelihood estimate is the block whose end point has the
   highest likelihood estimate (re-estimated with replicates, no perturbation).
2. Profiles: for each parameter, a grid of ``grid`` values over its prior's middle 90%,
   each an IF2 block holding it there; the profile value at a grid point is the
   likelihood estimated at the block's end (its other parameters maximised over).
3. PMMH (:mod:`sim.calibration.pmmh`): ``chains`` chains started from the IF2 swarm.

The checkpoint (``likelihood_state.json``) is written atomically after every IF2
iteration, every profile iteration and every PMMH chunk; a resumed run reads it and
goes on from there, drawing from the same streams.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sim.calibration.if2 import (
    IF2_STAGE,
    PROFILE_STAGE,
    IF2Settings,
    bounds_of,
    if2_iteration,
    initial_swarm,
    profile_start,
)
from sim.calibration.likelihood import LikelihoodProblem, log_likelihoods
from sim.calibration.pmmh import ChainState, PMMHSettings, run_chunk, start_chains
from sim.files import atomic_write
from sim.record.observation import ObservationModel, observations

STATE = "likelihood_state.json"
EVAL_STAGE = 4


@dataclass(frozen=True)
class LikelihoodSettings:
    if2: IF2Settings = field(default_factory=IF2Settings)
    if2_blocks: int = 8
    grid: int = 5  # profile points per parameter
    profile_particles: int = 60
    profile_iterations: int = 3
    eval_worlds: int = 100  # worlds per replicate when a point's likelihood is estimated
    eval_replicates: int = 4
    pmmh: PMMHSettings = field(default_factory=PMMHSettings)

    def to_dict(self) -> dict:
        return asdict(self)


def problem_of(setup, worlds: int, replicates: int) -> LikelihoodProblem:
    months = tuple(o for o in observations(setup.record) if setup.start <= o.month <= setup.until)
    return LikelihoodProblem(
        setup.scenario, setup.start, months, setup.keys, worlds, replicates, ObservationModel()
    )


def _save(out: Path, state: dict) -> None:
    atomic_write(out / STATE, json.dumps(state) + "\n")


def _load(out: Path) -> dict | None:
    path = out / STATE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def run_likelihood(
    setup,
    out: Path,
    seed: int,
    map_: Callable = map,
    settings: LikelihoodSettings = LikelihoodSettings(),
    resume: bool = False,
    log: Callable[[str], None] = lambda _msg: None,
) -> dict:
    """The three stages (see the module docstring); returns the state with everything."""
    out.mkdir(parents=True, exist_ok=True)
    priors = list(setup.priors)
    bounds = bounds_of(priors)
    d = len(priors)
    t0 = time.perf_counter()
    state = (_load(out) if resume else None) or {"stage": "if2", "iteration": 0, "wall": 0.0}
    wall_before = float(state.get("wall", 0.0))

    def save():
        state["wall"] = wall_before + time.perf_counter() - t0
        _save(out, state)

    s2 = settings.if2
    if2_problem = problem_of(setup, s2.particles, 1)
    # 1. IF2 from prior draws.
    if state["stage"] == "if2":
        if "swarm" not in state:
            swarm = initial_swarm(priors, settings.if2_blocks, s2.particles, seed, (IF2_STAGE, 0))
            state.update(swarm=swarm.tolist(), trace=[])
        held = np.zeros((settings.if2_blocks, d), dtype=bool)
        while state["iteration"] < s2.iterations:
            it = state["iteration"]
            sd = s2.rw_sd * s2.cooling**it
            swarm, ll = if2_iteration(
                if2_problem,
                bounds,
                np.array(state["swarm"]),
                held,
                sd,
                seed,
                (IF2_STAGE, it + 1),
                map_,
            )
            state["swarm"] = swarm.tolist()
            state["trace"].append(
                {
                    "iteration": it + 1,
                    "rw_sd": sd,
                    "log_lik": ll.tolist(),
                    "mean": swarm.mean(axis=1).tolist(),
                }
            )
            state["iteration"] = it + 1
            save()  # checkpoint first, then say so
            log(
                f"IF2 iteration {it + 1}/{s2.iterations}: "
                f"perturbed log lik {np.max(ll):.1f} (best block)"
            )
        ends = np.array(state["swarm"]).mean(axis=1)
        eval_problem = problem_of(setup, settings.eval_worlds, settings.eval_replicates)
        lz, se = log_likelihoods(eval_problem, ends, seed, (EVAL_STAGE, 0), map_)
        best = int(np.argmax(lz))
        state["mle"] = {
            "theta": ends[best].tolist(),
            "log_lik": float(lz[best]),
            "se": float(se[best]),
            "blocks": ends.tolist(),
            "block_log_lik": lz.tolist(),
            "block_se": se.tolist(),
        }
        state.update(stage="profile", iteration=0)
        save()
    # 2. Profiles.
    if state["stage"] == "profile":
        prof_problem = problem_of(setup, settings.profile_particles, 1)
        swarm0, held, values = profile_start(
            priors, settings.grid, settings.profile_particles, seed
        )
        if "profile_swarm" not in state:
            state["profile_swarm"] = swarm0.tolist()
        while state["iteration"] < settings.profile_iterations:
            it = state["iteration"]
            sd = s2.rw_sd * s2.cooling**it
            swarm, _ll = if2_iteration(
                prof_problem,
                bounds,
                np.array(state["profile_swarm"]),
                held,
                sd,
                seed,
                (PROFILE_STAGE, it + 2),
                map_,
            )
            state["profile_swarm"] = swarm.tolist()
            state["iteration"] = it + 1
            save()
            log(f"profile iteration {it + 1}/{settings.profile_iterations}")
        ends = np.array(state["profile_swarm"]).mean(axis=1)
        ends[held] = values.ravel()  # exact grid values (the logit round trip is not)
        eval_problem = problem_of(setup, settings.eval_worlds, settings.eval_replicates)
        lz, se = log_likelihoods(eval_problem, ends, seed, (EVAL_STAGE, 1), map_)
        state["profiles"] = {
            str(p.key): {
                "values": values[i].tolist(),
                "log_lik": lz[i * settings.grid : (i + 1) * settings.grid].tolist(),
                "se": se[i * settings.grid : (i + 1) * settings.grid].tolist(),
            }
            for i, p in enumerate(priors)
        }
        state.update(stage="pmmh", iteration=0)
        del state["profile_swarm"]
        save()
    # 3. PMMH from the IF2 swarm.
    sp = settings.pmmh
    pm_problem = problem_of(setup, sp.worlds, 1)
    if state["stage"] == "pmmh":
        if "chains" not in state:
            pooled = np.array(state["swarm"]).reshape(-1, d)
            rng = np.random.default_rng(
                np.random.SeedSequence(seed, spawn_key=(1 << 42, 3, 2**30, 0))
            )
            start = pooled[rng.choice(len(pooled), sp.chains, replace=False)]
            chains = start_chains(priors, start, pm_problem, seed, map_)
            state["chains"] = chains.to_dict()
            save()
        chains = ChainState.from_dict(state["chains"])
        while chains.iteration < sp.iterations:
            chains = run_chunk(chains, priors, pm_problem, sp, seed, map_)
            state["chains"] = chains.to_dict()
            rate = np.mean(chains.accepted[-sp.chunk :])
            save()
            log(f"PMMH {chains.iteration}/{sp.iterations}: acceptance {rate:.2f}")
        state["stage"] = "done"
        save()
    return state


def posterior_samples(state: dict, settings: LikelihoodSettings) -> np.ndarray:
    """The kept PMMH samples pooled over chains: (iterations after burn-in * chains, d)."""
    samples = state["chains"]["samples"][settings.pmmh.burn_in :]
    return np.concatenate([np.array(s) for s in samples], axis=0)
