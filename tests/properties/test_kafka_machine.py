"""The Kafka model under its stateful machine (:class:`mqsim.testing.machines.KafkaMachine`).

Every invariant is checked after every step; a failure prints the seed and the operation
list, which ``mqsim replay`` runs again. Known model bugs are replayed first (their shrunk
scenarios are below) and stay as regression tests.
"""

from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test
from machine_settings import machine_settings

from mqsim.testing.driver import replay
from mqsim.testing.machines import KafkaMachine

#: Model bugs the machine found, as shrunk scenarios (see the report of issue 7); fixed,
#: each now replays as a regression test.
KNOWN_BUGS = {
    # A pending acks=all produce was answered with success once the ISR shrank below
    # min.insync.replicas (a follower crashed and was fenced); Kafka answers
    # NOT_ENOUGH_REPLICAS_AFTER_APPEND (Partition.checkEnoughReplicasReachOffset).
    "acks-all-after-isr-shrink": (
        '{"machine": "kafka", "seed": 0, "options": {"brokers": 3, "trace": "full", '
        '"latency": 0.001}, "ops": [["create_topic", {"name": "t0", "partitions": 1, '
        '"rf": 3}], ["add_producer", {"acks": -1, "idempotent": false}], ["advance", '
        '{"seconds": 15.0}], ["create_topic", {"name": "t1", "partitions": 1, "rf": 2}], '
        '["crash_broker", {"broker": 1}], ["produce", {"producer": "p1", "topic": "t1", '
        '"key": null, "count": 1}], ["advance", {"seconds": 7.0}]]}'
    ),
    # A non-idempotent producer retries a batch whose response was lost; the leader
    # appended the same RecordBatch object again and PartitionLog.append rewrote its
    # base offset, so the first copy moved: offset 0 vanished, offset 1 was there twice.
    "retried-batch-aliased": (
        '{"machine": "kafka", "seed": 0, "options": {"brokers": 3, "trace": "full", '
        '"latency": 0.001}, "ops": [["create_topic", {"name": "t0", "partitions": 1, '
        '"rf": 3}], ["add_producer", {"acks": -1, "idempotent": false}], ["produce", '
        '{"producer": "p1", "topic": "t0", "key": "a", "count": 1}], ["advance", '
        '{"seconds": 0.0085}], ["cut", {"a": "p1", "b": "kafka-3:9092"}], ["advance", '
        '{"seconds": 40.0}], ["heal", {}], ["advance", {"seconds": 40.0}]]}'
    ),
}


def test_kafka_machine_invariants_hold() -> None:
    """Produce, consume, commit, seek, group changes, broker and client crashes, network
    cuts and time: every Kafka invariant holds after every step."""
    for scenario in KNOWN_BUGS.values():
        result = replay(scenario)
        if result.violation is not None:
            raise result.violation
    run_state_machine_as_test(KafkaMachine, settings=machine_settings())


@pytest.mark.parametrize("name", sorted(KNOWN_BUGS))
def test_known_kafka_model_bug_is_fixed(name: str) -> None:
    """The shrunk scenario of a fixed model bug replays without breaking an invariant."""
    result = replay(KNOWN_BUGS[name])
    assert result.ok, str(result.violation)
