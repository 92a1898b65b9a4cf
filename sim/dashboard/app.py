"""The Solara page: pick a scenario or lens, move the levers, watch the estimate and
the fan chart update, and step one world week by week.

Run it with ``escsim dashboard`` (or ``solara run sim.dashboard.app``).
"""

import solara

from sim.dashboard import logic
from sim.formatting import spread_note
from sim.plots import fan_chart_figure

# A lever's help text sits under its slider, small and grey: what the model does with it.
HELP_STYLE = {"font-size": "0.8em", "color": "#666", "display": "block", "margin": "-12px 0 8px 0"}


@solara.component
def Estimate(scenario, levers: dict):
    result = solara.use_memo(
        lambda: logic.estimate(scenario, levers),
        dependencies=[scenario.name, tuple(sorted(levers.items()))],
    )
    note = spread_note(
        result.spread.status, result.spread.draws, result.spread.worlds_per_draw
    ).strip("()")
    rows = "\n".join(
        f"| {name} | **{p}** | {ci} | {spread} |"
        for name, p, ci, spread in logic.outcome_rows(result)
    )
    solara.Markdown(
        f"#### Within {result.horizon_weeks} weeks ({result.worlds:,} worlds, "
        f"seed {result.seed}, 95% intervals)\n\n| outcome | p | 95% CI | "
        f"over parameter draws: 10th-90th pct (median) |\n"
        f"|---|---|---|---|\n{rows}\n\n"
        f"_{note}_"
    )
    solara.FigureMatplotlib(
        fan_chart_figure(result),
        format="png",
        dependencies=[scenario.name, tuple(sorted(levers.items()))],
    )


@solara.component
def OneWorld(scenario, levers: dict):
    no_stepper: tuple[tuple, logic.WorldStepper] | None = None  # (lever key, stepper)
    stepper, set_stepper = solara.use_state(no_stepper)
    no_lines: list[str] = []
    lines, set_lines = solara.use_state(no_lines)
    key = (scenario.name, tuple(sorted(levers.items())))
    current = stepper if stepper is not None and stepper[0] == key else None

    def step():
        s = current[1] if current else logic.WorldStepper(scenario, levers)
        s.step()
        set_stepper((key, s))
        set_lines(list(s.lines))

    def reset():
        set_stepper(None)
        set_lines([])

    shown = lines if current else no_lines
    week = current[1].week if current else 0
    with solara.Row():
        solara.Button("Step one week", on_click=step, color="primary")
        solara.Button("Reset", on_click=reset)
    beliefs = current[1].beliefs() if current else ""
    solara.Markdown(f"**Week {week}** of one world" + (f" · {beliefs}" if beliefs else ""))
    solara.Markdown("\n\n".join(reversed(shown[-12:])) or "_Press the button to start._")


@solara.component
def Dashboard(scenario):
    # Only the levers a student moves are fixed; the others keep the scenario's own
    # distributions, so the page opens on the scenario's numbers.
    no_levers: dict[str, float] = {}
    levers, set_levers = solara.use_state(no_levers)
    shown = {**logic.lever_defaults(scenario), **levers}
    ranges = logic.lever_ranges()

    def setter(key):
        return lambda value: set_levers({**levers, key: float(value)})

    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Markdown(f"_{scenario.description.strip()}_")
            group = None
            for key, (low, high, step, label) in ranges.items():
                actor = key.actor
                if actor != group:
                    group = actor
                    solara.Markdown(f"**{logic.ACTOR_TITLES[actor]}**")
                solara.SliderFloat(
                    label, value=shown[key], min=low, max=high, step=step, on_value=setter(key)
                )
                solara.Text(logic.lever_help(key), style=HELP_STYLE)
            solara.Markdown(
                "Sliders start at the scenario's mean; a lever you move is set "
                "to that value in every world, the others keep their spread."
            )
        with solara.Column():
            Estimate(scenario, levers)
    solara.Markdown("### One world, week by week")
    OneWorld(scenario, levers)


@solara.component
def Page():
    files = logic.scenario_files()
    name, set_name = solara.use_state("baseline")
    scenario = solara.use_memo(lambda: logic.load(name), dependencies=[name])
    solara.Title("escsim: Azerbaijan-Armenia escalation")
    solara.Markdown("## escsim: what the experts' assumptions imply")
    solara.Select("Scenario or lens", values=list(files), value=name, on_value=set_name)
    Dashboard(scenario).key(name)  # a new scenario starts from its own lever values
