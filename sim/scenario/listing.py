"""``escsim scenarios``: the shipped scenarios and studies, by the names commands accept.

Every command that reads a scenario accepts a shipped one by name (``escsim run
baseline``, ``escsim run experts/kopalyan``) and ``escsim sweep`` a shipped study
(``escsim sweep sanctions_x_push --out DIR``), from any directory: they are package data
(:mod:`sim.package_data`).
"""

import sys


def cli_parse(sub) -> None:
    ls = sub.add_parser(
        "scenarios", help="list the shipped scenarios and studies: name, file, description"
    )
    ls.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="a table to read or JSON for a program (default table)",
    )
    ls.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.package_data import shipped_files

    rows = shipped_files()
    if args.format == "json":
        from sim.formatting import json_text

        data = [
            {"kind": kind, "name": name, "path": str(path), "description": text}
            for kind, name, path, text in rows
        ]
        sys.stdout.write(json_text(data) + "\n")
        return 0
    width = max(len(name) for _kind, name, _path, _text in rows)
    for kind in ("scenario", "study"):
        print(
            "scenarios (escsim run NAME, compare, report, ...):"
            if kind == "scenario"
            else "\nstudies (escsim sweep NAME --out DIR):"
        )
        for row_kind, name, path, text in rows:
            if row_kind == kind:
                print(f"  {name:<{width}}  {text}")
                print(f"  {'':<{width}}  {path}")
    return 0
