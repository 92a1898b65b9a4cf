"""Safe, line-aware YAML loading.

YAML 1.2 (so ``NO``, ``yes`` and ``on`` stay text), round-trip nodes that remember
their lines, duplicate keys rejected, and no tags at all: ``!!python/object`` and its
kind are never constructed, only reported. Nothing here knows the scenario schema.
"""

import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.scenario.problems import Problem


def _loader() -> YAML:
    yaml = YAML(typ="rt")  # round trip: keeps line numbers; constructs no Python objects
    yaml.version = (1, 2)
    yaml.allow_duplicate_keys = False
    return yaml


def key_line(node, key) -> int | None:
    """1-based line of ``key`` in a mapping node (None if unknown)."""
    try:
        return node.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


def item_line(node, index: int) -> int | None:
    """1-based line of item ``index`` in a sequence node (None if unknown)."""
    try:
        return node.lc.item(index)[0] + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def node_line(node) -> int | None:
    """1-based line where a mapping or sequence node starts."""
    try:
        return node.lc.line + 1
    except AttributeError:
        return None


def _tagged(node, path: str, file: str, line: int | None, out: list[Problem]) -> None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    if value:
        shown = value.replace("tag:yaml.org,2002:", "!!")
        out.append(Problem(file, line, path, f"YAML tags are not allowed (found {shown}); "
                                             "write plain values"))
    if isinstance(node, CommentedMap):
        for k, v in node.items():
            _tagged(v, f"{path}.{k}" if path else str(k), file, key_line(node, k), out)
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            _tagged(v, f"{path}[{i}]", file, item_line(node, i), out)


def _first_definition(text: str, line: int) -> int | None:
    """1-based line where the key duplicated on ``line`` was first given: the nearest
    earlier line with the same key at the same indentation."""
    lines = text.splitlines()
    match = re.match(r"(\s*)([^:#]+?)\s*:", lines[line - 1]) if line <= len(lines) else None
    if match is None:
        return None
    indent, key = match.groups()
    for i in range(line - 2, -1, -1):
        other = re.match(r"(\s*)([^:#]+?)\s*:", lines[i])
        if other and other.group(1) == indent and other.group(2) == key:
            return i + 1
    return None


def load_yaml(path: Path) -> tuple[object, list[Problem]]:
    """The YAML document at ``path`` and the problems that stop it being read."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, None, "", "file not found")]
    except IsADirectoryError:
        return None, [Problem(file, None, "", "is a directory, not a scenario file")]
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(file, None, "", f"cannot read the file: {err}")]
    try:
        data = _loader().load(text)
    except MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        what = (err.problem or "not valid YAML").strip()
        if "duplicate key" in what and line is not None:
            first = _first_definition(text, line)
            if first is not None:
                what += f" (first defined on line {first})"
        return None, [Problem(file, line, "", f"not valid YAML: {what}")]
    except YAMLError as err:
        return None, [Problem(file, None, "", f"not valid YAML: {err}")]
    if data is None:
        return None, [Problem(file, None, "", "the file is empty")]
    problems: list[Problem] = []
    _tagged(data, "", file, node_line(data), problems)
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, "", "the top level must be a mapping of keys "
                                             "(name:, parameters:, ...)"))
    return data, problems
