"""Writing results to disk: where a command may write, checked before any work, and
every file written atomically.

``check_out_dir`` is the one check every command with ``--out`` calls before it runs a
single world (``run``, ``sweep``, ``report``, ``compare``; ``calibrate`` and ``backtest
--out`` to come), so a bad output location costs nothing and says so in one line.
"""

import os
import secrets
from pathlib import Path


def _refused(out: Path, option: str, message: str) -> Exception:
    # Imported here: sim.scenario pulls in NumPy and the rules, and `escsim --help`
    # should not wait for them.
    from sim.scenario.problems import Problem, ScenarioError

    return ScenarioError([Problem(str(out), None, option, message)])


def check_out_dir(path: str | os.PathLike, option: str = "--out") -> Path:
    """``path`` as a ``Path`` if a directory can be written there, else ScenarioError.

    Nothing is created: the directory itself, or its nearest existing ancestor, must be
    a directory this process may write into. A file in the way, a read-only place or a
    missing drive are refused with the path and the reason.
    """
    out = Path(path)
    probe = out
    while not probe.exists():
        if probe.is_symlink():  # a dangling link: mkdir would fail on it
            raise _refused(out, option, f"{probe} is a link to nothing")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file" if probe == out else f"cannot be made: {probe} is a file"
        raise _refused(out, option, f"{what}; give a directory (new or existing)")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise _refused(out, option, f"cannot write into {probe} (permission denied)")
    return out


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and
    ``os.replace``: readers see the old file or the whole new one, never a part."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_input_bytes(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """The bytes of the input file at ``path`` (a record CSV, a conditions file...), or
    ScenarioError naming the file: missing, a directory, not a regular file (a FIFO would
    block the open, ``/dev/zero`` never ends: both refused before opening), or larger
    than ``limit`` bytes (checked on the size and again while reading, so a file that
    grows meanwhile is not read past it). ``what`` names the kind of file expected."""
    import stat

    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise _refused(path, "", f"is a directory, not {what}")
        if not stat.S_ISREG(mode):
            raise _refused(path, "", f"is not a regular file (a pipe or a device?); give "
                                     f"the path of {what}")
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise _refused(path, "", "file not found") from None
    except OSError as err:
        raise _refused(path, "", f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > limit:
        raise _refused(path, "", f"the file is larger than the limit of {limit:,} bytes "
                                 f"for {what}")
    return raw
