"""A calibration's files under attack (issue 16, items 11-13): a damaged calibration.db or
settings.json is one message naming the file and exit 2, a full disk names the file and
the run can be resumed (or, if no generation finished, restarted), Ctrl-C never cuts a
database commit in half, and an interruption says what was kept."""

import contextlib
import errno
import io
import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from sim.cli import build_parser, main
from tests.conftest import REPO

RECORD = REPO / "data" / "record" / "armenia_azerbaijan_monthly.csv"
BASELINE = REPO / "scenarios" / "baseline.yaml"
SMALL = [
    "--particles",
    "12",
    "--records",
    "4",
    "--until",
    "2022-06",
    "--parameters",
    "azerbaijan.decision_noise",
    "azerbaijan.posture_cost",
]


def calibrate_args(out: Path, *extra: str) -> list[str]:
    return [
        "calibrate",
        "--method",
        "abc",
        "--record",
        str(RECORD),
        "--scenario",
        str(BASELINE),
        "--out",
        str(out),
        "--seed",
        "11",
        *SMALL,
        *extra,
    ]


def cli(*args) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def out_with_settings(tmp_path: Path, *extra: str) -> Path:
    """A directory holding the settings a resume of ``calibrate_args(out)`` expects."""
    from sim.calibration.cli import SETTINGS, _settings

    out = tmp_path / "cal"
    out.mkdir()
    args = build_parser("calibrate").parse_args(calibrate_args(out, *extra))
    (out / SETTINGS).write_text(json.dumps(_settings(args)))
    return out


def sqlite_without_pyabc_tables(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE populations (t INTEGER)")
        db.commit()


DAMAGED_DATABASES = {
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "not sqlite": (
        lambda p: p.write_text("month,rung\n2020-01,1\n"),
        "is not a readable SQLite database",
    ),
    "sqlite header, garbage after": (
        lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(3000)),
        "calibration.db: ",
    ),
    "missing tables": (sqlite_without_pyabc_tables, "is not a calibration database"),
    "a directory": (lambda p: p.mkdir(), "holds no calibration to resume"),
}


@pytest.mark.parametrize("kind", list(DAMAGED_DATABASES))
def test_a_damaged_database_is_refused_with_its_path(tmp_path, kind):
    out = out_with_settings(tmp_path)
    damage, words = DAMAGED_DATABASES[kind]
    damage(out / "calibration.db")
    start = time.perf_counter()
    code, err = cli(*calibrate_args(out, "--resume"))
    assert code == 2, err
    assert words in err and "Traceback" not in err, err
    assert time.perf_counter() - start < 10  # before any simulation


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"settings"', "{not json", "\xff\xfe"])
def test_settings_that_are_not_an_object_are_refused(tmp_path, text):
    out = out_with_settings(tmp_path)
    (out / "settings.json").write_bytes(text.encode("latin-1"))
    (out / "calibration.db").write_bytes(b"")
    code, err = cli(*calibrate_args(out, "--resume"))
    assert code == 2, err
    assert f"{out / 'settings.json'}: cannot be read as the settings" in err
    assert "Traceback" not in err


def test_a_commit_holds_ctrl_c_until_it_is_done(monkeypatch):
    """Before: Ctrl-C landed inside pyabc's commit about one time in seven."""
    from pyabc.storage.history import History

    from sim.calibration.database import commits_not_interrupted

    steps = []

    def slow_commit(self, *_args, **_kwargs):
        steps.append("begin")
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # the signal arrives here, mid-commit
        steps.append("end")

    monkeypatch.setattr(History, "_save_to_population_db", slow_commit)
    with commits_not_interrupted(), pytest.raises(KeyboardInterrupt):
        History._save_to_population_db(object())
    assert steps == ["begin", "end"]  # finished, then interrupted
    assert History._save_to_population_db is slow_commit  # put back


@pytest.mark.slow
def test_a_full_disk_names_the_file_and_the_run_resumes(tmp_path, monkeypatch):
    from pyabc.storage.history import History

    save = History._save_to_population_db
    calls = []

    def disk_full_on_the_second_generation(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(History, "_save_to_population_db", disk_full_on_the_second_generation)
    out = tmp_path / "cal"
    code, err = cli(*calibrate_args(out, "--generations", "2"))
    assert code == 2, err
    assert f"No space left on device: {out / 'calibration.db'}" in err
    assert "None" not in err and "Traceback" not in err
    assert f"1 finished generation(s) kept in {out / 'calibration.db'}" in err
    assert "--resume" in err
    monkeypatch.setattr(History, "_save_to_population_db", save)
    code, err = cli(*calibrate_args(out, "--generations", "2", "--resume"))
    assert code == 0, err
    diag = json.loads((out / "diagnostics.json").read_text())
    assert [p["t"] for p in diag["populations"]] == [0, 1]


@pytest.mark.slow
def test_a_run_stopped_before_its_first_generation_starts_again(tmp_path, monkeypatch):
    """Before: resuming it failed with a TypeError, and restarting was refused."""
    from pyabc.storage.history import History

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    save = History._save_to_population_db
    monkeypatch.setattr(History, "_save_to_population_db", disk_full)
    out = tmp_path / "cal"
    code, err = cli(*calibrate_args(out, "--generations", "1"))
    assert code == 2 and "no generation had finished" in err, err
    monkeypatch.setattr(History, "_save_to_population_db", save)
    code, err = cli(*calibrate_args(out, "--generations", "1", "--resume"))
    assert code == 0, err
    assert "holds no finished generation: starting again" in err
    assert json.loads((out / "diagnostics.json").read_text())["populations"][0]["t"] == 0


@pytest.mark.slow
def test_ctrl_c_says_what_was_kept_and_a_truncated_database_is_refused(tmp_path, monkeypatch):
    from pyabc.storage.history import History

    save = History._save_to_population_db
    calls = []

    def interrupt_after_the_first_generation(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return save(self, *args, **kwargs)

    monkeypatch.setattr(History, "_save_to_population_db", interrupt_after_the_first_generation)
    out = tmp_path / "cal"
    code, err = cli(*calibrate_args(out, "--generations", "3"))
    assert code == 130
    assert "nothing was written" not in err
    assert (
        f"interrupted: 1 finished generation(s) kept in {out / 'calibration.db'}; "
        "continue with: escsim calibrate"
        in err
        and "--resume" in err
    )
    db = out / "calibration.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    code, err = cli(*calibrate_args(out, "--generations", "3", "--resume"))
    assert code == 2 and f"{db}: " in err and "cannot be resumed" in err, err
    assert "Traceback" not in err
