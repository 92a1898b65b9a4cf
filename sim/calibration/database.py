"""pyabc's database of a calibration (``calibration.db``): checked before a resume, and
written so that neither Ctrl-C nor a full disk leaves it half-written.

pyabc keeps every finished generation in one SQLite file and commits a generation in one
transaction, so the file always holds whole generations, provided the commit is not cut
in half by a signal (Python raises KeyboardInterrupt between any two bytecodes, even in
SQLAlchemy's bookkeeping around the commit: about one Ctrl-C in seven left a database
that could not be resumed). ``commits_not_interrupted`` holds Ctrl-C and SIGTERM until
each of pyabc's writes returns, names the file when the disk is full, and turns
SQLAlchemy's errors into one line.

``finished_generations`` reads the file with SQLite itself (read-only) before any work:
an empty, truncated or foreign file, or one without pyabc's tables, is refused with its
path instead of a traceback from deep inside pyabc.
"""

import contextlib
import errno
import functools
import sqlite3
from pathlib import Path

from sim.scenario import Problem, ScenarioError

DB_NAME = "calibration.db"
# pyabc's tables (pyabc.storage.db_model); a database without one of them is not pyabc's.
PYABC_TABLES = (
    "version",
    "abc_smc",
    "populations",
    "models",
    "particles",
    "parameters",
    "samples",
    "summary_statistics",
)
# The History methods that write (each commits once at its end).
WRITERS = (
    "store_initial_data",
    "store_pre_population",
    "update_after_calibration",
    "done",
    "_save_to_population_db",
    "_set_version",
)


class DatabaseWriteError(Exception):
    """pyabc could not write its database (full disk, read-only file, I/O error)."""


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def count_generations(path: str | Path) -> int:
    """Finished generations in the database at ``path`` (0 if none, or unreadable)."""
    try:
        with contextlib.closing(_connect(Path(path))) as db:
            return int(db.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0])
    except (sqlite3.Error, OSError, ValueError):
        return 0


def finished_generations(path: str | Path) -> int:
    """How many generations the calibration database at ``path`` holds (0: it was
    started but no generation finished). ScenarioError naming the file if it is not a
    whole pyabc database."""
    path = Path(path)

    def damaged(why: str) -> ScenarioError:
        return ScenarioError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"{why}; it cannot be resumed: "
                    "start again in a new --out (or move this directory "
                    "away)",
                )
            ]
        )

    try:
        size = path.stat().st_size
    except OSError as err:
        raise damaged(f"cannot be read ({err.strerror})") from None
    if size == 0:
        raise damaged("is empty")
    try:
        with contextlib.closing(_connect(path)) as db:
            check = db.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise damaged(f"is damaged (SQLite: {check[0] if check else 'no answer'})")
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            missing = [t for t in PYABC_TABLES if t not in tables]
            if missing:
                raise damaged(f"is not a calibration database (no table {', '.join(missing)})")
            if not db.execute("SELECT count(*) FROM abc_smc").fetchone()[0]:
                return 0
            return int(db.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0])
    except sqlite3.Error as err:  # not a database, truncated, encrypted, locked...
        raise damaged(f"is not a readable SQLite database ({err})") from None


def _file_of(history) -> str:
    """The database file of a pyabc ``History`` (its URL is ``sqlite:///PATH``)."""
    url = str(getattr(history, "db", ""))
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else DB_NAME


def _guarded(method, name: str):
    from sqlalchemy.exc import SQLAlchemyError

    from sim.cli_support import signals_deferred
    from sim.files import named

    @functools.wraps(method)
    def write(self, *args, **kwargs):
        try:
            with signals_deferred():
                return method(self, *args, **kwargs)
        except OSError as err:
            raise named(err, _file_of(self)) from None
        except SQLAlchemyError as err:
            reason = getattr(err, "orig", None) or err
            full = "full" in str(reason).lower() or getattr(reason, "errno", None) == errno.ENOSPC
            raise DatabaseWriteError(
                ("the disk is full: " if full else "") + str(reason) + f" (in pyabc's {name})"
            ) from None

    setattr(write, "escsim_guarded", True)  # noqa: B010 (marks the wrapper as ours)
    return write


@contextlib.contextmanager
def commits_not_interrupted():
    """While the block runs, every pyabc database write holds Ctrl-C and SIGTERM until it
    returns (then they act), and its errors name the file. pyabc offers no hook for
    this, so its ``History`` writers are wrapped for the block and put back after."""
    from pyabc.storage.history import History

    saved = {name: History.__dict__[name] for name in WRITERS if name in History.__dict__}
    for name, method in saved.items():
        if not getattr(method, "escsim_guarded", False):
            setattr(History, name, _guarded(method, name))
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(History, name, method)
