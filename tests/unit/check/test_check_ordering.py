"""Reordering: only where RabbitMQ or Kafka promise an order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.check import Reordering, check

if TYPE_CHECKING:
    from conftest import Tape

KAFKA = "localhost:9092"
RABBIT = "localhost:5672"


def test_single_consumer_queue_out_of_order_is_reported(tape: Tape) -> None:
    """One consumer, no requeue: RabbitMQ delivers in queue order."""
    tape.publish("m1", ["q"]).publish("m2", ["q"]).publish("m3", ["q"])
    tape.consume("m2", "q").consume("m1", "q").consume("m3", "q")
    report = check(tape.records)
    assert report.reordered == (Reordering("queue", "q", "m1", "m2"),)
    assert report.ids("reordered") == ("m1", "m2")
    assert not report.ok


def test_in_order_queue_is_not_reordered(tape: Tape) -> None:
    """Received in store order: nothing to report."""
    tape.publish("m1", ["q"]).publish("m2", ["q"]).consume("m1", "q").consume("m2", "q")
    assert check(tape.records).reordered == ()


def test_competing_consumers_promise_no_order(tape: Tape) -> None:
    """With two consumers on a queue the application sees no global order."""
    tape.publish("m1", ["q"]).publish("m2", ["q"])
    tape.consume("m2", "q", consumer="a").consume("m1", "q", consumer="b")
    assert check(tape.records).reordered == ()


def test_requeue_voids_the_queue_order(tape: Tape) -> None:
    """A requeued message goes back to its place and comes out later: not reported."""
    tape.publish("m1", ["q"]).publish("m2", ["q"]).deliver("m1", "q")
    tape("msg.requeue", RABBIT, "m1", where="q", reason="nack")
    tape.consume("m2", "q").consume("m1", "q", redelivered=True)
    assert check(tape.records).reordered == ()


def test_priorities_are_ordered_per_level(tape: Tape) -> None:
    """A higher-priority message overtakes a lower one legitimately."""
    tape("msg.publish", "p", "m1", system="amqp", dest="", key="q", body=b"", confirm=False)
    tape("msg.store", RABBIT, "m1", where="q", priority=0)
    tape(
        "msg.publish",
        "p",
        "m2",
        system="amqp",
        dest="",
        key="q",
        body=b"",
        confirm=False,
        priority=9,
    )
    tape("msg.store", RABBIT, "m2", where="q")
    tape.consume("m2", "q").consume("m1", "q")
    assert check(tape.records).reordered == ()


def test_group_reading_a_partition_backwards_is_reordered(tape: Tape) -> None:
    """Within a partition a group reads in offset order."""
    tape.produce("m1", "t/0", 0).produce("m2", "t/0", 1)
    tape.poll("m2", "t/0", 1).poll("m1", "t/0", 0)
    report = check(tape.records)
    assert report.reordered == (Reordering("partition", "t/0 group 'g'", "m1", "m2"),)


def test_different_partitions_have_no_mutual_order(tape: Tape) -> None:
    """Kafka orders within a partition only."""
    tape.produce("m1", "t/0", 0).produce("m2", "t/1", 0)
    tape.poll("m2", "t/1", 0).poll("m1", "t/0", 0)
    assert check(tape.records).reordered == ()


def test_retried_batch_breaks_per_key_order(tape: Tape) -> None:
    """max.in.flight > 1 with retries: the first send lands after the second."""
    tape("msg.publish", "p", "m1", system="kafka", dest="t", key=b"k", body=b"1", confirm=True)
    tape("msg.publish", "p", "m2", system="kafka", dest="t", key=b"k", body=b"2", confirm=True)
    tape("msg.store", KAFKA, "m2", where="t/0", offset=0)
    tape("msg.store", KAFKA, "m1", where="t/0", offset=1)
    report = check(tape.records)
    assert report.reordered == (Reordering("key", "t key b'k' in t/0", "m1", "m2"),)


def test_different_keys_have_no_mutual_order(tape: Tape) -> None:
    """Per-key order says nothing about two keys."""
    tape("msg.publish", "p", "m1", system="kafka", dest="t", key=b"a", body=b"1", confirm=True)
    tape("msg.publish", "p", "m2", system="kafka", dest="t", key=b"b", body=b"2", confirm=True)
    tape("msg.store", KAFKA, "m2", where="t/0", offset=0)
    tape("msg.store", KAFKA, "m1", where="t/0", offset=1)
    assert check(tape.records).reordered == ()


def test_truncated_copies_do_not_count_for_key_order(tape: Tape) -> None:
    """After a failover the next record reuses a truncated offset: no order was broken."""
    tape("msg.publish", "p", "m1", system="kafka", dest="t", key=b"k", body=b"1", confirm=True)
    tape("msg.store", KAFKA, "m1", where="t/0", offset=5)
    tape("msg.drop", KAFKA, "m1", where="t/0", reason="truncated")
    tape("msg.publish", "p", "m2", system="kafka", dest="t", key=b"k", body=b"2", confirm=True)
    tape("msg.store", KAFKA, "m2", where="t/0", offset=4)
    assert check(tape.records).reordered == ()


def test_reading_reused_offsets_after_truncation_is_not_reordered(tape: Tape) -> None:
    """An unclean election truncates the log; reading offset 0 again is a new era."""
    tape.produce("m1", "t/0", 0).produce("m2", "t/0", 1).poll("m1", "t/0", 0).poll("m2", "t/0", 1)
    for msg in ("m1", "m2"):
        tape("msg.drop", KAFKA, msg, where="t/0", reason="truncated")
    tape.produce("m3", "t/0", 0).poll("m3", "t/0", 0)
    report = check(tape.records)
    assert report.reordered == ()
    assert report.duplicated == ()
