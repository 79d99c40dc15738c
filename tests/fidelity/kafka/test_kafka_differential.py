"""Differential test: the same small scenarios against librdkafka's mock cluster (real
confluent-kafka, via ../shared/oracle/kafka/mock_cluster.py) and against mqsim's facade;
what the client observes must be equal. Needs confluent-kafka (the ``test`` extra)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import confluent_kafka
import pytest
from kafka_oracle_world import CASES, oracle_world

from mqsim.clients.default import using

sys.path.insert(0, str(CASES.parent))
from mock_cluster import MockCluster

TOPICS = {"diff-one": 1, "diff-six": 6, "diff-wm": 2}


def _poll_values(consumer: Any, count: int, rounds: int = 60) -> list[tuple[int, int, bytes]]:
    got: list[tuple[int, int, bytes]] = []
    for _ in range(rounds):
        if len(got) >= count:
            break
        msg = consumer.poll(0.5)
        if msg is not None and msg.error() is None:
            got.append((msg.partition(), msg.offset(), msg.value()))
    return got


def scenario(ck: ModuleType, bootstrap: str) -> dict[str, Any]:
    """Keyed produce, assign + commit + committed + position, watermarks, seek."""
    out: dict[str, Any] = {}
    producer = ck.Producer({"bootstrap.servers": bootstrap})
    reports: list[tuple[str, int, int]] = []

    def report(err: Any, msg: Any) -> None:
        reports.append(((msg.key() or b"").decode(), msg.partition(), msg.offset()))

    for i in range(24):
        producer.produce("diff-six", key=f"key-{i % 8}", value=f"v{i}", on_delivery=report)
    for i in range(10):
        producer.produce("diff-one", value=f"m{i}", on_delivery=report)
    for i in range(5):
        producer.produce("diff-wm", value=f"w{i}", partition=1, on_delivery=report)
    out["flush_left"] = producer.flush(30)
    out["reports"] = sorted(reports)
    tp_class = ck.TopicPartition
    consumer = ck.Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "diff", "enable.auto.commit": False}
    )
    out["watermarks"] = [
        list(consumer.get_watermark_offsets(tp_class("diff-wm", p), timeout=10)) for p in (0, 1)
    ]
    out["committed_before"] = [
        t.offset for t in consumer.committed([tp_class("diff-one", 0)], timeout=10)
    ]
    consumer.assign([tp_class("diff-one", 0, 0)])
    out["first"] = _poll_values(consumer, 4)
    out["position"] = [t.offset for t in consumer.position([tp_class("diff-one", 0)])]
    committed = consumer.commit(asynchronous=False)
    out["commit_result"] = [(t.topic, t.partition, t.offset) for t in committed]
    after = consumer.committed([tp_class("diff-one", 0)], timeout=10)
    out["committed_after"] = [t.offset for t in after]
    consumer.seek(tp_class("diff-one", 0, 8))
    out["position_after_seek"] = [t.offset for t in consumer.position([tp_class("diff-one", 0)])]
    out["after_seek"] = _poll_values(consumer, 2)
    consumer.close()
    return out


@pytest.fixture(scope="module")
def mock_bootstrap() -> Iterator[str]:
    cluster = MockCluster(3, rebalance_delay_ms=0, controller_id=1)
    for name, partitions in TOPICS.items():
        cluster.create_topic(name, partitions)
    yield cluster.bootstrap
    cluster.close()


def test_mqsim_observes_what_librdkafka_mock_observes(mock_bootstrap: str) -> None:
    """Offsets, partitions, watermarks, commits, positions and seeks agree."""
    real = scenario(confluent_kafka, mock_bootstrap)
    world, cluster = oracle_world()
    for name, partitions in TOPICS.items():
        cluster.create_topic(name, partitions)
    from mqsim import confluent_kafka as simulated

    with using(world):
        simulated_result = scenario(simulated, "kafka-1:9092")
    assert simulated_result == real
