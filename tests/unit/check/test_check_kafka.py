"""The delivery checker on hand-built Kafka traces: each anomaly, present and absent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.check import check

if TYPE_CHECKING:
    from conftest import Tape

KAFKA = "localhost:9092"


def test_clean_run_is_ok_and_read_records_are_not_stored(tape: Tape) -> None:
    """A consumed record stays in the log; that is neither stored-unread nor lost."""
    tape.assign("g", ["t/0"])
    for offset, msg in enumerate(("m1", "m2", "m3")):
        tape.produce(msg, "t/0", offset)
    for offset, msg in enumerate(("m1", "m2", "m3")):
        tape.poll(msg, "t/0", offset)
    tape.commit("g", "t/0", 3)
    report = check(tape.records)
    assert report.ok
    assert report.stored == ()
    assert report.findings == ()
    assert (report.published, report.consumed) == (3, 3)


def test_retention_before_the_group_read_it_is_lost(tape: Tape) -> None:
    """A slow group whose records are deleted by retention has lost them."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0)
    tape("msg.drop", KAFKA, "m1", where="t/0", offset=0, reason="retention")
    report = check(tape.records)
    assert report.lost == ("m1",)
    [finding] = [f for f in report.findings if f.kind == "lost"]
    assert finding.where == "g"
    assert "gone from the log (retention)" in finding.detail


def test_retention_after_reading_or_without_groups_is_not_lost(tape: Tape) -> None:
    """Retention of read records, or of records no group reads, loses nothing."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0).poll("m1", "t/0", 0)
    tape("msg.drop", KAFKA, "m1", where="t/0", offset=0, reason="retention")
    tape.produce("m2", "u/0", 0)
    tape("msg.drop", KAFKA, "m2", where="u/0", offset=0, reason="retention")
    report = check(tape.records)
    assert report.lost == ()
    assert report.drop_reasons == (("retention", 2),)
    assert report.ok


def test_commit_past_an_unread_record_loses_it(tape: Tape) -> None:
    """Committing offset 3 says 0..2 were processed; the unread record 1 is lost."""
    tape.assign("g", ["t/0"])
    for offset, msg in enumerate(("m1", "m2", "m3")):
        tape.produce(msg, "t/0", offset)
    tape.poll("m1", "t/0", 0).poll("m3", "t/0", 2).commit("g", "t/0", 3)
    report = check(tape.records)
    assert report.lost == ("m2",)
    assert "skipped: group committed offset 3" in report.for_message("m2")[0].detail
    assert report.reordered == ()


def test_records_before_the_group_existed_are_not_lost(tape: Tape) -> None:
    """auto.offset.reset=latest: a new group legitimately starts after older records."""
    tape.produce("m1", "t/0", 0).produce("m2", "t/0", 1)
    tape.assign("g", ["t/0"]).produce("m3", "t/0", 2).poll("m3", "t/0", 2).commit("g", "t/0", 3)
    report = check(tape.records)
    assert report.lost == ()
    assert report.stored == ("m1", "m2")


def test_an_uncommitted_unread_record_is_stored_not_lost(tape: Tape) -> None:
    """Still in the log and not yet passed by a commit: the group may still read it."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0)
    report = check(tape.records)
    assert report.lost == ()
    assert report.stored == ("m1",)


def test_truncation_of_an_acked_record_is_lost_even_without_groups(tape: Tape) -> None:
    """acks=1 and a leader failover: the confirmed record is truncated away."""
    tape.produce("m1", "t/0", 0)
    tape("msg.drop", KAFKA, "m1", where="t/0", offset=0, reason="truncated")
    tape.produce("m2", "t/0", 1, confirm=False)
    tape("msg.drop", KAFKA, "m2", where="t/0", offset=1, reason="truncated")
    tape.produce("m3", "t/0", 2, ok=False)
    tape("msg.drop", KAFKA, "m3", where="t/0", offset=2, reason="truncated")
    report = check(tape.records)
    assert report.lost == ("m1", "m2")  # acks=0 (m2) was never told otherwise either
    assert report.unconfirmed_lost == ("m3",)


def test_failed_delivery_report_is_not_a_confirmed_loss(tape: Tape) -> None:
    """A produce that failed for good told the application: at most unconfirmed-lost.

    An acks=0 record lost with its crashed producer was never reported either way: lost."""
    tape.produce("m1", "t/0", None, ok=False)
    tape("msg.drop", "producer", "m1", where=None, reason="not-delivered")
    tape.produce("m2", "t/0", None, confirm=False)
    tape("msg.drop", "producer", "m2", where=None, reason="client-crash")
    report = check(tape.records)
    assert report.lost == ("m2",)
    assert report.unconfirmed_lost == ()


def test_same_group_reading_twice_is_a_duplicate(tape: Tape) -> None:
    """After a rebalance the new owner re-reads from the last commit: duplicates."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0).produce("m2", "t/0", 1)
    tape.poll("m1", "t/0", 0).poll("m2", "t/0", 1)
    tape.assign("g", ["t/0"], member="c2")
    tape.poll("m1", "t/0", 0, member="c2").poll("m2", "t/0", 1, member="c2")
    report = check(tape.records)
    assert report.duplicated == ("m1", "m2")
    assert report.reordered == ()
    assert report.redelivered == ()


def test_two_groups_reading_once_each_is_not_a_duplicate(tape: Tape) -> None:
    """Each group gets every record once: publish-subscribe, not duplication."""
    tape.produce("m1", "t/0", 0).poll("m1", "t/0", 0, group="a").poll("m1", "t/0", 0, group="b")
    report = check(tape.records)
    assert report.duplicated == ()
    assert report.ok


def test_producer_retry_duplicate_in_the_log(tape: Tape) -> None:
    """A retried batch stored twice (no idempotence) is read twice by the group."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0)
    tape("msg.store", KAFKA, "m1", where="t/0", offset=1)
    tape.poll("m1", "t/0", 0).poll("m1", "t/0", 1).commit("g", "t/0", 2)
    report = check(tape.records)
    assert report.duplicated == ("m1",)
    assert report.lost == ()


def test_unexpected_kafka_record(tape: Tape) -> None:
    """A record consumed that nobody produced."""
    tape("msg.consume", "c1", "m7", where="t/0", offset=0, group="g")
    report = check(tape.records)
    assert report.unexpected == ("m7",)
    assert report.published == 0


def test_log_drops_without_offsets_end_one_copy_each(tape: Tape) -> None:
    """A drop naming only the partition ends the oldest copy (the newest when truncated)."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0)
    tape("msg.store", KAFKA, "m1", where="t/0", offset=1)  # retry duplicate
    tape("msg.drop", KAFKA, "m1", where="t/0", reason="truncated")
    report = check(tape.records)
    assert report.lost == ()
    assert report.stored == ("m1",)
    tape("msg.drop", KAFKA, "m1", where="t/0", reason="retention")
    assert check(tape.records).lost == ("m1",)


def test_a_producer_giving_up_does_not_remove_a_stored_copy(tape: Tape) -> None:
    """A timed-out batch may have been stored after all: the log copy still counts."""
    tape.assign("g", ["t/0"]).produce("m1", "t/0", 0, ok=False)
    tape("msg.drop", "producer", "m1", where="t/0", reason="not-delivered")
    tape.poll("m1", "t/0", 0)
    report = check(tape.records)
    assert report.lost == report.unconfirmed_lost == ()
    assert report.drop_reasons == (("not-delivered", 1),)
