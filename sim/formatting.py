"""Numbers as people read them, and data as JSON can hold it: one place for both.

- ``pct``: a share as a percentage (``12.3%``; rare outcomes keep two digits, ``0.071%``).
- ``estimate_text``: a probability with its interval, ``12.3% [11.7%, 12.9%]``, as every
  table, report, figure label and check prints it.
- ``spread_text`` and ``spread_note``: a probability's spread over parameter draws,
  ``[4.0%, 74.2%] (40.0%)``, and the line that says what it is (or why there is none).
- ``plain`` and ``json_text``: any result (NumPy values, enums, paths, dates, objects
  with ``to_dict``) as plain JSON data; NaN becomes null, since JSON has no NaN.

Nothing here imports the rest of ``sim``, so any module may use it without a circle.
"""

import json
import math
import os
from enum import Enum

import numpy as np


def pct(x: float) -> str:
    """A share as a percentage, e.g. ``0.1234 -> '12.3%'``; below 1% with two
    significant digits (``0.00071 -> '0.071%'``) so rare outcomes do not read as zero
    (NaN -> 'n/a')."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.01:
        return f"{100 * x:#.2g}%"
    return f"{100 * x:.1f}%"


def interval_text(low: float, high: float) -> str:
    """``[11.7%, 12.9%]``."""
    return f"[{pct(low)}, {pct(high)}]"


def estimate_text(p: float, ci: tuple[float, float], sep: str = " ") -> str:
    """``12.3% [11.7%, 12.9%]``: a probability and its 95% interval."""
    return f"{pct(p)}{sep}{interval_text(*ci)}"


def spread_text(p10: float, p50: float, p90: float) -> str:
    """``[4.0%, 74.2%] (40.0%)``: the 10th-90th percentile of a per-draw probability over
    parameter draws, and its median in brackets."""
    return f"{interval_text(p10, p90)} ({pct(p50)})"


def spread_note(status: str, draws: int, worlds_per_draw: int, sd_column: bool = True) -> str:
    """The line under an outcome table that says what the parameter spread is, or why a
    table has none (``status`` as in ``sim.results.Spread``); ``sd_column``: whether the
    table has the ``sd`` column the note then explains (the dashboard's has not)."""
    if status == "parameters fixed":
        return (
            "(spread over parameter draws: none, parameters fixed; the 95% CI is the "
            "whole uncertainty of these numbers under the model)"
        )
    if status != "computed" or draws < 1:
        return (
            "(95% CI: Monte Carlo noise only; the spread over parameter draws was not "
            "computed: --spread G:m)"
        )
    noise = math.sqrt(0.25 / worlds_per_draw)
    sd = (
        " sd: the per-draw probability's standard deviation across draws with that noise removed"
        if sd_column
        else ""
    )
    return (
        f"(95% CI: Monte Carlo noise of the average over all worlds. Spread: the "
        f"probability under each of {draws:,} parameter draws x {worlds_per_draw:,} "
        f"worlds, a separate pass; each per-draw value carries binomial noise of about "
        f"sqrt(p(1-p)/{worlds_per_draw}), at most {pct(noise)}.{sd})"
    )


def signed_pct(x: float, minus: str = "-") -> str:
    """``+1.2%`` / ``-0.40%``: a change in probability, its sign always shown (``minus``:
    the HTML report uses the typographic minus sign)."""
    return f"{'+' if x >= 0 else minus}{pct(abs(x))}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text_cell(text: str) -> str:
    """A text cell as a spreadsheet should show it: one starting with ``= + - @``, a tab
    or a carriage return is prefixed with ``'`` (OWASP's advice against CSV formula
    injection: a scenario named ``=HYPERLINK(...)`` would otherwise run as a formula
    when outcomes.csv is opened). For text cells only: a number like -0.5 is no formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def plain(obj):
    """``obj`` as plain JSON/YAML data: dicts with string keys, lists, str, int, float,
    bool, None. NumPy values become Python ones, tuples lists, paths strings, enums
    their values; a non-finite float becomes None (JSON has no NaN)."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = sorted(obj, key=str) if isinstance(obj, (set, frozenset)) else obj
        return [plain(v) for v in items]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, np.generic):
        return plain(obj.item())
    if isinstance(obj, Enum):
        return plain(obj.value)
    if isinstance(obj, str):
        return str(obj)  # a str subclass (a ParamKey) as plain text: YAML refuses subclasses
    if isinstance(obj, bool) or obj is None or isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if hasattr(obj, "isoformat"):  # date / datetime
        return obj.isoformat()
    if hasattr(obj, "to_dict"):
        return plain(obj.to_dict())
    raise TypeError(f"cannot write a {type(obj).__name__} to JSON/YAML: {obj!r}")


def json_text(obj, indent: int | None = 2) -> str:
    """``obj`` as JSON text (through ``plain``): the one way every command writes JSON."""
    return json.dumps(plain(obj), indent=indent, allow_nan=False)
