"""Plots: the series are pure functions; the PNG needs the optional matplotlib extra."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mqsim import TraceRecord, World
from mqsim.viz import depth_series, plot_depth, throughput

MixedTrace = Callable[..., World]
BusyTrace = Callable[..., list[TraceRecord]]


PNG = b"\x89PNG\r\n\x1a\n"


def test_queue_depth_counts_stores_minus_acks_and_drops(mixed_trace: MixedTrace) -> None:
    """AMQP depth: +1 per store, -1 per ack or drop at that queue."""
    series = depth_series(mixed_trace().trace)
    assert series["queue jobs"] == [(0.0, 1), (0.25, 0)]
    assert series["queue audit"] == [(0.0, 1), (0.25, 0)]


def test_kafka_lag_is_log_end_minus_group_position(busy_trace: BusyTrace) -> None:
    """Lag rises with stores and falls when the group reads."""
    series = depth_series(busy_trace(12))
    lag = series["lag g x/0"]
    # the group first reads offset 2 (of 0..2), then offsets 3..5 arrive, then it reads 5
    assert [value for _, value in lag] == [0, 1, 2, 3, 0]
    assert lag[0] == (pytest.approx(0.6), 0)


def test_throughput_buckets_publishes_and_receipts(busy_trace: BusyTrace) -> None:
    """Every publish and receipt lands in exactly one bucket."""
    starts, published, received = throughput(busy_trace(40), buckets=10)
    assert len(starts) == len(published) == len(received) == 10
    assert (sum(published), sum(received)) == (40, 13)
    assert throughput([]) == ([], [], [])


def test_plot_depth_writes_a_png_or_names_the_extra(tmp_path: Path, busy_trace: BusyTrace) -> None:
    """With matplotlib: a non-empty PNG, the same bytes each time. Without: a clear error."""
    target = tmp_path / "depth.png"
    if importlib.util.find_spec("matplotlib") is None:
        with pytest.raises(ImportError, match=r"pip install 'mqsim\[viz\]'"):
            plot_depth(busy_trace(), target)
        assert not target.exists()
    else:
        data = plot_depth(busy_trace(), target)
        assert target.read_bytes() == data
        assert data.startswith(PNG)
        assert len(data) > 1000
        assert plot_depth(busy_trace()) == data


def test_missing_matplotlib_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mixed_trace: MixedTrace
) -> None:
    """Without the extra installed, plot_depth says which extra to install."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"^mqsim.viz.plot_depth needs matplotlib: pip install"):
        plot_depth(mixed_trace().trace, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
