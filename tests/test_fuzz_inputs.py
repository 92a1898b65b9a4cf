"""The fuzz test of tests/test_hostile_input.py extended to the other input files: the
monthly record CSV, a conditions file and a posterior Parquet. Whatever they hold, the
reader answers with a value or with problems that name the file and the line (or say
why the whole file is refused), quickly; never a traceback, never a hang.

The values are those the scenario fuzzer never tried and that broke round one: integers
of hundreds and thousands of digits, year 0, sums that overflow, Unicode digits, a
byte-order mark. Derandomized; ``ESCSIM_FUZZ_EXAMPLES`` raises the count.
"""

import csv
import io
import os
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.record import load_record
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.conditions import SHIPPED_CONDITIONS, load_conditions
from sim.scenario.problems import MAX_LISTED
from tests.conftest import REPO

RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
EXAMPLES = max(10, int(os.environ.get("ESCSIM_FUZZ_EXAMPLES", "80")) // 2)
SECONDS_PER_EXAMPLE = 5.0  # as the scenario fuzzer: generous for a loaded machine
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Problems about a file as a whole, which have no line to give.
WHOLE_FILE = (
    "file not found",
    "is a directory",
    "is not a regular file",
    "the file is larger",
    "cannot read the file",
    "the file is empty",
    "the record has no",
    "is not a conditions file",
)

HUGE = ["9" * 400, "-" + "9" * 400, "9" * 5000, "1" + "0" * 4300]
NASTY_CELLS = [
    *HUGE,
    "0000-12",
    "0000-01",
    "2021-00",
    "2021-13",
    "9999-12",
    "２０２１-01",
    "²",
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "-0",
    "",
    " ",
    "true",
    "TRUE",
    "yes",
    "\x00",
    '"',
    '""',
    "=cmd()",
    "😀",
    "-1",
    "5.0",
    "0x1F",
]
NASTY_YAML = [
    *HUGE,
    "0000-12",
    "0000-01-01",
    "2021-02-30",
    "1e400",
    ".nan",
    ".inf",
    "~",
    "[]",
    "{}",
    "scenario",
    "'２０２１-01'",
    "2021-13",
    "-0",
    "&x 1",
    "*x",
    "!!python/object:os.system x",
    "{value: 1e308}",
    "{value: " + "9" * 400 + "}",
    "{beta: {a: 1e308, b: 1e308}}",
    "{normal: {mean: 1, sd: 1e300}}",
]


def check_answer(load, path: Path) -> None:
    """``load(path)`` returns, or raises ScenarioError whose problems all name ``path``
    and a line (or a reason about the whole file); within the time bound."""
    start = time.perf_counter()
    try:
        load(path)
    except ScenarioError as err:
        assert err.problems
        for p in err.problems:
            assert "\n" not in p.message, p
            assert p.file == str(path), p
            assert p.line is not None or p.message.startswith(WHOLE_FILE), f"no line: {p}"
        assert len(err.report().splitlines()) <= MAX_LISTED + 2
    seconds = time.perf_counter() - start
    assert seconds < SECONDS_PER_EXAMPLE, f"took {seconds:.1f} s"


# --- the record CSV ------------------------------------------------------------------


@st.composite
def mutated_record(draw) -> bytes:
    lines = RECORD.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop",
                    "duplicate",
                    "swap",
                    "header",
                    "bom",
                    "cut",
                    "many",
                ]
            )
        )
        i = draw(st.integers(1, len(lines) - 1)) if len(lines) > 1 else 0
        if kind == "cell" and len(lines) > 1:
            try:
                cells = next(csv.reader([lines[i]]), None) or [""]
            except csv.Error:  # a line the mutations made unreadable: start afresh
                cells = [""]
            # Mostly the typed columns (month, rung, deaths), mostly the nasty values.
            j = min(
                len(cells) - 1,
                draw(st.sampled_from([0, 1, 2, draw(st.integers(0, len(cells) - 1))])),
            )
            cells[j] = (
                draw(st.sampled_from(NASTY_CELLS))
                if draw(st.integers(0, 4))
                else draw(st.text(max_size=12))
            )
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(cells)
            lines[i] = buf.getvalue()
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and len(lines) > 2:
            k = draw(st.integers(1, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif kind == "header":
            names = lines[0].rstrip("\n").split(",")
            j, k = draw(st.integers(0, len(names) - 1)), draw(st.integers(0, len(names) - 1))
            names[j] = draw(st.sampled_from([names[k], "x", "", "month "]))
            lines[0] = ",".join(names) + "\n"
        elif kind == "bom":
            lines[0] = "\ufeff" + lines[0]
        elif kind == "cut":
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif kind == "many":  # a run of bad rows: the report must stay short
            lines += ["x" + lines[-1]] * draw(st.integers(1, 200))
    raw = bytearray("".join(lines).encode("utf-8", "surrogatepass"))
    if raw and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= 1 << draw(st.integers(0, 7))
    return bytes(raw)


@SETTINGS
@given(raw=mutated_record())
def test_any_mutation_of_the_record_is_read_or_located_problems(tmp_path, raw):
    path = tmp_path / "record.csv"
    path.write_bytes(raw)
    check_answer(load_record, path)


# --- a conditions file ---------------------------------------------------------------


@st.composite
def mutated_conditions(draw) -> bytes:
    text = SHIPPED_CONDITIONS.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["value", "value", "date", "drop", "duplicate", "indent"]))
        if kind == "value":
            value = draw(st.sampled_from(NASTY_YAML))
            lines[i] = re.sub(r":\s.*$", lambda _, v=value: f": {v}", lines[i], count=1)
        elif kind == "date":  # year 0 and friends where the dates are
            value = draw(
                st.sampled_from(
                    ["0000-01-01", "0000-12", "0001-01-01", "9999-12-31", "2022-02-30", "9" * 400]
                )
            )
            lines[i] = re.sub(r"\b\d{4}-\d{2}(-\d{2})?\b", value, lines[i], count=1)
        elif kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = " " * draw(st.integers(0, 7)) + lines[i].lstrip(" ")
        text = "".join(lines)
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.slow
@SETTINGS
@given(raw=mutated_conditions())
def test_any_mutation_of_the_conditions_is_read_or_located_problems(tmp_path, raw):
    path = tmp_path / "conditions.yaml"
    path.write_bytes(raw)
    check_answer(load_conditions, path)


# --- a posterior Parquet -------------------------------------------------------------

COLUMN = "azerbaijan.decision_noise"
NASTY_FLOATS = [
    0.5,
    1.0,
    2.0,
    0.0,
    -1.0,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e-300,
]


@st.composite
def posterior_file(draw) -> bytes:
    rows = draw(st.integers(0, 30))
    columns = {}
    if draw(st.integers(0, 9)):  # the column the scenario asks for, mostly present
        values = (
            st.floats(0.2, 5)
            if draw(st.booleans())
            else st.sampled_from(NASTY_FLOATS) | st.floats(0.2, 5)
        )  # half the time: valid
        columns[COLUMN] = draw(st.lists(values, min_size=rows, max_size=rows))
    if draw(st.booleans()):
        columns["weight"] = draw(
            st.lists(st.sampled_from(NASTY_FLOATS), min_size=rows, max_size=rows)
        )
        if draw(st.booleans()):  # weights whose sum overflows
            columns["weight"] = [1e308] * rows
    if draw(st.booleans()):
        columns["other"] = draw(st.lists(st.text(max_size=5), min_size=rows, max_size=rows))
    if draw(st.integers(0, 5)) == 0 and rows:  # integers that do not fit a float well
        columns[COLUMN] = [
            int(v)
            for v in draw(
                st.lists(
                    st.sampled_from([0, 1, 2, 2**63 - 1, -(2**63)]), min_size=rows, max_size=rows
                )
            )
        ]
    buf = io.BytesIO()
    pd.DataFrame(columns or {"x": []}).to_parquet(buf)
    raw = bytearray(buf.getvalue())
    kind = draw(st.sampled_from(["as is", "as is", "flip", "cut", "no magic"]))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif kind == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif kind == "no magic":
        raw[:4] = b"PAR0"
    return bytes(raw)


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("posterior")
    (folder / "s.yaml").write_text(
        f"name: s\nparameters:\n  azerbaijan:\n    decision_noise:"
        f"\n      posterior: {{file: post.parquet, column: {COLUMN}}}"
        "\n"
    )
    return folder


@SETTINGS
@given(raw=posterior_file())
def test_any_posterior_file_is_read_or_located_problems(posterior_dir, raw):
    (posterior_dir / "post.parquet").write_bytes(raw)

    def load(path):
        scenario = load_scenario(path)
        values = scenario.sample(np.random.SeedSequence(1), 50)[COLUMN]
        assert np.isfinite(values).all() and 0.2 <= values.min() <= values.max() <= 5

    check_answer(load, posterior_dir / "s.yaml")
