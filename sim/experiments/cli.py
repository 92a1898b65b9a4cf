"""``escsim sweep STUDY --out DIR``: run a study, checkpointed, and list what it wrote."""

import sys
from pathlib import Path


def cli_parse(sub) -> None:
    from sim.cli_support import (
        add_dask_option,
        add_format_option,
        add_horizon_option,
        add_out_option,
        add_quiet_option,
        worker_count,
    )

    sw = sub.add_parser("sweep", help="run a study: a parameter sweep, sensitivity, discovery")
    sw.add_argument(
        "study",
        type=Path,
        help="study YAML file, or a shipped study's name (sanctions_x_push, sobol_all; "
        "escsim scenarios lists them)",
    )
    add_out_option(sw, "the table, figures and the checkpoint", required=True)
    sw.add_argument("--resume", action="store_true", help="continue a partial run in --out")
    sw.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    add_dask_option(sw, "the blocks")
    add_horizon_option(sw)
    add_format_option(sw)
    add_quiet_option(sw, no_progress_alias=True)
    sw.set_defaults(action=cli_action)


def check_study_extras(study) -> None:
    """Refuse, before any point runs, a study whose outputs need an extra that is not
    installed (scenario discovery: the EMA Workbench)."""
    from sim.cli_support import require_extra

    if study.discovery:
        require_extra("ema_workbench", "discovery", f"study {study.name}'s discovery:")


def cli_action(args) -> int:
    from sim.cli_support import ProgressBar, require_extra
    from sim.experiments import load_study, run_study
    from sim.experiments.estimate import study_size
    from sim.experiments.runner import check_checkpoint
    from sim.files import locked_out_dir
    from sim.formatting import json_text

    if args.dask is not None:
        require_extra("distributed", "dask", "--dask")
    # The directory is locked for the whole command (a second sweep on it is refused),
    # and what it holds is checked before any work, the timing probe included.
    with locked_out_dir(args.out, "sweep"):
        study = load_study(args.study)
        if args.horizon is not None:  # part of the study's fingerprint: --resume checks it
            from dataclasses import replace

            study = replace(study, horizon_weeks=args.horizon)
        check_study_extras(study)
        check_checkpoint(args.out, study, args.resume)
        # Say how big the run is before it starts (a typo can ask for a million points);
        # never ask for confirmation: scripts must not block.
        # Shown even with -q: it is what catches a typo before the hours go by.
        print(f"study {study.name}: {study_size(study, args.workers).describe()}", file=sys.stderr)
        with ProgressBar(1, "point", not args.quiet, rate_unit="worlds/s") as bar:
            table = run_study(
                study,
                out=args.out,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=bar.callback,
            )
    points = table["point"].nunique()
    files = [args.out / name for name in sorted(p.name for p in args.out.iterdir() if p.is_file())]
    swamped = _swamped_line(study, args.out)
    if swamped is not None:
        print(swamped, file=sys.stderr)  # a warning about the numbers: shown even with -q
    if args.format == "json":
        print(
            json_text(
                {
                    "study": study.name,
                    "seed": study.seed,
                    "points": int(points),
                    "worlds_per_point": study.worlds,
                    "design": study.method,
                    "files": [str(f) for f in files],
                }
            )
        )
        return 0
    print(
        f"study: {study.name}    seed: {study.seed}    points: {points:,}    "
        f"worlds per point: {study.worlds:,}    design: {study.method}"
    )
    for path in files:
        print(f"  {path}")
    return 0


def _swamped_line(study, out: Path) -> str | None:
    """The terminal's line on Sobol indices their interval swamps (see
    ``sim.experiments.sensitivity.swamped_note``), read back from sensitivity.csv."""
    path = out / "sensitivity.csv"
    if study.method != "sobol" or not path.exists():
        return None
    import pandas as pd

    from sim.experiments.sensitivity import swamped_note

    return swamped_note(pd.read_csv(path), study.samples)
