"""Offsets, commits, resets, seeks, watermarks and two groups, replayed through the facade
against ../shared/oracle/kafka/cases/offsets_*.json (confluent-kafka 2.16.1 on librdkafka's
mock cluster)."""

from __future__ import annotations

from typing import Any

from kafka_oracle_world import BOOTSTRAP, case, oracle_world

from mqsim.clients.default import using
from mqsim.confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    OFFSET_INVALID,
    Consumer,
    Message,
    Producer,
    TopicPartition,
)


def _produce(topic: str, values: list[str], partition: int = -1, key: Any = None) -> None:
    producer = Producer({"bootstrap.servers": BOOTSTRAP})
    for value in values:
        producer.produce(topic, value=value, key=key, partition=partition)
    assert producer.flush(10) == 0


def _consumer(group: str, **conf: Any) -> Consumer:
    return Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, **conf})


def _take(consumer: Consumer, count: int, limit: float = 30.0) -> list[Message]:
    got: list[Message] = []
    waited = 0.0
    while len(got) < count and waited < limit:
        msg = consumer.poll(0.5)
        waited += 0.5
        if msg is not None and msg.error() is None:
            got.append(msg)
    return got


def _values(messages: list[Message]) -> list[str]:
    return [m.value().decode() for m in messages]


def test_commit_semantics() -> None:
    """committed = next offset to read; commit(message) = offset+1; commit() = position."""
    expected = case("offsets_commit.json")
    world, cluster = oracle_world()
    cluster.create_topic("commits", 1)
    with using(world):
        _produce("commits", [f"m{i}" for i in range(10)])
        consumer = _consumer("g", **{"enable.auto.commit": False, "auto.offset.reset": "earliest"})
        consumer.subscribe(["commits"])
        tp = TopicPartition("commits", 0)
        first = _take(consumer, 3)
        assert consumer.committed([tp])[0].offset == expected["committed_before_any_commit"]
        assert _values(first) == expected["consumed_first"]
        assert consumer.position([tp])[0].offset == expected["position_after_consuming_3"]
        consumer.commit(
            offsets=[TopicPartition("commits", 0, first[-1].offset() + 1)], asynchronous=False
        )
        assert (
            consumer.committed([tp])[0].offset
            == expected["committed_after_commit_offsets_last_plus_1"]
        )
        nxt = _take(consumer, 2)
        assert _values(nxt) == expected["consumed_next"]
        consumer.commit(asynchronous=False)
        assert consumer.committed([tp])[0].offset == expected["committed_after_commit_no_args"]
        assert consumer.position([tp])[0].offset == expected["position_after_consuming_5"]
        consumer.close()
        second = _consumer("g", **{"enable.auto.commit": False, "auto.offset.reset": "earliest"})
        second.subscribe(["commits"])
        assert _values(_take(second, 1)) == expected["new_member_same_group_first_message"]
        second.commit(message=nxt[0], asynchronous=False)
        assert (
            second.committed([tp])[0].offset
            == expected["commit_message_of_4th_message(offset 3)_gives_committed"]
        )


def test_auto_offset_reset_modes() -> None:
    """earliest reads the old messages, latest (and unset) only new ones, error is an error."""
    results = case("offsets_auto_offset_reset.json")["results"]
    world, cluster = oracle_world()
    cluster.create_topic("reset", 1)
    with using(world):
        _produce("reset", [f"old-{i}" for i in range(5)])
        for mode in ("earliest", "latest", "error", "None"):
            conf: dict[str, Any] = {"enable.auto.commit": False}
            if mode != "None":
                conf["auto.offset.reset"] = mode
            assigned: list[Any] = []
            consumer = _consumer(f"group-{mode}", **conf)
            consumer.subscribe(["reset"], on_assign=lambda c, ps, seen=assigned: seen.extend(ps))
            values: list[str] = []
            offsets: list[int] = []
            errors: list[dict[str, Any]] = []
            produced = False
            for _ in range(20):
                msg = consumer.poll(0.5)
                if assigned and not produced:
                    world.advance(0.5)
                    _produce("reset", [f"new-{mode}"])
                    produced = True
                if msg is None:
                    continue
                if msg.error() is not None:
                    e = msg.error()
                    errors.append(
                        {
                            "name": e.name(),
                            "code": e.code(),
                            "str": e.str(),
                            "fatal": e.fatal(),
                            "retriable": e.retriable(),
                        }
                    )
                    continue
                values.append(msg.value().decode())
                offsets.append(msg.offset())
            committed = [c.offset for c in consumer.committed([TopicPartition("reset", 0)])]
            consumer.close()
            expected = results[mode]
            assert values == expected["received_values"], mode
            assert offsets == expected["received_offsets"], mode
            assert errors == expected["errors"], mode
            assert committed == expected["committed_after"], mode


def test_autocommit_close_and_kill() -> None:
    """close() commits; without auto-commit nothing is; a killed process commits only if
    a 5 s auto-commit tick happened before it died."""
    results = case("offsets_autocommit.json")["results"]
    world, cluster = oracle_world()
    with using(world):
        observed: dict[str, dict[str, Any]] = {}
        scenarios = {
            "default_autocommit_consume4_close_then_new_member": ({}, "close", 0.0),
            "autocommit_false_consume4_close_no_commit_then_new_member": (
                {"enable.auto.commit": False},
                "close",
                0.0,
            ),
            "default_autocommit_consume4_then_SIGKILL_after_0.0s": ({}, "kill", 0.0),
            "default_autocommit_consume4_then_SIGKILL_after_6.5s": ({}, "kill", 6.5),
        }
        for number, (name, (conf, end, sleep)) in enumerate(scenarios.items()):
            topic = f"auto{number}"
            cluster.create_topic(topic, 1)
            _produce(topic, [f"a{i}" for i in range(10)])
            first = _consumer(topic, **{"auto.offset.reset": "earliest", **conf})
            first.subscribe([topic])
            got = _values(_take(first, 4))
            if end == "close":
                first.close()
            else:
                if sleep:
                    world.advance(sleep)
                world.crash(first.client.name)
            outcome: dict[str, Any] = {"first": got}
            nxt = _consumer(topic, **{"auto.offset.reset": "earliest"})
            if end == "kill":
                outcome["committed_at_restart"] = nxt.committed([TopicPartition(topic, 0)])[
                    0
                ].offset
            nxt.subscribe([topic])
            outcome["next_member_first"] = _values(_take(nxt, 1, limit=120.0))
            if name == "default_autocommit_consume4_close_then_new_member":
                outcome["committed_seen_by_next_member"] = nxt.committed(
                    [TopicPartition(topic, 0)]
                )[0].offset
            nxt.close()
            observed[name] = outcome
        assert observed == results


def test_seek_position_and_watermarks() -> None:
    """Watermarks, position (invalid right after seek), seeks, logical offsets, reset."""
    expected = case("offsets_seek_watermarks.json")
    world, cluster = oracle_world()
    cluster.create_topic("wm", 2)
    with using(world):
        consumer = _consumer("wm", **{"enable.auto.commit": False, "auto.offset.reset": "earliest"})
        p0, p1 = TopicPartition("wm", 0), TopicPartition("wm", 1)
        assert (
            list(consumer.get_watermark_offsets(p0))
            == expected["watermarks_empty_partition(low,high)"]
        )
        _produce("wm", [f"w{i}" for i in range(10)], partition=0)
        assert list(consumer.get_watermark_offsets(p0)) == expected["watermarks_after_10"]
        assert list(consumer.get_watermark_offsets(p1)) == expected["watermarks_partition1_empty"]
        consumer.assign([TopicPartition("wm", 0, 0)])
        assert consumer.position([p0])[0].offset == expected["position_before_consuming"]
        assert _values(_take(consumer, 3)) == expected["consumed_first_3"]
        assert (
            list(consumer.get_watermark_offsets(p0, cached=True))
            == expected["watermarks_cached_after_consuming_3"]
        )
        assert consumer.position([p0])[0].offset == expected["position_after_3"]
        consumer.seek(TopicPartition("wm", 0, 7))
        assert consumer.position([p0])[0].offset == expected["position_right_after_seek_7"]
        assert _values(_take(consumer, 1)) == expected["first_after_seek_7"]
        consumer.seek(TopicPartition("wm", 0, 2))
        assert _values(_take(consumer, 2)) == expected["after_seek_2"]
        consumer.seek(TopicPartition("wm", 0, OFFSET_END))
        world.advance(1.0)
        _produce("wm", ["after-end"], partition=0)
        assert _values(_take(consumer, 1)) == expected["after_seek_OFFSET_END_and_new_produce"]
        consumer.seek(TopicPartition("wm", 0, OFFSET_BEGINNING))
        assert _values(_take(consumer, 1)) == expected["after_seek_OFFSET_BEGINNING"]
        consumer.seek(TopicPartition("wm", 0, 100))
        got = _take(consumer, 1)
        assert {"values": _values(got), "errors": []} == expected[
            "after_seek_100_out_of_range_with_reset_earliest"
        ]
        assert expected["constants"] == {
            "OFFSET_BEGINNING": OFFSET_BEGINNING,
            "OFFSET_END": OFFSET_END,
            "OFFSET_INVALID": OFFSET_INVALID,
        }


def test_two_groups_read_independently() -> None:
    """Two groups each get all 30 keyed messages of a 3-partition topic."""
    results = case("offsets_two_groups.json")["results"]
    world, cluster = oracle_world()
    cluster.create_topic("two", 3)
    with using(world):
        producer = Producer({"bootstrap.servers": BOOTSTRAP})
        for i in range(30):
            producer.produce("two", key=f"k{i}", value=f"t{i}")
        producer.flush()
        for group in ("invoice", "ledger"):
            consumer = _consumer(group, **{"auto.offset.reset": "earliest"})
            consumer.subscribe(["two"])
            got = _values(_take(consumer, 30))
            consumer.close()
            assert len(got) == results[group]["count"]
            assert sorted(got, key=lambda v: int(v[1:])) == results[group]["values_sorted"]
