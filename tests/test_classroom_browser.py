"""``escsim classroom`` as a class uses it: the server started on a free port, two
students in their own browser contexts (real Chromium through Playwright: Debian's
``chromium``) each playing an actor to the end of the horizon, and the teacher's page
showing both histories against the model's distribution. Screenshots of each page go to
``test-artifacts/classroom-*.png``. And SIGTERM leaves nothing behind: no process, no
listening port, no file."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, child_env
from tests.helpers import child_pids, listening

pytest.importorskip("uvicorn")

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HORIZON = 52  # the baseline's own: each student plays a whole year


class Server:
    """``escsim classroom ... --port 0`` in a fresh working directory with its own
    TMPDIR; reads where it listens, the code and the teacher's page from its stderr."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.cwd, self.tmp = tmp / "cwd", tmp / "tmp"
        self.cwd.mkdir()
        self.tmp.mkdir()
        self.log = tmp / "stderr.txt"
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "sim", "classroom", "--port", "0", "-q", *args],
                cwd=self.cwd,
                env=child_env(TMPDIR=str(self.tmp)),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        deadline = time.time() + 120
        while time.time() < deadline and self.proc.poll() is None:
            text = self.log.read_text()
            if "Ctrl-C to stop" in text:
                break
            time.sleep(0.2)
        text = self.log.read_text()
        assert "Ctrl-C to stop" in text, text
        self.url = re.search(r"escsim classroom on (http://\S+/):", text).group(1)
        self.port = int(re.search(r":(\d+)/", self.url).group(1))
        self.code = re.search(r"session code: (\w+)", text).group(1)
        self.teacher = re.search(r"teacher's page: (\S+)", text).group(1)
        self.banner = text

    def listening(self) -> bool:
        return listening(self.port)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists child processes via /proc")
def test_sigterm_leaves_nothing_behind(tmp_path):
    server = Server(tmp_path, "--worlds", "500")
    try:
        assert "listening on 127.0.0.1, this machine only" in server.banner
        assert server.listening()
        spawned = child_pids(server.proc.pid)
        assert server.stop() == 143  # SIGTERM, reported as escsim reports it
        assert not server.listening()
        assert not [pid for pid in spawned if Path(f"/proc/{pid}").exists()]
        assert list(server.cwd.iterdir()) == [] and list(server.tmp.iterdir()) == []
        assert "terminated" in server.log.read_text()
    finally:
        server.stop()


def play_to_the_end(page, pick: str, shot: str) -> str:
    """Answer every turn with the ``pick`` ("first" or "last") option of each question
    until the end page; a screenshot of the first turn and of the end."""
    first = True
    while not page.get_by_text("The end").count():
        if first:
            page.screenshot(path=str(ARTIFACTS / f"{shot}-turn.png"), full_page=True)
            first = False
        for fieldset in page.locator("form.turn fieldset").all():
            radios = fieldset.locator("input[type=radio]")
            (radios.first if pick == "first" else radios.last).check()
        page.get_by_role("button", name="Decide", exact=True).click()
        page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / f"{shot}-end.png"), full_page=True)
    return page.content()


@pytest.mark.slow
@pytest.mark.browser
def test_two_students_play_and_the_teacher_sees_both(tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (scripts/ensure-chromium.sh)")
        pytest.skip("no chromium on this machine")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    server = Server(tmp_path, "--roles", "baku,yerevan", "--worlds", "2000")
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
            )
            ends = {}
            for name, pick in (("Ana", "first"), ("Ben", "last")):
                context = browser.new_context(viewport={"width": 1100, "height": 900})
                page = context.new_page()
                page.goto(server.url, timeout=60_000)
                if name == "Ana":
                    page.screenshot(path=str(ARTIFACTS / "classroom-join.png"), full_page=True)
                page.get_by_label("Session code").fill(server.code.lower())
                page.get_by_label("Your name").fill(name)
                page.get_by_role("button", name="Join").click()
                page.wait_for_load_state()
                ends[name] = play_to_the_end(page, pick, f"classroom-{name.lower()}")
                context.close()
            assert "you play Baku (Azerbaijan)" in ends["Ana"]
            assert "you play Yerevan (Armenia)" in ends["Ben"]
            for text in ends.values():  # Baku negotiates, Yerevan concedes nothing: a year
                assert f"The end: week {HORIZON}<" in text
                assert "the model's probability" in text and "percentile" in text
            teacher = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
            teacher.goto(server.teacher, timeout=60_000)
            teacher.screenshot(path=str(ARTIFACTS / "classroom-teacher.png"), full_page=True)
            text = teacher.content()
            assert server.code in text
            assert "1. Ana" in text and "2. Ben" in text and text.count(">finished<") == 2
            # Both histories over the distribution, and each outcome for each beside the
            # model's probability.
            assert teacher.locator("svg polyline").count() == 2
            header = teacher.locator("tr").filter(has_text="the model: p [95% CI]").first
            assert "1. Ana" in header.inner_text() and "2. Ben" in header.inner_text()
            row = teacher.locator("tr").filter(has_text="border clash").first.inner_text()
            assert re.search(r"\d+(\.\d+)?% \[.*\] \(n=2,000\)", row), row
            browser.close()
    finally:
        code = server.stop()
    assert code == 143 and not server.listening()
