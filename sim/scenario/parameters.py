"""``escsim params``: every parameter a scenario can set, with meaning, range, default and
provenance (the registry in :mod:`sim.actors`)."""


def cli_parse(sub) -> None:
    par = sub.add_parser("params", help="list every parameter: meaning, range, default, source")
    par.add_argument("--format", choices=("table", "json"), default="table")
    par.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.actors import PARAMETERS
    from sim.formatting import json_text

    if args.format == "json":
        print(
            json_text(
                [
                    {
                        "key": s.key,
                        "meaning": s.meaning,
                        "unit": s.unit,
                        "range": [s.low, s.high],
                        "default": s.default,
                        "source": s.source,
                    }
                    for s in PARAMETERS
                ]
            )
        )
        return 0
    for s in PARAMETERS:
        print(
            f"{s.key}  (default {s.default:g}, range {s.low:g}..{s.high:g}"
            f" {s.unit})\n    {s.meaning}\n    source: {s.source}"
        )
    return 0
