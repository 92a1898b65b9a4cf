"""Lenses side by side, and how the gap between two of them splits over the parameter
groups (each actor's parameters, and the starting state).

All runs use the same seed, so they share common random numbers: each world draws the
same random stream in every scenario, and a parameter both scenarios give the same
distribution draws the same values. Differences then come from parameters, not noise.

Attribution is exact: for a pair (A, B) every coalition S of the groups that differ gets
one run of "A with S's groups taken from B", and each group's part is its Shapley value
over those coalition values (``sim.analysis.shapley``). The parts add up to the gap
P_B - P_A exactly, interactions included, and because every coalition runs on the same
worlds the split is exact for the simulated worlds, not only in expectation. Groups equal
in both lenses are dummies (the same draws either way), so they are not run and get 0.

Each coalition is one ``run_scenario`` with the shared seed rather than a sweep block
(``montecarlo.Points``): a block lays fixed values over the worlds, while lenses give
distributions and may differ in the starting state, which is one per model.
"""

from dataclasses import dataclass, replace

from sim.analysis.shapley import coalitions, shapley_values
from sim.formatting import estimate_text, pct, signed_pct
from sim.montecarlo import run_scenario
from sim.outcomes import OUTCOME_NAMES
from sim.params import ParamKey
from sim.results import RunResult
from sim.scenario import Scenario

INITIAL_GROUP = "initial"


def parameter_groups(scenario: Scenario) -> dict[str, list[str]]:
    """Parameter keys by actor group, in registry order."""
    groups: dict[str, list[str]] = {}
    for key in scenario.parameters:
        groups.setdefault(ParamKey.parse(key).actor, []).append(key)
    return groups


def all_groups(a) -> list[str]:
    """The players of an attribution: every parameter group of ``a``, then ``initial``."""
    return [*parameter_groups(a), INITIAL_GROUP]


def take_groups(a, b, groups):
    """Scenario ``a`` with the groups ``groups`` (actors, or ``initial``) taken from ``b``."""
    by_group = parameter_groups(b)
    taken = {k: b.parameters[k] for g in groups if g != INITIAL_GROUP for k in by_group[g]}
    return replace(
        a,
        parameters={**a.parameters, **taken},
        initial=b.initial if INITIAL_GROUP in groups else a.initial,
    )


def swap_group(a, b, group: str):
    """Scenario ``a`` with group ``group`` (an actor, or ``initial``) taken from ``b``."""
    return take_groups(a, b, [group])


def group_differs(a, b, group: str) -> bool:
    """Whether ``a`` and ``b`` differ in ``group``: its starting state, or the distribution
    of one of its parameters (provenance aside: equal distributions draw equal values)."""
    if group == INITIAL_GROUP:
        return a.initial != b.initial
    keys = set(parameter_groups(a).get(group, [])) | set(parameter_groups(b).get(group, []))
    return any(
        k not in a.parameters
        or k not in b.parameters
        or a.parameters[k].dist != b.parameters[k].dist
        for k in keys
    )


@dataclass(frozen=True)
class Attribution:
    """How the gap P_b - P_a in ``outcome`` splits over the groups.

    ``parts``: each group's Shapley value (0.0 for a group equal in both lenses); they sum
    to ``gap``. ``swaps``: the old one-group-at-a-time moves P(a with b's group) - P(a),
    kept to show how much of the gap is interaction."""

    a: str
    b: str
    outcome: str
    p_a: float
    p_b: float
    parts: dict[str, float]
    swaps: dict[str, float]
    differing: tuple[str, ...]  # the groups in which the lenses differ (the players)
    runs: int  # coalitions run (2^g for g differing groups)
    worlds: int  # worlds per run

    @property
    def gap(self) -> float:
        return self.p_b - self.p_a

    @property
    def total(self) -> float:
        """Sum of the parts: the gap, up to rounding."""
        return sum(self.parts.values())

    @property
    def swap_total(self) -> float:
        """Sum of the single swaps (differs from the gap by the groups' interaction)."""
        return sum(self.swaps.values())

    def ranked(self) -> list[tuple[str, float]]:
        """Groups by the size of their part, largest first."""
        return sorted(self.parts.items(), key=lambda kv: -abs(kv[1]))

    def top_moves(self, top: int = 3, minus: str = "-") -> str:
        """``russia +4.1%, turkey -0.80%``: the largest parts."""
        return ", ".join(f"{g} {signed_pct(d, minus)}" for g, d in self.ranked()[:top])

    def to_dict(self) -> dict:
        """One entry of ``pairs`` in ``escsim compare --format json``."""
        return {
            "from": self.a,
            "to": self.b,
            "outcome": self.outcome,
            "gap": self.gap,
            "parts": self.parts,
        }

    def details(self) -> dict:
        return {
            "from": self.a,
            "to": self.b,
            "p_from": self.p_a,
            "p_to": self.p_b,
            "one_at_a_time": self.swaps,
            "one_at_a_time_sum": self.swap_total,
            "differing_groups": list(self.differing),
            "runs": self.runs,
            "worlds": self.worlds,
        }


def run_all(
    scenarios, n_worlds: int, seed: int, workers: int = 1, dask=None, progress=None
) -> list[RunResult]:
    """Each scenario run with the same seed (common random numbers)."""
    return [
        run_scenario(s, n_worlds=n_worlds, seed=seed, workers=workers, dask=dask, progress=progress)
        for s in scenarios
    ]


def attribute(
    a,
    b,
    outcome: str,
    n_worlds: int,
    seed: int,
    workers: int = 1,
    players: list[str] | None = None,
    dask=None,
    progress=None,
) -> Attribution:
    """Split P_b - P_a in ``outcome`` over the groups by their exact Shapley values.

    ``players`` defaults to the groups in which ``a`` and ``b`` differ; the others get
    0.0 without being run. Every run uses ``a``'s horizon and the same seed.
    """
    groups = all_groups(a)
    if players is None:
        players = [g for g in groups if group_differs(a, b, g)]
    unknown = sorted(set(players) - set(groups))
    if unknown:
        raise ValueError(f"unknown parameter groups {unknown}; groups are {groups}")
    value = {
        c: run_scenario(
            take_groups(a, b, c),
            n_worlds=n_worlds,
            seed=seed,
            workers=workers,
            horizon_weeks=a.horizon_weeks,
            dask=dask,
            progress=progress,
        )
        .estimate(outcome)
        .p
        for c in coalitions(players)
    }
    none: frozenset[str] = frozenset()
    everyone = frozenset(players)
    shapley = shapley_values(players, value.__getitem__)
    parts = {g: shapley.get(g, 0.0) for g in groups}
    swaps = {g: value[frozenset([g])] - value[none] if g in players else 0.0 for g in groups}
    return Attribution(
        a.name,
        b.name,
        outcome,
        value[none],
        value[everyone],
        parts,
        swaps,
        tuple(players),
        len(value),
        n_worlds,
    )


def attribute_pairs(
    scenarios, outcome: str, n_worlds: int, seed: int, workers: int = 1, dask=None, progress=None
) -> list[Attribution]:
    """``attribute`` for every pair (a, b) of ``scenarios`` with a before b."""
    return [
        attribute(a, b, outcome, n_worlds, seed, workers, dask=dask, progress=progress)
        for i, a in enumerate(scenarios)
        for b in scenarios[i + 1 :]
    ]


def format_comparison(
    names: list[str], results: list[RunResult], outcomes: tuple[str, ...] = OUTCOME_NAMES
) -> str:
    """Outcome probabilities of several scenarios, one column each."""
    head = results[0]
    lines = [
        f"seed: {head.seed}    worlds: {head.worlds:,} per scenario    (common random numbers)",
        "",
    ]
    cells = [[estimate_text(e.p, e.ci) for e in (r.estimate(o) for o in outcomes)] for r in results]
    widths = [max(len(names[j]), *(len(c) for c in cells[j])) for j in range(len(results))]
    first = max(len(o) for o in outcomes)
    header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    lines.append((" " * first + "  " + header).rstrip())
    for i, o in enumerate(outcomes):
        row = "  ".join(cells[j][i].ljust(widths[j]) for j in range(len(results)))
        lines.append((o.ljust(first) + "  " + row).rstrip())
    return "\n".join(lines) + "\n"


def format_attribution(att: Attribution) -> str:
    """A pair's gap, its parts ranked, and the check that they add up to it."""
    lines = [
        f"{att.a} -> {att.b}: P({att.outcome}) {pct(att.p_a)} -> {pct(att.p_b)} "
        f"(gap {signed_pct(att.gap)})"
    ]
    moved = [(g, d) for g, d in att.ranked() if d != 0]
    same = [g for g, d in att.parts.items() if d == 0 and g not in att.differing]
    inert = [g for g, d in att.parts.items() if d == 0 and g in att.differing]
    width = max((len(g) for g, _ in moved), default=0)
    lines += [f"  {g.ljust(width)}  {signed_pct(d)}" for g, d in moved]
    if inert:
        lines.append(f"  {', '.join(inert)}: 0 (they differ, but their part is 0)")
    if same:
        lines.append(f"  {', '.join(same)}: 0 (the same in both lenses)")
    # The sum equals the gap to rounding (1e-17 where the gap is 0): print the gap itself.
    lines.append(
        f"  the parts add up to the gap: {signed_pct(att.gap)} "
        f"(exact Shapley values, {att.runs} coalitions on the same worlds)"
    )
    lines.append(
        f"  swapping one group at a time into {att.a} sums to "
        f"{signed_pct(att.swap_total)} instead: the difference is interaction"
    )
    return "\n".join(lines)


def check_outcome(name: str) -> None:
    """ScenarioError naming ``--outcome`` unless ``name`` is an outcome of the model."""
    from sim.outcomes import OUTCOMES
    from sim.scenario.problems import Problem, ScenarioError, did_you_mean

    if name not in OUTCOMES:
        raise ScenarioError(
            [
                Problem(
                    "--outcome", None, "", f"unknown outcome '{name}'{did_you_mean(name, OUTCOMES)}"
                )
            ]
        )


def comparison_dict(
    names, results, attributions, seed: int, worlds: int, attribution_worlds: int
) -> dict:
    """A comparison as the data ``escsim compare --format json`` prints: ``pairs`` holds
    each gap and its parts; ``attribution`` how they were computed."""
    return {
        "seed": seed,
        "worlds": worlds,
        "scenarios": {n: r.to_dict()["outcomes"] for n, r in zip(names, results, strict=True)},
        "pairs": [t.to_dict() for t in attributions],
        "attribution": {
            "method": "exact Shapley values over parameter groups, common random numbers",
            "worlds": attribution_worlds,
            "details": [t.details() for t in attributions],
        },
    }


# --- the `escsim compare` command -----------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim compare FILE...``: lenses side by side, with what drives the gaps."""
    from pathlib import Path

    from sim.cli_support import add_out_option, add_run_options, add_set_option, worlds_count

    cmp_ = sub.add_parser("compare", help="scenarios side by side, with what drives the gaps")
    cmp_.add_argument("files", type=Path, nargs="+")
    cmp_.add_argument(
        "--outcome",
        default="full_scale_invasion",
        help="outcome whose gaps are attributed (default full_scale_invasion)",
    )
    cmp_.add_argument(
        "--attribution-worlds",
        type=worlds_count,
        default=4_000,
        help="worlds per coalition run in the attribution (default 4,000)",
    )
    add_run_options(cmp_)
    add_out_option(cmp_, "comparison.png and comparison.json")
    add_set_option(cmp_)
    cmp_.set_defaults(action=cli_action)


def cli_action(args) -> int:
    import contextlib

    from sim.files import locked_out_dir

    check_outcome(args.outcome)
    with contextlib.ExitStack() as stack:
        if args.out is not None:  # checked and locked before any work
            stack.enter_context(locked_out_dir(args.out, "compare"))
        return _compare(args)


def _compare(args) -> int:
    from sim.cli_support import RunsProgress, load_all, wrote
    from sim.files import atomic_write
    from sim.formatting import json_text
    from sim.runinfo import run_info

    scenarios = load_all(args.files, args)
    names = [s.name for s in scenarios]
    with RunsProgress(enabled=not args.quiet) as bar:
        results = run_all(scenarios, args.worlds, args.seed, args.workers, args.dask, bar.callback)
        attributions = attribute_pairs(
            scenarios,
            args.outcome,
            args.attribution_worlds,
            args.seed,
            args.workers,
            args.dask,
            bar.callback,
        )
    data = {
        **comparison_dict(
            names, results, attributions, args.seed, args.worlds, args.attribution_worlds
        ),
        "run_info": run_info(args.seed),
    }
    if args.format == "json":
        print(json_text(data))
    else:
        print(format_comparison(names, results))
        if attributions:
            print(
                f"How the gaps in {args.outcome} split over the parameter groups "
                f"({args.attribution_worlds:,} worlds per run, common random numbers):"
            )
            for t in attributions:
                print(format_attribution(t))
    if args.out is not None:
        from sim.plots import plot_comparison

        args.out.mkdir(parents=True, exist_ok=True)
        for path in (
            plot_comparison(names, results, args.out / "comparison.png"),
            atomic_write(args.out / "comparison.json", json_text(data) + "\n"),
        ):
            wrote(path)
    return 0
