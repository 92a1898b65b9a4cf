"""``escsim validate FILE...``: check scenario files; exit 0 if all are valid, 2 if not."""

import sys
from pathlib import Path


def cli_parse(sub) -> None:
    val = sub.add_parser("validate", help="check scenario files (exit 0 if all valid, 2 if not)")
    val.add_argument("files", type=Path, nargs="+")
    val.set_defaults(action=cli_action)


def cli_action(args) -> int:
    from sim.cli_support import EXIT_BAD_INPUT
    from sim.scenario import ScenarioError, load_scenario

    failed = 0
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as err:
            failed += 1
            print(str(err), file=sys.stderr)
        else:
            print(f"{path}: ok")
    return EXIT_BAD_INPUT if failed else 0
