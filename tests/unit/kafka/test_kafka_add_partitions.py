"""Adding partitions to a live topic (CreatePartitions): keys move to other partitions (the
partitioner hashes modulo the new count), and clients see the new partitions only at their
next metadata refresh (topic.metadata.refresh.interval.ms, 5 minutes by default), when the
consumers rebalance."""

from __future__ import annotations

import zlib

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Producer
from mqsim.confluent_kafka.admin import AdminClient, NewPartitions
from mqsim.kafka import KafkaCluster

KEY = b"customer-7"


def test_new_partitions_move_keys_after_the_metadata_refresh() -> None:
    """Key 'customer-7' goes to crc32 % 2 before, crc32 % 3 only after the producer's
    metadata refresh; the consumer rebalances onto 3 partitions after its own refresh."""
    before, after = zlib.crc32(KEY) % 2, zlib.crc32(KEY) % 3
    assert before != after
    world = World(seed=1, until="30m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("orders", 2)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        consumer = Consumer(
            {
                "bootstrap.servers": "kafka-1:9092",
                "group.id": "g",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["orders"])
        producer.produce("orders", value=b"v0", key=KEY)
        producer.flush(10)
        consumer.poll(5)
        assert [p.partition for p in consumer.assignment()] == [0, 1]
        admin = AdminClient({"bootstrap.servers": "kafka-1:9092"})
        admin.create_partitions([NewPartitions("orders", 3)])["orders"].result()
        grown_at = world.now
        producer.produce("orders", value=b"v1", key=KEY)  # still 2 partitions known
        producer.flush(10)
        while len(consumer.assignment()) < 3:
            consumer.poll(10)
        noticed = world.now - grown_at
        producer.produce("orders", value=b"v2", key=KEY)  # refreshed by now
        producer.flush(10)
    assert 0 < noticed <= 300 + 10
    values = {p: [v for _o, _k, v in cluster.records("orders", p)] for p in range(3)}
    assert values[before] == [b"v0", b"v1"]
    assert values[after] == [b"v2"]
    generations = [r.get("generation") for r in world.trace.select("kafka.rebalance")]
    assert generations == [1, 2]


def test_a_shorter_refresh_interval_notices_sooner() -> None:
    """With topic.metadata.refresh.interval.ms=10000 the consumer rebalances within 10 s."""
    world = World(seed=1, until="30m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("orders", 2)
    with using(world):
        consumer = Consumer(
            {
                "bootstrap.servers": "kafka-1:9092",
                "group.id": "g",
                "topic.metadata.refresh.interval.ms": 10000,
            }
        )
        consumer.subscribe(["orders"])
        consumer.poll(5)
        cluster.create_partitions("orders", 4)
        grown_at = world.now
        while len(consumer.assignment()) < 4:
            consumer.poll(1)
        assert world.now - grown_at <= 10 + 1
