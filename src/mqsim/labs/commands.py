"""``mqsim lab list | run NAME | sweep NAME``: the command-line face of the labs."""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from mqsim.labs.base import LabResult, run_lab
from mqsim.labs.registry import all_labs, get_lab
from mqsim.labs.render import render_lab
from mqsim.labs.sweep import parse_seeds, sweep
from mqsim.sim import InvalidArgument


def add_commands(commands: Any) -> None:
    """Register ``lab`` and its subcommands on the top-level subparsers."""
    lab = commands.add_parser("lab", help="failure labs: list, run, sweep")
    sub = lab.add_subparsers(dest="lab_command", metavar="LAB_COMMAND", required=True)
    listing = sub.add_parser("list", help="list the labs, one a line")
    listing.set_defaults(handler=_list)
    run = sub.add_parser("run", help="run one lab and explain it")
    run.add_argument("name")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--fix", action="store_true", help="show the fix beside the mistake")
    run.add_argument("--trace", metavar="FILE.jsonl", help="write the raw trace")
    run.add_argument("--mermaid", metavar="FILE", help="write a Mermaid sequence diagram")
    run.add_argument("--plot", metavar="FILE.png", help="plot depth/lag (needs mqsim[viz])")
    run.add_argument("--html", metavar="FILE", help="write one self-contained HTML page")
    run.set_defaults(handler=_run)
    sweeping = sub.add_parser("sweep", help="run a lab over many seeds")
    sweeping.add_argument("name")
    sweeping.add_argument("--seeds", default="1..100", help="e.g. 1..500 or 1,2,3")
    sweeping.add_argument("--workers", type=int, default=1)
    sweeping.add_argument("--fix", action="store_true")
    sweeping.set_defaults(handler=_sweep)


def _list(_args: argparse.Namespace) -> int:
    for lab in all_labs():
        print(f"{lab.name:<32} {lab.summary}")
    return 0


def _run(args: argparse.Namespace) -> int:
    lab = get_lab(args.name)
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        raise InvalidArgument("--plot: plots need matplotlib: pip install 'mqsim[viz]'")
    results = [run_lab(lab, seed=args.seed, fix=False)]
    if args.fix:
        results.append(run_lab(lab, seed=args.seed, fix=True))
    Console().print(render_lab(lab, results))
    _write_outputs(args, results)
    return 0


def _write_outputs(args: argparse.Namespace, results: list[LabResult]) -> None:
    """Write the requested files for each run; the fix's files get a ``-fix`` suffix."""
    from mqsim.viz import html_report, plot_depth, sequence_diagram

    for result in results:
        suffix = "-fix" if result.fixed else ""
        title = f"{result.lab.name}: {'the fix' if result.fixed else 'the mistake'}"
        if args.trace:
            result.world.trace.write_jsonl(_suffixed(args.trace, suffix))
        if args.mermaid:
            _write(_suffixed(args.mermaid, suffix), sequence_diagram(result.records))
        plots: list[str] = []
        if args.plot:
            plots.append(_suffixed(args.plot, suffix))
            try:
                plot_depth(result.records, plots[-1])
            except ImportError as missing:
                raise InvalidArgument(f"--plot: {missing}") from None
        if args.html:
            page = html_report(
                result.records,
                title=f"{title} (seed {result.seed})",
                report=result.report,
                plots=plots,
            )
            _write(_suffixed(args.html, suffix), page)


def _suffixed(path: str, suffix: str) -> str:
    """``out.html`` with suffix ``-fix`` is ``out-fix.html``."""
    if not suffix:
        return path
    stem, dot, extension = path.rpartition(".")
    return f"{stem}{suffix}.{extension}" if dot and "/" not in extension else f"{path}{suffix}"


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def _sweep(args: argparse.Namespace) -> int:
    seeds = parse_seeds(args.seeds)
    if not seeds:
        raise InvalidArgument("--seeds: no seeds given")
    with Progress(transient=True) as progress:
        task = progress.add_task(f"{args.name}", total=len(seeds))
        result = sweep(
            args.name,
            seeds,
            fix=args.fix,
            workers=args.workers,
            on_done=lambda _seed: progress.advance(task),
        )
    table = Table(
        title=f"{result.lab} over {result.seeds} seeds{' (fixed)' if result.fixed else ''}"
    )
    table.add_column("anomaly")
    table.add_column("seeds with it", justify="right")
    table.add_column("share", justify="right")
    table.add_column("occurrences", justify="right")
    table.add_column("first seed", justify="right")
    first = dict(result.first_seed_with)
    total = dict(result.occurrences)
    for anomaly, count in result.seeds_with:
        table.add_row(
            anomaly,
            str(count),
            f"{count / result.seeds:.0%}",
            str(total[anomaly]),
            "-" if first[anomaly] is None else str(first[anomaly]),
        )
    Console().print(table)
    return 0
