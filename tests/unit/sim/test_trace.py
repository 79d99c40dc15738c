"""The trace: levels, queries, statistics and the JSON Lines round trip."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mqsim import InvalidArgument, TraceLevel, World, read_jsonl


def test_full_level_keeps_records_with_simulated_time(world: World) -> None:
    """Each record carries the simulated time at which it was emitted and a sequence number."""
    world.trace.emit("a.start", "x")
    world.advance("1.5s")
    world.trace.emit("a.stop", "x", "m1", reason="done")
    kinds = [(r.time, r.seq, r.kind, r.msg) for r in world.trace]
    assert kinds == [(0.0, 0, "a.start", None), (1.5, 1, "a.stop", "m1")]
    assert world.trace[1].get("reason") == "done"


def test_counters_level_counts_without_records() -> None:
    """COUNTERS keeps only counts per kind, so large runs stay cheap."""
    world = World(trace="counters")
    for _ in range(3):
        world.trace.emit("msg.publish", "p")
    assert len(world.trace) == 0
    assert world.trace.counts == {"msg.publish": 3}


def test_off_level_keeps_nothing() -> None:
    """OFF neither counts nor records."""
    world = World(trace=TraceLevel.OFF)
    world.trace.emit("msg.publish", "p")
    assert len(world.trace) == 0
    assert world.trace.counts == {}
    assert world.trace.active is False


def test_bad_level_names_the_field() -> None:
    """An unknown trace level is a one-line error naming the field."""
    with pytest.raises(InvalidArgument, match="trace: expected 'off', 'counters' or 'full'"):
        World(trace="verbose")


def test_select_filters_by_kind_actor_msg_and_prefix(world: World) -> None:
    """select() combines filters with AND."""
    world.trace.emit("msg.publish", "p", "m1")
    world.trace.emit("msg.deliver", "broker", "m1")
    world.trace.emit("msg.publish", "p", "m2")
    world.trace.emit("net.drop", "p", "m2")
    assert [r.msg for r in world.trace.select("msg.publish")] == ["m1", "m2"]
    assert [r.kind for r in world.trace.select(msg="m2")] == ["msg.publish", "net.drop"]
    assert [r.kind for r in world.trace.select(prefix="msg.", actor="broker")] == ["msg.deliver"]
    assert len(world.trace.select({"msg.publish", "net.drop"}, msg="m2")) == 2


def test_subscribers_see_records_of_their_kind(world: World) -> None:
    """A sink subscribed to a kind is called with each new record of that kind only."""
    seen: list[str] = []
    world.trace.subscribe(lambda r: seen.append(r.kind), kind="msg.ack")
    world.trace.emit("msg.ack", "b")
    world.trace.emit("msg.drop", "b")
    assert seen == ["msg.ack"]


def test_statistics_counts_by_kind_sorted(world: World) -> None:
    """statistics() is an immutable summary with counts sorted by kind."""
    world.trace.emit("b", "x")
    world.trace.emit("a", "x")
    world.trace.emit("b", "x")
    stats = world.trace.statistics()
    assert stats.counts == (("a", 1), ("b", 2))
    assert stats.records == 3


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=6),
            st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        ),
        max_size=6,
    )
)
def test_jsonl_round_trip_gives_the_same_records(
    items: list[tuple[str, dict[str, object]]],
) -> None:
    """Writing records as JSON Lines and reading them back gives equal records (bytes too)."""
    world = World()
    for kind, fields in items:
        world.trace.emit(kind, "actor", None, **fields)
    text = world.trace.dumps_jsonl()
    back = read_jsonl(io.StringIO(text))
    assert back == list(world.trace)
    assert "".join(r.to_json() + "\n" for r in back) == text


def test_jsonl_file_round_trip(tmp_path, world: World) -> None:  # type: ignore[no-untyped-def]
    """write_jsonl/read_jsonl work with paths too."""
    world.trace.emit("msg.publish", "p", "m1", body=b"\x00\xff", key=None)
    path = tmp_path / "trace.jsonl"
    world.trace.write_jsonl(path)
    assert read_jsonl(path) == list(world.trace)


def test_reading_a_broken_line_names_the_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A corrupt trace file is an error naming the line number."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t":0,"seq":0,"actor":"a","kind":"k","msg":null,"fields":{}}\n{"t":1}\n')
    with pytest.raises(InvalidArgument, match="trace line 2"):
        read_jsonl(path)
