"""The RabbitMQ failure labs: each mistake shows its anomaly, each fix removes it, and
every lab runs the same way twice from one seed and renders from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mqsim.cli import main
from mqsim.labs import Lab, LabResult, all_labs, get_lab, run_lab
from mqsim.labs.rabbitmq._common import PROCESSED

NAMES = (
    "auto-ack-loss",
    "crash-before-ack",
    "forgotten-ack",
    "fair-dispatch",
    "nack-requeue-order",
    "unroutable-drop",
    "restart-transient-loss",
    "publisher-confirms",
    "poison-message",
    "ttl-maxlen-loss",
    "partition-heartbeat",
)
SEEDS = (0, 1, 2)
GOLDEN = Path(__file__).parent / "golden" / "rabbitmq"


def runs(name: str, seed: int) -> tuple[LabResult, LabResult]:
    lab = get_lab(name)
    return run_lab(lab, seed=seed), run_lab(lab, seed=seed, fix=True)


def records_of(result: LabResult, kind: str, **fields: object) -> list[str]:
    """Message ids of the run's records of ``kind`` whose fields match."""
    return [
        str(r.msg)
        for r in result.records
        if r.kind == kind and all(r.get(k) == v for k, v in fields.items())
    ]


def test_every_lab_is_registered_in_listing_order() -> None:
    """The RabbitMQ labs are listed first, in the order of the course."""
    rabbit = [lab.name for lab in all_labs() if lab.system == "rabbitmq"]
    assert tuple(rabbit) == NAMES
    assert all(isinstance(get_lab(name), Lab) for name in NAMES)


def test_lab_list_shows_each_lab(capsys: pytest.CaptureFixture[str]) -> None:
    """`mqsim lab list` prints every RabbitMQ lab with its one-line summary."""
    assert main(["lab", "list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert get_lab(name).summary in line


def test_lab_run_writes_the_pictures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--trace, --mermaid and --html write one file per run; the fix's files end in -fix."""
    monkeypatch.setenv("COLUMNS", "200")
    args = ["lab", "run", "auto-ack-loss", "--fix"]
    for option, file in (("--trace", "t.jsonl"), ("--mermaid", "d.mmd"), ("--html", "p.html")):
        args += [option, str(tmp_path / file)]
    assert main(args) == 0
    capsys.readouterr()
    for file in ("t.jsonl", "t-fix.jsonl", "d.mmd", "d-fix.mmd", "p.html", "p-fix.html"):
        assert (tmp_path / file).stat().st_size > 0
    assert "sequenceDiagram" in (tmp_path / "d.mmd").read_text(encoding="utf-8")
    assert "client-crash" in (tmp_path / "t.jsonl").read_text(encoding="utf-8")


# -- what each lab teaches ----------


def test_auto_ack_loses_the_buffered_orders_and_manual_ack_requeues_them() -> None:
    """auto_ack: the broker forgot the orders at delivery; the dead worker's buffer took
    them along and worker-2 gets nothing. Manual acks: they come back redelivered."""
    mistake, fixed = runs("auto-ack-loss", 0)
    dropped = records_of(mistake, "msg.drop", reason="client-crash")
    assert dropped
    assert set(dropped) <= set(mistake.report.lost)
    assert not [r for r in mistake.records if r.kind == "msg.consume" and r.actor == "worker-2"]
    again = [r for r in fixed.records if r.kind == "msg.consume" and r.actor == "worker-2"]
    assert again
    assert all(r.get("redelivered") for r in again[:1])


def test_a_killed_manual_ack_consumer_drops_nothing() -> None:
    """With manual acks nothing ends in the dead client's buffer: the broker requeues it."""
    _mistake, fixed = runs("auto-ack-loss", 0)
    assert fixed.report.totals()["dropped"] == 0


def test_crash_before_ack_is_still_delivered_twice_with_the_fix() -> None:
    """At-least-once: the fix does not stop the redelivery (redelivered=True), it makes the
    second delivery harmless."""
    mistake, fixed = runs("crash-before-ack", 0)
    for result in (mistake, fixed):
        assert len(result.report.duplicated) == 1
        assert result.report.redelivered == result.report.duplicated
    twice = mistake.report.duplicated[0]
    effects = [r.get("effect") for r in fixed.records if r.kind == PROCESSED and r.msg == twice]
    assert effects == [True, False]


def test_forgotten_ack_stalls_at_the_prefetch() -> None:
    """Five messages (the prefetch) are held unacked; everything else waits in the queue."""
    mistake, _fixed = runs("forgotten-ack", 0)
    assert len(mistake.report.unacked) == 5
    assert len(mistake.report.stored) == 25


def test_fair_dispatch_finishes_sooner_with_prefetch_one() -> None:
    """Round-robin gives the slow worker 10 of 20 tasks; prefetch_count=1 gives it few."""
    lab = get_lab("fair-dispatch")
    assert lab.measure is not None
    mistake, fixed = runs("fair-dispatch", 0)
    late = lab.measure(mistake.report, mistake.records)["seconds_to_finish"]
    soon = lab.measure(fixed.report, fixed.records)["seconds_to_finish"]
    assert late > 25 > 12 > soon
    by_slow = [r for r in mistake.records if r.kind == PROCESSED and r.actor == "worker-slow"]
    fair = [r for r in fixed.records if r.kind == PROCESSED and r.actor == "worker-slow"]
    assert len(by_slow) == 10
    assert len(fair) <= 4


def test_nack_requeue_with_prefetch_one_redelivers_at_once() -> None:
    """With prefetch_count=1 the requeued event is the very next delivery."""
    _mistake, fixed = runs("nack-requeue-order", 0)
    kinds = [(r.kind, r.msg) for r in fixed.records if r.kind in ("msg.requeue", "msg.consume")]
    index = next(i for i, (kind, _msg) in enumerate(kinds) if kind == "msg.requeue")
    assert kinds[index + 1] == ("msg.consume", kinds[index][1])


def test_unroutable_goes_to_the_alternate_exchange_with_the_fix() -> None:
    """The 'cancelled' events are dropped unroutable; with the fix they reach ops."""
    mistake, fixed = runs("unroutable-drop", 0)
    dropped = records_of(mistake, "msg.drop", reason="unroutable")
    assert dropped
    assert not mistake.report.returned
    parked = [r.msg for r in fixed.records if r.kind == PROCESSED and r.actor == "ops"]
    assert parked == dropped


def test_restart_keeps_durable_persistent_orders() -> None:
    """The restart drops the transient orders with their queue; with the fix all 20 are packed."""
    mistake, fixed = runs("restart-transient-loss", 0)
    assert records_of(mistake, "msg.drop", reason="crash")
    assert not records_of(fixed, "msg.drop", reason="crash")
    assert len({r.msg for r in fixed.records if r.kind == PROCESSED}) == 20


def test_restart_loses_confirmed_orders() -> None:
    """The publisher used confirms: the orders lost in the restart were confirmed first."""
    mistake, _fixed = runs("restart-transient-loss", 0)
    assert mistake.report.lost
    assert not mistake.report.unconfirmed_lost


def test_every_payment_lost_in_the_crash_has_a_record_of_where_it_went() -> None:
    """The checker can say why each payment was lost, not just that it has no record."""
    mistake, _fixed = runs("publisher-confirms", 0)
    assert mistake.report.lost
    details = [f.detail for f in mistake.report.findings if f.kind == "lost"]
    assert not [d for d in details if "no record" in d]


def test_confirms_with_retry_can_duplicate_instead_of_losing() -> None:
    """Confirm-and-retry is at-least-once: in some seeds the broker stored a payment but
    its ack died with the node, and the retry stores it again."""
    lab = get_lab("publisher-confirms")
    assert lab.measure is not None
    twice = []
    for seed in range(30):
        fixed = run_lab(lab, seed=seed, fix=True)
        assert lab.measure(fixed.report, fixed.records)["payments_missing"] == 0
        if lab.measure(fixed.report, fixed.records)["payments_twice"]:
            twice.append(seed)
    assert {5, 6} <= set(twice)  # the seeds the lab's "look at" names


def test_poison_message_is_dead_lettered_after_the_delivery_limit() -> None:
    """Without a limit the poison order loops until the end; with x-delivery-limit 3 it is
    requeued three times, then dead-lettered to orders.dlx."""
    mistake, fixed = runs("poison-message", 0)
    poison = records_of(mistake, "msg.requeue")[0]
    assert len(records_of(mistake, "msg.requeue")) > 100
    assert records_of(fixed, "msg.requeue") == [poison] * 3
    assert records_of(fixed, "msg.drop", reason="dead-lettered", to="orders.dlx") == [poison]


def test_ttl_and_maxlen_drops_become_dead_letters() -> None:
    """The same orders are dropped by TTL and max-length; with the fix they are parked."""
    mistake, fixed = runs("ttl-maxlen-loss", 0)
    lost = records_of(mistake, "msg.drop", reason="expired") + records_of(
        mistake, "msg.drop", reason="maxlen"
    )
    parked = records_of(fixed, "msg.drop", reason="dead-lettered", to="orders.dlx")
    assert sorted(lost) == sorted(parked)


def test_partition_requeues_at_the_heartbeat_timeout() -> None:
    """The broker requeues encoder-1's job when the heartbeat times out, 10 s into the cut."""
    mistake, _fixed = runs("partition-heartbeat", 0)
    cut = next(r.time for r in mistake.records if r.kind == "net.partition")
    requeue = next(r for r in mistake.records if r.kind == "msg.requeue")
    assert requeue.get("reason") == "heartbeat-timeout"
    assert requeue.time == pytest.approx(cut + 10)
    doers = [r.actor for r in mistake.records if r.kind == PROCESSED and r.msg == requeue.msg]
    assert sorted(doers) == ["encoder-1", "encoder-2"]
