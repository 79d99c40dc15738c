"""The Kafka failure labs: each mistake shows its anomaly, each fix removes it, and every
lab runs the same way twice from one seed and renders from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mqsim.cli import main
from mqsim.clients.default import new_default_world, using
from mqsim.confluent_kafka import Producer
from mqsim.confluent_kafka.admin import AdminClient, NewTopic
from mqsim.kafka import KafkaCluster
from mqsim.labs import Lab, LabResult, all_labs, get_lab, run_lab
from mqsim.labs.kafka._common import PROCESSED
from mqsim.labs.kafka.hot_key_lag import LAG_LIMIT, peak_lags

NAMES = (
    "auto-commit-skip",
    "rebalance-redelivery",
    "no-key-ordering",
    "one-group-two-services",
    "idle-consumers",
    "max-poll-kickout",
    "eager-vs-cooperative",
    "acks1-failover-loss",
    "unclean-election-loss",
    "retry-duplicates",
    "hot-key-lag",
    "retention-loss",
)
SEEDS = (0, 1, 2)
GOLDEN = Path(__file__).parent / "golden" / "kafka"


def runs(name: str, seed: int) -> tuple[LabResult, LabResult]:
    lab = get_lab(name)
    return run_lab(lab, seed=seed), run_lab(lab, seed=seed, fix=True)


def kinds(result: LabResult, kind: str, **fields: object) -> list[object]:
    """The run's records of ``kind`` whose fields match."""
    return [
        r
        for r in result.records
        if r.kind == kind and all(r.get(k) == v for k, v in fields.items())
    ]


def processed(result: LabResult, actor: str | None = None) -> list[str]:
    """Message ids the services processed (one service's, if ``actor`` is given), in order."""
    return [
        str(r.msg)
        for r in result.records
        if r.kind == PROCESSED and (actor is None or r.actor == actor)
    ]


def test_every_lab_is_registered_in_listing_order() -> None:
    """The Kafka labs follow the RabbitMQ ones, in the order of the course."""
    kafka = [lab.name for lab in all_labs() if lab.system == "kafka"]
    assert tuple(kafka) == NAMES
    assert all(isinstance(get_lab(name), Lab) for name in NAMES)


def test_lab_list_shows_each_lab(capsys: pytest.CaptureFixture[str]) -> None:
    """`mqsim lab list` prints every Kafka lab with its one-line summary."""
    assert main(["lab", "list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert get_lab(name).summary in line


def test_lab_run_plots_the_lag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--plot and --trace write one file per run for a Kafka lab; the fix's end in -fix.

    matplotlib (the ``viz`` extra) is in the ``test`` extra, so this runs in CI."""
    monkeypatch.setenv("COLUMNS", "200")
    args = ["lab", "run", "hot-key-lag", "--fix"]
    args += ["--plot", str(tmp_path / "lag.png"), "--trace", str(tmp_path / "t.jsonl")]
    assert main(args) == 0
    capsys.readouterr()
    for file in ("lag.png", "lag-fix.png", "t.jsonl", "t-fix.jsonl"):
        assert (tmp_path / file).stat().st_size > 0
    assert (tmp_path / "lag.png").read_bytes().startswith(b"\x89PNG")


# -- what each lab teaches ----------


def test_auto_commit_commits_a_batch_before_it_is_processed() -> None:
    """The first auto-commit covers the whole first batch while billing has charged only a
    few; the restarted billing starts after it. With the fix commits trail the charges,
    and the restart charges the unfinished payments (some twice: at-least-once)."""
    mistake, fixed = runs("auto-commit-skip", 0)
    commit = kinds(mistake, "kafka.commit")[0]
    charged_by_then = [r for r in mistake.records if r.kind == PROCESSED and r.time <= commit.time]
    assert commit.get("offset") == 10
    assert len(charged_by_then) < 10
    restarted = [r for r in mistake.records if r.kind == PROCESSED and r.actor == "billing-2"]
    assert restarted[0].get("offset") == 10
    for record in kinds(fixed, "kafka.commit"):
        done = [r for r in fixed.records if r.kind == PROCESSED and r.time <= record.time]
        assert record.get("offset") <= max(int(r.get("offset")) for r in done) + 1
    assert len(set(processed(fixed))) == 30
    assert len(processed(fixed)) > 30


def test_rebalance_redelivers_what_was_not_committed_and_on_revoke_commits_it() -> None:
    """Without the fix the new owners start over from offset 0; with it a commit precedes
    the revoke and nothing is processed twice."""
    mistake, fixed = runs("rebalance-redelivery", 0)
    assert set(mistake.report.duplicated) <= set(processed(mistake, "fulfilment-1"))
    revoke = kinds(fixed, "kafka.revoke")[0]
    commits = [r for r in kinds(fixed, "kafka.commit") if r.time <= revoke.time]
    assert commits
    assert commits[-1].actor == revoke.actor
    assert len(processed(fixed)) == len(set(processed(fixed))) == 60


def test_a_key_keeps_each_account_in_one_partition() -> None:
    """Without a key one account's events land in several partitions; with key=account
    every account's events share one partition, stored in send order."""
    mistake, fixed = runs("no-key-ordering", 0)

    def partitions_per_account(result: LabResult) -> dict[str, set[str]]:
        body = {r.msg: bytes(r.get("body")).decode() for r in kinds(result, "msg.publish")}
        spread: dict[str, set[str]] = {}
        for store in kinds(result, "msg.store"):
            account = body[store.msg].split(":")[0]
            spread.setdefault(account, set()).add(str(store.get("where")))
        return spread

    assert any(len(p) > 1 for p in partitions_per_account(mistake).values())
    assert all(len(p) == 1 for p in partitions_per_account(fixed).values())
    assert fixed.report.reordered == ()


def test_two_services_in_one_group_split_the_payments() -> None:
    """In one group the services' payments are disjoint halves; in their own groups each
    service processes all 20."""
    mistake, fixed = runs("one-group-two-services", 0)
    invoices, ledger = processed(mistake, "invoice_service"), processed(mistake, "ledger_service")
    assert invoices
    assert ledger
    assert not set(invoices) & set(ledger)
    assert len(invoices) + len(ledger) == 20
    for service in ("invoice_service", "ledger_service"):
        assert len(set(processed(fixed, service))) == 20


def test_extra_consumers_get_an_empty_assignment() -> None:
    """Three partitions, five members: two are assigned nothing and process nothing."""
    mistake, fixed = runs("idle-consumers", 0)
    idle = {r.actor for r in kinds(mistake, "kafka.assign", partitions=[])}
    assert len(idle) == 2
    assert not {r.actor for r in mistake.records if r.kind == PROCESSED} & idle
    assert not kinds(fixed, "kafka.assign", partitions=[])


def test_the_slow_job_is_done_twice_after_the_kickout() -> None:
    """The year-end job's instance loses its partition 300 s after its last poll and the
    other instance starts the job again; with the fix there is one rebalance only."""
    mistake, fixed = runs("max-poll-kickout", 0)
    year_end = next(r.msg for r in kinds(mistake, "msg.publish") if r.get("body") == b"year-end")
    assert mistake.report.duplicated == (year_end,)
    lost = kinds(mistake, "kafka.lost")
    assert lost
    assert lost[0].actor == "reporting-1"
    takeover = kinds(mistake, "kafka.rebalance")[1]
    assert takeover.time == pytest.approx(306.0, abs=1.0)
    assert len(kinds(fixed, "kafka.rebalance")) == 1


def test_eager_revokes_everything_cooperative_only_what_moves() -> None:
    """When analytics-3 joins, eager members revoke all six partitions; cooperative ones
    revoke exactly the partitions analytics-3 ends up with."""
    mistake, fixed = runs("eager-vs-cooperative", 0)
    eager = {p for r in kinds(mistake, "kafka.revoke") for p in r.get("partitions")}
    assert len(eager) == 6
    moved = {p for r in kinds(fixed, "kafka.revoke") for p in r.get("partitions")}
    to_new = {
        p
        for r in kinds(fixed, "kafka.assign")
        if r.actor == "analytics-3"
        for p in r.get("partitions")
    }
    assert moved
    assert moved == to_new


def test_acks1_loses_exactly_the_confirmed_payments_the_followers_never_had() -> None:
    """Every payment confirmed between the network cut and the crash is truncated and
    lost; with acks=all none of those was confirmed before it was safe."""
    mistake, fixed = runs("acks1-failover-loss", 0)
    truncated = [r.msg for r in kinds(mistake, "msg.drop", reason="truncated")]
    assert sorted(mistake.report.lost) == sorted(truncated)
    confirmed = {r.msg for r in kinds(mistake, "msg.confirm", ok=True)}
    assert set(truncated) <= confirmed
    assert fixed.report.consumed == fixed.report.published == 30


def test_unclean_election_elects_the_stale_replica_clean_one_waits() -> None:
    """Unclean: the stale follower leads and the orders are truncated. Clean: the partition
    has no leader until the old leader returns, and billing reads all ten orders."""
    mistake, fixed = runs("unclean-election-loss", 0)
    assert kinds(mistake, "kafka.leader")[-1].get("clean") is False
    assert len(kinds(mistake, "msg.drop", reason="truncated")) == 10
    leaders = [r.get("leader") for r in kinds(fixed, "kafka.leader")]
    assert -1 in leaders
    assert leaders[-1] == leaders[0]
    assert not kinds(fixed, "msg.drop")
    assert fixed.report.consumed == 10


def test_idempotence_stores_each_payment_once() -> None:
    """Without idempotence some payments are stored twice; with it each exactly once."""
    mistake, fixed = runs("retry-duplicates", 0)

    def stored_twice(result: LabResult) -> list[object]:
        stores = [r.msg for r in kinds(result, "msg.store")]
        return sorted({m for m in stores if stores.count(m) > 1}, key=str)

    assert stored_twice(mistake)
    assert not stored_twice(fixed)
    assert len(kinds(fixed, "msg.store")) == 200


def test_the_hot_key_lags_on_one_partition_only() -> None:
    """The viral post's partition lags by over 100 records, the others stay near zero;
    keyed by user, no partition lags."""
    mistake, fixed = runs("hot-key-lag", 0)
    peaks = sorted(peak_lags(mistake.records).values())
    assert peaks[-1] > 2 * LAG_LIMIT
    assert peaks[-2] < 10
    assert max(peak_lags(fixed.records).values()) < LAG_LIMIT


def test_retention_deletes_what_the_group_had_not_read() -> None:
    """Every event deleted by retention and not read before the crash is lost; the fix
    deletes nothing and the auditor reads everything."""
    mistake, fixed = runs("retention-loss", 0)
    deleted = {r.msg for r in kinds(mistake, "msg.drop", reason="retention")}
    read_before = {r.msg for r in kinds(mistake, "msg.consume") if r.time < 10}
    assert set(mistake.report.lost) == deleted - read_before
    assert not kinds(fixed, "msg.drop")
    assert fixed.report.consumed == fixed.report.published


# -- what the model does not do yet ----------


def test_the_revoke_comes_at_the_first_poll_after_the_heartbeat() -> None:
    """fulfilment-1 learns of the rebalance at its next heartbeat (3 s) and revokes at its
    next poll (one order, 0.2 s, later), not after its whole prefetched backlog."""
    mistake, _fixed = runs("rebalance-redelivery", 0)
    joined = next(r.time for r in kinds(mistake, "node.add") if r.actor == "fulfilment-2")
    revoke = kinds(mistake, "kafka.revoke")[0]
    assert revoke.time <= joined + 3.0 + 0.2 + 1e-6


def test_auto_commit_commits_before_the_partitions_are_handed_over() -> None:
    """With auto-commit, an orderly rebalance (eager or cooperative) redelivers nothing."""
    mistake, fixed = runs("eager-vs-cooperative", 0)
    assert mistake.report.duplicated == ()
    assert fixed.report.duplicated == ()


def test_each_cooperative_assignment_is_traced_once() -> None:
    """One kafka.assign record per member and generation."""
    _mistake, fixed = runs("eager-vs-cooperative", 0)
    seen = [(r.actor, r.get("generation")) for r in kinds(fixed, "kafka.assign")]
    assert len(seen) == len(set(seen))


def test_the_isr_shrink_is_in_the_trace() -> None:
    """unclean-election-loss: the ISR shrinks to the leader alone before the orders."""
    mistake, _fixed = runs("unclean-election-loss", 0)
    first_order = kinds(mistake, "msg.store")[0].time
    shrinks = [r for r in kinds(mistake, "kafka.isr") if len(r.get("isr")) == 1]
    assert shrinks
    assert shrinks[0].time < first_order


def test_topic_configs_given_as_strings_work() -> None:
    """confluent-kafka's documented form, config={'retention.ms': '1000'}, sets retention."""
    world = new_default_world(0, until="20m")
    with using(world):
        admin = AdminClient({"bootstrap.servers": "localhost:9092"})
        config = {"retention.ms": "1000", "segment.bytes": "100"}
        admin.create_topics([NewTopic("short", 1, 1, config=config)])["short"].result()
        producer = Producer({"bootstrap.servers": "localhost:9092"})
        for i in range(3):
            producer.produce("short", value=f"event-{i}")
            producer.flush(1)
            world.advance(2)
        world.advance(400)
    assert world.trace.select("msg.drop", where=lambda r: r.get("reason") == "retention")


def test_orders_written_while_the_partition_has_no_leader_wait_for_it() -> None:
    """unclean-election-loss with the fix, as it should run: orders keep coming while the
    partition has no leader; the producer retries with a backoff until the old leader is
    back, and time goes on meanwhile."""
    world = new_default_world(0, until="5m")
    cluster = KafkaCluster(world, brokers=2)
    cluster.create_topic("orders", 1, 2)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092,kafka-2:9092", "acks": "all"})
        world.crash("kafka-2:9092")
        world.advance(12)
        world.crash("kafka-1:9092")
        world.advance(12)
        world.restart("kafka-2:9092")
        world.advance(12)
        assert cluster.partition("orders", 0).leader == -1
        producer.produce("orders", value="order during the outage")
        target = world.now + 5.0
        for _ in range(20_000):  # bounded: a livelock must fail, not hang
            if world.env.peek() > target:
                break
            world.env.step()
        assert world.env.peek() > target
