"""Files shipped inside the package (package data), found wherever ``sim`` is installed.

The scenarios live in the repository's ``scenarios/`` (the path users type); the package
reaches them as ``sim/scenarios``, a link to that folder that the wheel build follows,
so an installed wheel carries real copies and needs no source tree. Any ``sim/**/*.yaml``
is shipped the same way (pyproject.toml, ``[tool.setuptools.package-data]``).
"""

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_path(*parts: str) -> Path:
    """A file or folder of the package's data as a real path (``data_path("scenarios")``).

    An ordinary install is a folder on disk and the path points into it; from a zipped
    install the data are extracted once, for the life of the process.
    """
    resource = resources.files("sim").joinpath(*parts)
    if isinstance(resource, Path):
        return resource
    stack = ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(resource)))


def scenarios_dir() -> Path:
    """The shipped scenarios: ``baseline.yaml``, ``experts/``, ``counterfactuals/``,
    ``history/``."""
    return data_path("scenarios")


def baseline_scenario() -> Path:
    """The baseline scenario's file."""
    return scenarios_dir() / "baseline.yaml"


def studies_dir() -> Path:
    """The shipped studies (``sanctions_x_push.yaml``, ``sobol_all.yaml``): the package's
    ``sim/studies``, a link to the repository's ``experiments/`` like the scenarios."""
    return data_path("studies")


def record_dir() -> Path:
    """The shipped monthly record (``sim/record_data``, a link to ``data/record/``)."""
    return data_path("record_data")


def default_record() -> Path:
    """The monthly record the commands read when no ``--record`` is given."""
    return record_dir() / "armenia_azerbaijan_monthly.csv"


def _shipped_file(text: str, folder: Path, prefixes: tuple[str, ...]) -> Path | None:
    """The file in ``folder`` that ``text`` names (``baseline``, ``experts/kopalyan``,
    ``scenarios/baseline.yaml``), or None."""
    name = text.replace("\\", "/")
    for prefix in prefixes:  # the repository's path of a shipped file names it too
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    for candidate in (folder / name, folder / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    return None


def resolve_scenario(path: str | Path) -> Path:
    """``path`` if it is a file; else the shipped scenario it names (``baseline``,
    ``experts/kopalyan``, ``scenarios/baseline.yaml`` from any directory); else
    ``path`` unchanged (for the caller's own file-not-found message)."""
    given = Path(path)
    if given.exists():
        return given
    return _shipped_file(str(path), scenarios_dir(), ("./", "scenarios/")) or given


def resolve_study(path: str | Path) -> Path:
    """``path`` if it is a file; else the shipped study it names (``sanctions_x_push``,
    ``experiments/sobol_all.yaml``); else ``path`` unchanged."""
    given = Path(path)
    if given.exists():
        return given
    return _shipped_file(str(path), studies_dir(), ("./", "experiments/")) or given


def one_line_description(path: Path, width: int = 100) -> str:
    """The first sentence of a file's ``description:`` (else of its first comment lines),
    cut to ``width`` characters."""
    import re

    from ruamel.yaml import YAML

    text = path.read_text(encoding="utf-8")
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except Exception:  # noqa: BLE001 (a listing shows what it can; validate says why)
        data = None
    described = data.get("description") if isinstance(data, dict) else None
    if not isinstance(described, str) or not described.strip():
        lead = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            lead.append(line.lstrip("#").strip())
        described = " ".join(lead)
    flat = re.sub(r"\s+", " ", described).strip()
    sentence = re.split(r"(?<=[.])\s", flat, maxsplit=1)[0]
    return sentence if len(sentence) <= width else sentence[: width - 3].rstrip() + "..."


def shipped_files() -> list[tuple[str, str, Path, str]]:
    """(kind, name, path, one-line description) of every shipped scenario and study, in
    the order ``escsim scenarios`` lists them; the name is what the commands accept."""
    rows = []
    root = scenarios_dir()
    for path in sorted(root.rglob("*.yaml"), key=lambda p: (len(p.relative_to(root).parts), p)):
        name = path.relative_to(root).with_suffix("").as_posix()
        rows.append(("scenario", name, path, one_line_description(path)))
    for path in sorted(studies_dir().glob("*.yaml")):
        rows.append(("study", path.stem, path, one_line_description(path)))
    return rows
