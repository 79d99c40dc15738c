"""A queue: ready messages in order, its consumers, and its limits and timers.

RabbitMQ classic queues keep messages in publish order; a requeued message goes back to
its original position (ahead of messages never delivered). Quorum queues instead serve
returned messages first, in the order they came back, and count the returns of each
message (``x-delivery-limit``, the ``x-delivery-count`` header). Expired messages are
removed only at the head (a per-message TTL behind a live message waits). mqsim models
exactly that with one timer for the head's expiry.

A durable classic queue writes persistent messages to disk at once and fsyncs them in
batches (see :mod:`mqsim.amqp.broker`): a message survives a broker crash only once
synced. mqsim numbers the copies a queue stores (``seq``), so "synced" is one number per
queue: every copy numbered up to :attr:`Queue.synced_seq` is on disk.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.amqp.message import Entry, Message

if TYPE_CHECKING:
    from mqsim.amqp.broker import Broker
    from mqsim.amqp.connection import Connection
    from mqsim.amqp.consumer import Consumer
    from mqsim.sim import Timer


@dataclass(frozen=True, slots=True)
class QueueStatistics:
    """A snapshot of a queue (what ``rabbitmqctl list_queues`` shows, and more)."""

    name: str
    messages_ready: int
    messages_unacknowledged: int
    consumers: int
    bytes_ready: int
    durable: bool
    exclusive: bool
    auto_delete: bool
    queue_type: str


class _Seq:
    """Lets bisect look at entries' sequence numbers."""

    __slots__ = ("items",)

    def __init__(self, items: deque[Entry]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> int:
        return self.items[index].seq


class Queue:
    """A queue of one broker; ``arguments`` are the validated ``x-`` arguments."""

    def __init__(
        self,
        broker: Broker,
        name: str,
        *,
        durable: bool = False,
        exclusive: bool = False,
        auto_delete: bool = False,
        arguments: dict[str, Any] | None = None,
        owner: Connection | None = None,
    ) -> None:
        args = dict(arguments or {})
        self.broker = broker
        self.name = name
        self.durable = durable
        self.exclusive = exclusive
        self.auto_delete = auto_delete
        self.arguments = args
        self.owner = owner
        self.queue_type = str(args.get("x-queue-type", "classic"))
        self.message_ttl: float | None = _ms(args.get("x-message-ttl"))
        self.expires: float | None = _ms(args.get("x-expires"))
        self.max_length: int | None = args.get("x-max-length")
        self.max_bytes: int | None = args.get("x-max-length-bytes")
        self.overflow = str(args.get("x-overflow", "drop-head"))
        self.dlx: str | None = args.get("x-dead-letter-exchange")
        self.dlrk: str | None = args.get("x-dead-letter-routing-key")
        max_priority = args.get("x-max-priority")
        self.max_priority: int | None = max_priority if max_priority else None
        self.single_active = bool(args.get("x-single-active-consumer", False))
        self.quorum = self.queue_type == "quorum"
        #: Persistent messages wait for an fsync here (durable classic queue, and the
        #: broker does not write at once).
        self.syncs = durable and not self.quorum and broker.sync_interval > 0
        #: Copies numbered up to this are on disk; ``unsynced`` persistent writes since.
        self.synced_seq = 0
        self.unsynced = 0
        self.dirty = False
        #: The ``msg.drop`` reason of what is left when the queue is deleted.
        self.drop_reason = "queue-deleted"
        if self.quorum and self.overflow == "reject-publish-dlx":
            # RabbitMQ 3.10 logs "Invalid overflow strategy" and keeps the default.
            self.overflow = "drop-head"
        limit = args.get("x-delivery-limit")
        self.delivery_limit: int | None = limit if self.quorum else None
        levels = (self.max_priority or 0) + 1
        self._levels: list[deque[Entry]] = [deque() for _ in range(levels)]
        self._ready = self._levels[0]
        #: Quorum queues: returned messages, served before the others.
        self._returns: deque[Entry] = deque()
        self.ready = 0
        self.ready_bytes = 0
        self.unacked = 0
        self.consumers: list[Consumer] = []
        self.ever_consumed = False
        self.deleted = False
        self._seq = 0
        self._ttl_checks = self.message_ttl is not None
        self._timer: Timer | None = None
        self._timer_at = 0.0
        self._expiry_timer: Timer | None = None
        self._last_use = broker.world.now
        self._dispatching = False
        self._plain = (
            self.max_length is None
            and self.max_bytes is None
            and self.message_ttl is None
            and levels == 1
            and not self.quorum
        )
        if self.expires is not None:
            self._arm_expires()

    # -- inspection ----------------------------------------------------------------------

    def statistics(self) -> QueueStatistics:
        """A snapshot of this queue."""
        return QueueStatistics(
            self.name,
            self.ready,
            self.unacked,
            len(self.consumers),
            self.ready_bytes,
            self.durable,
            self.exclusive,
            self.auto_delete,
            self.queue_type,
        )

    def __repr__(self) -> str:
        return f"<Queue {self.name!r} ready={self.ready} unacked={self.unacked}>"

    def entries(self) -> list[Entry]:
        """Ready entries in delivery order."""
        found: list[Entry] = list(self._returns)
        for level in reversed(self._levels):
            found.extend(level)
        return found

    # -- storing ---------------------------------------------------------------------------

    def enqueue(self, msg: Message) -> bool:
        """Store a routed message; False if ``x-overflow`` refused it (reject-publish)."""
        if self._plain and msg.properties.expiration is None:
            self._seq += 1
            self._ready.append(Entry(msg, self._seq, None, 0))
            self.ready += 1
            self.ready_bytes += len(msg.body)
            trace = self.broker.trace
            if trace.full:
                trace.emit("msg.store", self.broker.name, msg.id, where=self.name)
            elif trace.active:
                trace.emit("msg.store", self.broker.name)
            if self.syncs and msg.persistent:
                self._written(1)
            if self.consumers:
                self.dispatch()
            if self._ttl_checks:
                self._expire_head()
            return True
        return self._enqueue(msg)

    def _written(self, count: int) -> None:
        """``count`` persistent messages were written: they wait for the next fsync."""
        self.unsynced += count
        if not self.dirty:
            self.broker.written(self)

    def sync(self) -> None:
        """The broker's fsync: everything this queue wrote is on disk."""
        self.synced_seq = self._seq
        self.unsynced = 0
        self.dirty = False

    def enqueue_many(self, msgs: list[Message]) -> None:
        """Store several plain messages (no limits, TTL or priorities) at once."""
        seq = self._seq
        entries = []
        size = 0
        for msg in msgs:
            seq += 1
            entries.append(Entry(msg, seq, None, 0))
            size += len(msg.body)
        self._seq = seq
        self._ready.extend(entries)
        self.ready += len(entries)
        self.ready_bytes += size
        trace = self.broker.trace
        if trace.full:
            trace.emit_many("msg.store", self.broker.name, [m.id for m in msgs], where=self.name)
        elif trace.active:
            trace.emit_many("msg.store", self.broker.name, [None] * len(msgs))
        if self.syncs:
            persistent = sum(1 for m in msgs if m.persistent)
            if persistent:
                self._written(persistent)
        if self.consumers:
            self.dispatch()

    def _enqueue(self, msg: Message) -> bool:
        size = len(msg.body)
        limited = self.max_length is not None or self.max_bytes is not None
        if limited and self.overflow != "drop-head" and self._full(size):
            return False
        now = self.broker.world.now
        expires_at = None
        if self.message_ttl is not None:
            expires_at = now + self.message_ttl
        expiration = msg.properties.expiration
        if expiration is not None:
            per_message = now + int(expiration) / 1000.0
            expires_at = per_message if expires_at is None else min(expires_at, per_message)
            self._ttl_checks = True
        priority = 0
        if self.max_priority is not None:
            wanted = msg.properties.priority or 0
            priority = min(max(int(wanted), 0), self.max_priority)
        self._seq += 1
        entry = Entry(msg, self._seq, expires_at, priority)
        self._levels[priority].append(entry)
        self.ready += 1
        self.ready_bytes += size
        broker = self.broker
        if broker.trace.full:
            broker.trace.emit("msg.store", broker.name, msg.id, where=self.name)
        elif broker.trace.active:
            broker.trace.emit("msg.store", broker.name)
        if self.syncs and msg.persistent:
            self._written(1)
        if self.max_length is not None or self.max_bytes is not None:
            self._drop_overflow()
        if self.consumers:
            self.dispatch()
        if self._ttl_checks:
            self._expire_head()
        return True

    def _full(self, size: int) -> bool:
        if self.max_length is not None and self.ready >= self.max_length:
            return True
        return self.max_bytes is not None and self.ready_bytes + size > self.max_bytes

    def _over(self) -> bool:
        if self.max_length is not None and self.ready > self.max_length:
            return True
        return self.max_bytes is not None and self.ready_bytes > self.max_bytes

    def _drop_overflow(self) -> None:
        while self.ready and self._over():
            entry = self._pop()
            self.broker.dead_letter(self, entry, "maxlen")

    def _pop(self) -> Entry:
        levels = self._levels
        if self._returns:
            entry = self._returns.popleft()
        elif len(levels) == 1:
            entry = self._ready.popleft()
        else:
            entry = next(level for level in reversed(levels) if level).popleft()
        self.ready -= 1
        self.ready_bytes -= len(entry.msg.body)
        return entry

    def _head(self) -> Entry | None:
        if self._returns:
            return self._returns[0]
        for level in reversed(self._levels):
            if level:
                return level[0]
        return None

    def requeue(self, entry: Entry, reason: str) -> None:
        """Put an unacked entry back, marked redelivered: at its original position in a
        classic queue, behind the other returned messages in a quorum queue (which
        dead-letters it instead once it came back more than ``x-delivery-limit`` times)."""
        self.unacked -= 1
        if self.deleted:
            self.broker.drop(self, entry, self.drop_reason)
            return
        entry.returns += 1
        if self.delivery_limit is not None and entry.returns > self.delivery_limit:
            self.broker.dead_letter(self, entry, "delivery_limit")
            return
        entry.redelivered = True
        self._insert(entry)
        broker = self.broker
        if broker.trace.full:
            broker.trace.emit(
                "msg.requeue", broker.name, entry.msg.id, where=self.name, reason=reason
            )
        elif broker.trace.active:
            broker.trace.emit("msg.requeue", broker.name)

    def _insert(self, entry: Entry) -> None:
        level = self._returns if self.quorum else self._levels[entry.priority]
        if self.quorum:
            level.append(entry)
        elif not level or entry.seq < level[0].seq:
            level.appendleft(entry)
        elif entry.seq > level[-1].seq:
            level.append(entry)
        else:
            level.insert(bisect_left(_Seq(level), entry.seq), entry)
        self.ready += 1
        self.ready_bytes += len(entry.msg.body)
        if entry.expires_at is not None:
            self._ttl_checks = True

    def outgoing(self, entry: Entry, *, get: bool = False) -> Message:
        """The message as a consumer (or ``basic.get`` when ``get``) receives it.

        RabbitMQ 3.10 quorum queues add an ``x-delivery-count`` header (how often the
        message came back) to redeliveries, and to every ``basic.get`` result (0 the first
        time); classic queues hand the message over as stored."""
        msg = entry.msg
        if not self.quorum or not (entry.returns or get):
            return msg
        headers = dict(msg.properties.headers or {})
        headers["x-delivery-count"] = entry.returns
        return Message(
            msg.id, msg.exchange, msg.routing_key, msg.body, msg.properties.replace(headers=headers)
        )

    def settle(self, entry: Entry) -> None:
        """An unacked entry was acked (or rejected): it leaves the queue."""
        self.unacked -= 1

    # -- taking ----------------------------------------------------------------------------

    def take(self) -> Entry | None:
        """The next live ready entry (``basic.get``), or None."""
        self.touch()
        if self._ttl_checks:
            self._expire_head(strict=True)
        if not self.ready:
            return None
        entry = self._pop()
        if self._ttl_checks:
            self._expire_head()
        return entry

    def purge(self) -> int:
        """Drop every ready message; the count."""
        count = self.ready
        for entry in self.entries():
            self.broker.drop(self, entry, "purged")
        for level in self._levels:
            level.clear()
        self._returns.clear()
        self.ready = 0
        self.ready_bytes = 0
        return count

    def dispatch(self) -> None:
        """Send ready messages to consumers that can take them (round-robin)."""
        if not self.ready or self._dispatching or self.deleted:
            return
        consumers = self.consumers
        if len(consumers) == 1 and self._plain and not self._ttl_checks:
            self._dispatch_one(consumers[0])
            return
        self._dispatching = True
        try:
            consumers = self.consumers
            ttl = self._ttl_checks
            while self.ready and consumers:
                consumer = self._pick()
                if consumer is None:
                    break
                if ttl:
                    self._expire_head(strict=True)
                    if not self.ready:
                        break
                entry = self._pop()
                if not consumer.no_ack:
                    self.unacked += 1
                consumer.channel.deliver(consumer, self, entry)
                if len(consumers) > 1 and consumers[-1] is not consumer and consumer.active:
                    consumers.remove(consumer)
                    self._place(consumer)
        finally:
            self._dispatching = False
        if self._ttl_checks:
            self._expire_head()

    def _dispatch_one(self, consumer: Consumer) -> None:
        """The hot path: one consumer, FIFO, no TTL: deliver what its window allows."""
        channel = consumer.channel
        if not consumer.active or not channel.flow or not channel.open:
            return
        room = self.ready
        if not consumer.no_ack:
            if consumer.prefetch:
                room = min(room, consumer.prefetch - consumer.unacked)
            if channel.global_prefetch:
                room = min(room, channel.global_prefetch - channel.consumer_unacked)
        if room <= 0:
            return
        self._dispatching = True
        try:
            ready = self._ready
            if room > 1:
                popleft = ready.popleft
                entries = [popleft() for _ in range(room)]
                self.ready -= room
                self.ready_bytes -= sum([len(e.msg.body) for e in entries])
                if not consumer.no_ack:
                    self.unacked += room
                channel.deliver_many(consumer, self, entries)
                return
            deliver = channel.deliver
            no_ack = consumer.no_ack
            for _ in range(room):
                entry = ready.popleft()
                self.ready -= 1
                self.ready_bytes -= len(entry.msg.body)
                if not no_ack:
                    self.unacked += 1
                deliver(consumer, self, entry)
        finally:
            self._dispatching = False

    def _pick(self) -> Consumer | None:
        consumers = self.consumers
        if len(consumers) == 1:
            only = consumers[0]
            return only if only.can_take() else None
        best: Consumer | None = None
        for consumer in consumers:
            if consumer.can_take() and (best is None or consumer.priority > best.priority):
                best = consumer
        return best

    def _place(self, consumer: Consumer) -> None:
        self.consumers.append(consumer)

    # -- consumers -------------------------------------------------------------------------

    def add_consumer(self, consumer: Consumer) -> None:
        """Register a consumer; with single-active-consumer only the first is active."""
        self.touch()
        if self.single_active and any(c.active for c in self.consumers):
            consumer.active = False
        self.consumers.append(consumer)
        self.ever_consumed = True
        self.dispatch()

    def remove_consumer(self, consumer: Consumer) -> None:
        """Unregister a consumer; promote the next one under single-active-consumer."""
        if consumer not in self.consumers:
            return
        self.consumers.remove(consumer)
        self.touch()
        if self.single_active and consumer.active and self.consumers:
            self.consumers[0].active = True
        if self.auto_delete and self.ever_consumed and not self.consumers:
            self.broker.delete_queue(self, reason="auto-delete")
            return
        self.dispatch()

    # -- timers ----------------------------------------------------------------------------

    def touch(self) -> None:
        """The queue was used (declare, consume, get): restart its ``x-expires`` clock."""
        self._last_use = self.broker.world.now

    def _arm_expires(self) -> None:
        assert self.expires is not None
        at = self._last_use + self.expires
        self._expiry_timer = self.broker.world.call_at(at, self._check_expires)

    def _check_expires(self) -> None:
        if self.deleted:
            return
        assert self.expires is not None
        if self.consumers:
            self.touch()
        if self.broker.world.now < self._last_use + self.expires - 1e-12:
            self._arm_expires()
            return
        self.broker.delete_queue(self, reason="expired")

    def _expire_head(self, *, strict: bool = False) -> None:
        """Drop expired messages at the head; arm the timer for the next head's expiry."""
        now = self.broker.world.now
        while True:
            head = self._head()
            if head is None:
                self._ttl_checks = self.message_ttl is not None
                return
            at = head.expires_at
            if at is None:
                return
            if at < now or (at <= now and not strict):
                self._pop()
                self.broker.dead_letter(self, head, "expired")
                continue
            self._arm(at)
            return

    def _arm(self, at: float) -> None:
        if self._timer is not None and not self._timer.cancelled and self._timer_at <= at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = self.broker.world.call_at(at, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self.deleted:
            return
        self._expire_head()
        if self.consumers:
            self.dispatch()

    def survives_crash(self, entry: Entry) -> bool:
        """True if ``entry`` is still in this (durable) queue after a broker crash:
        persistent messages of classic queues once fsynced, every message of a quorum
        queue (RabbitMQ writes all of them to the quorum queue's log, whatever their
        delivery mode)."""
        if self.quorum:
            return True
        return entry.msg.persistent and (not self.syncs or entry.seq <= self.synced_seq)

    def keep_persistent(self) -> None:
        """Broker crash: only messages that survive it stay; timers and consumers are gone."""
        for timer in (self._timer, self._expiry_timer):
            if timer is not None:
                timer.cancel()
        self._timer = self._expiry_timer = None
        self.consumers.clear()
        self.unsynced = 0
        self.dirty = False
        self.ready = 0
        self.ready_bytes = 0
        self.unacked = 0
        for index, level in enumerate(self._levels):
            kept = deque(e for e in level if self.survives_crash(e))
            self._levels[index] = kept
            self.ready += len(kept)
            self.ready_bytes += sum(len(e.msg.body) for e in kept)
        self._ready = self._levels[0]
        self.ready += len(self._returns)
        self.ready_bytes += sum(len(e.msg.body) for e in self._returns)

    def restart(self) -> None:
        """Broker restart: the queue's clocks start again."""
        self.touch()
        if self.expires is not None:
            self._arm_expires()
        self._ttl_checks = True
        self._expire_head()

    def stop(self, reason: str = "queue-deleted") -> None:
        """The queue is gone: cancel its timers; ``reason`` is the drop reason of the
        messages it still holds or gets back."""
        self.deleted = True
        self.drop_reason = reason
        for timer in (self._timer, self._expiry_timer):
            if timer is not None:
                timer.cancel()


def _ms(value: Any) -> float | None:
    return None if value is None else float(value) / 1000.0
