"""What ``escsim calibrate --method likelihood`` writes, and the identifiability verdict.

- ``posterior.parquet``: the kept PMMH samples (all chains, after the burn-in), one row
  each, equal ``weight``; a column per calibrated parameter.
- ``diagnostics.json``: the settings and command, wall time, the IF2 trace and maximum
  (with its log-likelihood and SE), the profiles, PMMH acceptance, and per parameter the
  prior and posterior (mean, sd, 90% interval), the sd ratio, the profile's drop and the
  verdict (``identified`` or "not identified by the record, kept at its prior").
- ``calibrated.yaml``: every parameter the record identifies is drawn jointly from the
  posterior; every other one is written with its prior and the words "not identified by
  the record, kept at its prior".
- ``prior_posterior.png``.

The rule (stated so it can be checked): a parameter is identified when its posterior sd
is below ``SD_RATIO_IDENTIFIED`` times its prior sd. Decision noise and the posture cost enter
Baku's choice mostly as their ratio (the cost of a step measured in units of noise), so
the ratio posture_cost/decision_noise is judged too; when the ratio is identified and
they are not, both are drawn jointly from the posterior (which holds the ratio) and are
said to be calibrated only through it.
"""

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.figures import prior_posterior
from sim.calibration.likelihood_run import LikelihoodSettings, posterior_samples
from sim.files import atomic_write
from sim.output import scenario_yaml_text

SD_RATIO_IDENTIFIED = 0.7
NOT_IDENTIFIED = "not identified by the record, kept at its prior"
NOISE, COST = "azerbaijan.decision_noise", "azerbaijan.posture_cost"
RATIO = "azerbaijan.posture_cost / azerbaijan.decision_noise"
PRIOR_DRAWS = 20000


def _summary(draws: np.ndarray) -> dict:
    q05, q50, q95 = np.quantile(draws, (0.05, 0.5, 0.95))
    return {
        "mean": float(draws.mean()),
        "sd": float(draws.std()),
        "median": float(q50),
        "90": [float(q05), float(q95)],
    }


def identifiability(setup, state: dict, settings: LikelihoodSettings, seed: int) -> dict:
    """Per parameter (and the ratio): prior, posterior, sd ratio, profile, verdict."""
    post = posterior_samples(state, settings)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1 << 42, 9)))
    keys = [str(k) for k in setup.keys]
    prior_draws = {
        k: p.dist.sample(rng, PRIOR_DRAWS) for k, p in zip(keys, setup.priors, strict=True)
    }
    table: dict[str, dict] = {}
    for i, (key, prior) in enumerate(zip(keys, setup.priors, strict=True)):
        pr, po = _summary(prior_draws[key]), _summary(post[:, i])
        profile = state["profiles"][key]
        table[key] = {
            "prior": prior.dist.describe(),
            "prior_from": prior.origin,
            "prior_summary": pr,
            "posterior": po,
            "sd_ratio": po["sd"] / pr["sd"],
            "profile": profile,
            "profile_drop": float(np.max(profile["log_lik"]) - np.min(profile["log_lik"])),
            "mle": float(state["mle"]["theta"][i]),
        }
    if NOISE in keys and COST in keys:
        i, j = keys.index(NOISE), keys.index(COST)
        pr = _summary(prior_draws[COST] / prior_draws[NOISE])
        po = _summary(post[:, j] / post[:, i])
        table[RATIO] = {"prior_summary": pr, "posterior": po, "sd_ratio": po["sd"] / pr["sd"]}
    for entry in table.values():
        entry["identified"] = bool(entry["sd_ratio"] < SD_RATIO_IDENTIFIED)
    for key in keys:
        table[key]["verdict"] = "identified" if table[key]["identified"] else NOT_IDENTIFIED
    ratio = table.get(RATIO)
    if ratio and ratio["identified"]:
        for key in (NOISE, COST):
            if not table[key]["identified"]:
                table[key]["verdict"] = f"identified only through the ratio {RATIO}"
    return table


def drawn_from_posterior(table: dict, keys: list[str]) -> list[str]:
    return [k for k in keys if table[k]["verdict"] != NOT_IDENTIFIED]


def calibrated_scenario(setup, table: dict, scenario_path: Path, out: Path, command: str) -> dict:
    from sim.actors import PARAMS_BY_KEY

    groups: dict[str, dict] = {}
    where = f"{Path(str(setup.record.path)).name}, {setup.start} to {setup.until}"
    for prior in setup.priors:
        key = str(prior.key)
        entry = table[key]
        post = entry["posterior"]
        if entry["verdict"] == NOT_IDENTIFIED:
            value = dict(prior.dist.to_dict())
            value["source"] = (
                f"assumption: {NOT_IDENTIFIED} ({prior.dist.describe()} from the {prior.origin}): "
                f"by the record's likelihood ({where}) its posterior sd is "
                f"{entry['sd_ratio']:.2f} of its prior's (identified below "
                f"{SD_RATIO_IDENTIFIED}); see diagnostics.json"
            )
        else:
            value = {
                "posterior": {"file": "posterior.parquet", "column": key},
                "source": (
                    f"assumption: calibrated ({entry['verdict']}) by the record's likelihood "
                    f"(IF2 and PMMH on {where}); posterior mean {post['mean']:.3g}, 90% "
                    f"{post['90'][0]:.3g}-{post['90'][1]:.3g}, sd {entry['sd_ratio']:.2f} of "
                    f"the prior's ({prior.dist.describe()} from the {prior.origin}); see "
                    "diagnostics.json"
                ),
            }
        value["meaning"] = PARAMS_BY_KEY[prior.key].meaning
        groups.setdefault(prior.key.actor, {})[prior.key.name] = value
    drawn = drawn_from_posterior(table, [str(k) for k in setup.keys])
    kept = [str(k) for k in setup.keys if str(k) not in drawn]
    return {
        "name": f"{setup.scenario.name} (calibrated)",
        "description": (
            f"{setup.scenario.name} with {', '.join(drawn) or 'nothing'} drawn jointly from "
            f"the likelihood posterior on the record {setup.start} to {setup.until}; "
            f"{', '.join(kept) or 'none'}: {NOT_IDENTIFIED}."
        ),
        "extends": os.path.relpath(Path(scenario_path).resolve(), out.resolve()),
        "parameters": groups,
    }


def write_likelihood_outputs(
    setup,
    state,
    settings,
    out: Path,
    seed: int,
    command: list[str],
    scenario_path: Path,
    run_settings: dict,
) -> list[Path]:
    keys = [str(k) for k in setup.keys]
    post = posterior_samples(state, settings)
    frame = pd.DataFrame(post, columns=keys)
    frame["weight"] = 1.0 / len(frame)
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    table = identifiability(setup, state, settings, seed)
    accepted = np.array(state["chains"]["accepted"], dtype=bool)
    diag = {
        "method": "likelihood (IF2 maximum and profiles, PMMH posterior)",
        "command": command,
        "settings": run_settings,
        "likelihood_settings": settings.to_dict(),
        "record": {
            "file": str(setup.record.path),
            "from": str(setup.start),
            "until": str(setup.until),
        },
        "wall_seconds": state["wall"],
        "if2": {"trace": state["trace"], "maximum": state["mle"]},
        "pmmh": {
            "acceptance": float(accepted[settings.pmmh.burn_in :].mean()),
            "acceptance_by_iteration": accepted.mean(axis=1).tolist(),
            "samples": len(frame),
        },
        "identification_rule": f"posterior sd < {SD_RATIO_IDENTIFIED} x prior sd",
        "parameters": table,
    }
    staging = out / ".likelihood-outputs"
    staging.mkdir(exist_ok=True)
    made = [
        atomic_write(staging / "posterior.parquet", buf.getvalue()),
        atomic_write(staging / "diagnostics.json", json.dumps(diag, indent=2) + "\n"),
    ]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1 << 42, 9)))
    draws = {p.key: p.dist.sample(rng, 4000) for p in setup.priors}
    made.append(prior_posterior(list(setup.priors), frame, draws, staging / "prior_posterior.png"))
    data = calibrated_scenario(setup, table, scenario_path, out, " ".join(command))
    header = (
        "A calibrated scenario written by `escsim calibrate --method likelihood`: the scenario\n"
        "it extends, with the parameters the record identifies drawn jointly from\n"
        f"posterior.parquet (one row per world); the others {NOT_IDENTIFIED}.\n"
        f"Command: {' '.join(command)}"
    )
    made.append(atomic_write(staging / "calibrated.yaml", scenario_yaml_text(data, header)))
    (out / "calibrated.yaml").unlink(missing_ok=True)
    for path in made:  # calibrated.yaml last: a directory holding it holds a whole set
        os.replace(path, out / path.name)
    staging.rmdir()
    return [out / p.name for p in made]
