"""``Trace.emit_many``: a hot path's batch of records, the same as one ``emit`` each."""

from __future__ import annotations

import pytest

from mqsim import InvalidArgument, World


def test_emit_many_makes_the_records_single_emits_would() -> None:
    """Shared fields and per-message columns give the records of one emit per message."""
    batched, single = World(), World()
    batched.advance(2)
    single.advance(2)
    batched.trace.emit("node.add", "b")
    batched.trace.emit_many(
        "msg.deliver", "b", ["m1", "m2"], {"tag": [1, 2]}, where="q", redelivered=False
    )
    single.trace.emit("node.add", "b")
    for msg, tag in (("m1", 1), ("m2", 2)):
        single.trace.emit("msg.deliver", "b", msg, where="q", redelivered=False, tag=tag)
    assert list(batched.trace) == list(single.trace)
    assert [r.seq for r in batched.trace] == [0, 1, 2]
    assert batched.trace[2].time == 2.0
    assert batched.trace.dumps_jsonl() == single.trace.dumps_jsonl()


def test_emit_many_without_fields_and_at_lower_levels() -> None:
    """Records without fields are fine; COUNTERS counts each one; OFF keeps nothing."""
    full, counters, off = World(trace="full"), World(trace="counters"), World(trace="off")
    for world in (full, counters, off):
        world.trace.emit_many("msg.ack", "b", ["m1", None, "m3"])
    assert [(r.msg, dict(r.fields)) for r in full.trace] == [("m1", {}), (None, {}), ("m3", {})]
    assert counters.trace.counts == {"msg.ack": 3}
    assert len(counters.trace) == 0
    assert off.trace.counts == {}


def test_emit_many_feeds_subscribers_in_order() -> None:
    """Subscribers see each record of a batch, in order."""
    world = World()
    seen: list[tuple[str | None, object]] = []
    world.trace.subscribe(lambda r: seen.append((r.msg, r.get("tag"))), kind="msg.deliver")
    world.trace.emit_many("msg.deliver", "b", ["m1", "m2"], {"tag": [7, 8]})
    world.trace.emit_many("msg.ack", "b", ["m1"])
    assert seen == [("m1", 7), ("m2", 8)]


def test_emit_many_needs_one_column_value_per_message() -> None:
    """A column of the wrong length is an error naming the argument."""
    world = World()
    with pytest.raises(InvalidArgument, match="columns: expected one value per message"):
        world.trace.emit_many("msg.deliver", "b", ["m1", "m2"], {"tag": [1]})


def test_reading_records_by_index_slice_and_kind() -> None:
    """Records read back by index (negative too), slice and kind carry their seq."""
    world = World()
    for kind in ("a", "b", "a"):
        world.trace.emit(kind, "x")
    assert world.trace[-1].seq == 2
    assert [r.seq for r in world.trace[1:]] == [1, 2]
    assert [r.seq for r in world.trace.select("a")] == [0, 2]
    with pytest.raises(IndexError):
        world.trace[3]
