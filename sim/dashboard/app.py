"""The Solara page: pick a scenario or lens (or open your own file), move the levers and
watch the estimate (``escsim run``'s numbers) and the fan chart follow, and play one
world week by week with its rung chart and narration.

Run it with ``escsim dashboard`` (or ``solara run sim.dashboard.app``). What the page
computes lives in :mod:`.logic`, :mod:`.table`, :mod:`.world` and :mod:`.opening`.
"""

import time
from html import escape
from typing import Any

import solara
from solara.lab import use_task

from sim.dashboard import logic, table
from sim.dashboard.opening import NotOpened, files_allowed, open_scenario_file
from sim.dashboard.world import WorldStepper, rung_chart_svg
from sim.params import ParamKey

# Labels sit above their sliders (so every track has the page's width whatever the
# label), the value on the right of the label; a moved lever's value is coloured.
CSS = """
strong, b { font-weight: bold; }
.actor { font-weight: bold; margin: 14px 0 4px 0; }
.lever { margin: 0 0 6px 0; }
.lever-head { display: flex; justify-content: space-between; gap: 12px; font-size: .95em; }
.lever-value { font-weight: bold; font-variant-numeric: tabular-nums; white-space: nowrap; }
.lever-value.moved { color: #b3400a; }
.lever .v-input { margin-top: 0; padding-top: 0; }
.lever .v-messages { display: none; }
.lever-help { font-size: .8em; color: #666; margin-top: -6px; }
.estimate .numbers { transition: opacity .15s; }
.estimate.busy .numbers { opacity: .35; }
.busy-note { color: #1565c0; font-weight: bold; min-height: 1.5em; }
table.outcomes { border-collapse: collapse; margin: 6px 0; }
table.outcomes th, table.outcomes td { padding: 3px 10px; text-align: right; }
table.outcomes th:first-child, table.outcomes td:first-child { text-align: left; }
table.outcomes tbody tr:nth-child(odd) { background: #f4f4f4; }
.note { font-size: .85em; color: #444; }
.world-note { background: #fff4e5; padding: 6px 10px; border-left: 3px solid #e65100; }
.narration { max-height: 340px; overflow-y: auto; font-size: .9em; }
.narration p { margin: 0 0 4px 0; }
.open-error { color: #b00020; border-left: 3px solid #b00020; padding: 4px 10px; }
.open-error pre { white-space: pre-wrap; font-size: .85em; margin: 4px 0 0 0; }
.footer { font-size: .8em; color: #777; margin-top: 24px; }
"""
SPEEDS = {"1 week/s": 1.0, "4 weeks/s": 4.0, "20 weeks/s": 20.0}


def lever_class(key: str) -> str:
    """The CSS class that finds a lever's block on the page (tests use it)."""
    return "lever-" + key.replace(".", "-")


def html(text: str, classes: list[str] | None = None, tag: str = "div"):
    return solara.HTML(tag=tag, unsafe_innerHTML=text, classes=classes or [])


@solara.component
def Lever(key: ParamKey, value: float, scenario_value: float, moved: bool, on_value):
    low, high, step, label = logic.lever_ranges()[key]
    shown = logic.lever_text(key, value)
    if moved:
        shown += f" (scenario {logic.lever_text(key, scenario_value)})"
    with solara.Div(classes=["lever", lever_class(key)]):
        html(
            f'<span class="lever-label">{escape(label)}</span>'
            f'<span class="lever-value{" moved" if moved else ""}">{escape(shown)}</span>',
            ["lever-head"],
        )
        solara.SliderFloat("", value=value, min=low, max=high, step=step, on_value=on_value)
        html(escape(logic.lever_help(key)), ["lever-help"])


@solara.component
def Levers(scenario, levers: solara.Reactive):
    defaults = logic.lever_defaults(scenario)

    def setter(key):
        return lambda value: levers.set({**levers.value, key: float(value)})

    solara.Button(
        "Reset all levers",
        on_click=lambda: levers.set({}),
        disabled=not levers.value,
        outlined=True,
        classes=["reset-levers"],
    )
    group = None
    for key, _label, _step in logic.LEVERS:
        actor = key.actor
        if actor != group:
            group = actor
            html(escape(logic.ACTOR_TITLES[actor]), ["actor"])
        Lever(
            key,
            levers.value.get(key, defaults[key]),
            defaults[key],
            key in levers.value,
            setter(key),
        )
    html(
        "Sliders start at the scenario's mean; a lever you move is set to that value in "
        "every world, the others keep their spread. Reset all levers returns to the "
        "scenario as it is.",
        ["note"],
    )


@solara.component
def Estimate(choice: str, scenario, levers: dict):
    key = logic.request_key(choice, levers)
    references: Any = solara.use_ref({})  # choice -> the run with no lever moved
    task_ref: Any = solara.use_ref(None)
    shown: Any = solara.use_ref(None)  # the last answer shown: kept, dimmed, while busy

    def compute():
        # Only the latest request's answer is shown: a request that a newer one
        # replaced stops (Superseded) before its run or between its passes, and its
        # answer, should it finish, is never displayed (the key is checked below).
        time.sleep(logic.DEBOUNCE_SECONDS)

        def still_wanted() -> bool:
            return task_ref.current is not None and task_ref.current.is_current()

        found = logic.answer(choice, scenario, levers, references.current.get(choice), still_wanted)
        references.current[choice] = found.reference
        return found

    task = use_task(compute, dependencies=[key], raise_error=False)
    task_ref.current = task
    if task.finished and task.value is not None and task.value.key == key:
        shown.current = task.value
    answer = shown.current
    failed = task.error and task.exception is not None
    busy = not failed and (answer is None or answer.key != key)
    with solara.Div(classes=["estimate", "busy" if busy else "ready"]):
        if failed:
            solara.Error(f"The estimate failed: {task.exception}")
        solara.ProgressLinear(busy)
        html(
            "Re-estimating for the levers as set now\u2026 (the numbers below are the "
            "previous ones)"
            if busy and answer is not None
            else ("Estimating\u2026" if busy else ""),
            ["busy-note"],
        )
        if answer is not None:
            moved = logic.moved_levers(scenario, dict(answer.key[1]))
            with solara.Div(classes=["numbers"]):
                if moved:
                    html(
                        "Levers moved: "
                        + "; ".join(
                            f"{escape(label)} {before} \u2192 {after}"
                            for label, before, after in moved
                        ),
                        ["moved-levers", "note"],
                    )
                html(table.table_html(answer.result, answer.reference if moved else None))
                solara.Image(answer.chart_png, width="100%")


@solara.component
def OneWorld(scenario, levers: dict):
    holder: Any = solara.use_reactive(None)  # the WorldStepper being played, or None
    tick = solara.use_reactive(0)  # bumped at each step so the page redraws
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("4 weeks/s")
    loop_ref: Any = solara.use_ref(None)
    stepper = holder.value
    _ = tick.value  # read, so a step redraws this component

    def current_world() -> WorldStepper:
        if holder.value is None:
            holder.set(WorldStepper(scenario, levers))
        return holder.value

    def step():
        playing.set(False)
        current_world().step()
        tick.set(tick.value + 1)

    def run_to_end():
        playing.set(False)
        current_world().run_to_end()
        tick.set(tick.value + 1)

    def new_world():
        playing.set(False)
        holder.set(WorldStepper(scenario, levers))
        tick.set(tick.value + 1)

    def play():
        world = current_world()
        if not world.finished:
            playing.set(True)

    def loop():
        world = holder.value
        while playing.value and world is not None and not world.finished:
            if loop_ref.current is None or not loop_ref.current.is_current():
                return
            world.step()
            tick.set(tick.value + 1)
            time.sleep(1 / SPEEDS.get(speed.value, 4.0))
        if loop_ref.current is not None and loop_ref.current.is_current():
            playing.set(False)

    loop_ref.current = use_task(loop, dependencies=[playing.value, id(stepper)])

    finished = stepper is not None and stepper.finished
    with solara.Row(classes=["world-controls"]):
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), color="primary")
        else:
            solara.Button("Play", on_click=play, color="primary", disabled=finished)
        solara.Button("Step one week", on_click=step, disabled=finished)
        solara.Button("Run to the end", on_click=run_to_end, disabled=finished)
        solara.Button("New world", on_click=new_world, outlined=True)
        solara.Select(
            "Speed", values=list(SPEEDS), value=speed, dense=True, style={"max-width": "160px"}
        )
    if stepper is None:
        html(
            "Play, or step, one world of the scenario with the levers as set now (seed "
            f"{WorldStepper.seed}, the world of <code>escsim watch</code>).",
            ["note"],
        )
        return
    if stepper.levers != levers:
        moved = logic.moved_levers(scenario, stepper.levers)
        started = (
            "; ".join(f"{escape(label)} {after}" for label, _before, after in moved)
            if moved
            else "no lever moved"
        )
        html(
            f"This world keeps the levers it started with ({started}); the estimate above "
            "follows the levers as set now. Press <strong>New world</strong> to play one "
            "with them.",
            ["world-note"],
        )
    status = f"<strong>Week {stepper.week}</strong> of {stepper.horizon} \u00b7 seed {stepper.seed}"
    html(f"{status} \u00b7 {escape(stepper.beliefs())}", ["world-status"])
    if finished:
        html(f"<strong>{escape(stepper.ending())}</strong>", ["world-end"])
    html(rung_chart_svg(stepper.states, stepper.horizon))
    lines = "".join(f"<p>{escape(line)}</p>" for line in reversed(stepper.lines))
    html(lines or "<p><em>No week played yet.</em></p>", ["narration"])


@solara.component
def Dashboard(choice: str, scenario):
    # Only the levers a student moves are fixed; the others keep the scenario's own
    # distributions, so the page opens on the scenario's numbers (escsim run's).
    levers: Any = solara.use_reactive({})
    with solara.Columns([1, 2]):
        with solara.Column():
            html(f"<em>{escape((scenario.description or '').strip())}</em>", ["description"])
            Levers(scenario, levers)
        with solara.Column():
            Estimate(choice, scenario, levers.value)
    html("<h3>One world, week by week</h3>")
    OneWorld(scenario, levers.value)


@solara.component
def OpenFile(on_opened):
    path = solara.use_reactive("")
    error = solara.use_reactive("")
    warning = solara.use_reactive("")
    if not files_allowed():
        html(
            "Opening your own scenario file is off: this dashboard listens beyond this "
            "machine (start it with --host 127.0.0.1 to open files).",
            ["note"],
        )
        return

    def open_it():
        try:
            opened = open_scenario_file(path.value or "")
        except NotOpened as err:
            error.set(str(err))
            warning.set("")
            return
        error.set("")
        warning.set(opened.warning or "")
        on_opened(opened)

    with solara.Row(classes=["open-file"]):
        solara.InputText(
            "Your own scenario file on this machine (path to a .yaml)",
            value=path,
            continuous_update=True,
            style={"min-width": "520px"},
        )
        solara.Button("Open file", on_click=open_it, outlined=True)
    if error.value:
        html(
            f"<strong>Could not open the file:</strong><pre>{escape(error.value)}</pre>",
            ["open-error"],
        )
    if warning.value:
        html(f"Warning: {escape(warning.value)}", ["world-note"])


@solara.component
def Page():
    solara.Style(CSS)
    opened: Any = solara.use_reactive({})  # choice -> sim.dashboard.opening.Opened
    choice = solara.use_reactive("baseline")
    version = solara.use_reactive(0)  # a file opened again is read again

    def scenario_of(name: str):
        return opened.value[name].scenario if name in opened.value else logic.load(name)

    scenario = solara.use_memo(
        lambda: scenario_of(choice.value), dependencies=[choice.value, version.value]
    )

    def on_opened(found):
        opened.set({**opened.value, found.choice: found})
        choice.set(found.choice)
        version.set(version.value + 1)

    solara.Title("escsim: Azerbaijan-Armenia escalation")
    html("<h2>escsim: what the experts' assumptions imply</h2>")
    solara.Select("Scenario or lens", values=[*logic.scenario_files(), *opened.value], value=choice)
    OpenFile(on_opened)
    # A new scenario (or a file read again) starts from its own lever values.
    Dashboard(choice.value, scenario).key(f"{choice.value}#{version.value}")
    html(
        'escsim dashboard \u00b7 built with <a href="https://solara.dev">Solara</a>',
        ["footer"],
    )
