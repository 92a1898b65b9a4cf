"""Backtests: forecasts from history cases against what happened, and the ``backtest``
command (this case form, and the rolling-origin form of :mod:`sim.analysis.rolling`
with ``--record``).

A case is a scenario set to the conditions as of a date plus ``observed:`` outcomes of
the following 12 months (format: :mod:`sim.scenario.claims`). Every outcome a case
records is scored by the rules of :mod:`sim.scoring`:

- Brier score over case-outcomes (0 is perfect);
- log loss, with p kept inside [1 / (2n), 1 - 1 / (2n)] for n worlds;
- skill against a base-rate forecast, 1 - Brier(model) / Brier(base rate). The base rate
  of an outcome is its frequency over the cases run, smoothed as (k + 0.5) / (m + 1) for
  k of m cases. It is in-sample, which flatters the base rate; skill above 0 is then a
  fair sign.
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sim import scoring
from sim.limits import MAX_HORIZON_MONTHS
from sim.montecarlo import run_scenario
from sim.runinfo import run_info
from sim.scenario.problems import Problem, ScenarioError

HORIZON_WEEKS = 52  # cases record the 12 months after their date


@dataclass(frozen=True)
class Row:
    case: str
    outcome: str
    p: float
    ci: tuple[float, float]
    n: int
    observed: bool


def forecast_rows(cases, n_worlds: int, seed: int, workers: int = 1, dask=None) -> list[Row]:
    """Each case's forecast for every outcome it records."""
    rows = []
    for case in cases:
        result = run_scenario(
            case,
            n_worlds=n_worlds,
            seed=seed,
            workers=workers,
            horizon_weeks=HORIZON_WEEKS,
            dask=dask,
        )
        for outcome, happened in case.observed.outcomes().items():
            est = result.estimate(outcome)
            rows.append(Row(case.name, outcome, est.p, est.ci, est.n, happened))
    return rows


def base_rates(rows: list[Row]) -> dict[str, float]:
    """(k + 0.5) / (m + 1) per outcome over the cases (see the module docstring)."""
    counts: dict[str, list[int]] = {}
    for r in rows:
        k_m = counts.setdefault(r.outcome, [0, 0])
        k_m[0] += r.observed
        k_m[1] += 1
    return {o: scoring.smoothed_rate(k, m) for o, (k, m) in counts.items()}


def _columns(pairs) -> tuple[list[float], list[bool]]:
    pairs = list(pairs)
    return [p for p, _ in pairs], [bool(o) for _, o in pairs]


def brier(pairs) -> float:
    """:func:`sim.scoring.brier` of (forecast, outcome) pairs."""
    p, o = _columns(pairs)
    return scoring.brier(p, o)


def log_loss(pairs, n_worlds: int) -> float:
    """:func:`sim.scoring.log_loss` of (forecast, outcome) pairs from ``n_worlds``."""
    p, o = _columns(pairs)
    return scoring.log_loss(p, o, scoring.monte_carlo_eps(n_worlds))


@dataclass(frozen=True)
class Scores:
    brier: float
    log_loss: float
    base_brier: float
    base_log_loss: float

    @property
    def skill(self) -> float:
        """Brier skill against the base rate (1 perfect, 0 no better, < 0 worse)."""
        return scoring.skill(self.brier, self.base_brier)


def score(rows: list[Row], n_worlds: int) -> Scores:
    base = base_rates(rows)
    model = [(r.p, r.observed) for r in rows]
    ref = [(base[r.outcome], r.observed) for r in rows]
    return Scores(brier(model), log_loss(model, n_worlds), brier(ref), log_loss(ref, n_worlds))


def format_backtest(rows: list[Row], scores: Scores, seed: int) -> str:
    from sim.formatting import pct

    base = base_rates(rows)
    lines = [
        f"seed: {seed}    worlds: {rows[0].n:,} per case    horizon: {HORIZON_WEEKS} weeks",
        "",
        f"{'case':<22} {'outcome':<24} {'forecast':>8}  {'95% CI':<17} {'base rate':>9}  happened",
    ]
    for r in rows:
        lines.append(
            f"{r.case:<22} {r.outcome:<24} {pct(r.p):>8}  "
            f"{'[' + pct(r.ci[0]) + ', ' + pct(r.ci[1]) + ']':<17} "
            f"{pct(base[r.outcome]):>9}  {'yes' if r.observed else 'no'}"
        )
    lines += [
        "",
        f"Brier score: model {scores.brier:.4f}, base rate {scores.base_brier:.4f};"
        f" skill {scores.skill:+.3f}",
        f"log loss:    model {scores.log_loss:.4f}, base rate {scores.base_log_loss:.4f}",
        f"({len(rows)} case-outcomes from {len({r.case for r in rows})} cases)",
    ]
    return "\n".join(lines) + "\n"


# --- the command ----------------------------------------------------------------------

DEFAULT_HORIZON_MONTHS = 12


def _origins(text: str) -> tuple:
    from sim.record import parse_month

    parts = text.split(":")
    try:
        if len(parts) not in (1, 2):
            raise ValueError
        first, last = parse_month(parts[0]), parse_month(parts[-1])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected YYYY-MM:YYYY-MM (or one YYYY-MM), got {text!r}"
        ) from None
    if last < first:
        raise argparse.ArgumentTypeError(f"the last origin {last} is before the first {first}")
    return first, last


def _horizons(text: str) -> list[int]:
    """``12`` or ``1,3,12``: one or more horizons in months, each at least 1."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected months like 12 or 1,3,12, got {text!r}"
        ) from None
    if not values or min(values) < 1 or max(values) > MAX_HORIZON_MONTHS:
        raise argparse.ArgumentTypeError(
            f"horizons must be 1 to {MAX_HORIZON_MONTHS} months, got {text!r}"
        )
    return sorted(set(values))


def cli_parse(subparsers) -> None:
    """The ``backtest`` command: rolling origins on a record, or history cases."""
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
    from sim.package_data import baseline_scenario, default_record

    bt = subparsers.add_parser(
        "backtest",
        help="score forecasts against what happened (--record: rolling origins "
        "on the monthly record; else history cases with observed:)",
    )
    bt.add_argument(
        "files", type=Path, nargs="*", help="history cases with observed: (without --record)"
    )
    bt.add_argument(
        "--record",
        type=Path,
        nargs="?",
        const=default_record(),
        default=None,
        help="a CSV with the record's columns: rolling-origin backtest (default: the "
        "history cases named as files; --record alone, or no files at all: the shipped "
        "record, data/record/armenia_azerbaijan_monthly.csv)",
    )
    bt.add_argument(
        "--origins",
        type=_origins,
        default=None,
        metavar="YYYY-MM:YYYY-MM",
        help="first and last origin month (default: every origin with 12 months "
        "of record before it and its window inside the record)",
    )
    bt.add_argument(
        "--horizon-months",
        type=_horizons,
        default=[DEFAULT_HORIZON_MONTHS],
        help="months forecast from each origin, one or several (1,3,12; default "
        f"{DEFAULT_HORIZON_MONTHS})",
    )
    bt.add_argument(
        "--no-assimilate",
        dest="assimilate",
        action="store_false",
        help="start every origin from a blank world set up as of it, instead of "
        "the worlds filtered through the record's months before it",
    )
    bt.add_argument(
        "--observation",
        default="default",
        choices=("default", "sharper", "softer", "uninformative"),
        help="the filter's observation model (sim.record.observation)",
    )
    bt.add_argument(
        "--replicates",
        type=positive_int,
        default=4,
        help="independent filters the worlds are split into (default 4)",
    )
    bt.add_argument(
        "--scenario",
        type=Path,
        default=baseline_scenario(),
        help="scenario set up as of each origin (default scenarios/baseline.yaml)",
    )
    add_conditions_option(bt)
    bt.add_argument(
        "--outcomes",
        nargs="+",
        default=None,
        metavar="NAME",
        help="events to forecast (default: all of the record's)",
    )
    bt.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=10_000,
        help="worlds per origin or case (default 10,000)",
    )
    add_seed_option(bt)
    bt.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    add_dask_option(bt)
    add_format_option(bt)
    add_out_option(bt, "backtest.json and reliability.png (rolling form)")
    add_quiet_option(bt)
    bt.set_defaults(action=cli_action)


def cli_action(args) -> int:
    if args.record is None and not args.files:  # nothing named: the shipped record
        from sim.package_data import default_record

        args.record = default_record()
    if args.record is None:
        return _cases_action(args)
    if args.files:
        raise ScenarioError(
            [
                Problem(
                    "<command line>",
                    None,
                    "files",
                    "give either history case files or --record, not both",
                )
            ]
        )
    if args.out is None:
        return _rolling_action(args)
    from sim.files import locked_out_dir

    _writable_dir(args.out)
    with locked_out_dir(args.out, "backtest"):  # two backtests never mix their files
        return _rolling_action(args)


def _writable_dir(out: Path) -> None:
    """--out is checked before any work: a directory we can write, made if missing."""
    if out.exists() and not out.is_dir():
        raise ScenarioError([Problem(str(out), None, "--out", "is a file, not a directory")])
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ScenarioError(
            [Problem(str(out), None, "--out", f"cannot create it: {err.strerror}")]
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ScenarioError([Problem(str(out), None, "--out", "is not writable")])


def _rolling_action(args) -> int:
    import pandas as pd

    from sim.analysis.assimilated import assimilated_forecasts, format_skill_summary
    from sim.analysis.rolling import default_origins, rolling_forecasts, to_dict
    from sim.analysis.rolling_report import (
        BACKTEST_JSON,
        RELIABILITY_PNG,
        format_rolling,
        plot_reliability,
    )
    from sim.files import atomic_write
    from sim.record import load_conditions, load_record
    from sim.scenario import load_scenario

    if args.out is not None:
        _writable_dir(args.out)
    record = load_record(args.record)
    scenario = load_scenario(args.scenario)
    conditions = load_conditions(args.conditions)
    horizons = args.horizon_months
    if args.origins is None:
        origins = default_origins(record, horizons[0])
        if not origins:
            raise ScenarioError(
                [
                    Problem(
                        str(args.record),
                        None,
                        "--origins",
                        (
                            f"the record ({record.first_month} to {record.last_month}) is too "
                            f"short for 12 months of history plus a {horizons[0]}-month "
                            "window; give --origins"
                        ),
                    )
                ]
            )
    else:
        origins = list(pd.period_range(*args.origins, freq="M"))

    def progress(done: int, total: int, origin) -> None:
        if not args.quiet:
            what = (
                f"origin {origin} ({done + 1} of {total})"
                if origin is not None
                else f"{total} origins done"
            )
            print(f"backtest: {what}", file=sys.stderr, flush=True)

    filtered = None
    if args.assimilate:
        from sim.record.observation import ObservationModel

        by_horizon, filtered = assimilated_forecasts(
            scenario,
            record,
            origins,
            horizons,
            args.worlds,
            args.seed,
            args.outcomes,
            args.workers,
            conditions,
            ObservationModel.named(args.observation),
            min(args.replicates, args.worlds),
            progress,
            args.dask,
        )
    else:
        by_horizon = {
            h: rolling_forecasts(
                scenario,
                record,
                origins,
                h,
                args.worlds,
                args.seed,
                args.outcomes,
                args.workers,
                conditions,
                progress,
                args.dask,
            )
            for h in horizons
        }
    info = {
        "record": str(args.record),
        "scenario": scenario.name,
        "seed": args.seed,
        "worlds": args.worlds,
        "assimilate": args.assimilate,
        "horizons": horizons,
    }
    if filtered is not None:
        info["filter"] = {k: v for k, v in filtered.filter_dict().items() if k != "months"}
    # Today's keys describe the first horizon; every horizon is under by_horizon.
    forecasts, horizon = by_horizon[horizons[0]], horizons[0]
    data = to_dict(forecasts, origins, horizon, info)
    data["by_horizon"] = {str(h): to_dict(fs, origins, h) for h, fs in by_horizon.items()}
    data["run_info"] = run_info(args.seed)
    text = json.dumps(data, indent=2)
    start = "filtered through the record before it" if args.assimilate else "blank"
    header = (
        f"scenario: {scenario.name}    record: {args.record}    seed: {args.seed}    "
        f"worlds: {args.worlds:,} per origin ({start})"
        f"\norigins: {origins[0]} to {origins[-1]} ({len(origins)})"
    )
    if args.format == "json":
        print(text)
    else:
        for h, fs in by_horizon.items():
            print(format_rolling(fs, origins, h, f"{header}    horizon: {h} months"))
        print(format_skill_summary(by_horizon, args.assimilate), end="")
    if args.out is not None:
        title = (
            f"{scenario.name}: {len(origins)} origins {origins[0]} to {origins[-1]}, "
            f"{horizon}-month windows, {args.worlds:,} worlds each"
        )
        for path in (
            atomic_write(args.out / BACKTEST_JSON, text + "\n"),
            plot_reliability(forecasts, args.out / RELIABILITY_PNG, title),
        ):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _cases_action(args) -> int:
    from sim.scenario import load_scenario

    if not args.files:
        raise ScenarioError(
            [
                Problem(
                    "<command line>",
                    None,
                    "files",
                    "give history case files, or --record FILE for a rolling backtest",
                )
            ]
        )
    cases, problems = [], []
    for path in args.files:
        try:
            cases.append(load_scenario(path))
        except ScenarioError as err:
            problems.extend(err.problems)
    problems += [
        Problem(
            str(c.path),
            None,
            "observed",
            "a history case needs observed: (what happened in the 12 months after as_of)",
        )
        for c in cases
        if c.observed is None
    ]
    if problems:
        raise ScenarioError(problems)
    rows = forecast_rows(cases, args.worlds, args.seed, args.workers, args.dask)
    scores = score(rows, args.worlds)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "seed": args.seed,
                    "worlds": args.worlds,
                    "run_info": run_info(args.seed),
                    "rows": [
                        {
                            "case": r.case,
                            "outcome": r.outcome,
                            "p": r.p,
                            "ci": list(r.ci),
                            "n": r.n,
                            "observed": r.observed,
                        }
                        for r in rows
                    ],
                    "brier": scores.brier,
                    "log_loss": scores.log_loss,
                    "base_rate_brier": scores.base_brier,
                    "base_rate_log_loss": scores.base_log_loss,
                    "skill": scores.skill,
                },
                indent=2,
            )
        )
    else:
        print(format_backtest(rows, scores, args.seed))
    return 0
