"""``escsim sweep STUDY --out DIR``: run a study, checkpointed, and list what it wrote."""

import sys
from pathlib import Path


def cli_parse(sub) -> None:
    from sim.cli_support import dask_address, worker_count

    sw = sub.add_parser("sweep", help="run a study: a parameter sweep, sensitivity, discovery")
    sw.add_argument(
        "study",
        type=Path,
        help="study YAML file, or a shipped study's name (sanctions_x_push, sobol_all; "
        "escsim scenarios lists them)",
    )
    sw.add_argument(
        "--out",
        type=Path,
        required=True,
        help="directory for the table, figures and the checkpoint",
    )
    sw.add_argument("--resume", action="store_true", help="continue a partial run in --out")
    sw.add_argument("--workers", type=worker_count, default=1)
    sw.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        type=dask_address,
        help="run the blocks on a Dask distributed scheduler at ADDRESS",
    )
    sw.add_argument("--no-progress", action="store_true")
    sw.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import ProgressBar
    from sim.experiments import load_study, run_study
    from sim.experiments.estimate import study_size
    from sim.experiments.runner import check_checkpoint
    from sim.files import locked_out_dir

    # The directory is locked for the whole command (a second sweep on it is refused),
    # and what it holds is checked before any work, the timing probe included.
    with locked_out_dir(args.out, "sweep"):
        study = load_study(args.study)
        check_checkpoint(args.out, study, args.resume)
        # Say how big the run is before it starts (a typo can ask for a million points);
        # never ask for confirmation: scripts must not block.
        print(f"study {study.name}: {study_size(study, args.workers).describe()}", file=sys.stderr)
        with ProgressBar(1, "point", not args.no_progress, rate_unit="worlds/s") as bar:
            table = run_study(
                study,
                out=args.out,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=bar.callback,
            )
    points = table["point"].nunique()
    print(
        f"study: {study.name}    seed: {study.seed}    points: {points:,}    "
        f"worlds per point: {study.worlds:,}    design: {study.method}"
    )
    for path in sorted(p.name for p in args.out.iterdir() if p.is_file()):
        print(f"  {args.out / path}")
    return 0
