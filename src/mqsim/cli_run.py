"""``mqsim run``: the command-line front end of :mod:`mqsim.clients.runner`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from mqsim.clients.runner import RUNNER, OutputLine, parse_fault, run
from mqsim.sim import InvalidArgument, parse_duration

if TYPE_CHECKING:
    from collections.abc import Callable

EPILOG = """\
steps, run in order as a shell session would:
  'receive.py ARG... &'  start a script in the background and go on at once
  'send.py ARG...'       start it in the foreground; the next step starts when it exits
  sleep:2s               let 2 simulated seconds pass

examples:
  mqsim run 'receive.py &' send.py
  mqsim run 'consumer.py &' producer.py --fault 'crash consumer.py@1s' --until 30s
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run`` subcommand."""
    parser = commands.add_parser(
        "run",
        help="run client scripts together in one simulated world",
        description=(
            "Run unmodified pika / confluent-kafka scripts as simulated processes in one"
            " world, in simulated time. Each output line shows the simulated time and the"
            " script."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("steps", nargs="+", metavar="STEP", help="a script step or sleep:DURATION")
    parser.add_argument("--seed", type=int, default=0, help="the world's seed (default 0)")
    parser.add_argument(
        "--until", default="5m", help="horizon in simulated time (default 5m): Ctrl+C then"
    )
    parser.add_argument(
        "--grace",
        default="5s",
        help="simulated time interrupted scripts get to clean up before they are killed",
    )
    parser.add_argument(
        "--latency", default=None, help="network latency between clients and brokers, e.g. 5ms"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="'ACTION TARGET@TIME'",
        help="crash or restart a script or a broker: 'crash receive.py@3s',"
        " 'restart localhost:5672@10s' (repeatable)",
    )
    parser.add_argument(
        "--trace", default=None, metavar="FILE", help="write the trace (JSON Lines)"
    )
    parser.add_argument(
        "--log-dir", default=None, metavar="DIR", help="each step's own output in DIR/N-script.log"
    )
    parser.set_defaults(handler=command)


def command(args: argparse.Namespace) -> int:
    """Run the steps; the exit code is 1 if a foreground script failed."""
    parse_duration(args.until, field="--until")
    parse_duration(args.grace, field="--grace")
    if args.latency is not None:
        parse_duration(args.latency, field="--latency")
    faults = [parse_fault(text) for text in args.fault]
    echo = _printer(sys.stdout)
    try:
        result = run(
            args.steps,
            seed=args.seed,
            until=args.until,
            grace=args.grace,
            latency=args.latency,
            faults=faults,
            trace=args.trace,
            log_dir=args.log_dir,
            echo=echo,
        )
    except OSError as error:
        raise InvalidArgument(f"{error.filename}: {error.strerror}") from None
    except KeyboardInterrupt:
        print("mqsim: interrupted", file=sys.stderr)
        return 130
    return result.exit_code


def _printer(stream: Any) -> Callable[[OutputLine], None]:
    """Plain lines when ``stream`` is not a terminal; coloured with rich when it is."""
    isatty = getattr(stream, "isatty", None)
    if not (callable(isatty) and isatty()):

        def plain(line: OutputLine) -> None:
            stream.write(line.format() + "\n")
            stream.flush()

        return plain
    console = Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)

    def coloured(line: OutputLine) -> None:
        text = Text()
        text.append(f"[{line.time:7.3f}s ", style="dim")
        text.append(line.label, style="bold magenta" if line.label == RUNNER else "bold cyan")
        text.append("] ", style="dim")
        style = {"stderr": "red", RUNNER: "yellow"}.get(line.stream, "")
        text.append(line.text, style=style)
        console.print(text)

    return coloured
