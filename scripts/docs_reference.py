"""The reference pages of the documentation, generated from the code so they cannot drift:
the parameter registry (``sim.actors.PARAMETERS``), the outcome table
(``sim.outcomes.OUTCOME_TABLE``) and every command with its options (``sim.cli.build_parser``,
walked through argparse's subparsers).

The MkDocs hook (``scripts/mkdocs_hooks.py``) calls :func:`pages` at build time, so the
site always shows the code it was built from; ``python scripts/docs_reference.py DIR``
writes the same pages to DIR to read them without building the site.
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the tree this script belongs to, not an installed escsim
    sys.path.insert(0, str(REPO))


def _cell(text: object) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(x: float) -> str:
    return f"{x:g}"


def parameters_markdown() -> str:
    """Every behavioural parameter, grouped by actor: meaning, unit, range, default, source."""
    from sim.actors import PARAMETERS
    from sim.params import RESETS

    lines = [
        "# Parameters",
        "",
        "Every behavioural parameter the model has, generated from the registry "
        "(`sim.actors.PARAMETERS`; each is declared once, as a field of its actor's "
        "`Params` in `sim/actors/<actor>.py`). `escsim params` prints the same list. The "
        "default is the value used when no scenario sets the parameter; the baseline "
        "scenario (`scenarios/baseline.yaml`) gives most of them a distribution, with its "
        "own source. A source names a seed article by file name and quotes it "
        "([sources](../sources.md)), or starts with `assumption:` and gives the reason.",
        "",
        f"{len(PARAMETERS)} parameters.",
    ]
    actor = None
    for spec in PARAMETERS:
        if spec.actor != actor:
            actor = spec.actor
            lines += [
                "",
                f"## {actor}",
                "",
                "| key | meaning | unit | range | default | source |",
                "|---|---|---|---|---|---|",
            ]
        meaning = spec.meaning
        if spec.resets is not None:
            meaning += f" (a change during a run resets {RESETS[spec.resets]})"
        lines.append(
            f"| `{spec.key}` | {_cell(meaning)} | {_cell(spec.unit)} | "
            f"{_number(spec.low)} to {_number(spec.high)} | {_number(spec.default)} | "
            f"{_cell(spec.source)} |"
        )
    return "\n".join(lines) + "\n"


def outcomes_markdown() -> str:
    """The outcome table: name, meaning, where each source reads it."""
    from sim.ladder import MIN_WEEKS
    from sim.outcomes import OUTCOME_TABLE

    def reader(r) -> str:
        if r is None:
            return "—"
        text = ", ".join(f"`{f}`" for f in r.fields)
        return f"{text}: {_cell(r.meaning)}" if r.meaning else text

    lines = [
        "# Outcomes",
        "",
        "Generated from the outcome table (`OUTCOME_TABLE` in `sim/outcomes.py`), the one "
        "place that says what an outcome is; its order is the order of every output "
        '(table, JSON, CSV). Each outcome is "happened at least once within the horizon" '
        "in a world, estimated as the share of worlds, with a 95% Wilson interval and `n` "
        "(the number of worlds).",
        "",
        "| name | meaning | on the dashboard | a record month reads | a history case reads "
        "| calibrated on |",
        "|---|---|---|---|---|---|",
    ]
    for row in OUTCOME_TABLE:
        lines.append(
            f"| `{row.name}` | {_cell(row.meaning)} | {'yes' if row.dashboard else 'no'} | "
            f"{reader(row.in_month)} | {reader(row.in_case)} | "
            f"{'simulated weeks' if row.in_week is not None else '—'} |"
        )
    from sim.ladder import Rung

    weeks = ", ".join(
        f"{rung.name.lower().replace('_', ' ')} {int(MIN_WEEKS[rung])} wk"
        for rung in Rung
        if MIN_WEEKS[rung] > 0
    )
    lines += [
        "",
        f"Minimum lengths of the rung outcomes (`sim.ladder.MIN_WEEKS`): {weeks}.",
        "",
        '--8<-- "docs/snippets/outcomes-explained.md"',
    ]
    return "\n".join(lines) + "\n"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    formatter = parser._get_formatter()
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            name = ", ".join(f"`{s}`" for s in action.option_strings)
            if action.nargs != 0:
                metavar = formatter._format_args(action, action.dest.upper())
                name += f" `{metavar}`"
        else:
            name = f"`{formatter._format_args(action, action.dest)}`"
        help_text = formatter._expand_help(action) if action.help else ""
        default = action.default
        shown = (
            ""
            if default in (None, False, argparse.SUPPRESS) or not action.option_strings
            else f"`{default}`"
        )
        rows.append(f"| {name} | {_cell(help_text)} | {_cell(shown)} |")
    return rows


def commands_markdown() -> str:
    """Every command of ``escsim``, from its parser: usage, description, options."""
    os.environ["COLUMNS"] = "100"  # argparse wraps usage to the terminal's width
    from sim.cli import FEATURES, build_parser

    parser = build_parser("*")
    lines = [
        "# Commands",
        "",
        "Generated from the command line's parsers (`sim.cli.build_parser`; each "
        "command's `cli_parse` lives beside its feature), so every option is here with "
        "its default. `escsim COMMAND --help` prints the same.",
        "",
        "```",
        parser.format_usage().strip(),
        "```",
        "",
        "| option | meaning |",
        "|---|---|",
    ]
    lines += [r.rsplit(" |", 2)[0] + " |" for r in _option_rows(parser)]
    for name, sub in _subcommands(parser).items():
        lines += [
            "",
            f"## escsim {name}",
            "",
            FEATURES[name][1][:1].upper() + FEATURES[name][1][1:] + ".",
        ]
        if sub.description:
            lines += ["", _cell(sub.description)]
        lines += ["", "```", sub.format_usage().strip(), "```", ""]
        rows = _option_rows(sub)
        if rows:
            lines += ["| argument or option | meaning | default |", "|---|---|---|", *rows]
    return "\n".join(lines) + "\n"


def _links(text: str) -> str:
    """A source cell: each ``|``-separated page as a link when it is one."""
    parts = [p.strip() for p in text.split(" | ") if p.strip()]
    return "<br>".join(
        f"<{p}>" if p.startswith(("http://", "https://")) else _cell(p) for p in parts
    )


def record_sources_markdown() -> str:
    """The pages each month of the record and each dated condition rests on."""
    import csv

    record = REPO / "data" / "record"
    lines = [
        "# The record's sources",
        "",
        "Generated from the `source` columns of `data/record/armenia_azerbaijan_monthly.csv` "
        "and `data/record/conditions_timeline.csv`; `data/record/README.md` gives the columns "
        "and the caveats.",
        "",
        "## The monthly record",
        "",
        "| month | highest rung | what happened | sources |",
        "|---|---|---|---|",
    ]
    with open(record / "armenia_azerbaijan_monthly.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lines.append(
                f"| {row['month']} | {row['highest_rung']} | {_cell(row['event'])} | "
                f"{_links(row['source'])} |"
            )
    lines += ["", "## The conditions timeline", "", "| date | change | sources |", "|---|---|---|"]
    with open(record / "conditions_timeline.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lines.append(f"| {row['date']} | {_cell(row['change'])} | {_links(row['source'])} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Generated page path (inside the docs) -> its markdown."""
    return {
        "reference/parameters.md": parameters_markdown(),
        "reference/outcomes.md": outcomes_markdown(),
        "reference/commands.md": commands_markdown(),
        "reference/record-sources.md": record_sources_markdown(),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/docs_reference.py DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for rel, text in pages().items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
