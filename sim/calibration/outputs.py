"""What a calibration writes to its output directory.

- ``posterior.parquet``: the last ABC-SMC population, one row per particle, a column per
  calibrated parameter (its key, e.g. ``azerbaijan.decision_noise``) and ``weight``
  (pyabc's importance weight, normalised to sum to 1). The rows are NOT resampled: a
  row's weight is how often a scenario's ``posterior:`` kind draws it.
- ``diagnostics.json``: populations, acceptance rates, tolerances (epsilon), effective
  sample sizes, simulations, wall time, the seed, the settings and the command.
- ``prior_posterior.png`` and ``predictive_check.png``.
- ``calibrated.yaml``: a scenario that ``extends:`` the given one and draws the
  calibrated parameters jointly from ``posterior.parquet``.
- ``calibration.db`` (pyabc's database, for ``--resume``) and ``settings.json``.

The five outputs are made in a hidden directory inside the output directory and then
moved into place together, ``calibrated.yaml`` last (the old one removed first): an
interrupted ``--resume`` never leaves a posterior of one generation beside diagnostics
of another for longer than the renames take, and a directory holding
``calibrated.yaml`` holds a whole set.
"""

import io
import json
import os
from pathlib import Path

import numpy as np

from sim.calibration.figures import predictive_check, prior_posterior
from sim.calibration.inference import (
    Setup,
    diagnostics,
    draw_rows,
    posterior_frame,
    simulate_draws,
)
from sim.output import atomic_write, scenario_yaml_text
from sim.runinfo import run_info
from sim.seeding import parameter_seed

POSTERIOR = "posterior.parquet"
DIAGNOSTICS = "diagnostics.json"
CALIBRATED = "calibrated.yaml"
PRIOR_POSTERIOR_PNG = "prior_posterior.png"
PREDICTIVE_PNG = "predictive_check.png"
PREDICTIVE_WORLDS = 400


def calibrated_scenario(setup: Setup, scenario_path: Path, out: Path) -> dict:
    """The calibrated scenario as plain data: extends the given file (path relative to
    ``out``) and draws each calibrated parameter from the posterior file."""
    from sim.actors import PARAMS_BY_KEY

    groups: dict[str, dict] = {}
    for prior in setup.priors:
        groups.setdefault(prior.key.actor, {})[prior.key.name] = {
            "posterior": {"file": POSTERIOR, "column": prior.key},
            "meaning": PARAMS_BY_KEY[prior.key].meaning,
            "source": (
                f"assumption: calibrated by ABC-SMC on the monthly record "
                f"({Path(str(setup.record.path)).name}, {setup.start} to "
                f"{setup.until}); prior {prior.dist.describe()} from the "
                f"{prior.origin}; see {DIAGNOSTICS} and the command above"
            ),
        }
    return {
        "name": f"{setup.scenario.name} (calibrated)",
        "description": (
            f"{setup.scenario.name} with {', '.join(setup.keys)} drawn jointly "
            f"from the ABC-SMC posterior on the record {setup.start} to "
            f"{setup.until}."
        ),
        "extends": os.path.relpath(Path(scenario_path).resolve(), out.resolve()),
        "parameters": groups,
    }


def write_outputs(
    setup: Setup,
    history,
    out: Path,
    wall_seconds: float,
    settings: dict,
    command: list[str],
    scenario_path: Path,
) -> list[Path]:
    """Write the posterior, diagnostics, figures and calibrated scenario; return paths
    (made aside, then moved in together: see the module docstring)."""
    import secrets
    import shutil

    staging = out / f".outputs-new-{os.getpid()}-{secrets.token_hex(3)}"
    for stale in out.glob(".outputs-new-*"):  # left by a kill -9
        shutil.rmtree(stale, ignore_errors=True)
    staging.mkdir()
    try:
        made = _write_outputs(
            setup, history, staging, out, wall_seconds, settings, command, scenario_path
        )
        (out / CALIBRATED).unlink(missing_ok=True)
        for path in made:  # calibrated.yaml is the last of them
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / path.name for path in made]


def _write_outputs(
    setup: Setup,
    history,
    out: Path,
    final: Path,
    wall_seconds: float,
    settings: dict,
    command: list[str],
    scenario_path: Path,
) -> list[Path]:
    seed = int(settings["seed"])
    post = posterior_frame(history, setup.keys)
    buf = io.BytesIO()
    post.to_parquet(buf, index=False)
    written = [atomic_write(out / POSTERIOR, buf.getvalue())]
    diag = diagnostics(setup, history, wall_seconds, settings, command)
    diag["run_info"] = run_info(seed)
    written.append(atomic_write(out / DIAGNOSTICS, json.dumps(diag, indent=2) + "\n"))

    prior_draws: dict[str, np.ndarray] = {
        p.key: p.dist.sample(
            np.random.default_rng(parameter_seed(np.random.SeedSequence(seed), p.key)), 4000
        )
        for p in setup.priors
    }
    written.append(
        prior_posterior(list(setup.priors), post, prior_draws, out / PRIOR_POSTERIOR_PNG)
    )
    rows = draw_rows(post, PREDICTIVE_WORLDS, seed)
    posterior_sim = simulate_draws(setup, {k: rows[k].to_numpy() for k in setup.keys}, seed)
    prior_sim = simulate_draws(
        setup, {k: v[:PREDICTIVE_WORLDS] for k, v in prior_draws.items()}, seed + 1
    )
    written.append(
        predictive_check(
            setup.months, setup.observed, posterior_sim, prior_sim, out / PREDICTIVE_PNG
        )
    )
    text = " ".join(command)
    data = calibrated_scenario(setup, scenario_path, final)
    written.append(
        atomic_write(
            out / CALIBRATED,
            scenario_yaml_text(
                data,
                (
                    "A calibrated scenario written by `escsim calibrate`: the scenario it "
                    "extends,\n"
                    f"with {len(setup.keys)} parameters drawn jointly from {POSTERIOR} "
                    "(one row per "
                    "world, by weight).\n"
                    f"Command: {text}"
                ),
            ),
        )
    )
    return written
