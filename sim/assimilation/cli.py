"""``escsim forecast``: filter the worlds through the record, then forecast from the origin.

    escsim forecast --record data/record/armenia_azerbaijan_monthly.csv \\
        [--as-of YYYY-MM] [--horizon-months H] [--scenario S] [-n N] \\
        [--format table|json] [--out DIR]

``--as-of`` (the origin) defaults to the month after the record's last: adding a month
to the record and running again is the whole "forecast from today" workflow. The
filter reads the months before the origin only; the forecast runs with the conditions
dated before it (:mod:`sim.assimilation.forecast`).
"""

from pathlib import Path

from sim.runinfo import run_info

FORECAST_JSON = "forecast.json"
FORECAST_PNG = "forecast.png"
DEFAULT_WORLDS = 4000
OBSERVATION_CHOICES = ("default", "sharper", "softer", "uninformative")


def month_arg(text: str):
    import argparse

    from sim.record.monthly import parse_month

    try:
        return parse_month(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def cli_parse(subparsers) -> None:
    from sim.assimilation.forecast import DEFAULT_REPLICATES
    from sim.cli_support import (
        add_conditions_option,
        add_dask_option,
        add_format_option,
        add_out_option,
        add_quiet_option,
        add_seed_option,
        add_set_option,
        horizon_months,
        positive_int,
        worker_count,
        worlds_count,
    )
    from sim.package_data import default_record, scenarios_dir

    fc = subparsers.add_parser(
        "forecast",
        help="filter the worlds through the monthly record, then forecast from the origin",
    )
    fc.add_argument(
        "--record",
        type=Path,
        default=default_record(),
        help="a CSV with the record's columns (default: the shipped record, "
        "data/record/armenia_azerbaijan_monthly.csv)",
    )
    fc.add_argument(
        "--as-of",
        type=month_arg,
        default=None,
        metavar="YYYY-MM",
        help="the origin (default: the month after the record's last)",
    )
    fc.add_argument(
        "--horizon-months",
        type=horizon_months,
        default=12,
        help="months forecast from the origin (default 12)",
    )
    fc.add_argument(
        "--scenario",
        type=Path,
        default=scenarios_dir() / "calibrated.yaml",
        help="scenario the worlds are drawn from (default scenarios/calibrated.yaml)",
    )
    add_conditions_option(fc)
    fc.add_argument(
        "--observation",
        choices=OBSERVATION_CHOICES,
        default="default",
        help="observation model: the registry's (default), sharper or softer "
        "(half or twice the coding error), or uninformative",
    )
    fc.add_argument(
        "-n",
        "--worlds",
        type=worlds_count,
        default=DEFAULT_WORLDS,
        help=f"worlds in all (default {DEFAULT_WORLDS:,})",
    )
    fc.add_argument(
        "--replicates",
        type=positive_int,
        default=DEFAULT_REPLICATES,
        help="independent filters the worlds are split into, for the "
        f"log-likelihood's standard error (default {DEFAULT_REPLICATES})",
    )
    add_seed_option(fc)
    fc.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help="processes the replicates run on (default 1; results do not depend on it)",
    )
    add_dask_option(fc, "the replicates")
    add_set_option(fc)
    add_format_option(fc)
    add_out_option(fc, f"{FORECAST_JSON} and {FORECAST_PNG}")
    add_quiet_option(fc)
    fc.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.assimilation.nowcast import format_forecast, plot_forecast
    from sim.cli_support import ProgressBar, load_adjusted, show_with_figure
    from sim.files import check_out_dir
    from sim.record.conditions import load_conditions
    from sim.record.monthly import load_record

    if args.out is not None:
        check_out_dir(args.out)
    record = load_record(args.record)
    scenario = load_adjusted(args.scenario, args)
    conditions = load_conditions(args.conditions)
    bar = ProgressBar(args.worlds, "world", not args.quiet)
    with bar:
        forecast = _filter_and_forecast(args, scenario, record, conditions, bar.callback)
    data = {**forecast.to_dict(), "run_info": run_info(args.seed)}
    show_with_figure(
        args,
        data,
        format_forecast(data),
        FORECAST_JSON,
        lambda out: plot_forecast(data, record, out / FORECAST_PNG),
    )
    return 0


def _filter_and_forecast(args, scenario, record, conditions, progress):
    from sim.assimilation.nowcast import filter_and_forecast

    return filter_and_forecast(
        scenario,
        record,
        args.as_of,
        args.horizon_months,
        n_worlds=args.worlds,
        replicates=args.replicates,
        seed=args.seed,
        observation=args.observation,
        conditions=conditions,
        workers=args.workers,
        dask=args.dask,
        progress=progress,
    )
