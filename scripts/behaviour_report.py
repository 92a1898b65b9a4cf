"""Write the tables of docs/behaviour.md: the posterior predictive checks on the dynamics
(``escsim check-dynamics``) and the behaviour measurements (``escsim behaviour``) on the
shipped calibrated scenario, so no number on that page is typed by hand.

    python scripts/behaviour_report.py            # rewrite docs/snippets/behaviour-report.md
    python scripts/behaviour_report.py --check    # compare instead (exit 1 on a difference)

The page includes the file (``--8<--``); ``tests/test_docs.py`` runs this script again
and compares. The sizes are modest on purpose (the test reruns them): 2,000 histories,
4,000 worlds per chain and per lever; the commands take ``-n`` for more. The figure of
the checks goes to docs/images/dynamics.png (written, not compared).
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the tree this script belongs to, not an installed escsim
    sys.path.insert(0, str(REPO))

OUTPUT = REPO / "docs" / "snippets" / "behaviour-report.md"
FIGURE = REPO / "docs" / "images" / "dynamics.png"
SCENARIO = "scenarios/calibrated.yaml"
REFERENCE = "scenarios/baseline.yaml"
RECORD = "data/record/armenia_azerbaijan_monthly.csv"
HISTORIES = 2000
WORLDS = 4000
SEED = 20250320


def report(figure: Path | None = None) -> str:
    """The page's tables as markdown (code blocks of the commands' own tables)."""
    from sim.analysis.behaviour import lever_effects, transition_comparison
    from sim.analysis.behaviour_report import (
        counterfactual_files,
        format_levers,
        format_transitions,
    )
    from sim.analysis.dynamics import check_dynamics
    from sim.analysis.dynamics_report import format_dynamics, plot_dynamics
    from sim.record import load_record
    from sim.record.observation import ObservationModel
    from sim.scenario import load_scenario

    scenario = load_scenario(REPO / SCENARIO)
    reference = load_scenario(REPO / REFERENCE)
    # A relative path: the page must not print where the repository sits.
    record = load_record(RECORD) if (Path.cwd() / RECORD).exists() else None
    if record is None:
        raise SystemExit(f"run from the repository's root ({RECORD} not found)")
    coded = check_dynamics(scenario, record, HISTORIES, SEED, ObservationModel())
    truth = check_dynamics(scenario, record, HISTORIES, SEED, None)
    if figure is not None:
        plot_dynamics(coded, figure)
    transitions = transition_comparison(scenario, "2024-03", 52, WORLDS, SEED)
    baseline_transitions = transition_comparison(reference, "2024-03", 52, WORLDS, SEED)
    levers = [load_scenario(p) for p in counterfactual_files()]
    effects = lever_effects(scenario, levers, reference, WORLDS, SEED)

    def block(text: str) -> str:
        return "```\n" + text.rstrip("\n") + "\n```\n"

    return "\n".join(
        [
            "<!-- written by scripts/behaviour_report.py; do not edit by hand -->",
            f"### Checks on the dynamics: {SCENARIO}, months coded by the observation model",
            "",
            block(format_dynamics(coded)),
            "### The same histories uncoded (the simulated truth)",
            "",
            block(format_dynamics(truth)),
            f"### Baku's chain against the zero-utility chain: {SCENARIO}",
            "",
            block(format_transitions(transitions)),
            f"### The same on {REFERENCE}",
            "",
            block(format_transitions(baseline_transitions)),
            f"### The levers over {SCENARIO}",
            "",
            block(format_levers(scenario.name, effects, 52)),
        ]
    )


def main(argv: list[str]) -> int:
    import os

    os.chdir(REPO)
    if "--check" in argv:
        if report() != OUTPUT.read_text(encoding="utf-8"):
            print(f"{OUTPUT.relative_to(REPO)} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    OUTPUT.write_text(report(FIGURE), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)} and {FIGURE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
