"""What every command's parser and action share: argument types, the run options, the
progress bar, loading several scenario files, exit codes.

Each command lives beside its feature (``cli_parse(subparsers)`` adds its subparser,
``cli_action(args) -> int`` runs it); ``sim.cli`` only dispatches. Heavy modules (the
model, pandas, matplotlib) are imported by the actions, so ``escsim --help`` stays fast.
"""

import argparse
import sys

from sim import limits
from sim.limits import MAX_CHUNK_SIZE, MAX_HORIZON_WEEKS, MAX_WORKERS, MAX_WORLDS
from sim.seeding import DEFAULT_SEED

MAX_SEED = 2**63 - 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``10_000`` and ``10,000`` too)."""
    text = text.strip()
    if len(text) > 30:  # int() of 5,000 digits raises; nothing here is that large
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:20]!r}...")
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def bounded_int(maximum: int, what: str):
    """An argparse type: a whole number from 1 to ``maximum`` (see :mod:`sim.limits`),
    refused while the command line is parsed, before any work."""
    def parse(text: str) -> int:
        value = positive_int(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"at most {maximum:,} {what}, got {value:,}")
        return value

    parse.__name__ = what.replace(" ", "_")  # argparse names the type in its messages
    return parse


worlds_count = bounded_int(MAX_WORLDS, "worlds")
horizon_weeks = bounded_int(MAX_HORIZON_WEEKS, "weeks")
chunk_size = bounded_int(MAX_CHUNK_SIZE, "worlds per chunk")
worker_count = bounded_int(MAX_WORKERS, "workers")
horizon_months = bounded_int(limits.MAX_HORIZON_MONTHS, "months")
particle_count = bounded_int(limits.MAX_PARTICLES, "particles")
generation_count = bounded_int(limits.MAX_GENERATIONS, "generations")
record_count = bounded_int(limits.MAX_RECORDS, "records")


def seed(text: str) -> int:
    """An argparse type: a master seed, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed must be from 0 to {MAX_SEED:,} (2^63 - 1: "
                                         f"it is stored as a 64-bit integer), got {value}")
    return value


def add_run_options(parser: argparse.ArgumentParser, worlds_default: int = 10_000) -> None:
    """``-n/--worlds``, ``--seed``, ``--workers`` and ``--format table|json``."""
    parser.add_argument("-n", "--worlds", type=worlds_count, default=worlds_default,
                        help=f"worlds per run (default {worlds_default:,}, at most "
                             f"{MAX_WORLDS:,})")
    parser.add_argument("--seed", type=seed, default=DEFAULT_SEED, help="master seed")
    parser.add_argument("--workers", type=worker_count, default=1,
                        help=f"worker processes (at most {MAX_WORKERS})")
    parser.add_argument("--format", choices=("table", "json"), default="table")


class ProgressBar:
    """A tqdm bar on a terminal's stderr (none when piped or switched off), used as a
    context manager; ``update(done, total, rate=None)`` is the progress callback."""

    def __init__(self, total: int, unit: str, enabled: bool = True,
                 rate_unit: str | None = None) -> None:
        self.bar = None
        self.rate_unit = rate_unit
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            # One update per chunk or block: few enough to draw every one.
            self.bar = tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr,
                            leave=False, mininterval=0, miniters=1)

    @property
    def callback(self):
        return self.update if self.bar is not None else None

    def update(self, done: int, total: int, rate: float | None = None) -> None:
        bar = self.bar
        if bar is None:  # not a terminal: nothing to draw
            return
        bar.total = total
        if rate is not None and self.rate_unit:
            bar.set_postfix_str(f"{rate:,.0f} {self.rate_unit}", refresh=False)
        bar.update(done - bar.n)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def load_all(paths):
    """Load every scenario file, reporting all of their problems together."""
    from sim.scenario import ScenarioError, load_scenario

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios
