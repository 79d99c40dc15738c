"""offsets_for_times: ListOffsets by timestamp gives the earliest offset whose record
timestamp is >= the one asked, -1 (OFFSET_END) when no record is that recent."""

from __future__ import annotations

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Producer, TopicPartition
from mqsim.kafka import KafkaCluster


def test_offsets_for_times_finds_the_first_record_at_or_after_each_timestamp() -> None:
    """Records at t = 0, 10, 20, 30 s (create time, ms); the lookups land on them."""
    world = World(seed=1, until="10m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("ticks", 2)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        for i in range(4):
            producer.produce("ticks", value=f"t{i}".encode(), partition=0)
            producer.flush(1)
            world.advance(10 - (world.now % 10))
        producer.produce("ticks", value=b"explicit", partition=1, timestamp=5_000)
        producer.flush(1)
        consumer = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "g"})
        stamps = [int(record[0]) for record in _timestamps(cluster)]
        asked = [0, 1, stamps[1], stamps[1] + 1, stamps[3], stamps[3] + 1]
        found = consumer.offsets_for_times([TopicPartition("ticks", 0, t) for t in asked])
        assert [tp.offset for tp in found] == [0, 1, 1, 2, 3, -1]
        assert [tp.partition for tp in found] == [0] * 6
        explicit = consumer.offsets_for_times(
            [TopicPartition("ticks", 1, 4_999), TopicPartition("ticks", 1, 5_001)]
        )
        assert [tp.offset for tp in explicit] == [0, -1]


def _timestamps(cluster: KafkaCluster) -> list[tuple[int, int]]:
    log = cluster.partition("ticks", 0).leader_log
    return [
        (ts, batch.base_offset + i)
        for batch in log.batches
        for i, ts in enumerate(batch.timestamps)
    ]
