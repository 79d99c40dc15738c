"""Rebalance details as librdkafka behaves: the rebalance event comes before prefetched
records, auto-commit commits what is given up in an orderly way, an outdated fetch never
delivers, a member whose callback is still pending does not rejoin (so two assignments are
never queued), and an idle eager member still gets on_revoke([])."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Producer
from mqsim.kafka import KafkaCluster


def _setup(partitions: int = 2, records: int = 200) -> World:
    world = World(seed=5, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("jobs", partitions)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        for i in range(records):
            producer.produce("jobs", f"j{i}".encode(), f"k{i}".encode())
        producer.flush(10)
    return world


def _member(name: str, events: list[Any], **extra: Any) -> Consumer:
    consumer = Consumer(
        {
            "bootstrap.servers": "kafka-1:9092",
            "group.id": "g",
            "client.id": name,
            "auto.offset.reset": "earliest",
            **extra,
        }
    )
    consumer.subscribe(
        ["jobs"],
        on_assign=lambda _c, ps: events.append((name, "assign", [p.partition for p in ps])),
        on_revoke=lambda _c, ps: events.append((name, "revoke", [p.partition for p in ps])),
    )
    return consumer


def test_the_revoke_comes_before_prefetched_records_and_auto_commit_saves_the_work() -> None:
    """With 200 records prefetched, the revoke is served at the first poll after the
    heartbeat that announced the rebalance; auto-commit commits the revoked partitions'
    stored offsets first, so the new owner re-reads nothing."""
    world = _setup()
    events: list[Any] = []
    seen: list[bytes] = []
    with using(world):
        first = _member("a", events)
        while len(seen) < 5:
            msg = first.poll(0.5)
            if msg is not None and msg.error() is None:
                seen.append(msg.value())
        second = _member("b", events)
        for _ in range(400):
            if len(seen) >= 200:
                break
            for consumer in (first, second):
                msg = consumer.poll(0.1)
                if msg is not None and msg.error() is None:
                    seen.append(msg.value())
    revoked_at = [e for e in events if e[1] == "revoke"]
    assert revoked_at[0][0] == "a"
    # at most one record per poll between the heartbeat (3 s) and the revoke
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted({f"j{i}".encode() for i in range(200)})
    commits = world.trace.select("kafka.commit")
    assert any(c.actor == "a" and c.get("ok") for c in commits)


def test_an_outdated_fetch_of_a_partition_assigned_again_delivers_nothing() -> None:
    """A member that gets a partition back in the next generation reads each record once:
    the fetch still in flight for the old assignment does not deliver."""
    world = _setup(partitions=1, records=0)
    events: list[Any] = []
    got: list[tuple[str, int]] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        a = _member("a", events)
        for _ in range(10):
            a.poll(0.1)
        b = _member("b", events)
        for i in range(60):
            producer.produce("jobs", f"late{i}".encode())
            producer.poll(0)
            for name, consumer in (("a", a), ("b", b)):
                msg = consumer.poll(0.1)
                if msg is not None and msg.error() is None:
                    got.append((name, msg.offset()))
        producer.flush(5)
    offsets = [o for _n, o in got]
    assert len(offsets) == len(set(offsets))


def test_idle_eager_member_gets_on_revoke_with_no_partitions_on_close() -> None:
    """librdkafka (range, eager): close() of a member with an empty assignment still calls
    on_revoke([])."""
    world = _setup(partitions=1, records=0)
    events: list[Any] = []
    with using(world):
        a, b = _member("a", events), _member("b", events)
        for _ in range(20):
            a.poll(0.1)
            b.poll(0.1)
        idle = b if not b.assignment() else a
        name = "b" if idle is b else "a"
        idle.close()
    assert (name, "revoke", []) in events


def test_no_second_assignment_is_queued_while_the_first_waits_for_poll() -> None:
    """Six cooperative members, one partition; one member never polls during two
    rebalances: it does not rejoin before its assign callback ran, so it never ends up
    with the partition twice (the hypothesis machine's one-owner counterexample)."""
    from mqsim.testing.driver import replay

    scenario = {
        "machine": "kafka",
        "seed": 0,
        "options": {"brokers": 3, "trace": "full", "latency": 0.001},
        "ops": [
            ["create_topic", {"name": "t0", "partitions": 1, "rf": 3}],
            ["add_producer", {"acks": -1, "idempotent": False}],
            *[["add_consumer", {"group": "coop"}] for _ in range(6)],
            ["advance", {"seconds": 0.003}],
            ["cut", {"a": "c2", "b": "kafka-3:9092"}],
            ["advance", {"seconds": 15.0}],
            ["consume", {"consumer": "c1", "max_records": 1, "batch": False, "timeout": 0.1}],
            ["advance", {"seconds": 7.0}],
            ["consume", {"consumer": "c2", "max_records": 1000, "batch": True}],
            ["consume", {"consumer": "c1", "max_records": 1, "batch": False, "timeout": 0.0}],
            ["advance", {"seconds": 1.0}],
        ],
    }
    result = replay(scenario)
    assert result.ok, str(result.violation)
