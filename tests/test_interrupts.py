"""Interrupted and concurrent commands (issue 16): one command at a time in an output
directory, a run directory that holds one whole run or none, sweep blocks that are what
they claim to be, truthful messages after Ctrl-C, and clear errors for bad options."""

import contextlib
import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments import load_study, run_study
from tests.conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.yaml"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

# Five blocks of two points (worlds 5,000: two points per block of a 10,000-world chunk).
STUDY = """\
name: small
seed: 3
worlds: 5000
horizon_weeks: 8
outcomes: [border_clash, limited_incursion]
design:
  method: grid
  parameters:
    russia.push: [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
"""


def write_study(tmp_path: Path, body: str = STUDY, name: str = "study.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"scenario: {BASELINE}\n" + body)
    return path


def cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


HOLD_LOCK = """
import sys, time
from sim.files import locked_out_dir
with locked_out_dir(sys.argv[1], sys.argv[2]):
    print("held", flush=True)
    time.sleep(120)
"""


@contextlib.contextmanager
def lock_held_by_another_process(out: Path, command: str = "sweep"):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out), command],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


# --- 1. one command at a time in a directory ----------------------------------------


@pytest.mark.parametrize("command", ["sweep", "run", "report", "calibrate", "compare"])
def test_a_second_command_on_a_locked_out_is_refused_at_once(tmp_path, command):
    study = write_study(tmp_path)
    out = tmp_path / "out"
    args = {
        "sweep": ["sweep", study, "--out", out, "--no-progress"],
        "run": ["run", BASELINE, "-n", "100", "--out", out, "--no-progress"],
        "report": ["report", study, "--out", out],
        "calibrate": [
            "calibrate",
            "--method",
            "abc",
            "--record",
            REPO / "data/record/armenia_azerbaijan_monthly.csv",
            "--scenario",
            BASELINE,
            "--out",
            out,
        ],
        "compare": ["compare", BASELINE, BASELINE, "-n", "100", "--out", out],
    }[command]
    with lock_held_by_another_process(out) as holder:
        start = time.perf_counter()
        code, _, err = cli(*args)
    assert code == 2, err
    assert f"{out}: --out: is in use by escsim sweep (process {holder.pid})" in err
    assert time.perf_counter() - start < 5  # refused before any work
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.slow
def test_the_lock_goes_with_its_process_even_after_kill_9(tmp_path):
    out = tmp_path / "out"
    with lock_held_by_another_process(out):
        pass  # killed with SIGKILL on leaving
    code, _, err = cli("run", BASELINE, "-n", "50", "--out", out, "--no-progress")
    assert code == 0, err
    assert (out / "results.json").exists()


# `escsim sweep` in a child that stops after its first checkpoint.
PAUSE_AFTER_FIRST_BLOCK = """
import sys, threading
from sim.experiments import runner
save = runner.Checkpoint.save
def save_then_pause(self, index, counts):
    save(self, index, counts)
    print("saved", flush=True)
    threading.Event().wait()
runner.Checkpoint.save = save_then_pause
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_two_different_studies_on_one_out_never_mix(tmp_path):
    """Before: both exited 0 with their blocks mixed; a later --resume mixed numbers."""
    first = write_study(tmp_path)
    second = write_study(tmp_path, STUDY.replace("seed: 3", "seed: 4"), "other.yaml")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSE_AFTER_FIRST_BLOCK,
            "sweep",
            str(first),
            "--out",
            str(out),
            "--no-progress",
        ],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "saved"
        for args in (
            ["sweep", second, "--out", out, "--no-progress"],
            ["sweep", second, "--out", out, "--resume", "--no-progress"],
            ["sweep", first, "--out", out, "--resume", "--no-progress"],
        ):
            code, _, err = cli(*args)
            assert code == 2 and "is in use by escsim sweep" in err, err
    finally:
        proc.kill()
        proc.wait()
    # The first study's run, resumed, equals an uninterrupted one; the second is refused.
    code, _, err = cli("sweep", second, "--out", out, "--resume", "--no-progress")
    assert code == 2 and "changed since the partial run" in err
    resumed = run_study(load_study(first), out=out, resume=True)
    pd.testing.assert_frame_equal(resumed, run_study(load_study(first)))


def test_the_manifest_is_checked_before_the_timing_probe(tmp_path, monkeypatch):
    first = write_study(tmp_path)
    second = write_study(tmp_path, STUDY.replace("seed: 3", "seed: 4"), "other.yaml")
    out = tmp_path / "out"
    (out / "blocks").mkdir(parents=True)
    from sim.experiments.runner import MANIFEST

    (out / MANIFEST).write_text(f'{{"fingerprint": "{load_study(first).fingerprint()}"}}')

    def probe(*_args, **_kwargs):
        raise AssertionError("the timing probe ran before the manifest was checked")

    monkeypatch.setattr("sim.experiments.estimate.study_size", probe)
    for flags, words in (
        ([], "holds results of a sweep already"),
        (["--resume"], "changed since the partial run"),
    ):
        code, _, err = cli("sweep", second, "--out", out, "--no-progress", *flags)
        assert code == 2 and words in err, err


# --- 2 and 11. sweep blocks that are not what they claim -------------------------------


def _float_nan(good: bytes) -> bytes:
    buf = io.BytesIO()
    counts = np.load(io.BytesIO(good)).astype(float)
    counts[0, 0] = np.nan
    np.save(buf, counts)
    return buf.getvalue()


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _npz(good: bytes) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, counts=np.load(io.BytesIO(good)))
    return buf.getvalue()


CORRUPTIONS = {
    "copied over another": lambda good, other: other,
    "truncated": lambda good, other: good[: len(good) // 2],
    "empty": lambda good, other: b"",
    "not numpy": lambda good, other: b"point,count\n0,1\n",
    "npz": lambda good, other: _npz(good),
    "wrong shape": lambda good, other: _npy(np.zeros((3, 2), dtype=np.int64)),
    "wrong dtype with NaN": lambda good, other: _float_nan(good),
    "negative counts": lambda good, other: _npy(-np.load(io.BytesIO(good)) - 1),
    "object array (pickle)": lambda good, other: _npy(np.array([{"a": 1}], dtype=object)),
    "edited in place, same shape": lambda good, other: _npy(np.load(io.BytesIO(good)) + 1),
}


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    study = write_study(tmp)
    out = tmp / "out"
    table = run_study(load_study(study), out=out)
    return study, out, table


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_corrupt_block_is_run_again_and_the_table_is_right(finished_sweep, tmp_path, kind):
    study, done, whole = finished_sweep
    out = tmp_path / "out"
    shutil.copytree(done, out)
    block, other = out / "blocks" / "block-000001.npy", out / "blocks" / "block-000003.npy"
    block.write_bytes(CORRUPTIONS[kind](block.read_bytes(), other.read_bytes()))
    (out / "results.csv").unlink()
    code, _, err = cli("sweep", study, "--out", out, "--resume", "--no-progress")
    assert code == 0, err
    assert "Traceback" not in err
    assert "1 checkpoint block(s)" in err and "block-000001.npy" in err
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "results.csv"), pd.read_csv(done / "results.csv")
    )


def test_a_block_without_its_checksum_is_run_again(finished_sweep, tmp_path):
    study, done, _ = finished_sweep
    out = tmp_path / "out"
    shutil.copytree(done, out)
    log = out / "blocks" / "checksums.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20])  # cut by a kill -9
    code, _, err = cli("sweep", study, "--out", out, "--resume", "--no-progress")
    assert code == 0 and "has no checksum" in err, err
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "results.csv"), pd.read_csv(done / "results.csv")
    )


# --- 3. a run directory holds one whole run or none --------------------------------


def _run_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.slow
def test_an_interrupted_run_leaves_the_previous_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert cli("run", BASELINE, "-n", "200", "--seed", "1", "--out", out, "--no-progress")[0] == 0
    before = _run_files(out)
    from sim import plots

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(plots, "plot_fan_chart", interrupted)  # after outcomes.csv
    code, _, err = cli("run", BASELINE, "-n", "300", "--seed", "2", "--out", out, "--no-progress")
    assert code == 130 and "interrupted: nothing was written" in err
    assert _run_files(out) == before  # not outcomes.csv of one run beside another's json
    assert sorted(p.name for p in tmp_path.iterdir() if ".run." in p.name) == [
        ".run.escsim-lock"
    ]  # no half-made directory left


PAUSE_IN_FAN_CHART = """
import sys, threading
from sim import plots
def pause(*args):
    print("writing", flush=True)
    threading.Event().wait()
plots.plot_fan_chart = pause
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_a_run_killed_while_writing_leaves_the_previous_run_and_is_cleaned_up(tmp_path):
    out = tmp_path / "run"
    assert cli("run", BASELINE, "-n", "200", "--seed", "1", "--out", out, "--no-progress")[0] == 0
    before = _run_files(out)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSE_IN_FAN_CHART,
            "run",
            str(BASELINE),
            "-n",
            "300",
            "--seed",
            "2",
            "--out",
            str(out),
            "--no-progress",
        ],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        while (line := proc.stdout.readline()) and line.strip() != "writing":
            pass  # the table printed before the files are written
        assert line.strip() == "writing"
    finally:
        proc.kill()
        proc.wait()
    assert _run_files(out) == before
    assert list(tmp_path.glob(".run.new-*"))  # the half-made one, hidden
    assert cli("run", BASELINE, "-n", "300", "--seed", "2", "--out", out, "--no-progress")[0] == 0
    assert not list(tmp_path.glob(".run.new-*")) and not list(tmp_path.glob(".run.old-*"))
    assert b'"seed": 2' in (out / "results.json").read_bytes()
    assert sorted(_run_files(out)) == sorted(before)


def test_a_run_is_not_written_over_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = cli("run", BASELINE, "-n", "100", "--out", tmp_path, "--no-progress")
    assert code == 2 and "holds files that are not a run's (notes.txt)" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_run_is_not_swapped_over_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("run", BASELINE, "-n", "100", "--out", ".", "--no-progress")
    assert code == 2 and "is the current directory" in err


# --- 13 and 14. truthful messages ----------------------------------------------------


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_ctrl_c_during_a_sweep_says_what_was_kept_and_how_to_resume(tmp_path, monkeypatch):
    from sim.experiments import runner

    study = write_study(tmp_path)
    out = tmp_path / "out"
    save = runner.Checkpoint.save

    def save_then_interrupt(self, index, counts):
        save(self, index, counts)
        raise KeyboardInterrupt

    monkeypatch.setattr(runner.Checkpoint, "save", save_then_interrupt)
    code, _, err = cli("sweep", study, "--out", out, "--no-progress")
    assert code == 130
    assert "nothing was written" not in err
    assert (
        f"interrupted: 1 of 5 blocks finished and kept in {out / 'blocks'}; run the "
        "same command with --resume to continue" in err
    )
    code, _, err = cli("report", study, "--out", tmp_path / "rep")
    assert code == 130 and "run the same report command again to continue" in err


def test_a_full_disk_names_the_file(tmp_path, monkeypatch):
    from sim import files

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    code, _, err = cli("run", BASELINE, "-n", "50", "--out", tmp_path / "r", "--no-progress")
    assert code == 2
    assert "No space left on device: " in err and "outcomes.csv" in err and "None" not in err


@pytest.mark.slow
def test_a_sigterm_is_a_clean_exit_with_the_same_message(tmp_path):
    """SIGTERM used to kill at once: no message, no clean-up, the workers orphaned."""
    study = write_study(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSE_AFTER_FIRST_BLOCK,
            "sweep",
            str(study),
            "--out",
            str(out),
            "--no-progress",
        ],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "saved"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "terminated: 1 of 5 blocks finished and kept" in err and "Traceback" not in err


# --- 12 and 16. options --------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "not an address",
        "tcp://",
        "tcp://host",
        "host:99999",
        "tcp://host:port",
        "http://host:8786",
        "tcp://h:1/x",
    ],
)
def test_a_malformed_dask_address_is_one_line(tmp_path, capsys, address):
    study = write_study(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(study), "--out", str(tmp_path / "o"), "--dask", address])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--dask" in err and "Traceback" not in err and not (tmp_path / "o").exists()


@pytest.mark.slow
def test_no_dask_scheduler_is_a_clear_message_in_bounded_time(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from sim import parallel

    monkeypatch.setattr(parallel, "DASK_CONNECT_SECONDS", 2.0)
    study = write_study(tmp_path)
    start = time.perf_counter()
    code, _, err = cli(
        "sweep", study, "--out", tmp_path / "o", "--dask", "127.0.0.1:9", "--no-progress"
    )
    assert time.perf_counter() - start < 20
    assert code == 2, err
    assert "no Dask scheduler answered at tcp://127.0.0.1:9 within 2 s" in err
    assert "None" not in err


@pytest.mark.parametrize("port", ["0", "70000", "-1", "http"])
def test_a_dashboard_port_out_of_range_is_refused(capsys, port):
    with pytest.raises(SystemExit) as exc:
        main(["dashboard", "--port", port])
    assert exc.value.code == 2 and "--port" in capsys.readouterr().err


@pytest.mark.parametrize(
    "host,warned",
    [
        ("0.0.0.0", True),
        ("192.168.1.5", True),
        ("::", True),
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
    ],
)
def test_a_dashboard_on_the_network_warns_that_it_has_no_login(monkeypatch, capsys, host, warned):
    import importlib.util

    class Exec(Exception):
        pass

    def execv(*_args):
        raise Exec

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    with pytest.raises(Exec):
        main(["dashboard", "--host", host])
    err = capsys.readouterr().err
    assert ("no authentication" in err) is warned


# --- 5. every Dask worker leaves mid-sweep ---------------------------------------------


@pytest.mark.slow
def test_a_sweep_whose_dask_workers_all_leave_stops_and_keeps_its_blocks(tmp_path, monkeypatch):
    """Before: it waited forever with no message."""
    distributed = pytest.importorskip("distributed")
    from sim import parallel
    from sim.cli_support import CommandFailed
    from sim.experiments import runner

    monkeypatch.setattr(parallel, "DASK_NO_WORKER_SECONDS", 2.0)
    study = write_study(tmp_path)
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        save = runner.Checkpoint.save

        def save_then_lose_the_workers(self, index, counts):
            save(self, index, counts)
            if cluster.workers:
                cluster.scale(0)
                deadline = time.time() + 30
                while cluster.scheduler.workers and time.time() < deadline:
                    time.sleep(0.05)

        monkeypatch.setattr(runner.Checkpoint, "save", save_then_lose_the_workers)
        start = time.perf_counter()
        with pytest.raises(CommandFailed, match="no Dask worker left at ") as exc:
            run_study(load_study(study), out=out, dask=cluster.scheduler_address)
        assert time.perf_counter() - start < 60
    assert "blocks finished and kept in" in exc.value.escsim_kept
    kept = list((out / "blocks").glob("block-*.npy"))
    assert 1 <= len(kept) < 5
    resumed = run_study(load_study(study), out=out, resume=True)
    pd.testing.assert_frame_equal(resumed, run_study(load_study(study)))
