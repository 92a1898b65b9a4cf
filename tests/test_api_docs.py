"""docs/api.md runs as pasted: its python blocks, joined in order into one script (as
a reader pastes them into a file, with no `if __name__ == "__main__":`), run from an
empty directory outside the repository."""

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

API_PAGE = REPO / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def run_pasted(page, tmp_path) -> subprocess.CompletedProcess:
    """The page's python blocks, joined in order into one script, run from ``tmp_path``;
    fails with the script's error if it does not end cleanly."""
    script = tmp_path / "pasted.py"
    script.write_text("\n".join(python_blocks(page.read_text(encoding="utf-8"))))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_page_has_an_example_for_every_call():
    script = "\n".join(python_blocks(API_PAGE.read_text(encoding="utf-8")))
    for call in ("sim.run(", "sim.sweep(", "sim.compare(", "sim.forecast(", "sim.scenarios("):
        assert call in script, call
    assert "actor_classes=[" in script and ".to_frame()" in script


@pytest.mark.slow
def test_the_api_page_runs_as_pasted(tmp_path):
    done = run_pasted(API_PAGE, tmp_path)
    out = done.stdout
    assert "scenario: baseline" in out and "over parameter draws" in out  # the run's table
    assert re.search(r"Estimate\(p=0, .*k=0, n=2000\)", out), out  # the capped actor
    assert "study: sanctions-x-push" in out and "baseline -> kopalyan" in out
    assert "experts/kopalyan" in out  # the listing of shipped files


TUTORIAL_PAGES = sorted(
    p
    for p in (REPO / "docs").rglob("*.md")
    if p != API_PAGE and "```python" in p.read_text(encoding="utf-8")
)


def test_the_tutorials_python_is_found():
    names = {p.name for p in TUTORIAL_PAGES}
    assert {"own-lens.md", "sweeps.md"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("page", TUTORIAL_PAGES, ids=lambda p: p.name)
def test_each_tutorials_python_runs_as_pasted(page, tmp_path):
    """Every other page's python blocks, joined in order, run as pasted from an empty
    directory (the API page has its own test above)."""
    run_pasted(page, tmp_path)
