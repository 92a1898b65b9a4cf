"""``escsim classroom``: a class session served to the students' browsers.

The command runs the scenario's Monte Carlo (as ``escsim run`` does: the same worlds and
numbers), opens the session and serves it in this process (uvicorn, one thread, no
worker process, no file written), until Ctrl-C or SIGTERM. It listens on 127.0.0.1
unless ``--host`` says otherwise, and says where it listens.
"""

import argparse
import sys
from pathlib import Path

from sim.classroom.roles import ROLES
from sim.classroom.session import ASSIGNMENTS, REVEALS

SUMMARY = "a class session: students play the actors against the model"
# The session keeps every world's outcomes and a few numbers (about 50 bytes a world).
MAX_WORLDS = 1_000_000


def roles_list(text: str) -> tuple[str, ...]:
    """An argparse type: roles separated by commas, each one of :data:`ROLES`."""
    keys = tuple(dict.fromkeys(k.strip().lower() for k in text.split(",") if k.strip()))
    bad = [k for k in keys if k not in ROLES]
    if not keys or bad:
        raise argparse.ArgumentTypeError(
            f"expected roles among {', '.join(ROLES)} separated by commas, got {text!r}"
        )
    return keys


def port_or_zero(text: str) -> int:
    """An argparse type: a TCP port, or 0 for any free one."""
    from sim.cli_support import port

    return 0 if text.strip() == "0" else port(text)


def cli_parse(sub) -> None:
    from sim.cli_support import add_horizon_option, add_seed_option, add_set_option, bounded_int

    cmd = sub.add_parser("classroom", help=SUMMARY)
    cmd.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=Path("baseline"),
        help="scenario YAML file or shipped name (default baseline)",
    )
    cmd.add_argument(
        "--roles",
        type=roles_list,
        default=tuple(ROLES),
        help=f"roles on offer, comma-separated, among {', '.join(ROLES)} (default all)",
    )
    cmd.add_argument(
        "--assign",
        choices=ASSIGNMENTS,
        default="rotate",
        help="rotate: roles given in turn as students join; choose: each student picks "
        "(default rotate)",
    )
    cmd.add_argument(
        "--world",
        type=int,
        default=1,
        help="the model's world every student plays, 1 to --worlds (default 1)",
    )
    cmd.add_argument(
        "--spread-worlds",
        action="store_true",
        help="student k plays world --world + k - 1 instead (default: all the same world)",
    )
    cmd.add_argument(
        "--reveal",
        choices=REVEALS,
        default="after",
        help="show the model's rule's utilities and pick after a student decides, or "
        "before (default after)",
    )
    cmd.add_argument(
        "-n",
        "--worlds",
        type=bounded_int(MAX_WORLDS, "worlds"),
        default=10_000,
        help="worlds of the model's run (default 10,000, as escsim run)",
    )
    add_seed_option(cmd)
    add_horizon_option(cmd)
    add_set_option(cmd)
    cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 lets "
        "the class's machines in: anyone who reaches it can join with the code)",
    )
    cmd.add_argument(
        "--port", type=port_or_zero, default=8766, help="port, or 0 for a free one (default 8766)"
    )
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(action=cli_action)


def cli_action(args) -> int:
    import socket

    from sim.classroom.distribution import run_distribution
    from sim.classroom.session import Session
    from sim.classroom.web import build_app
    from sim.cli_support import ProgressBar, load_adjusted
    from sim.dashboard.cli import is_loopback
    from sim.scenario import Problem, ScenarioError

    scenario = load_adjusted(args.scenario, args)
    if not 1 <= args.world <= args.worlds:
        raise ScenarioError(
            [Problem("--world", None, "", f"must be from 1 to --worlds ({args.worlds:,})")]
        )
    with ProgressBar(args.worlds, "world", not args.quiet) as bar:
        distribution = run_distribution(scenario, args.worlds, args.seed, progress=bar.callback)
    session = Session(
        scenario,
        distribution,
        args.roles,
        assign=args.assign,
        world=args.world - 1,
        spread_worlds=args.spread_worlds,
        reveal=args.reveal,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host.strip("[]"), args.port))
        sock.listen(128)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        where = (
            "this machine only (--host 0.0.0.0 to let the class's machines in)"
            if is_loopback(args.host)
            else "every machine that can reach this one: there is no login beyond the session code"
        )
        print(f"escsim classroom on {url}: listening on {host}, {where}", file=sys.stderr)
        print(f"session code: {session.code}", file=sys.stderr)
        print(f"teacher's page: {url}teacher/{session.teacher_key}", file=sys.stderr)
        print("Ctrl-C to stop", file=sys.stderr, flush=True)
        serve(build_app(session), sock)
    finally:
        sock.close()
    return 0


def serve(app, sock) -> None:
    """Serve ``app`` on the bound socket until Ctrl-C or SIGTERM (uvicorn's own handling:
    open connections are closed, then the signal is raised again for ``escsim`` to
    report)."""
    import uvicorn

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", server_header=False
    )
    uvicorn.Server(config).run(sockets=[sock])
