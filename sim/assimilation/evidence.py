"""``escsim evidence LENS.yaml... --record FILE``: which scenario does the record favour?

For each scenario, the log marginal likelihood of the record (the particle filter of
:mod:`sim.assimilation.filter`, through every month of the record, the scenario's
parameter distributions as the prior), with its Monte Carlo standard error from
independent replicate filters, and the log Bayes factor against the first scenario,
read on the Kass & Raftery (1995) scale of 2 ln B: below 2 not worth more than a bare
mention, 2-6 positive, 6-10 strong, above 10 very strong.

What it does not mean: the experts' lenses are views of 2024-2025 written after the
record's months (2021-01 to 2024-06), and each lens is filtered from the record's first
month with the conditions dated up to then, so the factor says which lens's parameters
make the months already seen most probable under this model and this observation model;
not which expert is right about what comes next, and nothing about claims the record
cannot see (an invasion, a regional war). A difference within a few standard errors is
Monte Carlo noise.
"""

import math
from pathlib import Path

from sim.runinfo import run_info

EVIDENCE_JSON = "evidence.json"
EVIDENCE_PNG = "evidence.png"
KASS_RAFTERY = (
    (2.0, "not worth more than a bare mention"),
    (6.0, "positive"),
    (10.0, "strong"),
    (math.inf, "very strong"),
)


def kass_raftery(log_bf: float) -> str:
    """The Kass-Raftery reading of a natural-log Bayes factor (for the first scenario if
    negative)."""
    two = 2.0 * abs(log_bf)
    word = next(label for bound, label in KASS_RAFTERY if two < bound)
    return word if log_bf >= 0 or word.startswith("not") else f"{word} (against)"


def cli_parse(subparsers) -> None:
    from sim.assimilation.forecast import DEFAULT_REPLICATES
    from sim.cli_support import (
        add_conditions_option,
        add_dask_option,
        add_format_option,
        add_out_option,
        add_quiet_option,
        add_seed_option,
        positive_int,
        worker_count,
        worlds_count,
    )
    from sim.package_data import default_record

    ev = subparsers.add_parser(
        "evidence",
        help="the record's log marginal likelihood under each scenario and the "
        "Bayes factors between them",
    )
    ev.add_argument(
        "files",
        type=Path,
        nargs="+",
        help="scenario files (the first is the reference of the Bayes factors)",
    )
    ev.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help="the monthly record CSV (default: the shipped record, "
        "data/record/armenia_azerbaijan_monthly.csv)",
    )
    add_conditions_option(ev)
    ev.add_argument(
        "--observation",
        choices=("default", "sharper", "softer"),
        default="default",
        help="the filter's observation model (default: default, the registry's)",
    )
    ev.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=4000,
        help="worlds per scenario (default 4,000)",
    )
    ev.add_argument(
        "--replicates",
        type=positive_int,
        default=DEFAULT_REPLICATES,
        help=f"independent filters per scenario (default {DEFAULT_REPLICATES})",
    )
    add_seed_option(ev)
    ev.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    add_dask_option(ev, "the replicates")
    add_format_option(ev)
    add_out_option(ev, f"{EVIDENCE_JSON} and {EVIDENCE_PNG}")
    add_quiet_option(ev)
    ev.set_defaults(action=cli_action)


def evidence(
    paths,
    record,
    *,
    worlds,
    replicates,
    seed,
    observation,
    conditions,
    workers=1,
    dask=None,
    progress=None,
) -> dict:
    from sim.assimilation.forecast import filter_record
    from sim.scenario import ScenarioError, load_scenario

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    rows = []
    for path, scenario in zip(paths, scenarios, strict=True):
        r = filter_record(
            scenario,
            record,
            (),
            n_worlds=worlds,
            replicates=replicates,
            seed=seed,
            observation=observation,
            conditions=conditions,
            workers=workers,
            dask=dask,
            worlds_done=progress,
            through=record.last_month,
        )
        rows.append(
            {
                "file": str(path),
                "name": scenario.name,
                "log_likelihood": r.log_likelihood,
                "se": r.se,
                "min_ess": min(m["ess"] for m in r.months),
            }
        )
    ref = rows[0]
    for row in rows:
        row["log_bayes_factor"] = row["log_likelihood"] - ref["log_likelihood"]
        row["log_bayes_factor_se"] = (
            math.sqrt(row["se"] ** 2 + ref["se"] ** 2) if row is not ref else 0.0
        )
        row["reading"] = kass_raftery(row["log_bayes_factor"]) if row is not ref else "reference"
    return {
        "record": str(record.path),
        "months": [str(record.first_month), str(record.last_month)],
        "worlds": worlds,
        "replicates": replicates,
        "seed": seed,
        "observation_model": observation.name,
        "scenarios": rows,
    }


def format_evidence(data: dict) -> str:
    lines = [
        f"record: {data['record']} ({data['months'][0]} to {data['months'][1]})    "
        f"worlds: {data['worlds']:,} per scenario in {data['replicates']} filters    "
        f"seed: {data['seed']}    observation model: {data['observation_model']}",
        "",
        f"{'scenario':<32} {'log lik':>9} {'SE':>6}  {'log BF':>8} {'SE':>6}  reading "
        "(Kass-Raftery, against the first)",
    ]
    for row in data["scenarios"]:
        lines.append(
            f"{row['name'][:32]:<32} {row['log_likelihood']:>9.2f} {row['se']:>6.2f}  "
            f"{row['log_bayes_factor']:>+8.2f} {row['log_bayes_factor_se']:>6.2f}  "
            f"{row['reading']}"
        )
    lines += [
        "",
        "A log Bayes factor says which scenario makes the record's months most "
        "probable; the lenses are views of 2024-2025, the record is 2021-2024.",
    ]
    return "\n".join(lines) + "\n"


def plot_evidence(data: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = data["scenarios"]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.5))
    ax.barh(
        [r["name"] for r in rows],
        [r["log_bayes_factor"] for r in rows],
        xerr=[2 * r["log_bayes_factor_se"] for r in rows],
        color="tab:blue",
        alpha=0.7,
    )
    for bound in (1.0, 3.0, 5.0):  # 2 ln B = 2, 6, 10
        for sign in (1, -1):
            ax.axvline(sign * bound, color="grey", lw=0.6, ls=":")
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(
        f"log Bayes factor against {rows[0]['name']} (whiskers: 2 SE; dotted: Kass-Raftery bounds)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def cli_action(args) -> int:
    from sim.cli_support import RunsProgress
    from sim.files import check_out_dir
    from sim.record.monthly import load_record

    if args.out is not None:
        check_out_dir(args.out)
    record = load_record(args.record)
    with RunsProgress(enabled=not args.quiet) as bar:
        data = _evidence(args, record, bar.callback)
    return _show(args, data)


def _evidence(args, record, progress) -> dict:
    from sim.record.conditions import load_conditions
    from sim.record.observation import ObservationModel

    return evidence(
        args.files,
        record,
        worlds=args.worlds,
        replicates=min(args.replicates, args.worlds),
        seed=args.seed,
        observation=ObservationModel.named(args.observation),
        conditions=load_conditions(args.conditions),
        workers=args.workers,
        dask=args.dask,
        progress=progress,
    )


def _show(args, data: dict) -> int:
    from sim.cli_support import show_with_figure

    data["run_info"] = run_info(args.seed)
    show_with_figure(
        args,
        data,
        format_evidence(data),
        EVIDENCE_JSON,
        lambda out: plot_evidence(data, out / EVIDENCE_PNG),
    )
    return 0
