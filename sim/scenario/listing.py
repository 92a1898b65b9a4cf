"""``escsim scenarios``: the shipped scenarios and studies, by the names commands accept.

Every command that reads a scenario accepts a shipped one by name (``escsim run
baseline``, ``escsim run experts/kopalyan``) and ``escsim sweep`` a shipped study
(``escsim sweep sanctions_x_push --out DIR``), from any directory: they are package data
(:mod:`sim.package_data`).
"""


def cli_parse(sub) -> None:
    from sim.cli_support import add_format_option, add_out_option, add_quiet_option

    ls = sub.add_parser(
        "scenarios", help="list the shipped scenarios and studies: name, file, description"
    )
    add_format_option(ls)
    add_out_option(ls, "scenarios.txt and scenarios.json")
    add_quiet_option(ls)
    ls.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import emit
    from sim.package_data import shipped_files

    rows = shipped_files()
    data = [
        {"kind": kind, "name": name, "path": str(path), "description": text}
        for kind, name, path, text in rows
    ]
    width = max(len(name) for _kind, name, _path, _text in rows)
    lines = []
    for kind in ("scenario", "study"):
        lines.append(
            "scenarios (escsim run NAME, compare, report, ...):"
            if kind == "scenario"
            else "\nstudies (escsim sweep NAME --out DIR):"
        )
        for row_kind, name, path, text in rows:
            if row_kind == kind:
                lines.append(f"  {name:<{width}}  {text}")
                lines.append(f"  {'':<{width}}  {path}")
    emit(args, "scenarios", "\n".join(lines), data)
    return 0
