"""Differential test of the transactional API's state machine: the same calls against
librdkafka's mock cluster (real confluent-kafka) and against mqsim; the errors (name, text,
flags) and the offsets the records and markers take must be equal. Two things the mock
cannot show are left out: it does not fence an older producer epoch (its commit succeeds,
a real broker refuses it), and its fetch responses list no aborted transactions, so a
read_committed consumer on the mock still returns aborted records."""

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


def _outcome(call: Any) -> Any:
    try:
        call()
    except Exception as problem:  # the outcome is what we compare
        error = problem.args[0] if problem.args else None
        if hasattr(error, "name"):
            return [
                error.name(),
                error.str(),
                error.fatal(),
                error.retriable(),
                error.txn_requires_abort(),
            ]
        return [type(problem).__name__, str(problem)]
    return "ok"


def scenario(ck: ModuleType, bootstrap: str) -> dict[str, Any]:
    """State errors around init/begin/commit/abort, then committed vs aborted records."""
    out: dict[str, Any] = {}
    producer = ck.Producer({"bootstrap.servers": bootstrap, "transactional.id": "diff-tx"})
    out["produce_before_init"] = _outcome(lambda: producer.produce("diff-tx", b"x"))
    out["begin_before_init"] = _outcome(producer.begin_transaction)
    out["init"] = _outcome(lambda: producer.init_transactions(10))
    out["produce_ready"] = _outcome(lambda: producer.produce("diff-tx", b"x"))
    out["commit_ready"] = _outcome(lambda: producer.commit_transaction(5))
    out["abort_ready"] = _outcome(lambda: producer.abort_transaction(5))
    out["begin"] = _outcome(producer.begin_transaction)
    out["begin_again"] = _outcome(producer.begin_transaction)
    for value in (b"c0", b"c1"):
        producer.produce("diff-tx", value)
    out["commit"] = _outcome(lambda: producer.commit_transaction(10))
    producer.begin_transaction()
    producer.produce("diff-tx", b"a2")
    producer.flush(10)
    out["abort"] = _outcome(lambda: producer.abort_transaction(10))
    producer.begin_transaction()
    producer.produce("diff-tx", b"c3")
    out["commit_2"] = _outcome(lambda: producer.commit_transaction(10))
    plain = ck.Producer({"bootstrap.servers": bootstrap})
    out["plain_init"] = _outcome(lambda: plain.init_transactions(5))
    consumer = ck.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "diff-tx-reader",
            "isolation.level": "read_committed",
        }
    )
    consumer.assign([ck.TopicPartition("diff-tx", 0, 0)])
    got = []
    for _ in range(20):
        msg = consumer.poll(0.5)
        if msg is not None and msg.error() is None:
            got.append([msg.offset(), msg.value()])
    consumer.close()
    out["read_committed"] = got
    idle = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "diff-tx-idle"})
    idle.assign([ck.TopicPartition("diff-tx", 0, 0)])
    out["commit_nothing"] = _outcome(lambda: idle.commit(asynchronous=False))
    idle.close()
    return out


@pytest.fixture(scope="module")
def mock_bootstrap() -> Iterator[str]:
    cluster = MockCluster(3, rebalance_delay_ms=0, controller_id=1)
    cluster.create_topic("diff-tx", 1)
    yield cluster.bootstrap
    cluster.close()


def test_transactional_api_matches_librdkafka_mock(mock_bootstrap: str) -> None:
    """State errors, marker offsets and committed records agree."""
    real = scenario(confluent_kafka, mock_bootstrap)
    world, cluster = oracle_world()
    cluster.create_topic("diff-tx", 1)
    from mqsim import confluent_kafka as simulated

    with using(world):
        simulated_result = scenario(simulated, "kafka-1:9092")
    # offsets: c0 0, c1 1, COMMIT 2, a2 3, ABORT 4, c3 5 on both
    assert [3, b"a2"] in real["read_committed"]  # the mock's limitation, see above
    real["read_committed"] = [r for r in real["read_committed"] if r != [3, b"a2"]]
    assert simulated_result == real
