"""Producer retries: a lost produce response duplicates and reorders records, unless the
producer is idempotent (producer id + sequence numbers let the leader drop the retry)."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Producer
from mqsim.kafka import KafkaCluster


def _lose_first_response(conf: dict[str, Any]) -> tuple[World, KafkaCluster, list[Any]]:
    """Record A's request reaches the leader, but its response is lost in a short network
    partition; record B is sent after the heal and acknowledged; A is retried after
    ``request.timeout.ms``."""
    world = World(seed=4, until="10m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("pay", 1, 1)
    broker = cluster.brokers[1].name
    reports: list[Any] = []
    with using(world):
        producer = Producer({"bootstrap.servers": broker, "linger.ms": 0, **conf})
        producer.list_topics("pay")
        world.net.configure(producer.client.name, broker, latency=0.010)
        on_delivery = lambda err, msg: reports.append((err, msg.value(), msg.offset()))  # noqa: E731
        producer.produce("pay", b"A", on_delivery=on_delivery)
        producer.poll(0.005)  # A is on the wire; the leader appends it at +10 ms
        world.partition(producer.client.name, broker)  # ... and its response is lost
        producer.poll(0.010)
        world.heal()
        producer.produce("pay", b"B", on_delivery=on_delivery)
        assert producer.flush(120) == 0
    return world, cluster, reports


def test_without_idempotence_a_retry_after_a_lost_response_duplicates_and_reorders() -> None:
    """acks=all, retries, max.in.flight=5, no idempotence: the log holds A, B, A."""
    world, cluster, reports = _lose_first_response({"enable.idempotence": False})
    assert [value for _o, _k, value in cluster.records("pay", 0)] == [b"A", b"B", b"A"]
    assert sorted((err, value) for err, value, _o in reports) == [(None, b"A"), (None, b"B")]
    # The delivery report of A names the offset of the retry, after B's.
    offsets = {value: offset for _e, value, offset in reports}
    assert offsets == {b"B": 1, b"A": 2}
    stores = world.trace.select("msg.store")
    assert len(stores) == 3
    assert stores[0].msg == stores[2].msg  # the retry stored the same message twice
    assert producer_retries(world) >= 1


def test_idempotent_producer_retry_is_dropped_as_a_duplicate_and_order_is_kept() -> None:
    """enable.idempotence: the leader recognises A's retry (same producer id and sequence)
    and answers with A's original offset: the log holds A, B once each, in order."""
    world, cluster, reports = _lose_first_response({"enable.idempotence": True})
    assert [value for _o, _k, value in cluster.records("pay", 0)] == [b"A", b"B"]
    offsets = {value: offset for err, value, offset in reports if err is None}
    assert offsets == {b"A": 0, b"B": 1}
    assert len(world.trace.select("msg.store")) == 2
    assert producer_retries(world) >= 1


def test_idempotent_producer_reorders_nothing_when_a_request_is_lost() -> None:
    """A lost *request* with idempotence: B arrives first and is refused
    (OUT_OF_ORDER_SEQUENCE_NUMBER) until A's retry fills the gap; the log is A, B."""
    world = World(seed=4, until="10m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("pay", 1, 1)
    broker = cluster.brokers[1].name
    with using(world):
        producer = Producer(
            {"bootstrap.servers": broker, "linger.ms": 0, "enable.idempotence": True}
        )
        producer.list_topics("pay")
        world.net.configure(producer.client.name, broker, latency=0.010)
        world.partition(producer.client.name, broker)
        producer.produce("pay", b"A")
        producer.poll(0.005)
        world.heal()
        producer.produce("pay", b"B")
        assert producer.flush(120) == 0
    assert [value for _o, _k, value in cluster.records("pay", 0)] == [b"A", b"B"]


def producer_retries(world: World) -> int:
    """Retries counted by the producer's statistics (the only producer in the world)."""
    from mqsim.kafka import ProducerClient

    for name in world.nodes:
        node = world.node(name)
        if isinstance(node, ProducerClient):
            return node.statistics().retries
    raise AssertionError("no producer")
