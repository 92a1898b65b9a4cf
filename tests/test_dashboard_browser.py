"""The dashboard in a real browser: ``escsim dashboard`` on a free port, driven by
Playwright in Debian's Chromium. Screenshots of each page land in ``test-artifacts/``
(git-ignored) at the repository's root.

Expected numbers are computed here with ``escsim run``'s own function (sim.api.run) or
the dashboard's logic, never written down: the model's numbers change as it does."""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from sim.dashboard import logic
from sim.dashboard.world import WorldStepper
from sim.formatting import interval_text, pct, spread_text
from sim.package_data import scenarios_dir
from tests.conftest import REPO
from tests.helpers import free_port, listening

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WATCHED = "limited incursion"  # clearly more likely without a sanctions threat


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard's address; its log (stdout and stderr) is read after the tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "dashboard", "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 90
    while not listening(port):
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"the dashboard did not start within 90 s:\n{log.read_text()}")
        time.sleep(0.3)
    yield f"http://127.0.0.1:{port}/", log
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (scripts/ensure-chromium.sh)")
        pytest.skip("no chromium on this machine")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
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
        yield chromium
        chromium.close()


@pytest.fixture
def page(server, browser):
    """A fresh page on the dashboard, its first estimate shown."""
    url, _log = server
    tab = browser.new_page(viewport={"width": 1300, "height": 1000})
    tab.goto(url, timeout=90_000)
    wait_ready(tab)
    yield tab
    tab.close()


def wait_ready(tab, timeout: int = 90_000) -> None:
    """Until the estimate answers the levers as set now (no busy state)."""
    tab.locator(".estimate.ready table.outcomes").wait_for(timeout=timeout)


def p_cell(tab, outcome: str = WATCHED) -> str:
    row = tab.locator("table.outcomes tr", has_text=outcome).first
    return row.locator("td").nth(1).inner_text().strip()


def table_rows(tab) -> dict[str, list[str]]:
    rows = tab.locator("table.outcomes tbody tr")
    out = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        out[cells[0]] = cells[1:]
    return out


def expected_rows(result) -> dict[str, list[str]]:
    """The table's cells as `escsim run`'s result gives them."""
    from sim.dashboard.table import SHOWN_OUTCOMES

    return {
        name.replace("_", " "): [
            pct(result.estimate(name).p),
            interval_text(*result.estimate(name).ci),
            spread_text(*result.spread.percentiles(name)),
        ]
        for name in SHOWN_OUTCOMES
    }


def shoot(tab, name: str) -> None:
    """A screenshot of the whole page: Solara's layout scrolls inside the window, so the
    window is first made as tall as the content."""
    height = tab.evaluate(
        "Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
    )
    tab.set_viewport_size({"width": 1300, "height": min(max(height, 1000), 8000)})
    tab.screenshot(path=str(ARTIFACTS / name), full_page=True)
    tab.set_viewport_size({"width": 1300, "height": 1000})


def lever(tab, key: str):
    return tab.locator(f".lever-{key.replace('.', '-')}")


def test_the_page_shows_escsim_runs_numbers_without_banner_or_cdn_loads(page, server):
    """The same seed and numbers as `escsim run baseline`; Solara's floating banner is
    not drawn over the page; the server log has no failed CDN load."""
    import sim.api

    shoot(page, "dashboard-loaded.png")
    ran = sim.api.run("baseline")
    head = page.locator(".estimate h4").inner_text()
    assert f"{ran.result.worlds:,} worlds, seed {ran.result.seed}" in head
    assert table_rows(page) == expected_rows(ran.result)
    note = page.locator(".estimate p.note").inner_text()
    assert "sd:" not in note and f"{ran.result.spread.draws} parameter draws" in note
    assert page.get_by_text("This website runs on Solara").count() == 0
    # Every slider's track is as long as the others, whatever its label.
    widths = {
        round(box["width"])
        for box in (t.bounding_box() for t in page.locator(".lever .v-slider").all())
    }
    assert len(widths) == 1, widths
    time.sleep(1)  # let every widget mount (Markdown fetched mermaid from a CDN on mount)
    _url, log = server
    assert "Could not load URL" not in log.read_text()


def test_a_lever_moved_shows_the_busy_state_then_the_new_value(page):
    """Quick moves: the busy state shows at once, the old numbers stay (dimmed) and then
    only the latest request's answer appears, never an intermediate one."""
    before = p_cell(page)
    # Record every text the watched cell takes, from now on, in the page itself.
    page.evaluate(
        """() => {
            window.seen = [];
            const table = () => document.querySelector('.estimate');
            const note = () => {
                for (const tr of document.querySelectorAll('table.outcomes tr')) {
                    if (tr.innerText.includes('limited incursion'))
                        window.seen.push(tr.querySelectorAll('td')[1].innerText.trim());
                }
            };
            new MutationObserver(note).observe(table(), {subtree: true, childList: true,
                                                         characterData: true});
        }"""
    )
    slider = lever(page, "usa_eu.sanctions_credibility").locator("[role=slider]")
    slider.focus()
    for _ in range(12):  # 0.60 -> 0.00 in steps of 0.05, as fast as keys go
        page.keyboard.press("ArrowLeft")
    page.locator(".estimate.busy").wait_for(timeout=10_000)
    busy_text = page.locator(".busy-note").inner_text()
    assert "Re-estimating" in busy_text
    shoot(page, "dashboard-busy.png")
    wait_ready(page, timeout=60_000)
    assert slider.get_attribute("aria-valuenow") == "0"
    value = lever(page, "usa_eu.sanctions_credibility").locator(".lever-value").inner_text()
    assert value.startswith("0.00")
    scenario = logic.load("baseline")
    expected = logic.estimate(scenario, {"usa_eu.sanctions_credibility": 0.0})
    after = pct(expected.estimate(WATCHED.replace(" ", "_")).p)
    assert p_cell(page) == f"{before} \u2192 {after}"
    seen = set(page.evaluate("window.seen"))
    assert f"{before} \u2192 {after}" in seen  # the observer saw the answer come
    assert seen <= {before, f"{before} \u2192 {after}"}, seen  # and no intermediate one
    assert "Western resolve" in page.locator(".moved-levers").inner_text()
    shoot(page, "dashboard-lever-moved.png")


def test_reset_restores_the_defaults(page):
    before = p_cell(page)
    push = lever(page, "russia.push")
    default = push.locator(".lever-value").inner_text()
    push.locator("[role=slider]").focus()
    page.keyboard.press("End")  # the push at its maximum
    page.locator(".estimate.busy").wait_for(timeout=10_000)
    wait_ready(page, timeout=60_000)
    assert "\u2192" in p_cell(page) and "scenario" in push.locator(".lever-value").inner_text()
    page.get_by_role("button", name="Reset all levers").click()
    page.locator(".estimate.busy").wait_for(timeout=10_000)
    wait_ready(page, timeout=60_000)
    assert p_cell(page) == before
    assert push.locator(".lever-value").inner_text() == default
    assert page.get_by_role("button", name="Reset all levers").is_disabled()


def test_play_runs_a_world_to_its_end_and_a_lever_does_not_wipe_it(page):
    page.get_by_role("button", name="Step one week").click()
    page.locator(".world-status", has_text="Week 1").wait_for(timeout=20_000)
    lever(page, "usa_eu.sanctions_credibility").locator("[role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.locator(".world-note", has_text="keeps the levers it started with").wait_for(
        timeout=20_000
    )
    assert "Week 1" in page.locator(".world-status").inner_text()  # not wiped
    page.get_by_role("combobox").filter(has_text="4 weeks/s").click()
    page.get_by_role("option", name="20 weeks/s").click()
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=10_000)
    page.locator(".world-end").wait_for(timeout=60_000)
    page.get_by_role("button", name="Play").wait_for(timeout=10_000)  # back from Pause
    expected = WorldStepper(logic.load("baseline"), {})
    expected.run_to_end()
    assert page.locator(".world-end").inner_text() == expected.ending()
    weeks = int(page.locator("svg.rung-chart").get_attribute("data-weeks"))
    assert weeks == expected.week
    assert page.locator("svg.rung-chart circle").count() == weeks + 1
    assert page.locator(".narration p").count() == weeks
    assert page.locator(".narration p").first.inner_text() == expected.lines[-1]
    shoot(page, "dashboard-world-played.png")


def test_pause_and_step_and_run_to_the_end(page):
    page.get_by_role("combobox").filter(has_text="4 weeks/s").click()
    page.get_by_role("option", name="1 week/s").click()
    page.get_by_role("button", name="Play").click()
    page.locator(".world-status", has_text="Week 1").wait_for(timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=10_000)
    paused = page.locator(".world-status strong").inner_text()
    time.sleep(2.5)  # paused: not a week more
    assert page.locator(".world-status strong").inner_text() == paused
    page.get_by_role("button", name="Run to the end").click()
    page.locator(".world-end").wait_for(timeout=20_000)
    assert page.get_by_role("button", name="Step one week").is_disabled()


def test_a_scenario_file_from_disk(page, tmp_path):
    """A teacher's own file opens; a bad one is refused with its problems and lines."""
    import sim.api

    bad = tmp_path / "typo.yaml"
    bad.write_text("name: typo\nparameters:\n  usa_eu:\n    resolv: 0.5\n")
    field = page.get_by_label("Your own scenario file on this machine (path to a .yaml)")
    field.fill(str(bad))
    page.get_by_role("button", name="Open file").click()
    error = page.locator(".open-error")
    error.wait_for(timeout=20_000)
    assert f"{bad}:4: parameters.usa_eu.resolv" in error.inner_text()
    shoot(page, "dashboard-file-refused.png")

    good = tmp_path / "class_lens.yaml"
    baseline = (scenarios_dir() / "baseline.yaml").resolve()
    good.write_text(
        f"name: class_lens\ndescription: Our class's lens.\nextends: {baseline}\n"
        "parameters:\n  usa_eu:\n    sanctions_credibility:\n      value: 0.95\n"
        "      source: 'assumption: the class'\n"
    )
    field.fill(str(good))
    page.get_by_role("button", name="Open file").click()
    page.get_by_text("Our class's lens.").wait_for(timeout=20_000)
    assert page.locator(".open-error").count() == 0
    wait_ready(page, timeout=60_000)
    ran = sim.api.run(good)
    assert table_rows(page) == expected_rows(ran.result)
    resolve = lever(page, "usa_eu.sanctions_credibility").locator(".lever-value").inner_text()
    assert resolve == "0.95"
    shoot(page, "dashboard-file-opened.png")


def test_server_log_stays_free_of_cdn_failures(server):
    """After every page above (loads, moves, plays, files): no failed CDN load logged."""
    _url, log = server
    text = log.read_text()
    assert "Could not load URL" not in text, re.findall(r"Could not load URL: '[^']*'", text)
