"""Writing results to disk: where a command may write, checked before any work, and
every file written atomically, one command at a time in a directory.

``check_out_dir`` is the one check every command with ``--out`` makes before it runs a
single world, so a bad output location costs nothing and says so in one line;
``locked_out_dir`` makes it and then holds the directory for the whole command (``run``,
``sweep``, ``report``, ``compare``, ``calibrate``, ``backtest``), so two commands never
write into one directory at once; ``replace_dir`` swaps a run's directory in whole.
"""

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

LOCK_SUFFIX = ".escsim-lock"


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
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise named(err, path) from None
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
            raise _refused(
                path, "", f"is not a regular file (a pipe or a device?); give the path of {what}"
            )
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise _refused(path, "", "file not found") from None
    except OSError as err:
        raise _refused(path, "", f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > limit:
        raise _refused(path, "", f"the file is larger than the limit of {limit:,} bytes for {what}")
    return raw


def named(err: OSError, path: str | os.PathLike) -> OSError:
    """``err`` with ``path`` as its file name when it has none (a full disk raised from
    ``write`` names no file: "No space left on device: None" told the user nothing)."""
    if err.filename is not None:
        return err
    out = type(err)(err.errno, err.strerror or str(err), str(path))
    out.__traceback__ = err.__traceback__
    return out


# --- one command at a time in an output directory ----------------------------------


_held: dict[Path, list] = {}  # lock path -> [open file, depth]: re-entrant in a process


def lock_path(out: str | os.PathLike) -> Path:
    """Where the lock of output directory ``out`` lives: a hidden file beside it (not in
    it, so a directory swapped in whole by ``replace_dir`` keeps one lock)."""
    full = Path(os.path.abspath(out))
    if full.parent == full:  # the root: nothing beside it
        return full / LOCK_SUFFIX
    return full.parent / f".{full.name}{LOCK_SUFFIX}"


@contextlib.contextmanager
def locked_out_dir(out: str | os.PathLike, command: str, option: str = "--out"):
    """Hold an exclusive lock on the output directory ``out`` while the block runs.

    A second escsim command on the same directory is refused at once (ScenarioError:
    one message, exit 2) instead of mixing its files with this one's. The lock is an
    ``fcntl.flock`` on a file beside the directory: the kernel drops it when this process
    ends, however it ends (a crash or ``kill -9`` leaves no stale lock). Re-entrant in
    one process (the sweep command and ``run_study`` both take it).
    """
    check_out_dir(out, option)  # a file in the way etc.: said before the lock is made
    path = lock_path(out)
    held = _held.get(path)
    if held is not None:
        held[1] += 1
        try:
            yield path
        finally:
            held[1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fcntl: Any
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        fcntl = None
    f = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open for the whole block)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                holder = f.read(200).strip() or "another escsim command"
                raise _refused(
                    Path(out),
                    option,
                    f"is in use by {holder}; wait for it to finish or choose another directory",
                ) from None
        f.seek(0)
        f.truncate()
        f.write(f"escsim {command} (process {os.getpid()})\n")
        f.flush()
        _held[path] = [f, 1]
        try:
            yield path
        finally:
            del _held[path]
    finally:
        f.close()  # releases the flock


# --- a directory replaced whole -------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system offers no such call (then the caller renames in two steps)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def stale_siblings(out: Path) -> list[Path]:
    """Half-made or half-swapped directories a killed ``replace_dir`` left beside ``out``."""
    full = Path(os.path.abspath(out))
    return sorted(full.parent.glob(f".{full.name}.new-*")) + sorted(
        full.parent.glob(f".{full.name}.old-*")
    )


@contextlib.contextmanager
def replace_dir(out: str | os.PathLike):
    """Yield a fresh empty directory beside ``out``; when the block ends without an
    error, it replaces ``out`` whole (the old ``out``, if any, is removed).

    So ``out`` holds the files of one run or of the run before, never a mix: an
    interruption while writing removes the new directory (or, after ``kill -9``, leaves
    it hidden as ``.NAME.new-*``, cleared by the next run). Hold ``locked_out_dir`` around
    it, so two commands never swap the same directory.
    """
    full = Path(os.path.abspath(out))
    full.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_siblings(full):
        shutil.rmtree(stale, ignore_errors=True)
    tag = f"{os.getpid()}-{secrets.token_hex(3)}"
    new = full.parent / f".{full.name}.new-{tag}"
    new.mkdir()
    try:
        yield new
        if full.exists() and _exchange(new, full):
            shutil.rmtree(new)  # now the old run
        else:
            old = full.parent / f".{full.name}.old-{tag}"
            if full.exists():
                os.rename(full, old)
            os.rename(new, full)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
