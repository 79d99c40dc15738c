"""The ``mqsim`` command line.

Each subcommand is a small function registered in :data:`COMMANDS`; errors in the user's
input are one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table

from mqsim import cli_run
from mqsim._version import __version__
from mqsim.labs import commands as lab_commands
from mqsim.sim import InvalidArgument, read_jsonl
from mqsim.testing import commands as replay_commands

Command = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A mistake in the command line or in a file it names; printed as one line."""


def _cmd_trace(args: argparse.Namespace) -> int:
    """Summarise a JSON Lines trace: records per kind and the time span."""
    try:
        records = read_jsonl(args.file)
    except OSError as error:
        raise UsageError(f"trace: cannot read {args.file}: {error.strerror}") from None
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    print(f"{args.file}: {len(records)} records")
    table = Table()
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind in sorted(counts):
        table.add_row(kind, str(counts[kind]))
    Console().print(table)
    if records:
        print(f"from t={records[0].time:g}s to t={records[-1].time:g}s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="mqsim",
        description="Simulate RabbitMQ and Kafka in one Python process, in simulated time.",
    )
    parser.add_argument("--version", action="version", version=f"mqsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    trace = commands.add_parser("trace", help="summarise a JSON Lines trace file")
    trace.add_argument("file", help="a trace written with --trace")
    trace.set_defaults(handler=_cmd_trace)
    for register in EXTENSIONS:
        register(commands)
    return parser


# Later layers add their subcommands here (``run``, ``lab``) with a function taking the
# subparsers object; kept as a list so each command lives in its own module.
EXTENSIONS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []
EXTENSIONS.append(cli_run.register)
EXTENSIONS.append(lab_commands.add_commands)
EXTENSIONS.append(replay_commands.register)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mqsim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Command | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return handler(args)
    except (UsageError, InvalidArgument) as error:
        print(f"mqsim: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
