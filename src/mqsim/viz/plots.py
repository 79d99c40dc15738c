"""Plots of a trace: queue depth and consumer lag over time, and throughput.

The series are pure functions of the trace (:func:`depth_series`, :func:`throughput`);
:func:`plot_depth` draws them with matplotlib, the optional extra ``mqsim[viz]``,
imported only when called (Agg backend, no pyplot global state, no timestamp in the PNG,
so the same trace gives the same bytes with the same matplotlib).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any

from mqsim.sim import TraceRecord

Series = dict[str, list[tuple[float, int]]]

_MISSING = "mqsim.viz.plot_depth needs matplotlib: pip install 'mqsim[viz]'"


def depth_series(records: Iterable[TraceRecord]) -> Series:
    """Per AMQP queue, messages held over time; per Kafka group and partition, the lag.

    AMQP depth counts ready and unacknowledged messages: ``msg.store`` adds one,
    ``msg.ack`` and ``msg.drop`` at that queue remove one. Kafka lag of a group on a
    partition is the log end offset minus the group's position (last offset read + 1),
    from the group's first read on; it is updated at each store and each read.
    """
    series: Series = {}
    depth: dict[str, int] = {}
    ends: dict[str, int] = {}
    positions: dict[str, dict[str, int]] = {}
    for r in records:
        where = r.get("where")
        if where is None or not r.kind.startswith("msg."):
            continue
        where = str(where)
        offset = r.get("offset")
        if r.kind == "msg.store" and offset is not None:
            ends[where] = max(ends.get(where, 0), int(offset) + 1)
            for group, position in positions.get(where, {}).items():
                series[_lag(group, where)].append((r.time, ends[where] - position))
        elif r.kind == "msg.consume" and offset is not None:
            group = "-" if r.get("group") is None else str(r.get("group"))
            readers = positions.setdefault(where, {})
            readers[group] = max(readers.get(group, 0), int(offset) + 1)
            lag = max(ends.get(where, 0) - readers[group], 0)
            series.setdefault(_lag(group, where), []).append((r.time, lag))
        elif offset is None and r.kind in ("msg.store", "msg.ack", "msg.drop"):
            if r.kind != "msg.store" and where not in depth:
                continue
            change = 1 if r.kind == "msg.store" else -1
            depth[where] = max(depth.get(where, 0) + change, 0)
            series.setdefault(f"queue {where}", []).append((r.time, depth[where]))
    return series


def _lag(group: str, where: str) -> str:
    return f"lag {group} {where}"


def throughput(
    records: Iterable[TraceRecord], *, buckets: int = 50
) -> tuple[list[float], list[int], list[int]]:
    """Bucket start times, and messages published and received per bucket."""
    events = [(r.time, r.kind) for r in records if r.kind in ("msg.publish", "msg.consume")]
    if not events:
        return [], [], []
    start, stop = events[0][0], max(time for time, _ in events)
    width = (stop - start) / buckets or 1.0
    published, received = [0] * buckets, [0] * buckets
    for time, kind in events:
        index = min(int((time - start) / width), buckets - 1)
        (published if kind == "msg.publish" else received)[index] += 1
    return [start + i * width for i in range(buckets)], published, received


def plot_depth(
    records: Iterable[TraceRecord],
    path: str | PathLike[str] | None = None,
    *,
    max_series: int = 8,
    title: str = "mqsim",
) -> bytes:
    """Draw depth/lag and throughput as a PNG; write it to ``path`` if given; return bytes.

    Shows the ``max_series`` series with the highest peak (ties by name).
    """
    figure_class, canvas_class = _matplotlib()
    records = list(records)
    series = depth_series(records)
    chosen = sorted(series, key=lambda name: (-max(v for _, v in series[name]), name))
    figure = figure_class(figsize=(9, 6), dpi=100)
    canvas_class(figure)
    top, bottom = figure.subplots(2, 1, sharex=True)
    end = max((r.time for r in records), default=0.0)
    for name in sorted(chosen[:max_series]):
        points = [*series[name], (end, series[name][-1][1])]  # hold the last level to the end
        times, values = zip(*points, strict=True)
        top.step(times, values, where="post", label=name)
    top.set_ylabel("messages")
    top.set_title(f"{title}: queue depth and consumer lag")
    if chosen:
        top.legend(loc="upper right", fontsize="small")
    starts, published, received = throughput(records)
    if starts:
        width = (starts[1] - starts[0]) if len(starts) > 1 else 1.0
        bottom.bar(starts, published, width=width, align="edge", alpha=0.6, label="published")
        bottom.bar(starts, received, width=width, align="edge", alpha=0.6, label="received")
        bottom.legend(loc="upper right", fontsize="small")
    bottom.set_ylabel("messages per bucket")
    bottom.set_xlabel("simulated time (s)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _matplotlib() -> tuple[Any, Any]:
    """matplotlib's Figure and Agg canvas, or an ImportError naming the extra to install."""
    try:
        importlib.import_module("matplotlib")
        figure = importlib.import_module("matplotlib.figure")
        agg = importlib.import_module("matplotlib.backends.backend_agg")
    except ImportError:
        raise ImportError(_MISSING) from None
    return figure.Figure, agg.FigureCanvasAgg
