"""No import circles in sim/, type-only ones included: every module can be imported
first, on its own, and no two modules lean on each other, not even for a type hint."""

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


def imports_of(path: Path, top_level_only: bool, source: str | None = None) -> set[str]:
    """The sim modules ``path`` imports. ``top_level_only``: ignore imports inside
    functions. A package a module lives in is not counted when the module reaches past
    it to a sibling (``from sim.scenario.problems import Problem`` inside sim.scenario
    needs only problems.py); ``from sim.scenario import X`` from inside it is a circle.
    ``source``: the module's text, if not the file's."""
    me = module_name(path)
    ancestors = {".".join(me.split(".")[:i]) for i in range(1, me.count(".") + 1)}
    if path.name == "__init__.py":
        ancestors.add(me)
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    # Imports under `if TYPE_CHECKING:` count at the top level too: a circle a type
    # checker follows still couples the two modules both ways.
    type_only = [
        n
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for n in node.body
    ]
    nodes = [*tree.body, *type_only] if top_level_only else list(ast.walk(tree))
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
                if prefix in MODULES and (
                    prefix not in ancestors or prefix == name and prefix in found
                ):
                    found.add(prefix)
    return {m for m in found if m in MODULES} - {me}


def cycles(top_level_only: bool) -> list[list[str]]:
    return find_cycles({module_name(p): imports_of(p, top_level_only) for p in SIM.rglob("*.py")})


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Circles in a graph of imports, each as the path that closes it (a, b, ..., a)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_imports_form_no_circle_not_even_through_imports_inside_functions():
    # Module level: a circle breaks `import` outright. Inside functions or under
    # `if TYPE_CHECKING:`: a circle is hidden by the late import (sim.output and
    # sim.plots had one; sim.ladder and sim.state another, for a type hint), and still
    # couples two modules both ways.
    for top_level_only in (True, False):
        found = cycles(top_level_only)
        assert found == [], "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_the_finder_sees_a_circle_and_a_type_only_import():
    """The check can fail: a planted circle is found and reported as its path, and an
    import under `if TYPE_CHECKING:` is an edge of the graph."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    planted = (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from sim.state import WorldState\n"
    )
    assert imports_of(SIM / "ladder.py", True, planted) == {"sim.state"}
    assert imports_of(SIM / "ladder.py", False, planted) == {"sim.state"}


@pytest.mark.slow
@pytest.mark.parametrize("module", IMPORTABLE)
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    if module.startswith("sim.dashboard.app"):
        pytest.importorskip("solara")
    subprocess.run(
        [sys.executable, "-c", f"import {module}"], check=True, cwd=SIM.parent, timeout=120
    )
