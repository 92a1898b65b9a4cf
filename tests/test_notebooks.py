"""The teaching notebooks run top to bottom (small world counts) and their own cells
assert at least one fact each."""

import json

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import NOTEBOOKS as NOTEBOOK_DIR

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_the_notebooks_are_shipped_without_outputs():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code"), path.name
        assert any("assert " in "".join(c["source"]) for c in cells), path.name


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, monkeypatch):
    monkeypatch.setenv("ESCSIM_NOTEBOOK_WORLDS", "1500")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    shipped_cells = len(nb.cells)
    # A last cell reports what the kernel used: the test's small world count must have
    # reached the notebook (else it ran at class size, or ignored the variable).
    nb.cells.append(nbformat.v4.new_code_cell("print('escsim-test-worlds', WORLDS)"))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell, asserts included
    code_cells = [c for c in nb.cells[:shipped_cells] if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "a code cell did not run"
    reported = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert reported.strip() == "escsim-test-worlds 1500", reported
