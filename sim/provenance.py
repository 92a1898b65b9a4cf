"""Checks that a parameter's provenance is real: each quote it gives is in the seed
article it names.

A source reads like ``001_9c941c53d8712548.txt: Kopalyan "a highly risk-averse actor"``;
a quote belongs to the last seed file named before it, and ``...`` inside a quote marks
an elision (each piece must be found). Quotes after ``assumption:`` with no file named
are not checked (they cite literature or DOMAIN.md).
"""

import re
from pathlib import Path

from sim.params import SEED_FILES

_QUOTE = re.compile(r'"([^"]+)"')
_FILE = re.compile("|".join(re.escape(f) for f in SEED_FILES))


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2013", "-")
    return re.sub(r"\s+", " ", text)


def quoted_fragments(source: str) -> list[tuple[str, str]]:
    """(seed file, quoted piece) pairs in ``source``, elisions split into pieces."""
    pairs = []
    for match in _QUOTE.finditer(source):
        named = _FILE.findall(source[: match.start()])
        if not named:
            continue
        for piece in match.group(1).split("..."):
            if piece.strip():
                pairs.append((named[-1], piece.strip()))
    return pairs


def missing_quotes(source: str, seeds_dir: Path) -> list[str]:
    """Quotes in ``source`` that are not found verbatim in the seed file they cite."""
    texts: dict[str, str] = {}
    problems = []
    for file, piece in quoted_fragments(source):
        if file not in texts:
            texts[file] = _normalise((seeds_dir / file).read_text(encoding="utf-8"))
        if _normalise(piece) not in texts[file]:
            problems.append(f"{file}: {piece!r} not found")
    return problems
