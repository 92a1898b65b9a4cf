"""Hostile input: whatever bytes a scenario file holds, `escsim validate` answers "ok" or
a list of problems with file and line; never a traceback, never a hang. How quickly it
answers is measured by benchmarks/hostile_input.py, not asserted here (timings depend on
the machine)."""

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.scenario.yamlio import MAX_DEPTH, MAX_FILE_BYTES
from tests.conftest import REPO
from tests.test_scenario_loader import problems_of

SHIPPED = sorted((REPO / "scenarios").rglob("*.yaml"))


def validate(path: Path) -> tuple[int, str]:
    """`escsim validate path` in this process: (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", str(path)])
    return code, err.getvalue()


# --- the holes, one test each --------------------------------------------------------


def alias_bomb() -> str:
    """Nine anchors, each a list of nine aliases of the one before: 9^9 nodes expanded."""
    lines, prev = ["name: bomb"], None
    for name in "abcdefghi":
        items = ", ".join([f"*{prev}" if prev else "x"] * 9)
        lines.append(f"{name}: &{name} [{items}]")
        prev = name
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_an_alias_bomb_is_refused_at_once_with_the_line(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    # In a child process with a timeout: before the fix this ran for over 15 minutes.
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 2, proc.stderr
    assert f"{path}:2: YAML anchors and aliases" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_harmless_anchor_is_refused_too(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nparameters:\n  russia:\n    push: &p 2\n  armenia:\n"
        "    concession_threshold: *p\n"
    )
    (problem,) = problems_of(path)
    assert problem.line == 4 and "anchors and aliases" in problem.message


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error(tmp_path, opening, closing):
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\nparameters: " + opening * 5000 + "1" + closing * 5000 + "\n")
    (problem,) = problems_of(path)
    assert problem.line == 2 and f"more than {MAX_DEPTH} levels" in problem.message


def test_nesting_at_the_limit_is_read(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nextra: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1))
    assert all("levels" not in p.message for p in problems_of(path))  # unknown key, that's all


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("name: big\n" + "#" * MAX_FILE_BYTES + "\n")
    (problem,) = problems_of(path)
    assert "larger than the limit of 1,000,000 bytes" in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and /dev/zero")
def test_devices_and_pipes_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it would block until a writer comes
    for path in (fifo, Path("/dev/zero")):  # /dev/zero would never end
        (problem,) = problems_of(path)
        assert "not a regular file" in problem.message


def test_bytes_that_are_not_utf8_give_their_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: x\nhorizon_weeks: 3\ndescription: caf\xe9\n")
    (problem,) = problems_of(path)
    assert problem.line == 3 and "not UTF-8" in problem.message


@pytest.mark.parametrize(
    "text,line,words",
    [
        # Found by the fuzz test below; each used to end in a traceback or a line-less message.
        ("name: x\nas_of: 2024-02-30\n", 2, "not a valid date: 2024-02-30"),
        ("name: x\n? [a, b]\n: 1\n", 2, "a key must be a name"),
        ("name: x\nparameters: {? {a: 1}: 2}\n", 2, "a key must be a name"),
        ("name: x\ndescription: a\x03b\n", 2, "special characters are not allowed (U+0003)"),
        ("name: x\ndescription: >\ndescription: >\n  y\n", 3, "(first defined on line 2)"),
    ],
)
def test_what_the_fuzzer_found_is_one_located_line(tmp_path, text, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    (problem,) = problems_of(path)
    assert problem.line == line and words in problem.message and "\n" not in problem.message


# --- the fuzz test ---------------------------------------------------------------------

# A longer run is opted into with ESCSIM_FUZZ_EXAMPLES=5000 (about 10 minutes); the
# default keeps the fast tier's budget. Derandomized so the suite is repeatable.
EXAMPLES = int(os.environ.get("ESCSIM_FUZZ_EXAMPLES", "80"))

NASTY_VALUES = [
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "123456789012345678901234567890",
    "~",
    "''",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "{beta: {a: .nan, b: 1}}",
    "!!python/object:os.system x",
    "&x 1",
    "*x",
    "'\u202e\u0000'",
    "😀",
    "{uniform: [1, 0]}",
    "true",
    "2024-02-30",
    "0x1F",
    "-0",
    "'1' '2'",
]


@st.composite
def mutated(draw) -> tuple[Path, bytes]:
    """A shipped scenario file with one to three mutations applied."""
    source = draw(st.sampled_from(SHIPPED))
    text = source.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(
                [
                    "drop_line",
                    "cut",
                    "flip_byte",
                    "value",
                    "key",
                    "indent",
                    "nest",
                    "anchor",
                    "unicode",
                    "duplicate",
                ]
            )
        )
        if kind == "drop_line":
            del lines[i]
        elif kind == "cut":
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif kind == "value":  # change a value's type or size
            value = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=20).map(repr))
            lines[i] = re.sub(r":\s.*$", lambda _, v=value: f": {v}", lines[i], count=1)
        elif kind == "key":
            lines[i] = re.sub(
                r"^(\s*)[^:#\s]+",
                lambda m: (
                    m.group(1)
                    + draw(st.sampled_from(["x", "paramters", "beta", "name", "- a", "? k", "1"]))
                ),
                lines[i],
                count=1,
            )
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 9)) + lines[i].lstrip(" ")
        elif kind == "nest":
            depth = draw(st.integers(1, 3 * MAX_DEPTH))
            lines.insert(i, "deep: " + "[" * depth + "]" * depth + "\n")
        elif kind == "anchor":
            lines.insert(i, "a: &a [1, 2]\nb: *a\n")
        elif kind == "unicode":
            lines[i] = (
                lines[i][: len(lines[i]) // 2]
                + draw(st.text(min_size=1, max_size=5))
                + lines[i][len(lines[i]) // 2 :]
            )
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        text = "".join(lines)
    raw = bytearray(text.encode("utf-8", "surrogatepass"))
    if raw and draw(st.booleans()):  # flip bytes at random places
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= 1 << draw(st.integers(0, 7))
    return source, bytes(raw)


@pytest.fixture(scope="module")
def scenario_tree(tmp_path_factory) -> Path:
    """A copy of scenarios/, so a mutated file sits where its `extends:` still points."""
    import shutil

    root = tmp_path_factory.mktemp("fuzz") / "scenarios"
    shutil.copytree(REPO / "scenarios", root)
    return root


PROBLEM_LINE = re.compile(r"^  (?P<file>[^\n]+?\.yaml)(?::(?P<line>\d+))?: (?P<what>.+)$")
# Problems about the file as a whole, which have no line to give.
WHOLE_FILE = ("the file is empty", "the file is larger", "file not found")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(case=mutated())
def test_any_mutation_of_a_shipped_file_is_valid_or_located_problems(scenario_tree, case):
    source, raw = case
    path = scenario_tree / source.relative_to(REPO / "scenarios").parent / "_fuzzed.yaml"
    path.write_bytes(raw)
    code, err = validate(path)  # an exception here fails the test: never a traceback
    assert code in (0, 2), err
    if code == 0:
        assert err == ""
        return
    head, *rows = err.rstrip("\n").split("\n")
    assert re.fullmatch(r"\d+ problems? in scenario input:", head), err
    assert rows, err
    for row in rows:
        match = PROBLEM_LINE.match(row)
        assert match, f"not 'file:line: problem': {row!r}"
        assert Path(match["file"]).is_relative_to(scenario_tree), row
        if match["line"] is None:
            assert match["what"].startswith(WHOLE_FILE), f"no line: {row!r}"
