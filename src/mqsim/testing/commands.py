"""``mqsim replay FILE.json``: run a machine's recorded operations again.

A failing stateful test prints its scenario (machine, seed, operations) as one JSON line
and, with ``MQSIM_FAILURE_DIR`` set, writes it to a file. This command replays it on a
fresh world, checks every invariant after each step and reports the first one that
breaks (exit code 1), or that all held (exit code 0). ``--trace OUT.jsonl`` writes the
run's full trace for ``mqsim trace`` and the viewers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from mqsim.sim import InvalidArgument


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``replay`` subcommand."""
    parser = commands.add_parser(
        "replay",
        help="replay a stateful test's operations and report the invariant that breaks",
        description=(
            "Replay a scenario written by a failing mqsim stateful test (machine, seed, "
            "operations) and check every invariant after each step."
        ),
    )
    parser.add_argument("file", help="a scenario JSON file ('-' reads standard input)")
    parser.add_argument("--trace", metavar="OUT", help="write the run's trace as JSON Lines")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list the steps")
    parser.set_defaults(handler=run)


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text()
    except OSError as error:
        raise InvalidArgument(f"replay: cannot read {name}: {error.strerror}") from None


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Replay ``args.file``; 1 if an invariant broke, 0 if all held."""
    from mqsim.testing.driver import Op, Scenario, replay

    stream = out if out is not None else sys.stdout
    text = _read(args.file).strip()
    if text.startswith("{") and "\n" in text:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = json.loads(text.splitlines()[-1])
        scenario = Scenario.from_data(data)
    else:
        scenario = Scenario.from_json(text.splitlines()[-1] if text else text)

    def show(step: int, op: Op) -> None:
        if not args.quiet:
            print(f"{step:4d}. {op.describe()}", file=stream)

    print(
        f"replaying {scenario.machine} scenario: seed {scenario.seed}, "
        f"{len(scenario.ops)} operations",
        file=stream,
    )
    result = replay(scenario, on_step=show, trace="full" if args.trace else None)
    if args.trace:
        world = getattr(result.driver, "world", None)
        if world is not None:
            world.trace.write_jsonl(args.trace)
            print(f"trace written to {args.trace}", file=stream)
    violation = result.violation
    if violation is None:
        print(f"all invariants held after {result.steps} steps", file=stream)
        return 0
    print(
        f"invariant {violation.invariant!r} broke at step {violation.step}: {violation.detail}",
        file=stream,
    )
    return 1


__all__ = ["register", "run"]
