"""The dashboard's logic, headless (solara.render) and in a real browser (Playwright
driving Debian's Chromium)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
import ipyvuetify as v  # noqa: E402

from sim.dashboard import logic  # noqa: E402
from sim.dashboard.app import Page  # noqa: E402
from tests.conftest import REPO  # noqa: E402

ARTIFACTS = REPO / "test-artifacts"


def page_text(rc) -> str:
    return " ".join(
        t.template for t in rc.find(v.VuetifyTemplate).widgets if isinstance(t.template, str)
    )


# The row the slider tests watch: with the sanctions threat's credibility at 0, limited
# incursions are clearly more likely in the baseline (a full-scale invasion, an operation
# kept up three weeks, is too rare in 10,000 worlds to show a move on every calibration).
WATCHED = "limited incursion"


def outcome_line(text: str, name: str = WATCHED) -> str:
    match = re.search(rf"{name} \| \*\*[^|]+\| \[[^\]]+\]", text) or re.search(
        rf"{name}</td>\s*<td><strong>[^<]+</strong>", text
    )
    assert match, text[:2000]
    return match.group(0)


def shown_share(line: str) -> float:
    """The estimate shown in an outcome's row, as a share."""
    return float(re.search(r"(?:\*\*|<strong>)([0-9.]+)%", line).group(1)) / 100


@pytest.mark.slow
def test_logic_estimate_is_the_run_of_the_scenario_and_repeats():
    """What a slider shows is `escsim run` of the scenario with the levers' values, the
    same on every call. (How fast it answers is measured by `escsim bench`, not here.)"""
    from sim.montecarlo import run_scenario

    scenario = logic.load("baseline")
    levers = logic.lever_defaults(scenario)
    a = logic.estimate(scenario, levers)
    b = logic.estimate(scenario, levers)
    assert a.to_dict()["outcomes"] == b.to_dict()["outcomes"] and a.worlds == 10_000
    alone = run_scenario(
        scenario.with_overrides(levers),
        n_worlds=a.worlds,
        seed=a.seed,
        horizon_weeks=a.horizon_weeks,
        spread=logic.DASHBOARD_SPREAD,
    )
    assert a.to_dict()["outcomes"] == alone.to_dict()["outcomes"]
    # Beside each estimate, its spread over the draws of the parameters no lever fixes.
    assert a.spread.computed and a.spread.draws * a.spread.worlds_per_draw < a.worlds
    rows = logic.outcome_rows(a)
    assert [r[0] for r in rows] == [n.replace("_", " ") for n in logic.SHOWN_OUTCOMES]
    assert all(r[3].startswith("[") and r[3].endswith(")") for r in rows)


def test_stepper_says_what_happened_each_week():
    stepper = logic.WorldStepper(logic.load("baseline"), {}, seed=2)
    first = stepper.step()
    assert first.startswith("Week 1:") and stepper.week == 1


@pytest.mark.slow
def test_page_headless_slider_changes_the_estimate_and_stepping_advances():
    box, rc = solara.render(Page(), handle_error=False)
    before = outcome_line(page_text(rc))
    slider = rc.find(v.Slider, label=logic.LEVERS[0][1]).widget
    slider.v_model = 0.0  # no sanctions threat
    after = outcome_line(page_text(rc))
    assert shown_share(after) > shown_share(before), (before, after)
    assert "Week 0" in page_text(rc)
    rc.find(v.Btn, children=["Step one week"]).widget.click()
    rc.find(v.Btn, children=["Step one week"]).widget.click()
    assert "Week 2" in page_text(rc) and "Week 2:" in page_text(rc)
    assert "Baku's estimate of Western resolve" in page_text(rc)  # the beliefs, by the week


@pytest.mark.slow
def test_every_lever_is_a_slider_under_its_actor_with_the_registrys_meaning_as_help():
    """The levers of the new actors are offered, and each slider's help text is what the
    parameter registry says it means (``escsim params``), not a paraphrase to keep."""
    import ipyvue

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
    box, rc = solara.render(Page(), handle_error=False)
    helps = [w.children[0] for w in rc.find(ipyvue.Html).widgets if w.children]
    text = page_text(rc)
    for key, label, _step in logic.LEVERS:
        rc.find(v.Slider, label=label).assert_single()
        spec = PARAMS_BY_KEY[key]
        assert spec.meaning[1:] in logic.lever_help(key) and spec.unit in logic.lever_help(key)
        assert logic.lever_help(key) in helps, key
        assert f"<strong>{logic.ACTOR_TITLES[spec.actor]}</strong>" in text, spec.actor


@pytest.mark.slow
def test_picking_a_lens_loads_its_levers():
    box, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Select).widget.v_model = "experts/kopalyan"
    text = page_text(rc)
    assert "Kopalyan" in text
    cred = rc.find(v.Slider, label=logic.LEVERS[0][1]).widget.v_model
    assert cred == pytest.approx(0.8)  # Kopalyan's beta(8, 2) mean


def test_the_calibrated_scenario_is_offered_with_its_posterior_levers():
    """The scenario calibrated on the record is a scenario like the others: it is listed,
    its levers start at its own means (a posterior's where the record identifies the
    parameter, the prior's where it keeps it, as sanctions credibility since the likelihood
    calibration), and its estimate is its own run."""
    assert "calibrated" in logic.scenario_files()
    scenario = logic.load("calibrated")
    defaults = logic.lever_defaults(scenario)
    key = "usa_eu.sanctions_credibility"
    mean = scenario.parameters[key].dist.mean()
    step = next(step for k, _label, step in logic.LEVERS if k == key)
    assert abs(defaults[key] - mean) <= step / 2 + 1e-9  # the mean, on the slider's grid
    result = logic.estimate(scenario, {}, n_worlds=1_000, spread=(20, 25))
    assert result.estimate("border_clash").n == 1_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


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
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 90
        while not _listening(port) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.3)
        assert _listening(port), "the dashboard did not start within 90 s"
        children = _children(proc.pid)
        proc.send_signal(sig)
        deadline = time.time() + 5
        while _listening(port) and time.time() < deadline:
            time.sleep(0.1)
        assert not _listening(port), "something still listens 5 s after the signal"
        proc.wait(timeout=10)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"processes left behind: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the dashboard server did not start within 90 s")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_real_browser(server):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (scripts/ensure-chromium.sh)")
        pytest.skip("no chromium on this machine")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(server, timeout=90_000)
        page.get_by_text(WATCHED).first.wait_for(timeout=90_000)
        page.screenshot(path=str(ARTIFACTS / "dashboard-loaded.png"), full_page=True)
        row = page.locator("tr", has_text=WATCHED).first
        before = row.inner_text()
        slider = page.locator("[role=slider]").first  # the sanctions threat's credibility
        slider.focus()
        for _ in range(15):  # down to 0 in steps of 0.05
            page.keyboard.press("ArrowLeft")
        deadline = time.time() + 30
        while row.inner_text() == before and time.time() < deadline:
            time.sleep(0.2)
        after = row.inner_text()
        assert slider.get_attribute("aria-valuenow") == "0"
        assert after != before, (before, after)
        page.get_by_role("button", name="Step one week").click()
        page.get_by_text("Week 1:").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "dashboard-after.png"), full_page=True)
        browser.close()
