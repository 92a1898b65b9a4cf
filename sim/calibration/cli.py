"""``escsim calibrate``: infer behavioural parameters from the monthly record, by its
likelihood (``--method likelihood``: IF2 and PMMH on the block particle filter, see
:mod:`sim.calibration.likelihood_run`) or by ABC-SMC (``--method abc``, pyabc).

Bad input (an unknown or fixed-value parameter, a month outside the record, an output
directory in the way) ends with one message and exit 2, before any simulation.
"""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.runinfo import run_info
from sim.scenario import Problem, ScenarioError

SETTINGS = "settings.json"
# What must be the same when a run is resumed (the rest may change: generations, workers).
RESUME_KEYS = (
    "record",
    "scenario",
    "until",
    "parameters",
    "particles",
    "records",
    "seed",
    "method",
    "sampler",
)
METHODS = ("likelihood", "abc")
DEFAULT_METHOD = "likelihood"


def cli_parse(subparsers) -> None:
    from sim.calibration.inference import (
        DEFAULT_GENERATIONS,
        DEFAULT_PARTICLES,
        DEFAULT_RECORDS,
        DEFAULT_SAMPLER,
        SAMPLERS,
    )
    from sim.calibration.priors import DEFAULT_PARAMETERS
    from sim.cli_support import (
        add_format_option,
        add_quiet_option,
        add_seed_option,
        dask_address,
        generation_count,
        particle_count,
        record_count,
        worker_count,
    )
    from sim.package_data import default_record

    p = subparsers.add_parser(
        "calibrate",
        help="infer behavioural parameters from the monthly record (ABC-SMC)",
        description="Calibrate a scenario's behavioural parameters on the monthly record by "
        "ABC-SMC (pyabc). Writes the posterior, diagnostics, figures and a "
        "calibrated scenario to --out.",
    )
    p.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help="monthly record CSV (default: the shipped record, "
        "data/record/armenia_azerbaijan_monthly.csv)",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"likelihood (IF2 + PMMH on the particle filter) or abc (ABC-SMC); "
        f"default {DEFAULT_METHOD}. --particles, --generations and --records are ABC's",
    )
    p.add_argument(
        "--scenario", type=Path, required=True, help="scenario whose distributions are the priors"
    )
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        required=True,
        help="output directory (new or empty, or a run to continue with --resume)",
    )
    p.add_argument(
        "--until",
        metavar="YYYY-MM",
        default=None,
        help="last month of the record used (default: its last month)",
    )
    p.add_argument(
        "--parameters",
        nargs="+",
        metavar="KEY",
        default=None,
        help=f"parameters to calibrate (default: {' '.join(DEFAULT_PARAMETERS)})",
    )
    p.add_argument(
        "--particles",
        type=particle_count,
        default=DEFAULT_PARTICLES,
        help=f"particles per generation (default {DEFAULT_PARTICLES})",
    )
    p.add_argument(
        "--generations",
        type=generation_count,
        default=DEFAULT_GENERATIONS,
        help=f"ABC-SMC generations in all (default {DEFAULT_GENERATIONS})",
    )
    p.add_argument(
        "--records",
        type=record_count,
        default=DEFAULT_RECORDS,
        help=f"simulated records per model call (default {DEFAULT_RECORDS})",
    )
    p.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default=DEFAULT_SAMPLER,
        help="how a generation's proposals are simulated: 'batched', blocks of one model "
        "(default), or 'mapping', one model call per proposal (the slower path before "
        "issue 18, kept for comparison; another posterior for the same seed)",
    )
    run_on = p.add_mutually_exclusive_group()
    run_on.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help="worker processes (the posterior does not depend on it)",
    )
    run_on.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        type=dask_address,
        help="run the simulations on the Dask scheduler at ADDRESS (default: none, "
        "local --workers)",
    )
    p.add_argument(
        "--resume", action="store_true", help="continue the run in --out up to --generations"
    )
    add_seed_option(p)
    add_format_option(p)
    add_quiet_option(p)
    p.set_defaults(action=cli_action)


def _settings(args) -> dict:
    return {
        "record": str(args.record),
        "scenario": str(args.scenario),
        "until": args.until,
        "parameters": args.parameters,
        "particles": args.particles,
        "records": args.records,
        "seed": args.seed,
        "sampler": args.sampler,
        "generations": args.generations,
        "workers": args.workers,
        "dask": args.dask,
        "method": args.method,
    }


def check_out(out: Path, resume: bool, settings: dict) -> int:
    """Refuse an output directory that is in the way, before any work; with ``resume``,
    return how many generations the database there holds (0: none finished, the run
    starts again in place)."""
    from sim.calibration.database import DB_NAME, finished_generations
    from sim.calibration.likelihood_run import STATE

    def fail(message: str, where: Path = out):
        raise ScenarioError([Problem(str(where), None, "--out" if where == out else "", message)])

    if out.exists() and not out.is_dir():
        fail("is a file, not a directory")
    if not resume:
        if out.is_dir() and any(out.iterdir()):
            fail(
                "already holds files: use --resume to continue the run there, or give a "
                "new directory"
            )
        return 0
    progress = STATE if settings.get("method") == "likelihood" else DB_NAME
    if not (out / progress).is_file() or not (out / SETTINGS).is_file():
        fail(f"holds no calibration to resume (no {progress} and {SETTINGS})")
    try:
        before = json.loads((out / SETTINGS).read_text(encoding="utf-8"))
        if not isinstance(before, dict):
            raise ValueError(f"a JSON {type(before).__name__}, not an object")
    except (OSError, ValueError, UnicodeDecodeError) as err:
        fail(
            f"cannot be read as the settings of a calibration ({err}); it cannot be "
            "resumed: start again in a new --out",
            out / SETTINGS,
        )
    before.setdefault("sampler", "mapping")  # runs before the batched sampler existed
    changed = [k for k in RESUME_KEYS if before.get(k) != settings.get(k)]
    if changed:
        fail(
            "--resume needs the options of the run it continues; changed: "
            + ", ".join(f"{k} ({before.get(k)!r} -> {settings.get(k)!r})" for k in changed)
        )
    if progress == STATE:
        return 1
    return finished_generations(out / DB_NAME)  # a damaged database: ScenarioError


def cli_action(args) -> int:
    from sim.files import locked_out_dir

    # Locked for the whole command: a second calibration in the same directory is refused.
    with locked_out_dir(args.out, "calibrate"):
        return _calibrate(args)


def _kept_text(out: Path, argv: list[str]) -> str | None:
    from sim.calibration.database import DB_NAME, count_generations
    from sim.calibration.likelihood_run import STATE

    if (out / STATE).exists():
        resume = " ".join(
            ["escsim calibrate", *argv, *([] if "--resume" in argv else ["--resume"])]
        )
        return f"the finished steps are kept in {out / STATE}; continue with: {resume}"

    if not (out / DB_NAME).exists():
        return None
    done = count_generations(out / DB_NAME)
    resume = " ".join(["escsim calibrate", *argv, *([] if "--resume" in argv else ["--resume"])])
    if not done:
        return (
            f"no generation had finished; {out / DB_NAME} holds only the start: run "
            f"again with --resume to start afresh there ({resume})"
        )
    return f"{done} finished generation(s) kept in {out / DB_NAME}; continue with: {resume}"


def say(args, text: str) -> None:
    """A note on stderr, unless ``--quiet`` (``getattr``: callers in tests build args)."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def _calibrate(args) -> int:
    if args.method == "likelihood":
        return _calibrate_by_likelihood(args)
    from sim.calibration.database import DB_NAME, DatabaseWriteError, commits_not_interrupted
    from sim.calibration.inference import prepare, run_abc
    from sim.calibration.outputs import write_outputs
    from sim.cli_support import CommandFailed, kept_on_interrupt
    from sim.output import atomic_write

    settings = _settings(args)
    generations_before = check_out(args.out, args.resume, settings)
    if args.resume and not generations_before:
        print(
            f"note: {args.out / DB_NAME} holds no finished generation: starting again",
            file=sys.stderr,
        )
        (args.out / DB_NAME).unlink()
    resume = args.resume and generations_before > 0
    setup = prepare(
        args.record, args.scenario, args.until, args.parameters, args.records, args.seed
    )
    for prior in setup.priors:
        if prior.origin != "scenario":
            say(args, f"note: {prior.key}: prior is the uniform {prior.origin}")
    for text in setup.schedule_notes:
        say(args, f"note: {text}")
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(
        args.out / SETTINGS,
        json.dumps({**settings, "run_info": run_info(args.seed)}, indent=2) + "\n",
    )
    argv = _argv_of(args)
    command = ["escsim", "calibrate", *argv]
    with kept_on_interrupt(lambda: _kept_text(args.out, argv)), commits_not_interrupted():
        try:
            with _mapper(args) as map_:
                history, wall = run_abc(
                    setup,
                    args.out,
                    args.particles,
                    args.generations,
                    map_,
                    args.seed,
                    resume,
                    args.sampler,
                )
        except DatabaseWriteError as err:
            raise CommandFailed(f"cannot write {args.out / DB_NAME} ({err})") from None
        written = write_outputs(setup, history, args.out, wall, settings, command, args.scenario)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "parameters": list(setup.keys),
                    "months": [str(setup.start), str(setup.until)],
                    "generations": int(history.n_populations),
                    "simulations": int(history.total_nr_simulations),
                    "seconds": wall,
                    "files": [str(path) for path in written],
                },
                indent=2,
            )
        )
        return 0
    print(
        f"calibrated {', '.join(setup.keys)} on {setup.start}..{setup.until}: "
        f"{history.n_populations} generations, {history.total_nr_simulations} simulations, "
        f"{wall:.0f} s"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _calibrate_by_likelihood(args) -> int:
    from sim.calibration.inference import prepare
    from sim.calibration.likelihood_outputs import write_likelihood_outputs
    from sim.calibration.likelihood_run import LikelihoodSettings, run_likelihood
    from sim.cli_support import kept_on_interrupt
    from sim.output import atomic_write

    settings = _settings(args)
    for k in ("particles", "generations", "records"):
        settings.pop(k)  # ABC's; not used, and a resume need not repeat them
    check_out(args.out, args.resume, settings)
    setup = prepare(args.record, args.scenario, args.until, args.parameters, 1, args.seed)
    for prior in setup.priors:
        if prior.origin != "scenario":
            print(f"note: {prior.key}: prior is the uniform {prior.origin}", file=sys.stderr)
    for note in setup.schedule_notes:
        print(f"note: {note}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / SETTINGS, json.dumps(settings, indent=2) + "\n")
    argv = _argv_of(args)
    command = ["escsim", "calibrate", *argv]
    likelihood_settings = LikelihoodSettings()
    with kept_on_interrupt(lambda: _kept_text(args.out, argv)):
        with _mapper(args) as map_:
            state = run_likelihood(
                setup,
                args.out,
                args.seed,
                map_,
                likelihood_settings,
                args.resume,
                log=lambda m: print(m, file=sys.stderr, flush=True),
            )
        written = write_likelihood_outputs(
            setup,
            state,
            likelihood_settings,
            args.out,
            args.seed,
            [c for c in command if c != "--resume"],
            args.scenario,
            settings,
        )
    print(
        f"calibrated {', '.join(setup.keys)} on {setup.start}..{setup.until} by the "
        f"record's likelihood: {state['wall']:.0f} s"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def _argv_of(args) -> list[str]:
    out = ["--record", str(args.record), "--scenario", str(args.scenario), "--out", str(args.out)]
    if args.method != DEFAULT_METHOD:
        out += ["--method", args.method]
    if args.method == "likelihood":
        return _tail(args, out)
    if args.until:
        out += ["--until", args.until]
    if args.parameters:
        out += ["--parameters", *args.parameters]
    out += [
        "--particles",
        str(args.particles),
        "--generations",
        str(args.generations),
        "--records",
        str(args.records),
        "--seed",
        str(args.seed),
    ]
    if args.sampler != "batched":
        out += ["--sampler", args.sampler]
    return _tail(args, out, seeded=True)


def _tail(args, out: list[str], seeded: bool = False) -> list[str]:
    if not seeded:
        if args.until:
            out += ["--until", args.until]
        if args.parameters:
            out += ["--parameters", *args.parameters]
        out += ["--seed", str(args.seed)]
    if args.dask:
        out += ["--dask", args.dask]
    elif args.workers > 1:
        out += ["--workers", str(args.workers)]
    if args.resume:
        out.append("--resume")
    return out


class _mapper:
    """The ``map`` the sampler runs its tasks on: the project's one executor layer
    (:func:`sim.parallel.map_ordered`) over a process pool or a Dask client kept open for
    the whole run (a pool per generation would cost a start-up each time)."""

    def __init__(self, args) -> None:
        self.args = args
        self.closers: list[Callable[[Any], object]] = []

    def __enter__(self):
        from functools import partial

        from sim.parallel import dask_client, map_ordered, process_pool

        if self.args.dask:
            client = dask_client(self.args.dask)
            self.closers.append(lambda _exc_type: client.close())
            return partial(map_ordered, dask=client)
        if self.args.workers > 1:
            pool = process_pool(self.args.workers)
            # Left by an error or an interruption: the workers are killed, not waited for.
            self.closers.append(lambda exc_type: pool.__exit__(exc_type, None, None))
            return partial(map_ordered, executor=pool)
        return map

    def __exit__(self, exc_type, *_exc) -> None:
        for close in self.closers:
            close(exc_type)
