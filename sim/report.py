"""Reports to hand out: one self-contained HTML file (figures embedded) for a scenario
run, a lens comparison, or a sweep. Opens offline; prints cleanly.

Each report shows its inputs with their provenance, the outcome table with intervals
and the number of worlds, the figures, and the claims check where the scenario has
claims. Every number comes from a run made here with the seed the report names.
"""

import base64
import html
import io
from collections.abc import Container
from pathlib import Path

from matplotlib.figure import Figure

from sim import __version__
from sim.files import atomic_write
from sim.formatting import (
    estimate_text,
    interval_text,
    pct,
    signed_pct,
    spread_note,
    spread_text,
)

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#1a1a1a}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}td,th{padding:.25em .6em;
border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{background:#f6f6f6}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.meta{color:#555}.src{color:#555;font-size:.85em}img{max-width:100%;margin:.5em 0}
.consistent{color:#15803d}.inconsistent{color:#b91c1c}.inconclusive{color:#a16207}
"""


def _img(fig: Figure) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", facecolor="white")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _e(text) -> str:
    return html.escape(str(text))


def _page(title: str, body: list[str]) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + f"<p class=meta>Made by escsim {__version__}. Probabilities are shares of "
        "simulated worlds with 95% Wilson intervals (Monte Carlo noise only); the "
        "spread over parameter draws shows how far they move with the parameters the "
        "scenario leaves uncertain. Both are conditional on the model, not forecasts "
        "of record.</p></body></html>"
    )


def _table(head: list[str], rows: list[list[str]], numeric: Container[int] = frozenset()) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    trs = "".join(
        "<tr>"
        + "".join(
            f"<td class=num>{c}</td>" if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{th}</tr>{trs}</table>"


def _outcome_rows(result) -> list[list[str]]:
    """outcome, p, 95% CI, worlds, spread over parameter draws and its sd (empty if
    none), meaning."""
    from sim.outcomes import OUTCOMES

    spread = result.spread
    return [
        [
            _e(name),
            pct(e.p),
            interval_text(*e.ci),
            f"{e.n:,}",
            spread_text(*spread.percentiles(name)) if spread.computed else "",
            pct(spread.between_sd(name)) if spread.computed else "",
            _e(OUTCOMES[name]),
        ]
        for name, e in result.outcomes().items()
    ]


def _spread_meta(spread) -> str:
    """What the spread column is (or why there is none), under a table."""
    note = spread_note(spread.status, spread.draws, spread.worlds_per_draw)
    return f"<p class=meta>{_e(note.strip('()'))}.</p>"


def _inputs(scenario) -> str:
    rows = []
    for key, entry in scenario.parameters.items():
        rows.append(
            [
                f"<code>{_e(key)}</code>",
                _e(entry.dist.describe()),
                _e(entry.meaning or ""),
                f"<span class=src>{_e(entry.source or '')}</span>",
            ]
        )
    init = scenario.initial
    start = (
        f"Start: rung {init.rung}, {init.occupied_km2:g} km² occupied, Minsk Group "
        f"{'dissolved' if init.minsk_group_dissolved else 'not dissolved'}, constitution "
        f"{'reformed' if init.constitution_reformed else 'not reformed'}, sanctions "
        f"{'in force' if init.sanctions_imposed else 'none'}."
    )
    return f"<p>{_e(start)}</p>" + _table(
        ["parameter", "value or distribution", "meaning", "source"], rows
    )


def scenario_report(
    scenario, n_worlds: int, seed: int, workers: int = 1, dask=None, progress=None
) -> str:
    """A scenario run: description, inputs with provenance, outcomes, figures, claims."""
    from sim.analysis.check import check_scenario
    from sim.montecarlo import default_spread, run_scenario
    from sim.plots import fan_chart_figure, outcomes_figure, state_shares_figure

    result = run_scenario(
        scenario,
        n_worlds=n_worlds,
        seed=seed,
        workers=workers,
        spread=default_spread(n_worlds),
        dask=dask,
        progress=progress,
    )
    body = [
        f"<h1>Scenario: {_e(scenario.name)}</h1>",
        f"<p class=meta>{n_worlds:,} worlds, seed {seed}, horizon "
        f"{result.horizon_weeks} weeks"
        + (f", as of {scenario.as_of}" if scenario.as_of else "")
        + "</p>",
        f"<p>{_e(scenario.description)}</p>",
        "<h2>Outcomes</h2>",
        _table(
            [
                "outcome",
                "p",
                "95% CI",
                "worlds",
                "over parameter draws: 10th-90th pct (median)",
                "sd",
                "meaning",
            ],
            _outcome_rows(result),
            {1, 2, 3, 4, 5},
        ),
        _spread_meta(result.spread),
        _img(outcomes_figure(result)),
        "<h2>How likely each rung is, week by week</h2>",
        _img(fan_chart_figure(result)),
        "<h2>Where the worlds are, week by week</h2>",
        _img(state_shares_figure(result)),
    ]
    if scenario.claims:
        from sim.analysis.ratio import RatioCheck

        every = check_scenario(
            scenario, n_worlds, seed, workers=workers, progress=progress, dask=dask
        )
        checks = [c for c in every if not isinstance(c, RatioCheck)]
        ratios = [c for c in every if isinstance(c, RatioCheck)]
        rows = [
            [
                _e(c.claim.who),
                _e(c.claim.outcome + (f" | {c.claim.given}" if c.claim.given else "")),
                f"“{_e(c.claim.words)}”<br><span class=src>{_e(c.claim.quote)} "
                f"({_e(c.claim.source)})</span>",
                estimate_text(c.estimate.p, c.estimate.ci),
                "<br>".join(
                    f"{_e(r.mapping)} {_e(r.band.describe() if r.band else '')}: "
                    f"<span class={r.verdict}>{_e(r.verdict)}</span> {_e(r.side)}"
                    for r in c.readings
                )
                + (" <b>(flips)</b>" if c.flips else ""),
            ]
            for c in checks
        ]
        body += [
            "<h2>Claims check</h2>",
            _table(["who", "outcome", "words", "model", "verdict by mapping"], rows),
            "<p class=meta>Consistent: the interval lies within the band or bound; "
            "inconsistent: outside it; inconclusive: it straddles an edge; flips: the "
            "verdict differs between word-to-number mappings. An inconsistent claim means the "
            "expert's stated reasons, as encoded, do not imply the conclusion under this "
            "model.</p>",
        ]
        if ratios:
            body += _ratio_table(ratios)
    body += ["<h2>Inputs</h2>", _inputs(scenario)]
    return _page(f"escsim: {scenario.name}", body)


def _ratio_table(ratios) -> list[str]:
    """Mechanism claims: both chances with their intervals, the ratio's interval, the
    verdict (sim.analysis.ratio)."""
    from sim.analysis.ratio import ratio_text

    rows = [
        [
            _e(c.claim.who),
            _e(c.claim.outcome),
            _e(c.claim.counterfactual.name if c.claim.counterfactual else ""),
            f"{_e(c.claim.ratio.describe() if c.claim.ratio else '')}"
            + (f" “{_e(c.claim.words)}”" if c.claim.words else "")
            + f"<br><span class=src>{_e(c.claim.quote)} ({_e(c.claim.source)})</span>",
            f"{estimate_text(c.table.lens.p, c.table.lens.ci)}<br>"
            f"{estimate_text(c.table.changed.p, c.table.changed.ci)}",
            f"{ratio_text(c.ratio)} [{ratio_text(c.ci[0])}, {ratio_text(c.ci[1])}]",
            f"<span class={c.verdict}>{_e(c.verdict)}</span> {_e(c.side)}",
        ]
        for c in ratios
    ]
    n = ratios[0].table.n
    return [
        "<h3>Mechanism claims</h3>",
        _table(
            ["who", "outcome", "change", "ratio claimed", "lens / with the change", "ratio", ""],
            rows,
        ),
        f"<p class=meta>P(outcome) with the change over P(outcome) in the lens, both over "
        f"the same {n:,} worlds (common random numbers); 95% interval from the Dirichlet "
        "posterior of the paired table (Jeffreys prior).</p>",
    ]


def _attribution_table(att) -> str:
    """One pair: its groups ranked by their part, then the sum that equals the gap."""
    minus = "−"

    def change(x: float) -> str:
        return "0" if x == 0 else signed_pct(x, minus)

    rows = [
        [
            f"<code>{_e(g)}</code>",
            change(d),
            change(att.swaps[g]),
            "" if g in att.differing else "same in both",
        ]
        for g, d in att.ranked()
    ]
    rows.append(["<b>sum</b>", f"<b>{change(att.total)}</b> = the gap", change(att.swap_total), ""])
    return (
        f"<h3>{_e(att.a)} → {_e(att.b)}: {pct(att.p_a)} → {pct(att.p_b)} "
        f"(gap {signed_pct(att.gap, minus)})</h3>"
        + _table(["group", "part (Shapley)", "single swap", ""], rows, {1, 2})
    )


def comparison_report(
    scenarios,
    n_worlds: int,
    seed: int,
    workers: int = 1,
    outcome: str = "full_scale_invasion",
    attribution_worlds: int = 4000,
    dask=None,
    progress=None,
) -> str:
    """Lenses side by side under common random numbers, with what drives each gap."""
    from sim.analysis.compare import attribute_pairs, run_all
    from sim.montecarlo import default_spread, run_spread
    from sim.outcomes import OUTCOME_NAMES
    from sim.plots import comparison_figure

    names = [s.name for s in scenarios]
    results = run_all(scenarios, n_worlds, seed, workers, dask, progress)
    draws, per_draw = default_spread(n_worlds)
    spreads = [
        run_spread(s, draws, per_draw, seed, workers=workers, dask=dask, progress=progress)
        for s in scenarios
    ]

    def cell(result, spread, outcome: str) -> str:
        est = result.estimate(outcome)
        text = estimate_text(est.p, est.ci)
        if spread.computed:
            text += f"<br><span class=src>draws: {spread_text(*spread.percentiles(outcome))}</span>"
        return text

    rows = [
        [_e(o)] + [cell(r, sp, o) for r, sp in zip(results, spreads, strict=True)]
        for o in OUTCOME_NAMES
    ]
    notes = "".join(
        f"<p class=meta>{_e(s.name)}: "
        f"{_e(spread_note(sp.status, sp.draws, sp.worlds_per_draw, sd_column=False))}</p>"
        for s, sp in zip(scenarios, spreads, strict=True)
    )
    body = [
        f"<h1>Comparison: {_e(', '.join(names))}</h1>",
        f"<p class=meta>{n_worlds:,} worlds each, seed {seed}, common random numbers. "
        "Each cell: the probability with its 95% interval; below it (“draws”) the "
        "10th-90th percentile (median) of the probability over parameter draws.</p>",
        _table(["outcome", *names], rows, set(range(1, len(names) + 1))),
        notes,
        _img(comparison_figure(names, results)),
    ]
    attributions = attribute_pairs(
        scenarios, outcome, attribution_worlds, seed, workers, dask, progress
    )
    if attributions:
        body += [
            f"<h2>What accounts for the gaps in {_e(outcome)}: an exact split over the "
            "parameter groups</h2>",
            f"<p class=meta>Exact Shapley values: every combination of the groups in "
            f"which two lenses differ is run on the same {attribution_worlds:,} worlds "
            "(seed as above), and each group's part is its average marginal effect. "
            "The parts add up to the gap; the single swaps (one group of the second "
            "lens into the first) do not, because groups interact.</p>",
        ]
        body += [_attribution_table(t) for t in attributions]
    for s in scenarios:
        body += [f"<h2>Inputs of {_e(s.name)}</h2>", _inputs(s)]
    return _page("escsim comparison", body)


def sweep_report(study, out_dir: Path, workers: int = 1, dask=None, progress=None) -> str:
    """A sweep: its design, the table's extremes, figures and sensitivity."""
    import pandas as pd

    from sim.experiments import run_study

    table = run_study(
        study,
        out=out_dir,
        workers=workers,
        dask=dask,
        progress=progress,
        resume=True,
        resume_hint="run the same report command again to continue",
    )
    body = [
        f"<h1>Study: {_e(study.name)}</h1>",
        f"<p class=meta>{study.method} design, {table.point.nunique():,} points × "
        f"{study.worlds:,} worlds, seed {study.seed}</p>",
        f"<p>{_e(study.description)}</p>",
        _table(
            ["parameter", "values or range"],
            [[f"<code>{_e(k)}</code>", _e(v)] for k, v in study.parameters.items()],
        ),
    ]
    for outcome in study.outcomes:
        rows = table[table.outcome == outcome].sort_values("p", ascending=False)
        body += [
            f"<h2>{_e(outcome)}: the five highest points</h2>",
            rows.head(5).to_html(index=False, float_format=lambda v: f"{v:.4g}"),
        ]
    for png in sorted(Path(out_dir).glob("*.png")):
        body.append(
            f'<img alt="{_e(png.name)}" src="data:image/png;base64,'
            f'{base64.b64encode(png.read_bytes()).decode("ascii")}">'
        )
    sens = Path(out_dir) / "sensitivity.csv"
    if sens.exists():
        body += [
            "<h2>Sensitivity</h2>",
            pd.read_csv(sens).to_html(index=False, float_format=lambda v: f"{v:.3g}"),
        ]
    return _page(f"escsim study: {study.name}", body)


def write_report(
    files, out_dir, n_worlds: int, seed: int, workers: int = 1, args=None, progress=None
) -> Path:
    """Build the report the files call for and write ``report.html`` in ``out_dir``.
    ``args``: the command line's (``--set``, ``--horizon`` and ``--dask``)."""
    from sim.cli_support import load_all
    from sim.scenario.yamlio import load_yaml

    dask = getattr(args, "dask", None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data, _ = load_yaml(Path(files[0]))
    if isinstance(data, dict) and "design" in data:
        from sim.experiments import load_study
        from sim.experiments.cli import check_study_extras

        study = load_study(files[0])
        check_study_extras(study)
        page = sweep_report(study, out_dir / "sweep", workers, dask, progress)
    elif len(files) == 1:
        (scenario,) = load_all(files, args)
        page = scenario_report(scenario, n_worlds, seed, workers, dask, progress)
    else:
        # The attribution runs 2^g coalitions, each on at most 4,000 worlds.
        page = comparison_report(
            load_all(files, args),
            n_worlds,
            seed,
            workers,
            attribution_worlds=min(n_worlds, 4000),
            dask=dask,
            progress=progress,
        )
    return atomic_write(out_dir / "report.html", page)


# --- the `escsim report` command ------------------------------------------------------


def cli_parse(sub) -> None:
    from sim.cli_support import (
        add_dask_option,
        add_horizon_option,
        add_out_option,
        add_quiet_option,
        add_seed_option,
        add_set_option,
        worker_count,
        worlds_count,
    )

    rep = sub.add_parser("report", help="a self-contained HTML report to hand out")
    rep.add_argument(
        "files",
        type=Path,
        nargs="+",
        help="one scenario, several (a comparison), or one study file",
    )
    add_out_option(rep, "report.html", required=True)
    rep.add_argument(
        "-n", "--worlds", type=worlds_count, default=10_000, help="worlds per run (default 10,000)"
    )
    add_seed_option(rep)
    rep.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    add_dask_option(rep)
    add_horizon_option(rep)
    add_set_option(rep)
    rep.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help='how to print where the report went: a line, or JSON {"report": path} (default table)',
    )
    add_quiet_option(rep)
    rep.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import RunsProgress
    from sim.files import locked_out_dir

    with locked_out_dir(args.out, "report"):  # one report at a time in a directory
        with RunsProgress(enabled=not args.quiet) as bar:
            path = write_report(
                args.files, args.out, args.worlds, args.seed, args.workers, args, bar.callback
            )
    if args.format == "json":
        import json

        print(json.dumps({"report": str(path)}))
    else:
        print(f"wrote {path}")
    return 0
