"""Deliberately broken Kafka models, one per invariant, and a scenario that exposes each.

Each variant is a function ``break_it(monkeypatch)`` that patches the model; each
scenario is an operation list the driver runs. The tests prove that the invariants can
fail: the correct model passes the scenario, the broken one breaks exactly the named
invariant (and the hypothesis machine finds it too).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pytest

from mqsim.kafka import assignors
from mqsim.kafka.cluster import KafkaCluster
from mqsim.kafka.consumer import ConsumerClient
from mqsim.kafka.group import GroupCoordinator
from mqsim.kafka.log import PartitionLog
from mqsim.kafka.producer import ProducerClient

Ops = list[tuple[str, dict[str, Any]]]
Patch = Callable[[pytest.MonkeyPatch], None]


def skip_an_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log leaves a hole: every second batch starts one offset late."""
    append, append_copy = PartitionLog.append, PartitionLog.append_copy

    def broken_append(self: PartitionLog, batch: Any, *, epoch: int, now: float) -> int:
        if len(self.batches) % 2 == 1:
            self.end_offset += 1
        return append(self, batch, epoch=epoch, now=now)

    def tolerant_copy(self: PartitionLog, batch: Any) -> None:
        self.end_offset = max(self.end_offset, batch.base_offset)
        append_copy(self, batch)

    monkeypatch.setattr(PartitionLog, "append", broken_append)
    monkeypatch.setattr(PartitionLog, "append_copy", tolerant_copy)


def repeat_a_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """poll() returns every third record of a consumer a second time."""
    next_item = ConsumerClient.next_item

    def broken(self: ConsumerClient) -> Any:
        item = next_item(self)
        if item is not None and item[0] == "record":
            records = self.__dict__.setdefault("_records_returned", [])
            records.append(item)
            if len(records) % 3 == 0:
                return records[-2]
        return item

    monkeypatch.setattr(ConsumerClient, "next_item", broken)


def assign_a_partition_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assignor also gives the first member's first partition to the second member."""
    assign = assignors.assign

    def broken(strategy: str, members: Any, partitions: Any) -> Any:
        result = assign(strategy, members, partitions)
        ids = [m.member_id for m in members]
        if len(ids) >= 2 and result.get(ids[0]):
            extra = result[ids[0]][0]
            if extra not in result[ids[1]]:
                result[ids[1]] = sorted([*result[ids[1]], extra])
        return result

    monkeypatch.setattr(assignors, "assign", broken)


def forget_a_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assignor leaves the last partition of a topic to nobody."""
    assign = assignors.assign

    def broken(strategy: str, members: Any, partitions: Any) -> Any:
        result = assign(strategy, members, partitions)
        for topic, count in partitions.items():
            for owned in result.values():
                if (topic, count - 1) in owned:
                    owned.remove((topic, count - 1))
        return result

    monkeypatch.setattr(assignors, "assign", broken)


def commit_past_the_high_watermark(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinator stores every committed offset one too far."""
    handle = GroupCoordinator.handle_commit

    def broken(
        self: GroupCoordinator,
        respond: Any,
        broker: Any,
        group_id: str,
        member_id: str,
        generation: int,
        offsets: Any,
    ) -> None:
        moved = {tp: (value[0] + 1, *value[1:]) for tp, value in offsets.items()}
        handle(self, respond, broker, group_id, member_id, generation, moved)

    monkeypatch.setattr(GroupCoordinator, "handle_commit", broken)


def answer_acks_all_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """acks=all is answered as soon as the leader wrote the batch (as acks=1 is)."""
    produce = KafkaCluster.produce

    def broken(
        self: KafkaCluster,
        broker: Any,
        topic: str,
        index: int,
        batch: Any,
        acks: int,
        respond: Any = None,
    ) -> Any:
        return produce(self, broker, topic, index, batch, 1 if acks == -1 else acks, respond)

    monkeypatch.setattr(KafkaCluster, "produce", broken)


def forget_producer_sequences(monkeypatch: pytest.MonkeyPatch) -> None:
    """The leader does not check idempotent producers' sequence numbers (so a retried
    batch is stored again; each append stores a copy, so the first keeps its offsets)."""
    append = PartitionLog.append

    def copying_append(self: PartitionLog, batch: Any, *, epoch: int, now: float) -> int:
        return append(self, batch.copy(), epoch=epoch, now=now)

    monkeypatch.setattr(KafkaCluster, "_check_sequence", lambda self, partition, batch: None)
    monkeypatch.setattr(PartitionLog, "append", copying_append)


def partition_by_arrival(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyed record's partition also counts the producer's records, so one key lands
    in several partitions."""
    produce = ProducerClient.produce

    def broken(
        self: ProducerClient,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        partition: int = -1,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        found = self.cluster.topics.get(topic)
        if key is not None and partition < 0 and found is not None:
            sent = self.__dict__.get("_records_sent", 0)
            self.__dict__["_records_sent"] = sent + 1
            partition = (zlib.crc32(key) + sent) % len(found.partitions)
        produce(self, topic, value, key, partition, *args, **kwargs)

    monkeypatch.setattr(ProducerClient, "produce", broken)


def _group_ops(group: str) -> Ops:
    return [
        ("create_topic", {"name": "t0", "partitions": 3, "rf": 3}),
        ("add_producer", {"acks": -1, "idempotent": False}),
        ("add_consumer", {"group": group}),
        ("add_consumer", {"group": group}),
        ("produce", {"producer": "p1", "topic": "t0", "key": None, "count": 5}),
        ("advance", {"seconds": 7.0}),
        ("consume", {"consumer": "c1", "max_records": 50, "batch": False, "timeout": 1.0}),
        ("consume", {"consumer": "c2", "max_records": 50, "batch": False, "timeout": 1.0}),
    ]


#: invariant -> (broken variant, a scenario that exposes it, seed)
VARIANTS: dict[str, tuple[Patch, Ops]] = {
    "offsets-dense": (
        skip_an_offset,
        [
            ("create_topic", {"name": "t0", "partitions": 1, "rf": 3}),
            ("add_producer", {"acks": 1, "idempotent": False}),
            ("produce", {"producer": "p1", "topic": "t0", "key": None, "count": 2}),
            ("advance", {"seconds": 0.1}),
            ("produce", {"producer": "p1", "topic": "t0", "key": None, "count": 2}),
            ("advance", {"seconds": 0.1}),
        ],
    ),
    "consumer-order": (
        repeat_a_record,
        [
            ("create_topic", {"name": "t0", "partitions": 1, "rf": 3}),
            ("add_producer", {"acks": -1, "idempotent": False}),
            ("add_consumer", {"group": "eager"}),
            ("produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 5}),
            ("advance", {"seconds": 7.0}),
            ("consume", {"consumer": "c1", "max_records": 20, "batch": False, "timeout": 1.0}),
        ],
    ),
    "one-owner": (assign_a_partition_twice, _group_ops("eager")),
    "stable-coverage": (forget_a_partition, _group_ops("coop")),
    "committed-within-hw": (
        commit_past_the_high_watermark,
        [
            *_group_ops("rr"),
            ("commit", {"consumer": "c1"}),
            ("commit", {"consumer": "c2"}),
            ("advance", {"seconds": 0.1}),
        ],
    ),
    "acked-not-lost": (
        answer_acks_all_early,
        [
            ("create_topic", {"name": "t0", "partitions": 1, "rf": 3}),
            ("add_producer", {"acks": -1, "idempotent": False}),
            ("cut", {"a": "kafka-3:9092", "b": "kafka-1:9092"}),
            ("cut", {"a": "kafka-3:9092", "b": "kafka-2:9092"}),
            ("produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 1}),
            ("advance", {"seconds": 0.1}),
        ],
    ),
    "idempotent-no-duplicates": (
        forget_producer_sequences,
        [
            ("create_topic", {"name": "t0", "partitions": 1, "rf": 3}),
            ("add_producer", {"acks": -1, "idempotent": True}),
            ("produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 1}),
            ("advance", {"seconds": 0.0085}),
            ("cut", {"a": "p1", "b": "kafka-3:9092"}),
            ("advance", {"seconds": 40.0}),
            ("heal", {}),
            ("advance", {"seconds": 40.0}),
        ],
    ),
    "key-partition": (
        partition_by_arrival,
        [
            ("create_topic", {"name": "t0", "partitions": 3, "rf": 3}),
            ("add_producer", {"acks": 1, "idempotent": False}),
            ("produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 1}),
            ("advance", {"seconds": 0.1}),
            ("produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 1}),
            ("advance", {"seconds": 0.1}),
        ],
    ),
}
