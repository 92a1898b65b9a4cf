"""Safe, line-aware YAML loading.

YAML 1.2 (so ``NO``, ``yes`` and ``on`` stay text), round-trip nodes that remember
their lines, duplicate keys rejected, and no tags at all: ``!!python/object`` and its
kind are never constructed, only reported. Nothing here knows the scenario schema.

Hostile input is refused before any work grows with it: files over ``MAX_FILE_BYTES``
(read no further than that), anything but a regular file (a FIFO or ``/dev/zero`` would
block or never end), anchors and aliases (``&a`` / ``*a``: a few lines of them expand to
billions of nodes, and a scenario has no need of them) and nesting deeper than
``MAX_DEPTH`` (the composer recurses). The last two are found in the parser's event
stream, which is linear in the file's length and expands nothing.
"""

import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from sim.scenario.problems import Problem

MAX_FILE_BYTES = 1_000_000
"""Largest scenario or study file read (1 MB). The shipped ones are under 10 kB; a larger
file is a mistake (or an attack) and would take seconds to read."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted. A scenario needs about six levels
(``parameters: actor: key: beta: a:``); Python's recursion limit is about 1,000."""


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
        out.append(
            Problem(
                file, line, path, f"YAML tags are not allowed (found {shown}); write plain values"
            )
        )
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


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text, or why it is not read: missing, not a regular file, larger than
    ``MAX_FILE_BYTES`` (checked before reading and while reading), not UTF-8."""
    file = str(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return None, [Problem(file, None, "", "is a directory, not a scenario file")]
        if not stat.S_ISREG(mode):
            return None, [
                Problem(
                    file,
                    None,
                    "",
                    "is not a regular file (a pipe or a device?); give the path of a YAML file",
                )
            ]
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # never more, even if the file grows meanwhile
    except FileNotFoundError:
        return None, [Problem(file, None, "", "file not found")]
    except OSError as err:
        return None, [Problem(file, None, "", f"cannot read the file: {err.strerror or err}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            Problem(
                file,
                None,
                "",
                f"the file is larger than the limit of "
                f"{MAX_FILE_BYTES:,} bytes (1 MB); a scenario "
                "or study file is a few kB",
            )
        ]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(file, line, "", f"cannot read the file: not UTF-8 text (byte {err.start})")
        ]


def _structure_problems(yaml: YAML, text: str, file: str) -> list[Problem]:
    """Anchors, aliases, too-deep nesting and keys that are mappings or lists (``? [a]:``,
    which cannot be hashed), found in the event stream: linear in the text, nothing
    expanded or composed. Raises the parser's YAMLError on bad syntax."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        MappingStartEvent,
        NodeEvent,
    )

    # One entry per open collection: for a mapping, whether its next node is a key.
    open_: list[list[bool] | None] = []
    for event in yaml.parse(text):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            return [
                Problem(
                    file,
                    line,
                    "",
                    "YAML anchors and aliases (&name, *name) are not "
                    "allowed in scenario files; write the values out",
                )
            ]
        if isinstance(event, NodeEvent) and open_ and open_[-1] is not None:
            is_key = open_[-1][0]
            open_[-1][0] = not is_key
            if is_key and isinstance(event, CollectionStartEvent):
                return [Problem(file, line, "", "a key must be a name, not a mapping or a list")]
        if isinstance(event, CollectionStartEvent):
            open_.append([True] if isinstance(event, MappingStartEvent) else None)
            if len(open_) > MAX_DEPTH:
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"nested more than {MAX_DEPTH} levels deep; a scenario needs about six",
                    )
                ]
        elif isinstance(event, CollectionEndEvent):
            open_.pop()
    return []


_MAX_INT_DIGITS = 4000  # Python's int() refuses a text of over 4,300 digits
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


def _bad_timestamp(text: str, file: str) -> Problem | None:
    """The first plain scalar that YAML reads as a date but is none (``2024-02-30``), or
    a number too long for ``int()``: the constructor raises a bare ValueError without a
    line, so find it again."""
    import datetime

    from ruamel.yaml.events import ScalarEvent

    for event in _loader().parse(text):
        if (
            isinstance(event, ScalarEvent)
            and event.style is None
            and len(re.sub(r"[^0-9]", "", event.value)) > _MAX_INT_DIGITS
        ):
            return Problem(
                file,
                event.start_mark.line + 1,
                "",
                f"a number of {len(event.value):,} characters is too long to be read",
            )
        if isinstance(event, ScalarEvent) and event.style is None:
            match = _TIMESTAMP.match(event.value)
            if match is None:
                continue
            try:
                datetime.date(*(int(x) for x in match.group(0).split("-")))
            except ValueError as err:
                return Problem(
                    file, event.start_mark.line + 1, "", f"not a valid date: {event.value} ({err})"
                )
    return None


def load_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """The YAML document at ``path`` (untyped data: the readers check each value) and the
    problems that stop it being read."""
    file = str(path)
    text, problems = _read_text(path)
    if text is None:
        return None, problems
    try:
        yaml = _loader()
        found = _structure_problems(yaml, text, file)
        if found:
            return None, found
        data = _loader().load(text)
    except MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        what = " ".join((err.problem or "not valid YAML").split())  # one line per problem
        if "duplicate key" in what and line is not None:
            first = _first_definition(text, line)
            if first is not None:
                what += f" (first defined on line {first})"
        return None, [Problem(file, line, "", f"not valid YAML: {what}")]
    except ReaderError as err:  # a control character: not marked, but has a position
        line = text[: err.position].count("\n") + 1 if err.position is not None else None
        char = err.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return None, [Problem(file, line, "", f"not valid YAML: {err.reason} ({shown})")]
    except YAMLError as err:
        return None, [Problem(file, None, "", f"not valid YAML: {err}")]
    except (ValueError, OverflowError) as err:  # a plain scalar the constructor cannot build
        return None, [
            _bad_timestamp(text, file) or Problem(file, None, "", f"not valid YAML: {err}")
        ]
    if data is None:
        return None, [Problem(file, None, "", "the file is empty")]
    problems = []  # the document is read: start the list of its own problems
    _tagged(data, "", file, node_line(data), problems)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                file, 1, "", "the top level must be a mapping of keys (name:, parameters:, ...)"
            )
        )
    return data, problems
