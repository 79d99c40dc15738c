"""Publisher confirms for a batch of publishes: RabbitMQ coalesces the acks of
publishes handled together into one ``multiple=True`` ack where no nack lies below. The
client traces a ``msg.confirm`` for each publish a confirm settles."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mqsim import World
from mqsim.amqp import Broker, ClientChannel, ClientConnection
from mqsim.amqp.confirms import coalesce_confirms
from mqsim.check import check

BROKER = "localhost:5672"


def confirming(max_length: int | None = None) -> tuple[World, ClientConnection, ClientChannel]:
    """A client in confirm mode with a queue ``q`` (x-overflow reject-publish when limited)."""
    world = World(seed=0, until="1h")
    Broker(world, BROKER)
    conn = ClientConnection(world, BROKER, "app")
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    args: dict[str, Any] = {}
    if max_length is not None:
        args = {"x-max-length": max_length, "x-overflow": "reject-publish"}
    for method, call_args in (
        ("queue_declare", ("q", False, False, False, False, args)),
        ("confirm_select", ()),
    ):
        world.block(channel.call(method, *call_args))
    channel.confirm = True
    return world, conn, channel


def frames(conn: ClientConnection) -> list[tuple[Any, ...]]:
    found = [f[2:] if f[0] == "confirm" else (f[0],) for f in conn.inbox]
    conn.inbox.clear()
    return found


def test_a_batch_of_routed_publishes_gets_one_multiple_ack() -> None:
    """Five publishes handled together: one basic.ack(5, multiple=True); the client
    settles all five."""
    _world, conn, channel = confirming()
    channel.publish_many("", "q", [b"m"] * 5)
    assert frames(conn) == [(5, True, True)]
    assert channel.confirms == {1: True, 2: True, 3: True, 4: True, 5: True}
    assert channel.unconfirmed == {}


def test_acks_below_the_first_nack_are_coalesced_and_nacks_go_one_by_one() -> None:
    """x-max-length 3 with reject-publish, five publishes: ack 3 (multiple), nack 4,
    nack 5, the frames RabbitMQ 3.10 sent in the recorded case max_length_reject_publish."""
    _world, conn, channel = confirming(max_length=3)
    channel.publish_many("", "q", [b"m"] * 5)
    assert frames(conn) == [(3, True, True), (4, False, False), (5, False, False)]
    assert channel.confirms == {1: True, 2: True, 3: True, 4: False, 5: False}


def test_single_publishes_are_confirmed_one_by_one() -> None:
    """One publish at a time: a lone ack is sent with multiple=False; a lone nack goes
    through the coalescing rule, which RabbitMQ sends with multiple=True."""
    _world, conn, channel = confirming(max_length=1)
    channel.publish("", "q", b"kept")
    channel.publish("", "q", b"refused")
    assert frames(conn) == [(1, False, True), (2, True, False)]
    assert channel.confirms == {1: True, 2: False}


def test_unroutable_publishes_are_acked_after_their_returns() -> None:
    """A mandatory unroutable publish is returned, then acked (the return first, as
    RabbitMQ does); unroutable publishes of a batch are acked together."""
    world, conn, channel = confirming()
    for body in (b"a", b"b"):
        channel.publish("", "nowhere", body, mandatory=True)
    assert frames(conn) == [("return",), (1, False, True), ("return",), (2, False, True)]
    channel.publish_many("", "nowhere", [b"c", b"d"])
    assert frames(conn) == [(4, True, True)]
    assert world.list_queues(BROKER)["q"]["messages_ready"] == 0


@settings(max_examples=40)
@given(
    st.integers(min_value=0, max_value=4),
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=3)),
        min_size=1,
        max_size=5,
    ),
)
def test_coalesced_confirms_settle_each_publish_as_single_confirms_would(
    max_length: int, rounds: list[tuple[int, int]]
) -> None:
    """Whatever the mix of acks and nacks, batches leave the client with the verdict one
    publish at a time would give, for every publish."""

    def verdicts(batched: bool) -> dict[int, bool]:
        world, _conn, channel = confirming(max_length=max_length or None)
        for size, taken in rounds:
            if batched:
                channel.publish_many("", "q", [b"m"] * size)
            else:
                for _ in range(size):
                    channel.publish("", "q", b"m")
            for _ in range(taken):
                world.block(channel.call("basic_get", "q", True))
        assert channel.unconfirmed == {}
        traced = [(r.msg, r.get("ok")) for r in world.trace.select(kind="msg.confirm")]
        assert sorted(traced) == sorted((f"m{seq}", ok) for seq, ok in channel.confirms.items())
        return channel.confirms

    assert verdicts(batched=True) == verdicts(batched=False)


def test_each_publish_a_confirm_settles_is_traced() -> None:
    """One multiple ack for five publishes: five ``msg.confirm`` records by the client,
    ``ok`` true; a nack: ``ok`` false, ``error`` "basic.nack"."""
    world, _conn, channel = confirming(max_length=5)
    channel.publish_many("", "q", [b"m"] * 5)
    channel.publish("", "q", b"refused")
    records = world.trace.select(kind="msg.confirm")
    assert [(r.actor, r.msg, r.get("ok"), r.get("error")) for r in records] == [
        *[("app", f"m{n}", True, None) for n in range(1, 6)],
        ("app", "m6", False, "basic.nack"),
    ]


def test_publishes_after_confirm_select_are_traced_as_confirmed_ones() -> None:
    """``confirm: true`` on every ``msg.publish`` sent after ``confirm.select``, and only
    those: the channel is in confirm mode from the moment the client sends it."""
    world = World(seed=0, until="1h")
    Broker(world, BROKER)
    conn = ClientConnection(world, BROKER, "app")
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    channel.publish("", "nowhere", b"before")
    channel.call("confirm_select")
    channel.publish("", "nowhere", b"after")
    world.run()
    flags = [r.get("confirm") for r in world.trace.select(kind="msg.publish")]
    assert flags == [False, True]
    assert channel.confirms == {1: True}


def test_a_confirmed_message_lost_in_a_crash_is_lost_not_unconfirmed_lost() -> None:
    """A transient message is confirmed once queued; the crash drops it: the checker
    says the broker broke its promise (``lost``)."""
    world, _conn, channel = confirming()
    channel.publish("", "q", b"promised")
    world.crash(BROKER)
    report = check(world.trace)
    assert report.lost == ("m1",)
    assert report.unconfirmed_lost == ()


def test_the_coalescing_rule_reproduces_recorded_frames() -> None:
    """RabbitMQ's frames from the recorded cases: acks 1-4 while 5 still waits -> one
    multiple ack of 4; acks 1-3 with nacks 4, 5 -> ack 3 (multiple), nack 4, nack 5."""
    assert coalesce_confirms([1, 2, 3, 4], [], waiting=5) == [(4, True, True)]
    assert coalesce_confirms([3, 1, 2], [5, 4]) == [
        (3, True, True),
        (4, False, False),
        (5, False, False),
    ]
    assert coalesce_confirms([6], []) == [(6, False, True)]
    assert coalesce_confirms([], [2]) == [(2, True, False)]


@given(st.lists(st.booleans(), min_size=1, max_size=12))
def test_expanded_frames_give_each_publish_its_verdict(verdicts: list[bool]) -> None:
    """A client settling each frame (multiple: every unsettled tag up to it) ends with
    exactly the verdict of every publish of the round."""
    acks = [tag for tag, ok in enumerate(verdicts, start=1) if ok]
    nacks = [tag for tag, ok in enumerate(verdicts, start=1) if not ok]
    settled: dict[int, bool] = {}
    for tag, multiple, ack in coalesce_confirms(acks, nacks):
        covered = [t for t in range(1, tag + 1) if t not in settled] if multiple else [tag]
        for t in covered:
            assert t not in settled
            settled[t] = ack
    assert settled == dict(enumerate(verdicts, start=1))
