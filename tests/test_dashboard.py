"""The dashboard's logic (fast, no widget), the page rendered headless (solara.render),
and the server's shutdown. The page in a real browser: tests/test_dashboard_browser.py.

No model number is written here: every expected number is computed (by ``escsim run``'s
own function, sim.api.run, or by the logic under test run separately)."""

import inspect
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.dashboard import logic, table
from sim.dashboard.opening import FILES_ENV, NotOpened, open_scenario_file
from sim.dashboard.world import WorldStepper, rung_chart_svg
from sim.ladder import N_RUNGS, STATE_LABELS, TREATY_STATE, WAR_STATE
from sim.package_data import scenarios_dir
from sim.seeding import DEFAULT_SEED
from tests.conftest import REPO
from tests.helpers import child_pids, free_port, listening

RESOLVE = "usa_eu.sanctions_credibility"  # the first lever: Western resolve
WATCHED = "limited incursion"  # clearly more likely without a sanctions threat


# --- logic (fast tier) -----------------------------------------------------------------


def test_lever_values_are_shown_with_their_steps_decimals():
    assert logic.lever_text(RESOLVE, 0.6) == "0.60"  # step 0.05
    assert logic.lever_text("usa_eu.lift_after_weeks", 26.0) == "26"  # step 1
    assert logic.lever_text("turkey.stance", -0.3) == "-0.3"  # step 0.1
    assert logic.lever_text("russia.push", 1.75) == "1.75"  # step 0.25


def test_moved_levers_lists_only_the_moved_ones_with_the_scenarios_value(baseline):
    defaults = logic.lever_defaults(baseline)
    moved = logic.moved_levers(baseline, {RESOLVE: 1.0})
    assert moved == [(logic.LEVERS[0][1], logic.lever_text(RESOLVE, defaults[RESOLVE]), "1.00")]
    assert logic.moved_levers(baseline, {}) == []


def test_the_dashboard_uses_the_commands_seed_and_worlds():
    """One seed for `escsim run`, `escsim watch`, the report and the page (the issue's
    handout and screen disagreed), and `escsim run`'s default number of worlds."""
    import sim.api

    run_defaults = inspect.signature(sim.api.run).parameters
    assert run_defaults["seed"].default == DEFAULT_SEED
    assert logic.DASHBOARD_WORLDS == run_defaults["n"].default
    assert inspect.signature(logic.estimate).parameters["seed"].default == DEFAULT_SEED
    assert WorldStepper.seed == DEFAULT_SEED


def test_a_superseded_request_stops_before_its_run_and_between_passes(baseline):
    asked = []

    def never() -> bool:
        asked.append(1)
        return False

    with pytest.raises(logic.Superseded):
        logic.estimate(baseline, {}, n_worlds=200, spread=(0, 1), still_wanted=never)
    assert asked == [1]  # refused before any world was run

    answers = iter([True, False])  # wanted at the start, replaced after the first chunk
    with pytest.raises(logic.Superseded):
        logic.estimate(
            baseline, {}, n_worlds=200, spread=(10, 10), still_wanted=lambda: next(answers)
        )


def test_the_table_has_the_columns_its_note_explains(baseline):
    """The note under the table explained an "sd" column the table does not have."""
    result = logic.estimate(baseline, {}, n_worlds=300, spread=(10, 10))
    html = table.table_html(result)
    heads = re.findall(r"<th>([^<]*)</th>", html)
    assert heads == list(table.COLUMNS)
    note = re.search(r'<p class="note"><em>([^<]*)</em>', html).group(1)
    assert "sd" not in note.split() and "sd:" not in note
    assert "10 parameter draws x 10" in note  # the spread column's own draws
    rows = table.outcome_rows(result)
    assert [r.outcome for r in rows] == [n.replace("_", " ") for n in table.SHOWN_OUTCOMES]
    assert all(r.spread.startswith("[") and r.spread.endswith(")") for r in rows)
    assert html.count("<tr>") == len(rows) + 1


def test_before_and_after_once_a_lever_moved(baseline):
    before = logic.estimate(baseline, {}, n_worlds=300, spread=(0, 1))
    after = logic.estimate(baseline, {RESOLVE: 0.0}, n_worlds=300, spread=(0, 1))
    from sim.formatting import pct

    for row, name in zip(table.outcome_rows(after, before), table.SHOWN_OUTCOMES, strict=True):
        assert row.before == pct(before.estimate(name).p)
        assert row.p_cell == f"{pct(before.estimate(name).p)} \u2192 {pct(after.estimate(name).p)}"
    assert "\u2192" not in table.table_html(after)  # no lever moved: one number
    assert re.findall(r"<th>([^<]*)</th>", table.table_html(after)) == list(table.COLUMNS[:3])


def test_the_stepped_world_is_the_world_of_escsim_watch(baseline):
    """Same seed, same narration (quiet weeks included, as `watch --every-week`), and a
    state per week for the chart."""
    from sim.montecarlo import ChunkTask, build_model
    from sim.narrate import ending, narrate

    stepper = WorldStepper(baseline, {})
    first = stepper.step()
    assert first is not None and first.startswith("Week 1:") and stepper.week == 1
    assert stepper.run_to_end() == stepper.week - 1 and stepper.finished
    assert stepper.step() is None  # over: nothing more happens
    model = build_model(ChunkTask(baseline, DEFAULT_SEED, 0, 1, baseline.horizon_weeks))
    assert stepper.lines == list(narrate(model, 0, quiet_weeks=True))
    assert stepper.ending() == ending(model, 0)
    assert len(stepper.states) == stepper.week + 1
    assert all(0 <= s < len(STATE_LABELS) for s in stepper.states)


def test_a_world_keeps_the_levers_it_started_with(baseline):
    levers = {RESOLVE: 0.0}
    stepper = WorldStepper(baseline, levers)
    levers[RESOLVE] = 1.0  # the page's levers move on
    assert stepper.levers == {RESOLVE: 0.0}
    assert stepper.model.world is not None  # built once, with the levers as they were


def test_rung_chart_draws_every_week_and_names_the_end():
    states = [1, 2, 3, 3, TREATY_STATE]
    svg = rung_chart_svg(states, horizon=52)
    root = ET.fromstring(svg)  # well-formed SVG
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("data-weeks") == "4"
    titles = [c.find(f"{ns}title").text for c in root.iter(f"{ns}circle")]
    assert titles == [f"week {w}: {STATE_LABELS[s]}" for w, s in enumerate(states)]
    assert "peace treaty" in [t.text for t in root.iter(f"{ns}text")]
    war = ET.fromstring(rung_chart_svg([0, WAR_STATE], horizon=10))
    assert "regional war" in [t.text for t in war.iter(f"{ns}text")]
    axis = [t.text for t in ET.fromstring(rung_chart_svg([0], 52)).iter(f"{ns}text")]
    assert {"negotiation", "full scale invasion"} <= set(axis) and len(axis) >= N_RUNGS


# --- a scenario file from disk --------------------------------------------------------


def test_a_teachers_file_opens_and_extends_the_shipped_baseline(tmp_path):
    baseline = (scenarios_dir() / "baseline.yaml").resolve()
    path = tmp_path / "class_lens.yaml"
    path.write_text(
        f"name: class_lens\nextends: {baseline}\nparameters:\n  usa_eu:\n"
        "    sanctions_credibility:\n      value: 0.9\n      source: 'assumption: class'\n"
    )
    opened = open_scenario_file("class_lens.yaml", cwd=tmp_path)  # relative, as `escsim run`
    assert opened.choice == f"file: {path}" and opened.warning is None
    assert opened.scenario.name == "class_lens"
    assert opened.scenario.parameters[RESOLVE].dist.mean() == pytest.approx(0.9)


def test_a_file_without_extends_opens_with_escsim_runs_warning(tmp_path):
    path = tmp_path / "alone.yaml"
    path.write_text("name: alone\n")
    opened = open_scenario_file(str(path))
    assert opened.warning is not None and "has no extends:" in opened.warning


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("bad.yaml", "name: bad\nhorizon_weeks: -3\n", "bad.yaml:2: horizon_weeks"),
        ("typo.yaml", "name: t\nparameters:\n  usa_eu:\n    resolv: 0.5\n", "typo.yaml:4"),
        ("notes.txt", "name: x\n", "named .yaml or .yml"),
    ],
    ids=["bad value", "unknown key", "not yaml"],
)
def test_a_bad_file_is_refused_with_its_problems_and_lines(tmp_path, name, text, said):
    (tmp_path / name).write_text(text)
    with pytest.raises(NotOpened) as err:
        open_scenario_file(str(tmp_path / name))
    assert said in str(err.value), str(err.value)


def test_a_missing_file_and_an_empty_path_are_said_so(tmp_path):
    with pytest.raises(NotOpened, match="no such file"):
        open_scenario_file(str(tmp_path / "nothing.yaml"))
    with pytest.raises(NotOpened, match="type the path"):
        open_scenario_file("  ")


def test_the_path_policy_applies_to_what_an_opened_file_names(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCSIM_ALLOW_OUTSIDE_PATHS", raising=False)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text("name: secret\n")
    lens = tmp_path / "project" / "lenses" / "lens.yaml"
    lens.parent.mkdir(parents=True)
    lens.write_text("name: lens\nextends: ../../outside/secret.yaml\n")
    with pytest.raises(NotOpened, match="outside this file's project") as err:
        open_scenario_file(str(lens))
    assert "lens.yaml:2: extends" in str(err.value)


def test_files_are_not_opened_when_the_dashboard_listens_beyond_this_machine(tmp_path, monkeypatch):
    (tmp_path / "ok.yaml").write_text("name: ok\n")
    monkeypatch.setenv(FILES_ENV, "0")
    with pytest.raises(NotOpened, match="opening files is off"):
        open_scenario_file(str(tmp_path / "ok.yaml"))


@pytest.mark.parametrize(("host", "allowed"), [("127.0.0.1", "1"), ("0.0.0.0", "0")])
def test_the_command_allows_files_on_loopback_only_and_hides_solaras_banner(
    monkeypatch, capsys, host, allowed
):
    """`escsim dashboard` sets the page's environment, then becomes the Solara server
    (os.execv, replaced here by a stand-in that records the command)."""
    from sim.dashboard import cli

    for name in (FILES_ENV, "SOLARA_THEME_SHOW_BANNER", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"):
        monkeypatch.delenv(name, raising=False)
    ran = []
    monkeypatch.setattr(os, "execv", lambda exe, cmd: ran.append(cmd))
    args = type("Args", (), {"actors": [], "host": host, "port": 8765, "quiet": True})()
    assert cli.cli_action(args) == 0
    assert ran and ran[0][ran[0].index("--host") + 1] == host
    assert os.environ[FILES_ENV] == allowed
    assert os.environ["SOLARA_THEME_SHOW_BANNER"] == "false"
    assert os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert ("opening files by path is off" in capsys.readouterr().err) is (allowed == "0")


# --- the numbers are escsim run's (slow: full runs) -----------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("levers", [{}, {RESOLVE: 0.0, "russia.push": 3.0}], ids=["as is", "moved"])
def test_the_estimate_is_escsim_run_of_the_scenario(baseline, levers):
    """What the page shows is `escsim run baseline` (`--set` for the moved levers) with
    the command's defaults: the same outcomes, intervals and spread, to the last digit."""
    import sim.api

    shown = logic.estimate(baseline, levers)
    ran = sim.api.run("baseline", overrides=levers or None)
    assert shown.to_dict()["outcomes"] == ran.to_dict()["outcomes"]
    assert (shown.seed, shown.worlds) == (ran.result.seed, ran.result.worlds)
    assert shown.spread.computed and shown.spread.draws == ran.result.spread.draws


@pytest.mark.slow
def test_an_answer_carries_the_scenarios_run_as_its_before(baseline):
    ref = logic.answer("baseline", baseline, {}, n_worlds=1_000, spread=(20, 25))
    assert ref.result is ref.reference and ref.key == ("baseline", ())
    moved = logic.answer(
        "baseline", baseline, {RESOLVE: 0.0}, ref.reference, n_worlds=1_000, spread=(20, 25)
    )
    assert moved.reference is ref.reference and moved.key == ("baseline", ((RESOLVE, 0.0),))
    alone = logic.estimate(baseline, {RESOLVE: 0.0}, n_worlds=1_000, spread=(20, 25))
    assert moved.result.to_dict()["outcomes"] == alone.to_dict()["outcomes"]
    assert moved.chart_png.startswith(b"\x89PNG")


# --- the page, headless ----------------------------------------------------------------


def _page():
    solara = pytest.importorskip("solara")
    import ipyvuetify as v
    from solara.widgets import HTML

    from sim.dashboard.app import Page

    box, rc = solara.render(Page(), handle_error=False)

    def text() -> str:
        return " ".join(w.unsafe_innerHTML or "" for w in rc.find(HTML).widgets)

    return rc, text, v


def _wait(condition, what: str, timeout: float = 60):
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.05)


def _shown(text: str, name: str = WATCHED) -> str:
    """The p cell of an outcome's row: "24.7%", or "24.7% -> 31.5%" once a lever moved."""
    return re.search(rf"{name}</td><td><strong>([^<]+)</strong>", text).group(1)


@pytest.mark.slow
def test_page_headless_busy_then_before_after_then_reset(baseline):
    from sim.formatting import pct

    rc, text, v = _page()
    _wait(lambda: f"{WATCHED}</td>" in text() and "Re-estimating" not in text(), "estimate")
    before = _shown(text())
    slider = rc.find(v.Slider).widgets[0]  # the first lever: Western resolve
    slider.v_model = 0.0
    assert "Re-estimating for the levers as set now" in text()  # busy at once
    assert _shown(text()) == before  # the previous numbers stay (dimmed), never a mix
    _wait(lambda: "Re-estimating" not in text(), "new estimate")
    expected = logic.estimate(baseline, {RESOLVE: 0.0}).estimate(WATCHED.replace(" ", "_")).p
    assert _shown(text()) == f"{before} \u2192 {pct(expected)}"
    assert 'class="lever-value moved">0.00 (scenario 0.60)' in text()
    rc.find(v.Btn, children=["Reset all levers"]).widget.click()
    _wait(lambda: "Re-estimating" not in text() and "\u2192" not in _shown(text()), "reset")
    assert _shown(text()) == before and slider.v_model == pytest.approx(0.6)


@pytest.mark.slow
def test_page_headless_says_when_an_estimate_fails(monkeypatch):
    """A failed run is said on the page, not left as an endless busy state."""
    from sim.dashboard import app

    def fails(*_args, **_kwargs):
        raise ValueError("the run broke")

    monkeypatch.setattr(app.logic, "answer", fails)
    rc, text, v = _page()
    alerts = lambda: [a.children for a in rc.find(v.Alert).widgets]  # noqa: E731
    _wait(lambda: any("the run broke" in str(c) for c in alerts()), "error message", 10)
    assert "Re-estimating" not in text() and "Estimating" not in text()


@pytest.mark.slow
def test_page_headless_a_moved_lever_keeps_the_world_being_stepped():
    rc, text, v = _page()
    rc.find(v.Btn, children=["Step one week"]).widget.click()
    rc.find(v.Btn, children=["Step one week"]).widget.click()
    assert "Week 2</strong> of 52" in text() and "Week 2:" in text()
    assert "Baku&#x27;s estimate of Western resolve" in text()  # the beliefs, by the week
    rc.find(v.Slider).widgets[0].v_model = 0.0
    assert "Week 2</strong> of 52" in text()  # not wiped
    assert "This world keeps the levers it started with (no lever moved)" in text()
    rc.find(v.Btn, children=["Run to the end"]).widget.click()
    assert "End: rung" in text()
    rc.find(v.Btn, children=["New world"]).widget.click()
    assert "Week 0</strong>" in text() and "keeps the levers" not in text()


@pytest.mark.slow
def test_every_lever_is_a_slider_under_its_actor_with_the_registrys_meaning_as_help():
    """The levers of the new actors are offered, and each slider's help text is what the
    parameter registry says it means (``escsim params``), not a paraphrase to keep."""
    from html import escape

    from sim.actors import PARAMS_BY_KEY

    keys = [key for key, _label, _step in logic.LEVERS]
    assert {
        "usa_eu.lift_after_weeks",
        "russia.spoiler",
        "world.transit_route",
        "armenia.peace_value",
        "armenia.trust_strength",
        "azerbaijan.belief_strength",
    } <= set(keys)
    rc, text, v = _page()
    sliders = rc.find(v.Slider).widgets
    assert len(sliders) == len(logic.LEVERS)
    assert {s.label for s in sliders} == {""}  # labels above: tracks of equal length
    page = text()
    for key, label, _step in logic.LEVERS:
        spec = PARAMS_BY_KEY[key]
        assert spec.meaning[1:] in logic.lever_help(key) and spec.unit in logic.lever_help(key)
        assert escape(logic.lever_help(key)) in page, key
        assert f'<span class="lever-label">{escape(label)}</span>' in page
        assert escape(logic.ACTOR_TITLES[spec.actor]) in page, spec.actor


@pytest.mark.slow
def test_picking_a_lens_loads_its_levers():
    rc, text, v = _page()
    rc.find(v.Select, label="Scenario or lens").widget.v_model = "experts/kopalyan"
    assert "Kopalyan" in text()
    cred = rc.find(v.Slider).widgets[0].v_model
    assert cred == pytest.approx(0.8)  # Kopalyan's beta(8, 2) mean


def test_the_calibrated_scenario_is_offered_with_its_posterior_levers():
    """The scenario calibrated on the record is a scenario like the others: it is listed,
    its levers start at its own means (a posterior's where the record identifies the
    parameter, the prior's where it keeps it, as sanctions credibility since the likelihood
    calibration), and its estimate is its own run."""
    assert "calibrated" in logic.scenario_files()
    scenario = logic.load("calibrated")
    defaults = logic.lever_defaults(scenario)
    mean = scenario.parameters[RESOLVE].dist.mean()
    step = next(step for k, _label, step in logic.LEVERS if k == RESOLVE)
    assert abs(defaults[RESOLVE] - mean) <= step / 2 + 1e-9  # the mean, on the slider's grid
    result = logic.estimate(scenario, {}, n_worlds=300, spread=(0, 1))
    assert result.estimate("border_clash").n == 300


# --- the server leaves nothing behind ---------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")  # a zombie is not alive: it holds no port
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists child processes via /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_leaves_no_server_behind(sig):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 90
        while not listening(port) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.3)
        assert listening(port), "the dashboard did not start within 90 s"
        children = child_pids(proc.pid)
        proc.send_signal(sig)
        deadline = time.time() + 5
        while listening(port) and time.time() < deadline:
            time.sleep(0.1)
        assert not listening(port), "something still listens 5 s after the signal"
        proc.wait(timeout=10)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"processes left behind: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
