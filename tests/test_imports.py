"""No import circles in sim/: every module can be imported first, on its own."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SIM


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(p) for p in SIM.rglob("*.py"))
IMPORTABLE = [m for m in MODULES if m != "sim.__main__"]  # that one runs the CLI


def imports_of(path: Path, top_level_only: bool) -> set[str]:
    """The sim modules ``path`` imports. ``top_level_only``: ignore imports inside
    functions. A package a module lives in is not counted when the module reaches past
    it to a sibling (``from sim.scenario.problems import Problem`` inside sim.scenario
    needs only problems.py); ``from sim.scenario import X`` from inside it is a circle."""
    me = module_name(path)
    ancestors = {".".join(me.split(".")[:i]) for i in range(1, me.count(".") + 1)}
    if path.name == "__init__.py":
        ancestors.add(me)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports under `if TYPE_CHECKING:` are read by type checkers only, never at run time.
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            node.body = []
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            targets = [m for m in submodules if m in MODULES]
            if len(targets) < len(submodules):  # names defined by the package itself
                found.add(node.module)
            targets += [node.module]
        else:
            continue
        for name in targets:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in MODULES and (prefix not in ancestors or prefix == name
                                          and prefix in found):
                    found.add(prefix)
    return {m for m in found if m in MODULES} - {me}


def cycles(top_level_only: bool) -> list[list[str]]:
    graph = {module_name(p): imports_of(p, top_level_only) for p in SIM.rglob("*.py")}
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_imports_form_no_circle_not_even_through_imports_inside_functions():
    # Module level: a circle breaks `import` outright. Inside functions: a circle is
    # hidden by the late import (sim.output and sim.plots had one), and still couples
    # two modules both ways.
    assert cycles(top_level_only=True) == []
    assert cycles(top_level_only=False) == []


@pytest.mark.slow
@pytest.mark.parametrize("module", IMPORTABLE)
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    if module.startswith("sim.dashboard.app"):
        pytest.importorskip("solara")
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True,
                   cwd=SIM.parent, timeout=120)
