"""``escsim dashboard``: the browser dashboard for class (a Solara server)."""

import os
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cli_parse(sub) -> None:
    from sim.cli_support import port

    dash = sub.add_parser("dashboard", help="the browser dashboard for class")
    dash.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; "
        "the dashboard has no login, so any other address lets everyone "
        "on the network use it)",
    )
    dash.add_argument("--port", type=port, default=8765, help="port, 1-65535 (default 8765)")
    dash.add_argument(
        "--actors",
        metavar="MODULE:CLASS",
        action="append",
        default=[],
        help="a custom actor (a subclass of a shipped actor with its own decide(), "
        "importable from the current directory) in that actor's place; repeatable "
        "(default: the shipped actors)",
    )
    dash.add_argument(
        "-q", "--quiet", action="store_true", help="no line on stderr saying where it listens"
    )
    dash.set_defaults(action=cli_action)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    import ipaddress

    if host.lower() in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cli_action(args) -> int:
    """Become the Solara server (exec, not a child process): SIGTERM or Ctrl-C then
    reach the server itself, and nothing is left behind holding the port. (Without
    Solara, ``sim.cli`` stops before this with the extra to install.)"""
    if args.actors:  # checked here (one clear message), read by the app from the variable
        from sim.custom_actors import ACTORS_ENV, load_actor_class

        try:
            for text in args.actors:
                load_actor_class(text)
        except (ValueError, TypeError) as err:
            print(f"escsim dashboard: --actors {err}", file=sys.stderr)
            return 2
        os.environ[ACTORS_ENV] = ",".join(args.actors)
    from sim.dashboard.opening import FILES_ENV

    # A path typed on the page is read on this machine: only when whoever types it sits
    # at it (a loopback address) may the page open files (sim.dashboard.opening).
    os.environ[FILES_ENV] = "1" if is_loopback(args.host) else "0"
    # Solara's "runs on Solara" banner floats over the page's lower right corner (over a
    # chart's legend); the page credits Solara in its footer instead. No usage report
    # to Solara's analytics service either: a classroom may be offline, and it is not
    # ours to send.
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    if not is_loopback(args.host):
        print(
            f"escsim: warning: the dashboard has no authentication: listening on "
            f"{args.host}, anyone who can reach this machine on port {args.port} can use "
            "it (and make it run simulations); opening files by path is off; use --host "
            "127.0.0.1 to keep it local",
            file=sys.stderr,
        )
    if not args.quiet:
        print(
            f"escsim dashboard on http://{args.host}:{args.port}/ (Ctrl-C to stop)",
            file=sys.stderr,
        )
    sys.stdout.flush()
    sys.stderr.flush()
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]  # no PyPI look-up at start: classrooms may be offline
    os.execv(sys.executable, cmd)
    return 0  # not reached: execv replaces this process
