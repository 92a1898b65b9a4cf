"""Lenses side by side, and which assumptions account for the gap between two of them.

All runs use the same seed, so they share common random numbers: each world draws the
same random stream in every scenario, and a parameter both scenarios give the same
distribution draws the same values. Differences then come from parameters, not noise.

Attribution swaps one group of parameters at a time (an actor's parameters, or the
starting state) from lens B into lens A and records how far P(outcome) moves toward B.
Groups interact, so the moves need not add up to the whole gap; the report gives the
sum next to the gap so a reader can see how much is interaction.
"""

from dataclasses import dataclass, replace

from sim.formatting import estimate_text, pct, signed_pct
from sim.montecarlo import run_scenario
from sim.results import OUTCOME_NAMES, RunResult

INITIAL_GROUP = "initial"


def parameter_groups(scenario) -> dict[str, list[str]]:
    """Parameter keys by actor group, in registry order."""
    groups: dict[str, list[str]] = {}
    for key in scenario.parameters:
        groups.setdefault(key.split(".", 1)[0], []).append(key)
    return groups


def swap_group(a, b, group: str):
    """Scenario ``a`` with group ``group`` (an actor, or ``initial``) taken from ``b``."""
    if group == INITIAL_GROUP:
        return replace(a, initial=b.initial)
    keys = parameter_groups(b)[group]
    return replace(a, parameters={**a.parameters, **{k: b.parameters[k] for k in keys}})


@dataclass(frozen=True)
class Attribution:
    """How much of the gap P_b - P_a in ``outcome`` each group accounts for."""

    a: str
    b: str
    outcome: str
    p_a: float
    p_b: float
    moves: dict[str, float]  # group -> P(a with b's group) - P(a)

    @property
    def gap(self) -> float:
        return self.p_b - self.p_a

    @property
    def total(self) -> float:
        """Sum of the single swaps (differs from the gap by the groups' interaction)."""
        return sum(self.moves.values())

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.moves.items(), key=lambda kv: -abs(kv[1]))

    def top_moves(self, top: int = 3, minus: str = "-") -> str:
        """``russia +4.1%, turkey -0.80%``: the largest single swaps."""
        return ", ".join(f"{g} {signed_pct(d, minus)}" for g, d in self.ranked()[:top])

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "outcome": self.outcome, "p_a": self.p_a,
                "p_b": self.p_b, "moves": self.moves}


def run_all(scenarios, n_worlds: int, seed: int, workers: int = 1) -> list[RunResult]:
    """Each scenario run with the same seed (common random numbers)."""
    return [run_scenario(s, n_worlds=n_worlds, seed=seed, workers=workers) for s in scenarios]


def attribute(a, b, outcome: str, n_worlds: int, seed: int, workers: int = 1) -> Attribution:
    """Swap each group of ``b`` into ``a`` in turn and measure P(``outcome``)."""
    p = lambda s: run_scenario(s, n_worlds=n_worlds, seed=seed, workers=workers,  # noqa: E731
                               horizon_weeks=a.horizon_weeks).estimate(outcome).p
    p_a, p_b = p(a), p(replace(b, horizon_weeks=a.horizon_weeks))
    groups = [*parameter_groups(a), INITIAL_GROUP]
    moves = {g: p(swap_group(a, b, g)) - p_a for g in groups}
    return Attribution(a.name, b.name, outcome, p_a, p_b, moves)


def attribute_pairs(scenarios, outcome: str, n_worlds: int, seed: int,
                    workers: int = 1) -> list[Attribution]:
    """``attribute`` for every pair (a, b) of ``scenarios`` with a before b."""
    return [attribute(a, b, outcome, n_worlds, seed, workers)
            for i, a in enumerate(scenarios) for b in scenarios[i + 1:]]


def format_comparison(names: list[str], results: list[RunResult],
                      outcomes: tuple[str, ...] = OUTCOME_NAMES) -> str:
    """Outcome probabilities of several scenarios, one column each."""
    head = results[0]
    lines = [f"seed: {head.seed}    worlds: {head.worlds:,} per scenario    "
             "(common random numbers)", ""]
    cells = [[estimate_text(e.p, e.ci) for e in (r.estimate(o) for o in outcomes)]
             for r in results]
    widths = [max(len(names[j]), *(len(c) for c in cells[j])) for j in range(len(results))]
    first = max(len(o) for o in outcomes)
    header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    lines.append((" " * first + "  " + header).rstrip())
    for i, o in enumerate(outcomes):
        row = "  ".join(cells[j][i].ljust(widths[j]) for j in range(len(results)))
        lines.append((o.ljust(first) + "  " + row).rstrip())
    return "\n".join(lines) + "\n"


def format_attribution(att: Attribution, top: int = 3) -> str:
    return (f"{att.a} -> {att.b}: P({att.outcome}) {pct(att.p_a)} -> {pct(att.p_b)} "
            f"(gap {signed_pct(att.gap)}); swapping one group at a time: "
            f"{att.top_moves(top)}; sum of all swaps {signed_pct(att.total)}")


def check_outcome(name: str) -> None:
    """ScenarioError naming ``--outcome`` unless ``name`` is an outcome of the model."""
    from sim.ladder import OUTCOMES
    from sim.scenario.problems import Problem, ScenarioError, did_you_mean

    if name not in OUTCOMES:
        raise ScenarioError([Problem("--outcome", None, "", f"unknown outcome '{name}'"
                                     f"{did_you_mean(name, OUTCOMES)}")])


def comparison_dict(names, results, attributions, seed: int, worlds: int,
                    attribution_worlds: int) -> dict:
    """A comparison as the data ``escsim compare --format json`` prints."""
    return {"seed": seed, "worlds": worlds,
            "scenarios": {n: r.to_dict()["outcomes"] for n, r in zip(names, results, strict=True)},
            "attribution": [{**t.to_dict(), "worlds": attribution_worlds} for t in attributions]}


# --- the `escsim compare` command -----------------------------------------------------


def cli_parse(sub) -> None:
    """``escsim compare FILE...``: lenses side by side, with what drives the gaps."""
    from pathlib import Path

    from sim.cli_support import add_run_options, positive_int

    cmp_ = sub.add_parser("compare", help="scenarios side by side, with what drives the gaps")
    cmp_.add_argument("files", type=Path, nargs="+")
    cmp_.add_argument("--outcome", default="full_scale_invasion",
                      help="outcome whose gaps are attributed (default full_scale_invasion)")
    cmp_.add_argument("--attribution-worlds", type=positive_int, default=4_000,
                      help="worlds per run in the attribution (default 4,000)")
    cmp_.add_argument("--out", type=Path, default=None, help="directory for the figure")
    add_run_options(cmp_)
    cmp_.set_defaults(action=cli_action)


def cli_action(args) -> int:
    import sys

    from sim.cli_support import load_all
    from sim.files import check_out_dir
    from sim.formatting import json_text

    check_outcome(args.outcome)
    if args.out is not None:
        check_out_dir(args.out)
    scenarios = load_all(args.files)
    names = [s.name for s in scenarios]
    results = run_all(scenarios, args.worlds, args.seed, args.workers)
    attributions = attribute_pairs(scenarios, args.outcome, args.attribution_worlds, args.seed,
                                   args.workers)
    if args.format == "json":
        print(json_text(comparison_dict(names, results, attributions, args.seed, args.worlds,
                                        args.attribution_worlds)))
    else:
        print(format_comparison(names, results))
        if attributions:
            print(f"What accounts for the gaps in {args.outcome} "
                  f"({args.attribution_worlds:,} worlds per run):")
            for t in attributions:
                print("  " + format_attribution(t))
    if args.out is not None:
        from sim.plots import plot_comparison

        args.out.mkdir(parents=True, exist_ok=True)
        path = plot_comparison(names, results, args.out / "comparison.png")
        print(f"wrote {path}", file=sys.stderr)
    return 0
