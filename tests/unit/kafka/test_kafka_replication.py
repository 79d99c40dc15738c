"""Replication: acks, ISR, min.insync.replicas, leader election, unclean election."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Producer
from mqsim.kafka import KafkaCluster


def _run(
    acks: str,
    *,
    unclean: bool = False,
    crash_after: float = 0.5,
    rf_latency: float = 0.0,
    min_isr: int = 2,
) -> tuple[World, KafkaCluster, list[tuple[str, int]]]:
    world = World(seed=3, until="10m")
    cluster = KafkaCluster(
        world,
        brokers=3,
        config={"min.insync.replicas": min_isr, "unclean.leader.election.enable": unclean},
    )
    cluster.create_topic("pay", 1, 3)
    leader = cluster.partition("pay", 0).leader
    for broker in cluster.brokers.values():
        if broker.id != leader:
            world.net.configure(cluster.brokers[leader].name, broker.name, latency=rf_latency)
    acked: list[tuple[str, int]] = []
    with using(world):
        producer = Producer(
            {"bootstrap.servers": "kafka-1:9092,kafka-2:9092", "acks": acks, "linger.ms": 1}
        )

        def report(err: Any, msg: Any) -> None:
            if err is None:
                acked.append((msg.value().decode(), msg.offset()))

        world.call_later(crash_after, world.crash, cluster.brokers[leader].name)
        for i in range(200):
            producer.produce("pay", value=f"p{i}", on_delivery=report)
            producer.poll(0)
            world.advance(0.005)
        producer.flush(120)
    return world, cluster, acked


def _final_values(cluster: KafkaCluster) -> set[str]:
    return {value.decode() for _o, _k, value in cluster.records("pay", 0) if value is not None}


def test_acks_all_min_isr_2_loses_no_acknowledged_record_on_leader_crash() -> None:
    """acks=all + min.insync.replicas=2 + RF=3: every acknowledged record survives."""
    world, cluster, acked = _run("all", rf_latency=0.002)
    assert len(acked) == 200
    assert {v for v, _o in acked} <= _final_values(cluster)
    leaders = world.trace.select("kafka.leader")
    assert leaders[-1].get("clean") is True
    assert cluster.partition("pay", 0).leader != leaders[0].get("leader")


def test_acks_1_can_lose_acknowledged_records_when_the_leader_dies() -> None:
    """acks=1 answers before followers copy: a leader crash loses acknowledged records."""
    world, cluster, acked = _run("1", rf_latency=0.05)
    lost = {v for v, _o in acked} - _final_values(cluster)
    assert lost
    drops = world.trace.select("msg.drop", where=lambda r: r.get("reason") == "truncated")
    assert len(drops) >= len(lost)


def test_unclean_election_loses_data_clean_election_waits() -> None:
    """With the whole ISR gone, only an unclean election brings the partition back, losing data."""
    for unclean in (False, True):
        world = World(seed=1, until="5m")
        cluster = KafkaCluster(
            world,
            brokers=2,
            config={"unclean.leader.election.enable": unclean, "replica.lag.time.max.ms": 1000},
        )
        cluster.create_topic("t", 1, 2)
        part = cluster.partition("t", 0)
        leader, follower = part.leader, next(b for b in part.replicas if b != part.leader)
        world.crash(cluster.brokers[follower].name)
        world.advance(12)
        assert part.isr == [leader]
        with using(world):
            producer = Producer({"bootstrap.servers": cluster.brokers[leader].name, "acks": "all"})
            for i in range(5):
                producer.produce("t", value=f"v{i}")
            assert producer.flush(10) == 0
        world.crash(cluster.brokers[leader].name)
        world.restart(cluster.brokers[follower].name)
        world.advance(15)
        if unclean:
            assert part.leader == follower
            assert cluster.records("t", 0) == []
            assert world.trace.select("kafka.leader")[-1].get("clean") is False
        else:
            assert part.leader == -1


def test_fast_path_partitioning_matches_the_partitioner() -> None:
    """The producer's hot path puts keyed records where partitioner.hash_partition says."""
    from mqsim.kafka import partitioner

    world = World(seed=2, trace="off")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("keys", 7)
    keys = [f"key-{i}".encode() for i in range(300)]
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        for key in keys:
            producer.produce("keys", value=b"v", key=key)
        assert producer.flush(10) == 0
    placed = {}
    for p in range(7):
        for _offset, key, _value in cluster.records("keys", p):
            placed[key] = p
    assert placed == {k: partitioner.hash_partition("consistent_random", k, 7) for k in keys}
