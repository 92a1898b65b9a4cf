"""``escsim params``: every parameter a scenario can set, with meaning, range, default and
provenance (the registry in :mod:`sim.actors`)."""


def cli_parse(sub) -> None:
    par = sub.add_parser("params", help="list every parameter: meaning, range, default, source")
    from sim.cli_support import add_format_option, add_out_option, add_quiet_option

    add_format_option(par)
    add_out_option(par, "params.txt and params.json")
    add_quiet_option(par)
    par.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.actors import PARAMETERS
    from sim.cli_support import emit

    data = [
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
    table = "".join(
        f"{s.key}  (default {s.default:g}, range {s.low:g}..{s.high:g}"
        f" {s.unit})\n    {s.meaning}\n    source: {s.source}\n"
        for s in PARAMETERS
    )
    emit(args, "params", table, data)
    return 0
