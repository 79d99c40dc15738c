"""Order violations, only where the broker promises an order.

- RabbitMQ: a queue is FIFO, per priority level, and messages from one channel enter it
  in publish order; with a single consumer and no requeue, the application receives them
  in queue order. mqsim checks queues that had one consumer and no ``msg.requeue``: the
  first reception of each message must follow its ``msg.store`` order (per ``priority``
  field of the store or publish record).
- Kafka: within a partition a group reads in offset order; first receptions per group
  and partition must have increasing offsets (re-reads after a rebalance or a seek are
  duplicates, not reorderings; a truncation of the partition starts afresh, as offsets
  are reused). Per key: records one producer sent with the same key to the same topic
  land in one partition in send order unless retries reorder them (``max.in.flight > 1``
  without idempotence); the offsets of their copies that survive truncation must follow
  publish order.

Each violation is reported as the pair ``(first, second)``: ``first`` should have come
first and came after ``second``, the latest message seen so far (one pair per late
message, not every inverted pair).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mqsim.check.groups import group_name
from mqsim.check.history import History, publication, system_of
from mqsim.check.report import Reordering
from mqsim.sim import TraceRecord


def find_reorderings(
    records: Sequence[TraceRecord],
    histories: Mapping[str, History],
    systems: Mapping[str, str] | None = None,
) -> tuple[Reordering, ...]:
    """Every order violation of the trace: queues first, then partitions, then keys.

    ``systems`` maps message ids to ``"amqp"``/``"kafka"`` (computed if not given).
    """
    if systems is None:
        systems = {msg: system_of(history) for msg, history in histories.items()}
    queues = _QueueOrder()
    partitions: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
    truncations: dict[str, int] = {}
    seen: set[tuple[str, str, str]] = set()
    for record in records:
        if record.msg is None:
            continue
        if systems.get(record.msg) != "kafka":
            queues.feed(record, histories[record.msg])
        elif record.kind == "msg.drop" and record.get("reason") == "truncated":
            where = str(record.get("where"))
            truncations[where] = truncations.get(where, 0) + 1
        elif record.kind == "msg.consume" and record.get("offset") is not None:
            group, where = group_name(record.get("group")), str(record.get("where"))
            if (group, where, record.msg) not in seen:
                seen.add((group, where, record.msg))
                era = (where, group, truncations.get(where, 0))
                partitions.setdefault(era, []).append((int(record.get("offset")), record.msg))
    found = list(queues.violations())
    for (where, group, _era), read in partitions.items():
        found.extend(_inversions("partition", f"{where} group {group!r}", read))
    found.extend(_key_violations(histories, systems))
    return tuple(found)


def _inversions(scope: str, where: str, sequence: list[tuple[int, str]]) -> list[Reordering]:
    """Pairs where a message comes after one with a higher position."""
    pairs = []
    top: tuple[int, str] | None = None
    for position, msg in sequence:
        if top is not None and position < top[0]:
            pairs.append(Reordering(scope, where, msg, top[1]))
        elif top is None or position > top[0]:
            top = (position, msg)
    return pairs


@dataclass(slots=True)
class _QueueOrder:
    """AMQP queues: store positions, consumers, requeues and first receptions."""

    stored: dict[str, int] = field(default_factory=dict)
    position: dict[tuple[str, str], tuple[int, object]] = field(default_factory=dict)
    consumers: dict[str, dict[str, None]] = field(default_factory=dict)
    requeued: set[str] = field(default_factory=set)
    received: dict[str, list[tuple[object, int, str]]] = field(default_factory=dict)

    def feed(self, record: TraceRecord, history: History) -> None:
        kind, msg, where = record.kind, str(record.msg), str(record.get("where"))
        if kind == "msg.store":
            count = self.stored.get(where, 0)
            self.stored[where] = count + 1
            self.position[(where, msg)] = (count, _priority(record, history))
        elif kind == "msg.requeue":
            self.requeued.add(where)
        elif kind == "msg.deliver" and record.get("consumer") is not None:
            self.consumers.setdefault(where, {}).setdefault(str(record.get("consumer")))
        elif kind == "msg.consume":
            self.consumers.setdefault(where, {}).setdefault(record.actor)
            found = self.position.pop((where, msg), None)
            if found is not None:
                self.received.setdefault(where, []).append((found[1], found[0], msg))

    def violations(self) -> list[Reordering]:
        pairs = []
        for where, received in self.received.items():
            if where in self.requeued or len(self.consumers.get(where, {})) > 1:
                continue
            levels: dict[str, list[tuple[int, str]]] = {}
            for priority, position, msg in received:
                levels.setdefault(repr(priority), []).append((position, msg))
            for sequence in levels.values():
                pairs.extend(_inversions("queue", where, sequence))
        return pairs


def _priority(store: TraceRecord, history: History) -> object:
    if store.get("priority") is not None:
        return store.get("priority")
    published = publication(history)
    return None if published is None else published.get("priority")


def _key_violations(
    histories: Mapping[str, History], systems: Mapping[str, str]
) -> list[Reordering]:
    """Kafka: per producer, topic and key, log order in a partition follows publish order."""
    sent: dict[tuple[str, str, str], list[tuple[int, int, str]]] = {}
    for rank, (msg, history) in enumerate(histories.items()):
        published = publication(history)
        if systems[msg] != "kafka" or published is None or published.get("key") is None:
            continue
        store = _surviving_store(history)
        if store is None or store.get("offset") is None:
            continue
        label = f"{published.get('dest')} key {published.get('key')!r}"
        key = (published.actor, label, str(store.get("where")))
        sent.setdefault(key, []).append((int(store.get("offset")), rank, msg))
    pairs = []
    for (_, label, where), stores in sent.items():
        in_log_order = [(rank, msg) for _, rank, msg in sorted(stores)]
        pairs.extend(_inversions("key", f"{label} in {where}", in_log_order))
    return pairs


def _surviving_store(history: History) -> TraceRecord | None:
    """The first log copy not truncated away (truncation ends the newest copy there)."""
    stores: list[TraceRecord] = []
    for record in history:
        if record.kind == "msg.store":
            stores.append(record)
        elif record.kind == "msg.drop" and record.get("reason") == "truncated":
            where = record.get("where")
            for index in range(len(stores) - 1, -1, -1):
                if stores[index].get("where") == where:
                    del stores[index]
                    break
    return stores[0] if stores else None
