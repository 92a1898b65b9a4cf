"""What every command's parser and action share: argument types, the run options, the
progress bar, loading several scenario files, exit codes.

Each command lives beside its feature (``cli_parse(subparsers)`` adds its subparser,
``cli_action(args) -> int`` runs it); ``sim.cli`` only dispatches. Heavy modules (the
model, pandas, matplotlib) are imported by the actions, so ``escsim --help`` stays fast.
"""

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim import limits
from sim.limits import MAX_CHUNK_SIZE, MAX_HORIZON_WEEKS, MAX_WORKERS, MAX_WORLDS
from sim.seeding import DEFAULT_SEED

MAX_SEED = 2**63 - 1
EXIT_FAILED = 1  # the command could not finish (a worker died, no Dask worker left)
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C: the same clean-up runs (worker
    pools shut down, half-written files removed) and the same truthful message is printed."""


class CommandFailed(Exception):
    """The command cannot go on for a reason outside its input (every Dask worker left, a
    worker process was killed): one line, what was kept, exit 1."""


# --- what an interrupted command leaves -----------------------------------------------


@contextlib.contextmanager
def kept_on_interrupt(describe: Callable[[], str | None]):
    """While the block runs, ``describe()`` says what an interruption would leave behind
    and how to continue (e.g. "3 of 9 blocks finished and kept in out/blocks; run the
    same command with --resume"); None when nothing was written. An exception (Ctrl-C,
    SIGTERM, a failure) leaving the block carries the text out (``what_was_kept``), and
    ``escsim`` prints it instead of a blanket "nothing was written"."""
    try:
        yield
    except BaseException as err:
        if getattr(err, "escsim_kept", None) is None:  # the innermost block says it
            try:
                kept = describe()
            except Exception:  # noqa: BLE001 (a message must never become a traceback)
                kept = None
            setattr(err, "escsim_kept", kept)  # noqa: B010 (an attribute of our own)
        raise


def what_was_kept(err: BaseException) -> str:
    """What the interrupted command left (see ``kept_on_interrupt``)."""
    return getattr(err, "escsim_kept", None) or "nothing was written"


# --- signals --------------------------------------------------------------------------


def _raise_terminated(_signum, _frame):
    raise Terminated


@contextlib.contextmanager
def sigterm_raises():
    """While the block runs, SIGTERM raises ``Terminated`` in the main thread (by default
    it kills at once, skipping every ``finally``: worker pools were left running under
    PID 1). The handler before is put back at the end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextlib.contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM until the block ends, then act on them: around a commit
    that must not be cut in half (a calibration's database write). Outside the main
    thread (where no handler runs) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before: dict[int, Any] = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in before:
        signal.signal(sig, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        if caught:
            handler = before[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif caught[0] == signal.SIGINT and handler != signal.SIG_IGN:
                raise KeyboardInterrupt
            elif caught[0] == signal.SIGTERM and handler == signal.SIG_DFL:
                raise Terminated


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
        raise argparse.ArgumentTypeError(
            f"a seed must be from 0 to {MAX_SEED:,} (2^63 - 1: "
            f"it is stored as a 64-bit integer), got {value}"
        )
    return value


def port(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 1 to 65535, got {value}")
    return value


DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def dask_address(text: str) -> str:
    """An argparse type: a Dask scheduler address, ``[tcp://]host:port`` (also tls, ws,
    wss, ucx), checked before any work so a typo is one line, not a wait and a traceback."""
    from urllib.parse import urlsplit

    full = text if "://" in text else f"tcp://{text}"
    try:
        parts = urlsplit(full)
        port_number = parts.port
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"not a scheduler address ({err}): {text!r}; expected e.g. tcp://127.0.0.1:8786"
        ) from None
    if parts.scheme == "inproc":
        return full
    if (
        parts.scheme not in DASK_SCHEMES
        or not parts.hostname
        or port_number is None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in text)
    ):
        raise argparse.ArgumentTypeError(
            f"not a scheduler address: {text!r}; expected [tcp://]HOST:PORT, e.g. "
            f"tcp://127.0.0.1:8786 (schemes: {', '.join(DASK_SCHEMES[:-1])})"
        )
    if not 1 <= port_number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 1 to 65535: {text!r}")
    return full


def add_run_options(parser: argparse.ArgumentParser, worlds_default: int = 10_000) -> None:
    """``-n/--worlds``, ``--seed``, ``--workers``, ``--dask``, ``--horizon``, ``--format
    table|json`` and ``-q/--quiet``."""
    parser.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=worlds_default,
        help=f"worlds per run (default {worlds_default:,}, at most {MAX_WORLDS:,})",
    )
    add_seed_option(parser)
    parser.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help=f"worker processes (default 1, at most {MAX_WORKERS}; results do not depend on it)",
    )
    add_dask_option(parser)
    add_horizon_option(parser)
    add_format_option(parser)
    add_quiet_option(parser)


class ProgressBar:
    """A tqdm bar on a terminal's stderr (none when piped or switched off), used as a
    context manager; ``update(done, total, rate=None)`` is the progress callback."""

    def __init__(
        self, total: int, unit: str, enabled: bool = True, rate_unit: str | None = None
    ) -> None:
        self.bar = None
        self.rate_unit = rate_unit
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            # One update per chunk or block: few enough to draw every one.
            self.bar = tqdm(
                total=total,
                unit=unit,
                unit_scale=True,
                file=sys.stderr,
                leave=False,
                mininterval=0,
                miniters=1,
            )

    @property
    def callback(self):
        return self.update if self.bar is not None else None

    def update(self, done: int, total: int, rate: float | None = None) -> None:
        bar = self.bar
        if bar is None:  # not a terminal: nothing to draw
            return
        bar.total = total
        self._draw(bar, done, rate)

    def _draw(self, bar, done: int, rate: float | None) -> None:
        if rate is not None and self.rate_unit:
            bar.set_postfix_str(f"{rate:,.0f} {self.rate_unit}", refresh=False)
        bar.update(done - bar.n)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


class RunsProgress(ProgressBar):
    """One bar over several runs of a command (compare's scenarios and coalition runs,
    check's claim horizons, a report's scenarios): each run reports ``(done, total)`` of
    its own worlds; a run that reaches its total is added to what the bar has counted.
    The number of runs is not always known at the start, so the bar counts worlds."""

    def __init__(self, unit: str = "world", enabled: bool = True) -> None:
        super().__init__(0, unit, enabled)
        self.base = 0
        if self.bar is not None:
            self.bar.total = None  # open-ended: a count and a rate, no percentage

    def update(self, done: int, total: int, rate: float | None = None) -> None:
        bar = self.bar
        if bar is None:
            return
        self._draw(bar, self.base + done, rate)
        if done >= total:  # this run is over: the next one counts on from here
            self.base += total


def load_all(paths, args=None):
    """Load every scenario file, reporting all of their problems together; with the
    command's ``args``, each adjusted by ``--set`` and ``--horizon`` (``load_adjusted``)."""
    from sim.scenario import ScenarioError, load_scenario

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path) if args is None else load_adjusted(path, args))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


# --- options every command spells the same way ----------------------------------------


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default: ``(default: 10000)`` is added unless the
    help already names its default (``default 10,000``, ``default: the scenario's``), the
    option is a flag, or it is required. Set on every subparser by ``sim.cli``."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (
            "default" in text.lower()
            or action.default in (None, argparse.SUPPRESS)
            or action.nargs == 0
            or action.required
            or not action.option_strings
        ):
            return text
        shown = (
            ", ".join(map(str, action.default))
            if isinstance(action.default, list)
            else action.default
        )
        return f"{text} (default: {shown})".strip()


def add_conditions_option(parser) -> None:
    """``--conditions``: the dated conditions file (default: the shipped one)."""
    parser.add_argument(
        "--conditions",
        type=Path,
        default=None,
        help="conditions file (default: the shipped sim/record/conditions.yaml)",
    )


def add_seed_option(parser) -> None:
    """``--seed``: the master seed, the same default everywhere (:data:`DEFAULT_SEED`)."""
    parser.add_argument(
        "--seed", type=seed, default=DEFAULT_SEED, help=f"master seed (default {DEFAULT_SEED})"
    )


def add_simulation_tail(parser, out_what: str) -> None:
    """The options every simulating analysis ends with: ``--seed``, ``--workers``,
    ``--dask``, ``--format``, ``-o/--out`` (writing ``out_what``) and ``-q/--quiet``."""
    add_seed_option(parser)
    parser.add_argument(
        "--workers", type=worker_count, default=1, help="worker processes (default 1)"
    )
    add_dask_option(parser)
    add_format_option(parser)
    add_out_option(parser, out_what)
    add_quiet_option(parser)


def add_format_option(parser, choices=("table", "json")) -> None:
    """``--format table|json`` (the first choice is the default)."""
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"what to print: {' or '.join(choices)} (default {choices[0]})",
    )


def add_out_option(parser, what: str, required: bool = False) -> None:
    """``-o/--out DIR``: the directory a command writes its files to."""
    parser.add_argument(
        "-o",
        "--out",
        type=_path,
        required=required,
        default=None,
        metavar="DIR",
        help=f"directory for {what}" + ("" if required else " (default: none, print only)"),
    )


def _path(text: str):
    from pathlib import Path

    return Path(text)


def add_quiet_option(parser, no_progress_alias: bool = False) -> None:
    """``-q/--quiet``: no progress bar (errors, warnings and the "wrote ..." lines still
    show). ``--no-progress``, its old spelling, stays as a hidden alias."""
    names = ["-q", "--quiet"]
    parser.add_argument(
        *names,
        action="store_true",
        help="no progress bar on stderr (errors, warnings and the files written still show)",
    )
    if no_progress_alias:
        parser.add_argument(
            "--no-progress", dest="quiet", action="store_true", help=argparse.SUPPRESS
        )


def add_dask_option(parser, what: str = "the simulations") -> None:
    """``--dask ADDRESS``: run on a Dask distributed scheduler instead of local workers."""
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        type=dask_address,
        help=f"run {what} on the Dask scheduler at ADDRESS, e.g. tcp://127.0.0.1:8786 "
        "(default: none, local --workers; same numbers either way)",
    )


def add_horizon_option(parser) -> None:
    """``--horizon WEEKS``: replaces each scenario's horizon."""
    parser.add_argument(
        "--horizon",
        type=horizon_weeks,
        default=None,
        metavar="WEEKS",
        help=f"horizon in weeks (default: the scenario's; at most {MAX_HORIZON_WEEKS})",
    )


def setting(text: str) -> tuple[str, float]:
    """An argparse type for ``--set KEY=VALUE``: a dotted parameter key and a number.
    The key is checked against the registry later (``apply_settings``), where the
    did-you-mean can be given with the scenario's own problems."""
    from sim.params import ParamKey

    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(
            f"expected KEY=VALUE, e.g. russia.csto_commitment=0.3, got {text!r}"
        )
    try:
        parsed_key = ParamKey.parse(key.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    try:
        number = float(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--set {key.strip()}: expected a number, got {value.strip()!r}"
        ) from None
    return str(parsed_key), number


def add_set_option(parser) -> None:
    """``--set KEY=VALUE`` (repeatable): a parameter fixed at a value over the scenario."""
    parser.add_argument(
        "--set",
        dest="settings",
        type=setting,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="fix parameter KEY (actor.name, see `escsim params`) at VALUE for every "
        "world, over the scenario; repeatable (default: none)",
    )


def adjust_scenario(scenario, args):
    """The scenario as the command line asks: ``--set`` values fixed over it (a
    ScenarioError with a did-you-mean for an unknown key or a value out of range), and
    ``--horizon`` in place of its own."""
    from dataclasses import replace

    settings = dict(getattr(args, "settings", None) or [])
    if settings:
        scenario = scenario.with_overrides(settings, source="assumption: --set on the command line")
    horizon = getattr(args, "horizon", None)
    if horizon is not None:
        scenario = replace(scenario, horizon_weeks=horizon)
    return scenario


def load_adjusted(path, args):
    """``load_scenario(path)`` adjusted by the command line (``adjust_scenario``), with a
    warning on stderr when it extends nothing (``warn_no_extends``)."""
    from sim.scenario import load_scenario

    scenario = load_scenario(path)
    warn_no_extends(scenario)
    return adjust_scenario(scenario, args)


def no_extends_warning(scenario) -> str | None:
    """A scenario file without ``extends:`` (other than the shipped baseline) starts from
    the parameter registry's defaults, not from the baseline: the warning that says so
    (the numbers differ: a clash chance of 47% instead of 67.5%), or None."""
    from sim.package_data import baseline_scenario

    if scenario.path is None or scenario.extends_chain:
        return None
    try:
        if scenario.path.resolve() == baseline_scenario().resolve():
            return None
    except OSError:
        pass
    return (
        f"{scenario.path} has no extends:, so every parameter it does not "
        "set takes the registry default (`escsim params`), not the baseline's value; add "
        "`extends: <path to baseline.yaml>` to build on the baseline"
    )


def warn_no_extends(scenario) -> None:
    """:func:`no_extends_warning` on stderr."""
    warning = no_extends_warning(scenario)
    if warning is not None:
        print(f"escsim: warning: {warning}", file=sys.stderr)


def require_extra(module: str, extra: str, what: str) -> None:
    """Refuse, before any work, a command that will need an optional dependency that is
    not installed (one line naming the extra, exit 2)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        from sim.scenario import Problem, ScenarioError

        raise ScenarioError(
            [
                Problem(
                    "<command line>",
                    None,
                    "",
                    f"{what} needs {module}: pip install 'escsim[{extra}]'",
                )
            ]
        )


def wrote(path) -> None:
    """``wrote out/check.json`` on stderr: where the output went (shown with -q too, which
    silences progress only; stdout stays the result alone)."""
    print(f"wrote {path}", file=sys.stderr)


def show_with_figure(args, data: dict, table: str, json_name: str, draw) -> None:
    """Print a command's result as ``--format`` asks (``table``, or ``data`` as indented
    JSON) and, with ``--out DIR``, keep the JSON (``json_name``) and the figure
    ``draw(out)`` makes there (the forecast and evidence commands)."""
    import json

    from sim.files import atomic_write

    text = json.dumps(data, indent=2)
    sys.stdout.write(text + "\n" if args.format == "json" else table)
    sys.stdout.flush()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in (atomic_write(args.out / json_name, text + "\n"), draw(args.out)):
            wrote(path)


def emit(args, stem: str, table: str, data) -> None:
    """Print a command's result as ``--format`` asks (the table's text, or ``data`` as
    JSON) and, with ``--out DIR``, keep both there (``stem.txt`` and ``stem.json``)."""
    from sim.formatting import json_text

    table = table.rstrip("\n") + "\n" if table.strip() else ""
    sys.stdout.write(json_text(data) + "\n" if args.format == "json" else table)
    sys.stdout.flush()
    out = getattr(args, "out", None)
    if out is not None:
        from sim.files import atomic_write, check_out_dir

        check_out_dir(out)
        out.mkdir(parents=True, exist_ok=True)
        for path in (
            atomic_write(out / f"{stem}.txt", table),
            atomic_write(out / f"{stem}.json", json_text(data) + "\n"),
        ):
            wrote(path)
