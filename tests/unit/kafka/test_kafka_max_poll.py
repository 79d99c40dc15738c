"""max.poll.interval.ms: a consumer that does not call poll() in time leaves the group; its
next poll returns _MAX_POLL_EXCEEDED, its commit is refused, and its partitions (with the
record it was working on) go to the other members."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from mqsim.kafka import KafkaCluster


def _consumer(name: str, **extra: Any) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": "kafka-1:9092",
            "group.id": "g",
            "client.id": name,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
            "max.poll.interval.ms": 10000,
            **extra,
        }
    )


def test_slow_consumer_is_evicted_and_its_record_is_processed_twice() -> None:
    """librdkafka: "Application maximum poll interval (10000ms) exceeded": the member
    leaves, the lost-callback runs, the commit fails with UNKNOWN_MEMBER_ID, and the other
    member re-reads the uncommitted record."""
    world = World(seed=7, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("jobs", 1)
    events: list[tuple[str, str, list[int]]] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        for i in range(3):
            producer.produce("jobs", value=f"job{i}".encode())
        producer.flush(10)
        slow, fast = _consumer("a-slow"), _consumer("b-fast")

        def on(name: str, kind: str) -> Any:
            return lambda _c, ps: events.append((name, kind, [p.partition for p in ps]))

        slow.subscribe(["jobs"], on_assign=on("slow", "assign"), on_lost=on("slow", "lost"))
        fast.subscribe(["jobs"], on_assign=on("fast", "assign"))
        first = None
        while first is None:
            first = slow.poll(0.5)
            fast.poll(0.1)
        assert first.value() == b"job0"
        assert slow.assignment()
        assert not fast.assignment()
        # slow "processes" job0 for 15 s without polling; fast keeps polling
        got: list[bytes] = []
        until = world.now + 15
        while world.now < until:
            msg = fast.poll(0.5)
            if msg is not None and msg.error() is None:
                got.append(msg.value())
        assert got[:1] == [b"job0"]  # the record slow was working on, delivered again
        assert [p.partition for p in fast.assignment()] == [0]
        with pytest.raises(KafkaException) as refused:
            slow.commit(message=first, asynchronous=False)
        assert refused.value.args[0].code() == KafkaError.UNKNOWN_MEMBER_ID
        # as librdkafka's mock cluster answers it
        assert refused.value.args[0].str() == "Commit failed: Broker: Unknown member"
        error = slow.poll(0)
        assert error is not None
        assert error.error() is not None
        assert error.error().code() == KafkaError._MAX_POLL_EXCEEDED
        assert "Application maximum poll interval (10000ms) exceeded by" in error.error().str()
        # the next poll runs the lost-callback; then the consumer rejoins on its own
        for _ in range(40):
            slow.poll(0.25)
            fast.poll(0.25)
        moves = [e for e in events if e[2]]
        assert moves[:3] == [
            ("slow", "assign", [0]),
            ("fast", "assign", [0]),
            ("slow", "lost", [0]),
        ]
        assert sorted(p.partition for c in (slow, fast) for p in c.assignment()) == [0]
    commits = world.trace.select("kafka.commit")
    assert [(r.get("ok"), r.get("error")) for r in commits] == [(False, "UNKNOWN_MEMBER_ID")]


def test_a_consumer_that_polls_in_time_is_never_evicted() -> None:
    """The poll interval counts from the last poll() call, not from the first record."""
    world = World(seed=7, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("jobs", 1)
    with using(world):
        consumer = _consumer("steady")
        consumer.subscribe(["jobs"])
        for _ in range(12):
            assert consumer.poll(9.0) is None
    assert world.trace.select("kafka.rebalance")[-1].get("generation") == 1
