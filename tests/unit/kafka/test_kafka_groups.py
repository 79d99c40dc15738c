"""Consumer groups: partitions split across members; a killed member's partitions move
after session.timeout.ms; callbacks run inside poll()."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer
from mqsim.kafka import KafkaCluster


def test_group_splits_partitions_and_recovers_from_a_killed_member() -> None:
    """Two members get 2+2 of 4 partitions; kill one: after 45 s the other owns all 4."""
    world = World(seed=5, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("jobs", 4)
    log: list[tuple[str, str, list[int]]] = []

    def on(name: str, kind: str) -> Any:
        return lambda c, ps: log.append((name, kind, [p.partition for p in ps]))

    with using(world):
        a = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "g", "client.id": "a"})
        b = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "g", "client.id": "b"})
        a.subscribe(["jobs"], on_assign=on("a", "assign"), on_revoke=on("a", "revoke"))
        b.subscribe(["jobs"], on_assign=on("b", "assign"), on_revoke=on("b", "revoke"))
        for _ in range(20):
            a.poll(0.5)
            b.poll(0.5)
        owned = sorted(p.partition for c in (a, b) for p in c.assignment())
        assert owned == [0, 1, 2, 3]
        assert len(a.assignment()) == len(b.assignment()) == 2
        killed_at = world.now
        world.crash(b.client.name)
        while len(a.assignment()) < 4:
            a.poll(1.0)
        # session.timeout.ms (45 s) counts from the last heartbeat (every 3 s) before the kill
        assert world.now - killed_at >= 45.0 - 3.0
    assert log[-1] == ("a", "assign", [0, 1, 2, 3])
    assert ("a", "revoke", sorted(p for _n, k, ps in log[:2] for p in ps if _n == "a")) in log
    generations = [r.get("generation") for r in world.trace.select("kafka.rebalance")]
    assert generations == sorted(generations)
    assert len(generations) >= 2
