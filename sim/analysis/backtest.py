"""Backtests: forecasts from history cases against what happened, and the ``backtest``
command (this case form, and the rolling-origin form of :mod:`sim.analysis.rolling`
with ``--record``).

A case is a scenario set to the conditions as of a date plus ``observed:`` outcomes of
the following 12 months (format: :mod:`sim.scenario.claims`). Every outcome a case
records is scored:

- Brier score, mean of (p - o)^2 over case-outcomes (0 is perfect);
- log loss, mean of -[o ln p + (1 - o) ln(1 - p)], with p kept inside
  [1 / (2n), 1 - 1 / (2n)] for n worlds, because a Monte Carlo estimate of 0 is "fewer
  than one in n", not impossible;
- skill against a base-rate forecast, 1 - Brier(model) / Brier(base rate). The base rate
  of an outcome is its frequency over the cases run, shrunk toward 1/2 as (k + 0.5) /
  (m + 1) for k of m cases (a Jeffreys-style estimate: never 0 or 1 from few cases).
  It is in-sample, which flatters the base rate; skill above 0 is then a fair sign.
"""

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sim.montecarlo import run_scenario
from sim.scenario.problems import Problem, ScenarioError
from sim.seeding import DEFAULT_SEED

HORIZON_WEEKS = 52  # cases record the 12 months after their date


@dataclass(frozen=True)
class Row:
    case: str
    outcome: str
    p: float
    ci: tuple[float, float]
    n: int
    observed: bool


def forecast_rows(cases, n_worlds: int, seed: int, workers: int = 1) -> list[Row]:
    """Each case's forecast for every outcome it records."""
    rows = []
    for case in cases:
        result = run_scenario(case, n_worlds=n_worlds, seed=seed, workers=workers,
                              horizon_weeks=HORIZON_WEEKS)
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
    return {o: (k + 0.5) / (m + 1) for o, (k, m) in counts.items()}


def brier(pairs) -> float:
    pairs = list(pairs)
    return sum((p - o) ** 2 for p, o in pairs) / len(pairs)


def log_loss(pairs, n_worlds: int) -> float:
    eps = 1 / (2 * n_worlds)
    total, count = 0.0, 0
    for p, o in pairs:
        p = min(max(p, eps), 1 - eps)
        total -= math.log(p) if o else math.log(1 - p)
        count += 1
    return total / count


@dataclass(frozen=True)
class Scores:
    brier: float
    log_loss: float
    base_brier: float
    base_log_loss: float

    @property
    def skill(self) -> float:
        """Brier skill against the base rate (1 perfect, 0 no better, < 0 worse)."""
        return 1 - self.brier / self.base_brier if self.base_brier > 0 else float("nan")


def score(rows: list[Row], n_worlds: int) -> Scores:
    base = base_rates(rows)
    model = [(r.p, r.observed) for r in rows]
    ref = [(base[r.outcome], r.observed) for r in rows]
    return Scores(brier(model), log_loss(model, n_worlds), brier(ref), log_loss(ref, n_worlds))


def format_backtest(rows: list[Row], scores: Scores, seed: int) -> str:
    from sim.formatting import pct

    base = base_rates(rows)
    lines = [f"seed: {seed}    worlds: {rows[0].n:,} per case    horizon: {HORIZON_WEEKS} weeks",
             "", f"{'case':<22} {'outcome':<24} {'forecast':>8}  {'95% CI':<17} "
             f"{'base rate':>9}  happened"]
    for r in rows:
        lines.append(f"{r.case:<22} {r.outcome:<24} {pct(r.p):>8}  "
                     f"{'[' + pct(r.ci[0]) + ', ' + pct(r.ci[1]) + ']':<17} "
                     f"{pct(base[r.outcome]):>9}  {'yes' if r.observed else 'no'}")
    lines += ["", f"Brier score: model {scores.brier:.4f}, base rate {scores.base_brier:.4f};"
                  f" skill {scores.skill:+.3f}",
              f"log loss:    model {scores.log_loss:.4f}, base rate {scores.base_log_loss:.4f}",
              f"({len(rows)} case-outcomes from {len({r.case for r in rows})} cases)"]
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
        raise argparse.ArgumentTypeError(f"expected YYYY-MM:YYYY-MM (or one YYYY-MM), got "
                                         f"{text!r}") from None
    if last < first:
        raise argparse.ArgumentTypeError(f"the last origin {last} is before the first {first}")
    return first, last


def cli_parse(subparsers) -> None:
    """The ``backtest`` command: rolling origins on a record, or history cases."""
    from sim.cli_support import positive_int, seed
    from sim.package_data import baseline_scenario

    bt = subparsers.add_parser(
        "backtest", help="score forecasts against what happened (--record: rolling origins "
                         "on the monthly record; else history cases with observed:)")
    bt.add_argument("files", type=Path, nargs="*",
                    help="history cases with observed: (without --record)")
    bt.add_argument("--record", type=Path, default=None,
                    help="a CSV with the record's columns (data/record/"
                         "armenia_azerbaijan_monthly.csv): rolling-origin backtest")
    bt.add_argument("--origins", type=_origins, default=None, metavar="YYYY-MM:YYYY-MM",
                    help="first and last origin month (default: every origin with 12 months "
                         "of record before it and its window inside the record)")
    bt.add_argument("--horizon-months", type=positive_int, default=DEFAULT_HORIZON_MONTHS,
                    help=f"months forecast from each origin (default {DEFAULT_HORIZON_MONTHS})")
    bt.add_argument("--scenario", type=Path, default=baseline_scenario(),
                    help="scenario set up as of each origin (default scenarios/baseline.yaml)")
    bt.add_argument("--conditions", type=Path, default=None,
                    help="conditions file (default: the shipped sim/record/conditions.yaml)")
    bt.add_argument("--outcomes", nargs="+", default=None, metavar="NAME",
                    help="events to forecast (default: all of the record's)")
    bt.add_argument("-n", "--worlds", type=positive_int, default=10_000,
                    help="worlds per origin or case (default 10,000)")
    bt.add_argument("--seed", type=seed, default=DEFAULT_SEED, help="master seed")
    bt.add_argument("--workers", type=positive_int, default=1)
    bt.add_argument("--format", choices=("table", "json"), default="table")
    bt.add_argument("--out", type=Path, default=None,
                    help="directory for backtest.json and reliability.png (rolling form)")
    bt.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    bt.set_defaults(action=cli_action)


def cli_action(args) -> int:
    if args.record is None:
        return _cases_action(args)
    if args.files:
        raise ScenarioError([Problem("<command line>", None, "files", "give either history "
                                     "case files or --record, not both")])
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
        raise ScenarioError([Problem(str(out), None, "--out", f"cannot create it: "
                                                              f"{err.strerror}")]) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ScenarioError([Problem(str(out), None, "--out", "is not writable")])


def _rolling_action(args) -> int:
    import pandas as pd

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
    if args.origins is None:
        origins = default_origins(record, args.horizon_months)
        if not origins:
            raise ScenarioError([Problem(str(args.record), None, "--origins", (
                f"the record ({record.first_month} to {record.last_month}) is too short for "
                f"12 months of history plus a {args.horizon_months}-month window; give "
                "--origins"))])
    else:
        origins = list(pd.period_range(*args.origins, freq="M"))

    def progress(done: int, total: int, origin) -> None:
        if not args.quiet:
            what = f"origin {origin} ({done + 1} of {total})" if origin is not None \
                else f"{total} origins done"
            print(f"backtest: {what}", file=sys.stderr, flush=True)

    forecasts = rolling_forecasts(scenario, record, origins, args.horizon_months, args.worlds,
                                  args.seed, args.outcomes, args.workers, conditions, progress)
    info = {"record": str(args.record), "scenario": scenario.name, "seed": args.seed,
            "worlds": args.worlds}
    data = to_dict(forecasts, origins, args.horizon_months, info)
    text = json.dumps(data, indent=2)
    header = (f"scenario: {scenario.name}    record: {args.record}    seed: {args.seed}    "
              f"worlds: {args.worlds:,} per origin\norigins: {origins[0]} to {origins[-1]} "
              f"({len(origins)})    horizon: {args.horizon_months} months")
    if args.format == "json":
        print(text)
    else:
        print(format_rolling(forecasts, origins, args.horizon_months, header), end="")
    if args.out is not None:
        title = (f"{scenario.name}: {len(origins)} origins {origins[0]} to {origins[-1]}, "
                 f"{args.horizon_months}-month windows, {args.worlds:,} worlds each")
        for path in (atomic_write(args.out / BACKTEST_JSON, text + "\n"),
                     plot_reliability(forecasts, args.out / RELIABILITY_PNG, title)):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _cases_action(args) -> int:
    from sim.scenario import load_scenario

    if not args.files:
        raise ScenarioError([Problem("<command line>", None, "files", "give history case "
                                     "files, or --record FILE for a rolling backtest")])
    cases, problems = [], []
    for path in args.files:
        try:
            cases.append(load_scenario(path))
        except ScenarioError as err:
            problems.extend(err.problems)
    problems += [Problem(str(c.path), None, "observed", "a history case needs observed: "
                         "(what happened in the 12 months after as_of)")
                 for c in cases if c.observed is None]
    if problems:
        raise ScenarioError(problems)
    rows = forecast_rows(cases, args.worlds, args.seed, args.workers)
    scores = score(rows, args.worlds)
    if args.format == "json":
        print(json.dumps({
            "seed": args.seed, "worlds": args.worlds,
            "rows": [{"case": r.case, "outcome": r.outcome, "p": r.p, "ci": list(r.ci),
                      "n": r.n, "observed": r.observed} for r in rows],
            "brier": scores.brier, "log_loss": scores.log_loss,
            "base_rate_brier": scores.base_brier, "base_rate_log_loss": scores.base_log_loss,
            "skill": scores.skill}, indent=2))
    else:
        print(format_backtest(rows, scores, args.seed))
    return 0
