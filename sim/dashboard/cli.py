"""``escsim dashboard``: the browser dashboard for class (a Solara server)."""

import os
import sys


def cli_parse(sub) -> None:
    from sim.cli_support import positive_int

    dash = sub.add_parser("dashboard", help="the browser dashboard for class")
    dash.add_argument("--host", default="127.0.0.1")
    dash.add_argument("--port", type=positive_int, default=8765)
    dash.set_defaults(action=cli_action)


def cli_action(args) -> int:
    """Become the Solara server (exec, not a child process): SIGTERM or Ctrl-C then
    reach the server itself, and nothing is left behind holding the port. (Without
    Solara, ``sim.cli`` stops before this with the extra to install.)"""
    print(f"escsim dashboard on http://{args.host}:{args.port}/ (Ctrl-C to stop)",
          file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    cmd = [sys.executable, "-m", "solara", "run", "sim.dashboard.app", "--host", args.host,
           "--port", str(args.port), "--production", "--no-open",
           "--no-check-version"]  # no PyPI look-up at start: classrooms may be offline
    os.execv(sys.executable, cmd)
    return 0  # not reached: execv replaces this process
