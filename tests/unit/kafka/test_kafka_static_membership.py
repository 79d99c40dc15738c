"""Static membership (KIP-345, group.instance.id): a member that restarts within
session.timeout.ms takes its old place and its old partitions, without a rebalance; a
dynamic member's restart rebalances the whole group."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer
from mqsim.kafka import KafkaCluster


def _member(name: str, static: bool, revokes: list[str]) -> Consumer:
    conf: dict[str, Any] = {
        "bootstrap.servers": "kafka-1:9092",
        "group.id": "g",
        "client.id": name,
        "session.timeout.ms": 30000,
    }
    if static:
        conf["group.instance.id"] = f"{name}-instance"
    consumer = Consumer(conf)
    consumer.subscribe(["t"], on_revoke=lambda _c, ps: revokes.append(name) if ps else None)
    return consumer


def _restart(static: bool) -> tuple[World, list[list[int]], list[list[int]], list[str]]:
    world = World(seed=2, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("t", 4)
    revokes: list[str] = []
    with using(world):
        a, b = _member("a", static, revokes), _member("b", static, revokes)
        for _ in range(10):
            a.poll(0.2)
            b.poll(0.2)
        before = [sorted(p.partition for p in c.assignment()) for c in (a, b)]
        world.crash(a.client.name)
        for _ in range(25):  # 5 s later, well within session.timeout.ms
            b.poll(0.2)
        a = _member("a", static, revokes)
        for _ in range(200):  # 40 s: a dynamic member's dead predecessor expires after 30 s
            a.poll(0.2)
            b.poll(0.2)
        after = [sorted(p.partition for p in c.assignment()) for c in (a, b)]
    return world, before, after, revokes


def test_static_member_restart_within_session_timeout_keeps_its_partitions() -> None:
    """The restarted instance gets the same partitions; no rebalance, no revoke anywhere."""
    world, before, after, revokes = _restart(static=True)
    assert before == [[0, 1], [2, 3]]
    assert after == before
    assert [r.get("generation") for r in world.trace.select("kafka.rebalance")] == [1]
    assert revokes == []


def test_dynamic_member_restart_rebalances_the_group() -> None:
    """Without group.instance.id the new process is a new member: the group rebalances
    (eager: everyone revokes everything) once it joins."""
    world, before, after, revokes = _restart(static=False)
    assert before == [[0, 1], [2, 3]]
    assert sorted(p for owned in after for p in owned) == [0, 1, 2, 3]
    assert len(world.trace.select("kafka.rebalance")) >= 2
    assert "b" in revokes


def test_static_member_close_does_not_leave_the_group() -> None:
    """librdkafka: a static member sends no LeaveGroup on close(); its partitions stay
    assigned to it until session.timeout.ms passes, then move."""
    world = World(seed=2, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("t", 4)
    revokes: list[str] = []
    with using(world):
        a, b = _member("a", True, revokes), _member("b", True, revokes)
        for _ in range(10):
            a.poll(0.2)
            b.poll(0.2)
        a.close()
        closed_at = world.now
        while len(b.assignment()) < 4:
            b.poll(0.5)
        assert world.now - closed_at >= 30.0 - 3.0


def test_static_member_over_max_poll_rejoins_its_place_without_a_rebalance() -> None:
    """librdkafka: a static member that exceeds max.poll.interval.ms gets
    _MAX_POLL_EXCEEDED and loses its partitions locally, but sends no LeaveGroup; it
    rejoins with its group.instance.id and gets the same partitions, no rebalance."""
    world = World(seed=2, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("t", 4)
    revokes: list[str] = []
    with using(world):
        conf: dict[str, Any] = {
            "bootstrap.servers": "kafka-1:9092",
            "group.id": "g",
            "session.timeout.ms": 30000,
            "max.poll.interval.ms": 10000,
        }
        a = Consumer({**conf, "client.id": "a", "group.instance.id": "a-instance"})
        b = Consumer({**conf, "client.id": "b", "group.instance.id": "b-instance"})
        a.subscribe(["t"], on_revoke=lambda _c, ps: revokes.append("a"))
        b.subscribe(["t"], on_revoke=lambda _c, ps: revokes.append("b"))
        for _ in range(10):
            a.poll(0.2)
            b.poll(0.2)
        before = sorted(p.partition for p in a.assignment())
        for _ in range(60):  # a does not poll for 12 s
            b.poll(0.2)
        event = a.poll(0)
        assert event is not None
        assert event.error() is not None
        assert event.error().name() == "_MAX_POLL_EXCEEDED"
        for _ in range(20):
            a.poll(0.2)
            b.poll(0.2)
        assert sorted(p.partition for p in a.assignment()) == before
    assert [r.get("generation") for r in world.trace.select("kafka.rebalance")] == [1]
    assert revokes == ["a"]  # a's lost partitions (on_revoke stands in for on_lost); b: none
