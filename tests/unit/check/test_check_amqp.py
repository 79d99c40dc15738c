"""The delivery checker on hand-built RabbitMQ traces: each anomaly, present and absent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.check import check

if TYPE_CHECKING:
    from conftest import Tape

RABBIT = "localhost:5672"


def test_clean_run_is_ok(tape: Tape) -> None:
    """Published, confirmed, delivered, consumed and acked: nothing to report."""
    for msg in ("m1", "m2", "m3"):
        tape.publish(msg, ["jobs"]).consume(msg, "jobs")
    report = check(tape.records)
    assert report.ok
    assert (report.published, report.consumed) == (3, 3)
    assert report.findings == ()


def test_auto_ack_then_client_crash_loses_the_message(tape: Tape) -> None:
    """Auto-ack: the broker forgets the message at delivery; if the app never got it, it's lost."""
    tape.publish("m1", ["jobs"]).deliver("m1", "jobs")
    tape("msg.ack", RABBIT, "m1", where="jobs", consumer="consumer")
    report = check(tape.records)
    assert report.lost == ("m1",)
    assert not report.ok
    assert report.for_message("m1")[0].detail == "acknowledged at delivery, never received"


def test_auto_ack_received_is_not_lost(tape: Tape) -> None:
    """The same auto-ack delivery, received by the application, is fine."""
    tape.publish("m1", ["jobs"]).deliver("m1", "jobs")
    tape("msg.ack", RABBIT, "m1", where="jobs", consumer="consumer")
    tape("msg.consume", "consumer", "m1", where="jobs", redelivered=False)
    assert check(tape.records).ok


def test_broker_crash_loses_a_confirmed_message(tape: Tape) -> None:
    """A confirmed message dropped by a broker crash before anyone read it is lost."""
    tape.publish("m1", ["jobs"])
    tape("fault.crash", RABBIT)
    tape("msg.drop", RABBIT, "m1", where="jobs", reason="crash")
    report = check(tape.records)
    assert report.lost == ("m1",)
    assert report.unconfirmed_lost == ()
    assert report.drop_reasons == (("crash", 1),)


def test_unconfirmed_losses_are_reported_apart(tape: Tape) -> None:
    """A loss the publisher was warned of (a nack, or no verdict though it asked) is apart;
    a plain publish without confirms that is gone is lost: nobody told the publisher."""
    tape.publish("m1", ["jobs"], confirm=False)
    tape.publish("m2", ["jobs"], ok=False)
    tape.publish("m3", ["jobs"], ok=None)  # confirm asked, verdict never came
    for msg in ("m1", "m2", "m3"):
        tape("msg.drop", RABBIT, msg, where="jobs", reason="crash")
    report = check(tape.records)
    assert report.lost == ("m1",)
    assert report.unconfirmed_lost == ("m2", "m3")
    assert not report.ok


def test_warned_losses_alone_are_not_violations(tape: Tape) -> None:
    """Only losses the publisher was warned of: the report is ok (at-most-once, by design)."""
    tape.publish("m2", ["jobs"], ok=False)
    tape("msg.drop", RABBIT, "m2", where="jobs", reason="crash")
    report = check(tape.records)
    assert report.unconfirmed_lost == ("m2",)
    assert report.ok


def test_routed_but_never_stored_is_lost(tape: Tape) -> None:
    """Routing promised a copy in each queue; a queue that never got it lost it."""
    tape("msg.publish", "producer", "m1", system="amqp", dest="fan", key="", body=b"", confirm=True)
    tape("msg.route", RABBIT, "m1", dest="fan", queues=["a", "b"])
    tape("msg.store", RABBIT, "m1", where="a")
    tape("msg.confirm", "producer", "m1", ok=True, error=None)
    tape.consume("m1", "a")
    report = check(tape.records)
    assert report.lost == ("m1",)
    assert [(f.kind, f.where) for f in report.for_message("m1")] == [("lost", "b")]


def test_fanout_copy_lost_in_one_queue_is_lost_even_if_read_in_another(tape: Tape) -> None:
    """Each bound queue's copy is checked on its own."""
    tape.publish("m1", ["a", "b"]).consume("m1", "a")
    tape("msg.drop", RABBIT, "m1", where="b", reason="client-crash")
    assert check(tape.records).lost == ("m1",)


def test_a_message_with_no_record_after_publish_is_lost(tape: Tape) -> None:
    """mqsim accounts for every message; one that vanishes is reported."""
    tape("msg.publish", "producer", "m1", system="amqp", dest="", key="q", body=b"", confirm=True)
    tape("msg.confirm", "producer", "m1", ok=True, error=None)
    report = check(tape.records)
    assert report.lost == ("m1",)
    assert report.findings[0].where == "-"


def test_expired_and_dead_lettered_are_reported_not_lost(tape: Tape) -> None:
    """TTL expiry and dead-lettering are configuration, not loss."""
    tape.publish("m1", ["work"]).publish("m2", ["work"])
    tape("msg.drop", RABBIT, "m1", where="work", reason="expired")
    tape("msg.drop", RABBIT, "m2", where="work", reason="dead-lettered", to="dlx")
    tape("msg.route", RABBIT, "m2", dest="dlx", queues=["dlq"])
    tape("msg.store", RABBIT, "m2", where="dlq")
    report = check(tape.records)
    assert report.ok
    assert report.lost == ()
    assert report.expired == ("m1",)
    assert report.dead_lettered == ("m2",)
    assert report.dropped == ("m1", "m2")
    assert report.stored == ("m2",)
    assert report.drop_reasons == (("dead-lettered", 1), ("expired", 1))


def test_unroutable_and_returned_messages_are_not_lost(tape: Tape) -> None:
    """An unroutable message is dropped (or returned when mandatory), never silently lost."""
    tape.publish("m1", [], exchange="logs")
    tape("msg.drop", RABBIT, "m1", where=None, reason="unroutable")
    tape.publish("m2", [], exchange="logs")
    tape("msg.return", RABBIT, "m2", dest="logs", key="k", code=312, text="NO_ROUTE")
    report = check(tape.records)
    assert report.lost == ()
    assert report.returned == ("m2",)
    assert report.drop_reasons == (("unroutable", 1),)
    assert report.ok


def test_redelivery_after_consumer_crash_is_a_duplicate(tape: Tape) -> None:
    """Received, not acked, consumer died: RabbitMQ requeues and redelivers it."""
    tape.publish("m1", ["jobs"]).consume("m1", "jobs", ack=False)
    tape("msg.requeue", RABBIT, "m1", where="jobs", reason="consumer-crash")
    tape.consume("m1", "jobs", consumer="consumer2", redelivered=True)
    report = check(tape.records)
    assert report.duplicated == ("m1",)
    assert report.redelivered == ("m1",)
    assert report.lost == ()
    assert "consumed 2 times by queue 'jobs'" in str(report.for_message("m1"))
    assert not report.ok


def test_one_copy_per_queue_is_not_a_duplicate(tape: Tape) -> None:
    """A fanout message read once from each of two queues is not duplicated."""
    tape.publish("m1", ["a", "b"]).consume("m1", "a").consume("m1", "b", consumer="other")
    report = check(tape.records)
    assert report.duplicated == ()
    assert report.redelivered == ()
    assert report.ok


def test_consumed_but_never_published_is_unexpected(tape: Tape) -> None:
    """A message nobody published must not reach a consumer."""
    tape.publish("m1", ["jobs"]).consume("m1", "jobs")
    tape("msg.consume", "consumer", "m9", where="jobs", redelivered=False)
    report = check(tape.records)
    assert report.unexpected == ("m9",)
    assert report.published == 1
    assert report.consumed == 2
    assert not report.ok


def test_still_stored_and_unacked_at_the_end(tape: Tape) -> None:
    """Ready messages are stored; received but never acked ones are unacked."""
    tape.publish("m1", ["jobs"]).publish("m2", ["jobs"]).publish("m3", ["jobs"])
    tape.consume("m1", "jobs", ack=False)
    tape.deliver("m3", "jobs")
    report = check(tape.records)
    assert report.unacked == ("m1",)
    assert report.stored == ("m2", "m3")
    assert report.lost == ()
    assert report.ok


def test_rejected_after_receipt_is_dropped_not_lost(tape: Tape) -> None:
    """basic_reject without requeue and no DLX: the app saw it and chose to drop it."""
    tape.publish("m1", ["jobs"]).consume("m1", "jobs", ack=False)
    tape("msg.drop", RABBIT, "m1", where="jobs", reason="rejected")
    report = check(tape.records)
    assert report.lost == ()
    assert report.dropped == ("m1",)
    assert report.stored == ()
