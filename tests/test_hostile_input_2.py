"""Hostile input, round two (issue 16): the record CSV, conditions files and posterior
Parquets guarded as scenario files are, values that overflowed, runs too large to hold,
and paths outside a scenario's project. Each test failed before its fix."""

import contextlib
import io
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.record import load_record
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.conditions import SHIPPED_CONDITIONS, load_conditions
from sim.scenario.problems import MAX_LISTED
from tests.conftest import REPO

RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
BASELINE = REPO / "scenarios" / "baseline.yaml"
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")


def problems(load, path) -> list:
    with pytest.raises(ScenarioError) as exc:
        load(path)
    return exc.value.problems


def escsim(*args, timeout=60, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def run_main(*args) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse refuses an option
            code = exc.code
    return code, err.getvalue()


def record_lines() -> list[str]:
    return RECORD.read_text(encoding="utf-8").splitlines(keepends=True)


# --- item 4: the record CSV guarded as a scenario file ----------------------------------


@pytest.mark.slow
@POSIX
def test_a_fifo_record_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "record.csv"
    os.mkfifo(fifo)  # before the fix, backtest blocked forever opening it
    proc = escsim("backtest", "--record", fifo, "-n", 10, timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


@POSIX
def test_dev_zero_as_a_record_is_refused_at_once():
    start = time.perf_counter()
    (problem,) = problems(load_record, "/dev/zero")  # read 3.4 GB, then a traceback
    assert "not a regular file" in problem.message
    assert time.perf_counter() - start < 1.0


def test_a_record_over_the_size_limit_is_refused_before_reading(tmp_path):
    from sim.record.monthly import MAX_RECORD_BYTES

    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(MAX_RECORD_BYTES + 1)  # sparse: costs nothing to make
    (problem,) = problems(load_record, path)
    assert "larger than the limit" in problem.message


def test_a_record_of_many_bad_rows_lists_fifty_and_counts_the_rest(tmp_path):
    lines = record_lines()
    path = tmp_path / "bad.csv"
    path.write_text(lines[0] + "".join(lines[1].replace(",", ",x", 1) for _ in range(3000)))
    code, err = run_main("backtest", "--record", path)
    assert code == 2
    listed = err.rstrip("\n").split("\n")
    assert len(listed) == 1 + MAX_LISTED + 1, len(listed)  # the head, 50, the count
    assert listed[-1].strip().startswith("... and ") and "more" in listed[-1]


def test_a_record_with_a_byte_order_mark_reads_as_without(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + RECORD.read_bytes())  # Excel's "CSV UTF-8"
    pd.testing.assert_frame_equal(load_record(path).frame, load_record(RECORD).frame)


def test_a_duplicated_header_column_is_blamed_on_that_column(tmp_path):
    lines = record_lines()
    header = lines[0].rstrip("\n").split(",")
    header[header.index("event")] = "ground_taken"  # given twice, event missing
    path = tmp_path / "dup.csv"
    path.write_text(",".join(header) + "\n" + "".join(lines[1:]))
    found = problems(load_record, path)
    assert found[0].key_path == "ground_taken" and found[0].line == 1
    assert "given twice" in found[0].message


# --- item 9: record cells that raised --------------------------------------------------


@pytest.mark.parametrize(
    "column,value",
    [
        ("highest_rung", "7" * 5000),
        ("armenian_military_deaths", "9" * 400),
        ("month", "0000-12"),
        ("month", "２０２１-01"),
    ],
)
def test_record_cells_that_raised_are_located_problems(tmp_path, column, value):
    lines = record_lines()
    header = lines[0].rstrip("\n").split(",")
    cells = next(
        iter(pd.read_csv(RECORD, dtype=str, keep_default_na=False).head(1).itertuples(index=False))
    )
    row = dict(zip(header, cells, strict=True))
    row[column] = value
    path = tmp_path / "r.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerow(row)
    found = problems(load_record, path)
    assert any(p.line == 2 and p.key_path == column for p in found), found


# --- item 10: scenario and conditions values that raised -------------------------------


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("name: x\nas_of: 0000-05\n", 2, "found '0000-05'"),
        ("name: x\nas_of: 0000-05-01\n", 2, "year 0 is out of range"),
        ("name: x\ninitial:\n  occupied_km2: " + "9" * 400 + "\n", 3, "occupied_km2"),
        ("name: x\nparameters:\n  russia:\n    push: " + "9" * 400 + "\n", 4, "finite number"),
        (
            "name: x\nparameters:\n  russia:\n    push: {uniform: [0, " + "9" * 400 + "]}\n",
            4,
            "finite number",
        ),
        ("name: x\nhorizon_weeks: " + "9" * 5000 + "\n", 2, "too long to be read"),
        (
            "name: x\nparameters:\n  russia:\n    push: {normal: {mean: 1, sd: 1e300}}\n",
            4,
            "write uniform",
        ),
    ],
)
def test_scenario_values_that_raised_are_located_problems(tmp_path, text, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    found = problems(load_scenario, path)
    assert any(p.line == line and words in str(p) for p in found), found


@pytest.mark.parametrize("key", ["from", "until"])
def test_year_zero_in_a_conditions_file_is_a_located_problem(tmp_path, key):
    text = SHIPPED_CONDITIONS.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    i = next(i for i, s in enumerate(lines) if s.startswith(f"{key}:"))
    lines[i] = f"{key}: 0000-12\n"
    path = tmp_path / "c.yaml"
    path.write_text("".join(lines))
    found = problems(load_conditions, path)
    assert any(p.line == i + 1 and p.key_path == key for p in found), found


def test_a_month_outside_the_conditions_names_the_file_and_line():
    from sim.record.conditions import scenario_as_of

    (problem,) = problems(lambda month: scenario_as_of(load_scenario(BASELINE), month), "2019-06")
    assert problem.file == str(SHIPPED_CONDITIONS) and problem.line is not None


# --- item 16: NaN lever, wide normal --------------------------------------------------


def test_a_nan_lever_is_refused():
    scenario = load_scenario(BASELINE)
    for bad in (math.nan, math.inf):
        (problem,) = problems(lambda v: scenario.with_overrides({"russia.push": v}), bad)
        assert "finite" in problem.message


def test_a_beta_mean_does_not_overflow():
    from sim.scenario.distributions import Beta

    assert Beta(1e308, 1e308, 0.0, 1.0).mean() == pytest.approx(0.5)  # was 0


def test_a_beta_too_narrow_to_draw_is_refused(tmp_path):
    path = tmp_path / "s.yaml"  # NumPy drew 0 for every world from it
    path.write_text("name: x\nparameters:\n  russia:\n    push: {beta: {a: 1e308, b: 1e308}}\n")
    (problem,) = problems(load_scenario, path)
    assert problem.line == 4 and "write value:" in problem.message


# --- item 6: posterior Parquets -----------------------------------------------------------


def posterior_scenario(tmp_path, file="post.parquet") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nparameters:\n  azerbaijan:\n    decision_noise:\n"
        f"      posterior: {{file: {file}, column: azerbaijan.decision_noise}}\n"
    )
    return path


def test_a_directory_posterior_is_called_a_directory(tmp_path):
    (tmp_path / "post.parquet").mkdir()
    (problem,) = problems(load_scenario, posterior_scenario(tmp_path))
    assert "is a directory" in problem.message and problem.line == 5


@pytest.mark.slow
@POSIX
def test_a_fifo_posterior_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "post.parquet")
    proc = escsim("validate", posterior_scenario(tmp_path), timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr


def test_a_large_file_that_is_not_parquet_is_found_out_without_reading_it(tmp_path):
    with (tmp_path / "post.parquet").open("wb") as f:
        f.truncate(200_000_000)  # sparse: read whole, this took seconds and 200 MB
    start = time.perf_counter()
    (problem,) = problems(load_scenario, posterior_scenario(tmp_path))
    assert "PAR1" in problem.message and time.perf_counter() - start < 2.0


def test_a_posterior_of_too_many_rows_is_refused_from_its_metadata(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.scenario import distributions

    n = distributions.MAX_POSTERIOR_ROWS + 1
    pq.write_table(
        pa.table({"azerbaijan.decision_noise": np.full(n, 1.0)}), tmp_path / "post.parquet"
    )
    assert (tmp_path / "post.parquet").stat().st_size < 100_000  # tiny on disk
    monkeypatch.setattr(distributions, "_read_table", None)  # reading it would fail
    (problem,) = problems(load_scenario, posterior_scenario(tmp_path))
    assert "rows, more than the limit" in problem.message


def test_posterior_weights_whose_sum_overflows_are_read_as_equal(tmp_path):
    pd.DataFrame(
        {"azerbaijan.decision_noise": [0.5, 1.0, 1.5, 2.0], "weight": [1e308] * 4}
    ).to_parquet(tmp_path / "post.parquet")
    scenario = load_scenario(posterior_scenario(tmp_path))
    dist = scenario.parameters["azerbaijan.decision_noise"].dist
    assert dist.weights == pytest.approx([0.25] * 4)  # was inf-normalised: all zero
    assert np.isfinite(dist.sample(np.random.default_rng(0), 100)).all()


# --- item 16: CSV formula injection ---------------------------------------------------


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx"])
def test_a_scenario_name_is_not_written_as_a_formula(name):
    from dataclasses import replace

    from sim.formatting import csv_text_cell
    from sim.montecarlo import run_scenario
    from sim.output import to_csv

    result = run_scenario(load_scenario(BASELINE), n_worlds=20, horizon_weeks=2, spread=(0, 1))
    text = to_csv(replace(result, scenario=name))
    import csv

    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(row["scenario"] == "'" + name for row in rows)
    assert csv_text_cell("baseline") == "baseline"


# --- item 7: bounds -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,words",
    [
        (["-n", "1000000000000"], "at most 100,000,000 worlds"),
        (["--horizon", "32768"], "at most 520 weeks"),
        (["--chunk-size", "100000000"], "at most 1,000,000 worlds per chunk"),
        (["--spread", "10:100000000"], "worlds per draw"),
        (["--workers", "100000"], "at most 256 workers"),
        (["--seed", "1" + "0" * 30], "a seed must be from 0"),
        (["-n", "9" * 5000], "expected a whole number"),
    ],
)
def test_run_options_are_bounded_while_parsing(args, words):
    start = time.perf_counter()
    code, err = run_main("run", BASELINE, *args)
    assert code == 2 and words in err, err
    assert time.perf_counter() - start < 5.0


def test_a_run_too_large_for_memory_is_refused_before_work(monkeypatch):
    from sim import limits

    monkeypatch.setattr(limits, "available_memory", lambda: 1_000_000_000)
    code, err = run_main(
        "run", BASELINE, "-n", 4_000_000, "--chunk-size", 1_000_000, "--workers", 4
    )
    assert code == 2 and "more than the 1.0 GB available" in err, err


def test_a_run_of_millions_of_chunks_is_refused():
    code, err = run_main("run", BASELINE, "-n", 50_000_000, "--chunk-size", 1)
    assert code == 2 and "give a larger --chunk-size" in err, err


def test_a_million_sample_sobol_study_is_refused_before_it_is_built(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(
        f"name: s\nscenario: {BASELINE}\nseed: 1\nworlds: 10\n"
        "outcomes: [full_scale_invasion]\ndesign:\n  method: sobol\n"
        "  samples: 1000000\n  parameters: all\n"
    )
    start = time.perf_counter()
    code, err = run_main("sweep", study, "--out", tmp_path / "out")
    assert code == 2 and "study.yaml:8: design.samples" in err and "points" in err, err
    assert time.perf_counter() - start < 10.0
    assert not (tmp_path / "out").exists()


def test_a_huge_grid_is_counted_not_built(tmp_path):
    from sim.actors import PARAMS_BY_KEY

    specs = list(PARAMS_BY_KEY.values())[:7]  # 10 values each: 10^7 points
    study = tmp_path / "study.yaml"
    study.write_text(
        f"name: s\nscenario: {BASELINE}\nseed: 1\nworlds: 10\n"
        "outcomes: [full_scale_invasion]\ndesign:\n  method: grid\n"
        "  parameters:\n"
        + "".join(f"    {s.key}: {np.linspace(s.low, s.high, 10).tolist()}\n" for s in specs)
    )
    from sim.experiments import load_study

    found = problems(load_study, study)
    assert any("10,000,000 points" in p.message for p in found), found


# --- item 15: paths outside the scenario's project ------------------------------------


SECRET = "root:$6$secret-hash:19000:0:99999:7:::\nname: leaked\n"


@pytest.fixture
def outsider(tmp_path):
    """A project (with scenarios/) and, outside it, a file that must not be quoted."""
    project = tmp_path / "project"
    (project / "scenarios").mkdir(parents=True)
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    return project, secret


@pytest.mark.parametrize(
    "body,key",
    [
        ("extends: {p}\n", "extends"),
        ("as_of: 2022-03\nconditions: {p}\n", "conditions"),
        (
            "parameters:\n  azerbaijan:\n    decision_noise:\n      posterior: {{file: {p}, "
            "column: x}}\n",
            "parameters.azerbaijan.decision_noise.posterior.file",
        ),
    ],
)
def test_a_path_outside_the_project_is_refused_unread(outsider, body, key, monkeypatch):
    monkeypatch.delenv("ESCSIM_ALLOW_OUTSIDE_PATHS", raising=False)
    project, secret = outsider
    path = project / "scenarios" / "s.yaml"
    path.write_text("name: s\n" + body.format(p=secret))
    code, err = run_main("validate", path)
    assert code == 2 and key in err and str(secret) in err, err
    assert "--allow-outside-paths" in err and "secret-hash" not in err


def test_a_study_scenario_outside_the_project_is_refused(outsider, monkeypatch):
    monkeypatch.delenv("ESCSIM_ALLOW_OUTSIDE_PATHS", raising=False)
    project, secret = outsider
    study = project / "study.yaml"
    study.write_text(
        f"name: s\nscenario: {secret}\nseed: 1\nworlds: 10\n"
        "outcomes: [full_scale_invasion]\ndesign:\n  method: random\n"
        "  samples: 2\n  parameters: {russia.push: [0, 1]}\n"
    )
    code, err = run_main("sweep", study, "--out", project / "out")
    assert code == 2 and "study.yaml:2: scenario:" in err and "secret" not in err, err


@pytest.mark.slow
def test_an_allowed_path_to_a_file_that_is_no_scenario_quotes_none_of_it(outsider):
    project, secret = outsider
    path = project / "scenarios" / "s.yaml"
    path.write_text(f"name: s\nextends: {secret}\n")
    proc = escsim("--allow-outside-paths", "validate", path)
    assert proc.returncode == 2 and "is not a scenario file" in proc.stderr, proc.stderr
    assert "secret-hash" not in proc.stderr and "leaked" not in proc.stderr
    proc = escsim("validate", path, env={"ESCSIM_ALLOW_OUTSIDE_PATHS": "1"})
    assert proc.returncode == 2 and "secret-hash" not in proc.stderr


@pytest.mark.slow
def test_the_shipped_layout_is_inside_the_policy(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCSIM_ALLOW_OUTSIDE_PATHS", raising=False)
    from sim.experiments import load_study

    for study in sorted((REPO / "experiments").glob("*.yaml")):
        load_study(study)  # ../scenarios/baseline.yaml from experiments/
    for path in sorted((REPO / "scenarios").rglob("*.yaml")):
        load_scenario(path)
    # a scenario in a folder of its own may extend the shipped baseline and a sibling
    (tmp_path / "mine").mkdir()
    (tmp_path / "base.yaml").write_text(f"name: base\nextends: {BASELINE}\n")
    (tmp_path / "mine" / "s.yaml").write_text("name: s\nextends: ../base.yaml\n")
    assert load_scenario(tmp_path / "mine" / "s.yaml").name == "s"


def test_a_posterior_rewritten_with_the_same_size_and_time_is_read_again(tmp_path):
    path = tmp_path / "post.parquet"
    pd.DataFrame({"azerbaijan.decision_noise": [1.0, 1.0]}).to_parquet(path)
    stamp = path.stat().st_mtime_ns
    first = load_scenario(posterior_scenario(tmp_path))
    size = path.stat().st_size
    pd.DataFrame({"azerbaijan.decision_noise": [2.0, 2.0]}).to_parquet(path)
    assert path.stat().st_size == size
    os.utime(path, ns=(stamp, stamp))  # as a rewrite within one tick of the clock
    second = load_scenario(posterior_scenario(tmp_path))
    assert first.parameters["azerbaijan.decision_noise"].dist.mean() == 1.0
    assert second.parameters["azerbaijan.decision_noise"].dist.mean() == 2.0  # was 1.0


@pytest.mark.slow
@POSIX
@pytest.mark.parametrize("body", ["extends: {p}\n", "as_of: 2022-03\nconditions: {p}\n"])
@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_directory_or_fifo_named_in_a_scenario_gets_its_own_message(tmp_path, body, kind):
    target = tmp_path / "other.yaml"
    target.mkdir() if kind == "directory" else os.mkfifo(target)
    path = tmp_path / "s.yaml"
    path.write_text("name: s\n" + body.format(p="other.yaml"))
    proc = escsim("validate", path, timeout=60)  # a FIFO used to block, or "does not exist"
    words = "is a directory" if kind == "directory" else "not a regular file"
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert "does not exist" not in proc.stderr
