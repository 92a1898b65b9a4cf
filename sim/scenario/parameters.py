"""``escsim params``: every parameter a scenario can set, with meaning, range, default and
provenance (the registry in :mod:`sim.actors`)."""


def cli_parse(sub) -> None:
    par = sub.add_parser("params", help="list every parameter: meaning, range, default, source")
    par.add_argument("--format", choices=("table", "json"), default="table")
    par.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.actors import PARAMETERS
    from sim.formatting import json_text

    rows = [
        {"key": s.key, "meaning": s.meaning, "unit": s.unit, "range": [s.low, s.high],
         "default": s.default, "source": s.source}
        for s in PARAMETERS
    ]
    if args.format == "json":
        print(json_text(rows))
        return 0
    for r in rows:
        print(f"{r['key']}  (default {r['default']:g}, range {r['range'][0]:g}..{r['range'][1]:g}"
              f" {r['unit']})\n    {r['meaning']}\n    source: {r['source']}")
    return 0
