"""``escsim validate FILE...``: check scenario files; exit 0 if all are valid, 2 if not."""

import sys
from pathlib import Path


def cli_parse(sub) -> None:
    from sim.cli_support import add_format_option, add_out_option, add_quiet_option

    val = sub.add_parser("validate", help="check scenario files (exit 0 if all valid, 2 if not)")
    val.add_argument("files", type=Path, nargs="+", help="scenario files")
    add_format_option(val)
    add_out_option(val, "validate.txt and validate.json")
    add_quiet_option(val)
    val.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import EXIT_BAD_INPUT, emit
    from sim.scenario import ScenarioError, load_scenario

    failed, lines, rows = 0, [], []
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as err:
            failed += 1
            print(str(err), file=sys.stderr)  # the problems, as every command reports them
            rows.append(
                {"file": str(path), "ok": False, "problems": [str(p) for p in err.problems]}
            )
        else:
            lines.append(f"{path}: ok\n")
            rows.append({"file": str(path), "ok": True, "problems": []})
    emit(args, "validate", "".join(lines), rows)
    return EXIT_BAD_INPUT if failed else 0
