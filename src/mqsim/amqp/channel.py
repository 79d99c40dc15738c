"""The broker side of an AMQP channel: one method per AMQP method.

Delivery tags count from 1 per channel. Unacked deliveries stay on the channel until
acked, rejected, or the channel closes (then they are requeued, marked redelivered).
Errors are raised as :class:`AMQPError`; the connection turns them into
``channel.close`` (soft) or ``connection.close`` (hard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.amqp import codes
from mqsim.amqp.consumer import Consumer
from mqsim.amqp.errors import AMQPError, access_refused, not_found, precondition
from mqsim.amqp.message import Entry, Message

if TYPE_CHECKING:
    from mqsim.amqp.connection import Connection
    from mqsim.amqp.queue import Queue
    from mqsim.sim import Timer

REPLY_TO = "amq.rabbitmq.reply-to"

#: (entry, queue, consumer or None for basic.get, delivery time)
Unacked = tuple[Entry, "Queue", "Consumer | None", float]


@dataclass(frozen=True, slots=True)
class ChannelStatistics:
    """A snapshot of a channel."""

    number: int
    open: bool
    consumers: int
    unacked: int
    next_delivery_tag: int
    prefetch_count: int
    global_prefetch_count: int
    confirm: bool
    transactional: bool


class Channel:
    """A channel of a :class:`~mqsim.amqp.connection.Connection`."""

    def __init__(self, connection: Connection, number: int) -> None:
        self.connection = connection
        self.broker = connection.broker
        self._env = connection.broker.world.env
        self.number = number
        self.open = True
        self.flow = True
        self.consumers: dict[str, Consumer] = {}
        self.unacked: dict[int, Unacked] = {}
        self.next_tag = 1
        self.prefetch_count = 0
        self.global_prefetch = 0
        self.consumer_unacked = 0
        self.confirm = False
        self.publish_seq = 0
        #: Verdicts (acks, nacks) of a batch of publishes being handled, sent after it.
        self._verdicts: tuple[list[int], list[int]] | None = None
        self.transactional = False
        self._tx_publishes: list[tuple[str, Message, bool, int]] = []
        self._tx_settles: list[tuple[str, int, bool, bool]] = []
        self.reply_token: str | None = None
        self.reply_consumer: str | None = None
        self._timeout_timer: Timer | None = None

    def statistics(self) -> ChannelStatistics:
        """A snapshot of this channel."""
        return ChannelStatistics(
            self.number,
            self.open,
            len(self.consumers),
            len(self.unacked),
            self.next_tag,
            self.prefetch_count,
            self.global_prefetch,
            self.confirm,
            self.transactional,
        )

    def __repr__(self) -> str:
        state = "open" if self.open else "closed"
        return (
            f"<Channel {self.number} of {self.connection.client!r} {state} "
            f"consumers={len(self.consumers)} unacked={len(self.unacked)}>"
        )

    def can_take(self) -> bool:
        """Channel-wide limits (flow, global prefetch) allow another consumer delivery."""
        if not self.flow or not self.open:
            return False
        return not self.global_prefetch or self.consumer_unacked < self.global_prefetch

    # -- queues ----------------------------------------------------------------------------

    def queue_declare(
        self,
        queue: str = "",
        passive: bool = False,
        durable: bool = False,
        exclusive: bool = False,
        auto_delete: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> tuple[str, int, int]:
        """``queue.declare``: (name, ready message count, consumer count)."""
        return self.broker.queue_declare(
            self.connection, queue, passive, durable, exclusive, auto_delete, arguments or {}
        )

    def queue_bind(
        self,
        queue: str,
        exchange: str,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> None:
        """``queue.bind``."""
        self.broker.bind(self.connection, exchange, queue, False, routing_key, arguments or {})

    def queue_unbind(
        self,
        queue: str,
        exchange: str,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> None:
        """``queue.unbind``."""
        self.broker.unbind(self.connection, exchange, queue, False, routing_key, arguments or {})

    def queue_purge(self, queue: str) -> int:
        """``queue.purge``: how many ready messages were removed."""
        return self.broker.usable_queue(self.connection, queue).purge()

    def queue_delete(self, queue: str, if_unused: bool = False, if_empty: bool = False) -> int:
        """``queue.delete``: the ready message count (0 if the queue did not exist)."""
        found = self.broker.queues.get(queue)
        if found is None:
            return 0
        self.broker.check_exclusive(self.connection, found)
        if if_unused and found.consumers:
            raise precondition(f"queue '{queue}' in vhost '/' in use")
        if if_empty and found.ready:
            raise precondition(f"queue '{queue}' in vhost '/' not empty")
        count = found.ready
        self.broker.delete_queue(found, reason="queue-deleted")
        return count

    # -- exchanges -------------------------------------------------------------------------

    def exchange_declare(
        self,
        exchange: str,
        exchange_type: str = "direct",
        passive: bool = False,
        durable: bool = False,
        auto_delete: bool = False,
        internal: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> None:
        """``exchange.declare``."""
        self.broker.exchange_declare(
            exchange, exchange_type, passive, durable, auto_delete, internal, arguments or {}
        )

    def exchange_delete(self, exchange: str, if_unused: bool = False) -> None:
        """``exchange.delete``."""
        self.broker.exchange_delete(exchange, if_unused)

    def exchange_bind(
        self,
        destination: str,
        source: str,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> None:
        """``exchange.bind``."""
        self.broker.bind(self.connection, source, destination, True, routing_key, arguments or {})

    def exchange_unbind(
        self,
        destination: str,
        source: str,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> None:
        """``exchange.unbind``."""
        self.broker.unbind(self.connection, source, destination, True, routing_key, arguments or {})

    # -- consuming -------------------------------------------------------------------------

    def basic_qos(
        self, prefetch_size: int = 0, prefetch_count: int = 0, global_qos: bool = False
    ) -> None:
        """``basic.qos``: RabbitMQ applies ``global=False`` to each consumer created
        afterwards and ``global=True`` to the whole channel."""
        if global_qos:
            self.global_prefetch = prefetch_count
        else:
            self.prefetch_count = prefetch_count
        self._dispatch_all()

    def basic_consume(
        self,
        queue: str,
        consumer_tag: str = "",
        no_ack: bool = False,
        exclusive: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> str:
        """``basic.consume``: the consumer tag (server-generated if empty)."""
        broker = self.broker
        if queue == REPLY_TO:
            return self._reply_consume(consumer_tag, no_ack)
        found = broker.usable_queue(self.connection, queue)
        if not consumer_tag:
            consumer_tag = f"amq.ctag-{broker.random_token(22)}"
        if consumer_tag in self.consumers:
            raise AMQPError(codes.NOT_ALLOWED, f"attempt to reuse consumer tag '{consumer_tag}'")
        if any(c.exclusive for c in found.consumers) or (exclusive and found.consumers):
            raise access_refused(f"queue '{queue}' in vhost '/' in exclusive use")
        consumer = Consumer(
            consumer_tag,
            self,
            found,
            no_ack=no_ack,
            exclusive=exclusive,
            arguments=dict(arguments or {}),
            prefetch=self.prefetch_count,
        )
        self.consumers[consumer_tag] = consumer
        found.add_consumer(consumer)
        return consumer_tag

    def _reply_consume(self, consumer_tag: str, no_ack: bool) -> str:
        if not no_ack:
            raise precondition("reply consumer cannot acknowledge")
        if self.reply_consumer is not None:
            raise precondition("reply consumer already set")
        tag = consumer_tag or f"amq.ctag-{self.broker.random_token(22)}"
        self.reply_consumer = tag
        self.reply_token = f"{REPLY_TO}.g1h2AA5yZXBseUAx.{self.broker.random_token(22)}"
        self.broker.reply_channels[self.reply_token] = self
        return tag

    def basic_cancel(self, consumer_tag: str) -> None:
        """``basic.cancel``: its unacked messages stay unacked on the channel."""
        if consumer_tag == self.reply_consumer:
            self._drop_reply_consumer()
            return
        consumer = self.consumers.pop(consumer_tag, None)
        if consumer is not None:
            consumer.queue.remove_consumer(consumer)

    def _drop_reply_consumer(self) -> None:
        if self.reply_token is not None:
            self.broker.reply_channels.pop(self.reply_token, None)
        self.reply_consumer = None
        self.reply_token = None

    def consumer_cancelled(self, consumer: Consumer) -> None:
        """The broker cancelled ``consumer`` (its queue was deleted): tell the client."""
        if self.consumers.pop(consumer.tag, None) is not None:
            self.connection.push_cancel(self.number, consumer.tag)

    def deliver(self, consumer: Consumer, queue: Queue, entry: Entry) -> None:
        """Send ``entry`` to ``consumer`` with the next delivery tag."""
        tag = self.next_tag
        self.next_tag = tag + 1
        broker = self.broker
        trace = broker.trace
        if consumer.no_ack:
            if trace.full:
                msg_id = entry.msg.id
                trace.emit(
                    "msg.deliver",
                    broker.name,
                    msg_id,
                    where=queue.name,
                    consumer=self.connection.client,
                    redelivered=entry.redelivered,
                    tag=tag,
                )
                trace.emit(
                    "msg.ack",
                    broker.name,
                    msg_id,
                    where=queue.name,
                    consumer=self.connection.client,
                )
            elif trace.active:
                trace.emit("msg.deliver", broker.name)
                trace.emit("msg.ack", broker.name)
        else:
            self.unacked[tag] = (entry, queue, consumer, self._env.now)
            consumer.unacked += 1
            self.consumer_unacked += 1
            if self._timeout_timer is None and broker.consumer_timeout is not None:
                self._arm_timeout()
            if trace.full:
                trace.emit(
                    "msg.deliver",
                    broker.name,
                    entry.msg.id,
                    where=queue.name,
                    consumer=self.connection.client,
                    redelivered=entry.redelivered,
                    tag=tag,
                )
            elif trace.active:
                trace.emit("msg.deliver", broker.name)
        self.connection.push_deliver(
            self.number, consumer.tag, tag, entry.redelivered, queue.name, queue.outgoing(entry)
        )

    def deliver_reply(self, msg: Message) -> None:
        """Direct reply-to: hand a reply straight to this channel's reply consumer."""
        tag = self.next_tag
        self.next_tag = tag + 1
        assert self.reply_consumer is not None
        self.connection.push_deliver(self.number, self.reply_consumer, tag, False, REPLY_TO, msg)

    def basic_get(self, queue: str, no_ack: bool = False) -> tuple[Any, ...] | None:
        """``basic.get``: None (get-empty) or (tag, redelivered, ready count, queue, message)."""
        found = self.broker.usable_queue(self.connection, queue)
        entry = found.take()
        if entry is None:
            return None
        tag = self.next_tag
        self.next_tag = tag + 1
        broker = self.broker
        if broker.trace.full:
            broker.trace.emit(
                "msg.deliver",
                broker.name,
                entry.msg.id,
                where=queue,
                consumer=self.connection.client,
                redelivered=entry.redelivered,
                tag=tag,
            )
        if no_ack:
            if broker.trace.full:
                broker.trace.emit(
                    "msg.ack",
                    broker.name,
                    entry.msg.id,
                    where=queue,
                    consumer=self.connection.client,
                )
        else:
            found.unacked += 1
            self.unacked[tag] = (entry, found, None, broker.world.now)
            if self._timeout_timer is None and broker.consumer_timeout is not None:
                self._arm_timeout()
        return (tag, entry.redelivered, found.ready, queue, found.outgoing(entry, get=True))

    # -- acknowledgements ------------------------------------------------------------------

    def _tags(self, delivery_tag: int, multiple: bool) -> list[int]:
        if multiple:
            if delivery_tag == 0:
                return list(self.unacked)
            if delivery_tag not in self.unacked:
                raise precondition(f"unknown delivery tag {delivery_tag}")
            return [t for t in self.unacked if t <= delivery_tag]
        if delivery_tag not in self.unacked:
            raise precondition(f"unknown delivery tag {delivery_tag}")
        return [delivery_tag]

    def basic_ack(self, delivery_tag: int = 0, multiple: bool = False) -> None:
        """``basic.ack``; an unknown tag closes the channel with 406."""
        if not multiple and not self.transactional:
            record = self.unacked.pop(delivery_tag, None)
            if record is None:
                raise precondition(f"unknown delivery tag {delivery_tag}")
            consumer = record[2]
            if consumer is not None:
                consumer.unacked -= 1
                self.consumer_unacked -= 1
            queue = record[1]
            queue.unacked -= 1
            trace = self.broker.trace
            if trace.full:
                trace.emit(
                    "msg.ack",
                    self.broker.name,
                    record[0].msg.id,
                    where=queue.name,
                    consumer=self.connection.client,
                )
            elif trace.active:
                trace.emit("msg.ack", self.broker.name)
            if queue.ready:
                queue.dispatch()
            if self.global_prefetch:
                self._dispatch_all()
            return
        tags = self._tags(delivery_tag, multiple)
        if self.transactional:
            self._tx_settles.append(("ack", delivery_tag, multiple, False))
            return
        if self.broker.trace.full:
            self._settle_tags(tags, "ack", False)
            return
        unacked = self.unacked
        counting = self.broker.trace.active
        queues: dict[int, Queue] = {}
        for tag in tags:
            _entry, queue, consumer, _at = unacked.pop(tag)
            if consumer is not None:
                consumer.unacked -= 1
                self.consumer_unacked -= 1
            queue.unacked -= 1
            queues[id(queue)] = queue
            if counting:
                self.broker.trace.emit("msg.ack", self.broker.name)
        for queue in queues.values():
            queue.dispatch()
        if self.global_prefetch:
            self._dispatch_all()

    def basic_ack_many(self, delivery_tags: list[int]) -> None:
        """Several ``basic.ack`` frames (``multiple=False``) handled in order, as
        :meth:`basic_ack` would one by one.

        mqsim: while consecutive acks free room for the same consumer, the queue's dispatch
        waits for the last of them. That delivers exactly what one dispatch per ack would:
        before the acks no consumer of the queue could take a ready message, and the acks
        give room to that consumer only (without a channel-wide prefetch), so the queue
        hands the same messages, in the same order, to it. Records of one instant may come
        in another order (all the acks, then the deliveries).
        """
        if self.transactional or self.global_prefetch:
            for tag in delivery_tags:
                self.basic_ack(tag, False)
            return
        unacked = self.unacked
        trace = self.broker.trace
        held: Consumer | None = None
        acked: list[str | None] = []
        for tag in delivery_tags:
            record = unacked.pop(tag, None)
            if record is None and held is not None:
                # The deferred deliveries came before this ack (it may name one of them).
                self._acked_run(held, acked)
                held = None
                record = unacked.pop(tag, None)
            if record is None:
                raise precondition(f"unknown delivery tag {tag}")
            consumer = record[2]
            if consumer is not held and held is not None:
                self._acked_run(held, acked)
                held = None
            queue = record[1]
            queue.unacked -= 1
            if consumer is None:
                self._trace_ack(record)
                if queue.ready:
                    queue.dispatch()
                continue
            consumer.unacked -= 1
            self.consumer_unacked -= 1
            if trace.active:
                acked.append(record[0].msg.id)
            held = consumer
        if held is not None:
            self._acked_run(held, acked)

    def _acked_run(self, consumer: Consumer, acked: list[str | None]) -> None:
        """Trace the acks of a run for one consumer, then let its queue dispatch."""
        queue = consumer.queue
        if acked:
            trace = self.broker.trace
            if trace.full:
                trace.emit_many(
                    "msg.ack",
                    self.broker.name,
                    acked,
                    where=queue.name,
                    consumer=self.connection.client,
                )
            else:
                trace.emit_many("msg.ack", self.broker.name, acked)
            acked.clear()
        if queue.ready:
            queue.dispatch()

    def _trace_ack(self, record: Unacked) -> None:
        trace = self.broker.trace
        if trace.full:
            trace.emit(
                "msg.ack",
                self.broker.name,
                record[0].msg.id,
                where=record[1].name,
                consumer=self.connection.client,
            )
        elif trace.active:
            trace.emit("msg.ack", self.broker.name)

    def basic_nack(
        self, delivery_tag: int = 0, multiple: bool = False, requeue: bool = True
    ) -> None:
        """``basic.nack``: requeue, dead-letter or drop."""
        tags = self._tags(delivery_tag, multiple)
        if self.transactional:
            self._tx_settles.append(("nack", delivery_tag, multiple, requeue))
            return
        self._settle_tags(tags, "nack", requeue)

    def basic_reject(self, delivery_tag: int = 0, requeue: bool = True) -> None:
        """``basic.reject``: as nack of one message."""
        self.basic_nack(delivery_tag, False, requeue)

    def _settle_tags(self, tags: list[int], how: str, requeue: bool) -> None:
        queues: dict[int, Queue] = {}
        for tag in tags:
            record = self.unacked.pop(tag)
            queue = record[1]
            queues[id(queue)] = queue
            if how == "ack":
                self._settle(record, "ack")
            else:
                self._unhold(record)
                if requeue:
                    queue.requeue(record[0], "nack")
                else:
                    queue.settle(record[0])
                    self.broker.dead_letter(queue, record[0], "rejected")
        for queue in queues.values():
            queue.dispatch()
        self._dispatch_all()

    def _unhold(self, record: Unacked) -> None:
        consumer = record[2]
        if consumer is not None:
            consumer.unacked -= 1
            self.consumer_unacked -= 1

    def _settle(self, record: Unacked, how: str) -> None:
        self._unhold(record)
        entry, queue = record[0], record[1]
        queue.settle(entry)
        trace = self.broker.trace
        if trace.full:
            trace.emit(
                "msg.ack",
                self.broker.name,
                entry.msg.id,
                where=queue.name,
                consumer=self.connection.client,
            )
        elif trace.active:
            trace.emit("msg.ack", self.broker.name)

    def basic_recover(self, requeue: bool = True) -> None:
        """``basic.recover``: RabbitMQ requeues every unacked message; requeue=False is 540."""
        if not requeue:
            raise AMQPError(codes.NOT_IMPLEMENTED, "requeue=false")
        self.requeue_all("recover")

    def requeue_all(self, reason: str) -> None:
        """Return every unacked message to its queue (redelivered), in tag order."""
        records = list(self.unacked.values())
        self.unacked.clear()
        queues: dict[int, Queue] = {}
        for record in records:
            self._unhold(record)
            record[1].requeue(record[0], reason)
            queues[id(record[1])] = record[1]
        for queue in queues.values():
            queue.dispatch()

    def _dispatch_all(self) -> None:
        seen: set[int] = set()
        for consumer in list(self.consumers.values()):
            queue = consumer.queue
            if id(queue) not in seen:
                seen.add(id(queue))
                queue.dispatch()

    # -- consumer timeout ------------------------------------------------------------------

    def _arm_timeout(self) -> None:
        """Start the channel's tick, which checks the consumer timeout.

        RabbitMQ 3.10 checks ``consumer_timeout`` on the channel's periodic tick
        (``channel_tick_interval``, 60 s): at a tick, if the oldest unacked delivery is
        older than the timeout, the channel is closed with 406 PRECONDITION_FAILED. So the
        channel closes up to one tick after the timeout has passed (31 minutes after the
        delivery with the defaults). An idle channel hibernates and stops ticking when it
        holds nothing unacked. mqsim: the tick starts when the channel first holds an
        unacked message and stops when it holds none.
        """
        interval = self.broker.channel_tick_interval
        self._timeout_timer = self.broker.world.call_later(interval, self._tick)

    def _tick(self) -> None:
        self._timeout_timer = None
        timeout = self.broker.consumer_timeout
        if not self.open or not self.unacked or timeout is None:
            return
        oldest = next(iter(self.unacked.values()))[3]
        millis = round(timeout * 1000)
        if round(oldest * 1000) < round(self.broker.world.now * 1000) - millis:
            self.connection.fail_channel(
                self,
                precondition(
                    f"delivery acknowledgement on channel {self.number} timed out. Timeout value "
                    f"used: {millis} ms. This timeout value can be configured, see consumers doc "
                    "guide to learn more"
                ),
                reason="consumer-timeout",
            )
            return
        self._arm_timeout()

    # -- publishing ------------------------------------------------------------------------

    def confirm_select(self) -> None:
        """``confirm.select``: from now on every publish is confirmed (tags from 1)."""
        if self.transactional:
            raise precondition("cannot switch from tx to confirm mode")
        self.confirm = True

    def basic_publish(self, exchange: str, msg: Message, mandatory: bool = False) -> None:
        """``basic.publish`` of ``msg`` (which carries routing key, body and properties)."""
        seq = 0
        if self.confirm:
            self.publish_seq += 1
            seq = self.publish_seq
        broker = self.broker
        target = broker.exchanges.get(exchange)
        if target is None:
            raise not_found("exchange", exchange)
        if target.internal:
            raise access_refused(f"cannot publish to internal exchange '{exchange}' in vhost '/'")
        props = msg.properties
        if props.expiration is not None:
            _check_expiration(props.expiration)
        if props.user_id is not None and props.user_id != self.connection.user:
            raise precondition(
                f"user_id property set to '{props.user_id}' but authenticated user was "
                f"'{self.connection.user}'"
            )
        if props.reply_to == REPLY_TO:
            if self.reply_token is None:
                raise precondition("fast reply consumer does not exist")
            msg.properties = props.replace(reply_to=self.reply_token)
        if self.transactional:
            self._tx_publishes.append((exchange, msg, mandatory, seq))
            return
        self._publish(exchange, msg, mandatory, seq)

    def basic_publish_many(self, exchange: str, msgs: list[Message]) -> None:
        """Several plain publishes (same exchange, key and properties, no mandatory)."""
        props = msgs[0].properties
        simple = (
            not self.confirm
            and not self.transactional
            and props.expiration is None
            and props.user_id is None
            and props.reply_to is None
            and not props.headers
        )
        broker = self.broker
        queue = broker.queues.get(msgs[0].routing_key) if not exchange else None
        if not simple or queue is None or not queue._plain:
            if not self.confirm:
                for msg in msgs:
                    self.basic_publish(exchange, msg, False)
                return
            self._verdicts = ([], [])
            try:
                for msg in msgs:
                    self.basic_publish(exchange, msg, False)
            finally:
                acks, nacks = self._verdicts
                self._verdicts = None
                self._send_confirms(acks, nacks)
            return
        trace = broker.trace
        if trace.full:
            trace.emit_many(
                "msg.route",
                broker.name,
                [m.id for m in msgs],
                {"queues": [[queue.name] for _ in msgs]},
                dest=exchange,
            )
        elif trace.active:
            trace.emit_many("msg.route", broker.name, [None] * len(msgs))
        queue.enqueue_many(msgs)

    def deliver_many(self, consumer: Consumer, queue: Queue, entries: list[Entry]) -> None:
        """Deliver several entries to one consumer at one instant (one frame batch)."""
        tag = self.next_tag
        self.next_tag = tag + len(entries)
        number = self.number
        ctag = consumer.tag
        name = queue.name
        frames: list[tuple[Any, ...]] = []
        append = frames.append
        broker = self.broker
        trace = broker.trace
        no_ack = consumer.no_ack
        if no_ack and trace.active:
            client = self.connection.client
            for entry in entries:
                msg_id = entry.msg.id
                trace.emit(
                    "msg.deliver",
                    broker.name,
                    msg_id,
                    where=name,
                    consumer=client,
                    redelivered=entry.redelivered,
                    tag=tag,
                )
                trace.emit("msg.ack", broker.name, msg_id, where=name, consumer=client)
                tag += 1
            tag = self.next_tag - len(entries)
        elif trace.full:
            trace.emit_many(
                "msg.deliver",
                broker.name,
                [e.msg.id for e in entries],
                {
                    "redelivered": [e.redelivered for e in entries],
                    "tag": range(tag, tag + len(entries)),
                },
                where=name,
                consumer=self.connection.client,
            )
        elif trace.active:
            trace.emit_many("msg.deliver", broker.name, [None] * len(entries))
        outgoing = queue.outgoing if queue.quorum else None
        if no_ack:
            for entry in entries:
                msg = entry.msg if outgoing is None else outgoing(entry)
                append(("deliver", number, ctag, tag, entry.redelivered, name, msg))
                tag += 1
        else:
            unacked = self.unacked
            now = self._env.now
            for entry in entries:
                unacked[tag] = (entry, queue, consumer, now)
                msg = entry.msg if outgoing is None else outgoing(entry)
                append(("deliver", number, ctag, tag, entry.redelivered, name, msg))
                tag += 1
            consumer.unacked += len(entries)
            self.consumer_unacked += len(entries)
            if self._timeout_timer is None and broker.consumer_timeout is not None:
                self._arm_timeout()
        self.connection.push_deliver_many(frames)

    def _publish(self, exchange: str, msg: Message, mandatory: bool, seq: int) -> None:
        broker = self.broker
        routed, rejected = broker.publish(exchange, msg)
        if not routed and mandatory:
            if broker.trace.full:
                broker.trace.emit(
                    "msg.return",
                    broker.name,
                    msg.id,
                    dest=exchange,
                    key=msg.routing_key,
                    code=codes.NO_ROUTE,
                    text="NO_ROUTE",
                )
            self.connection.push_return(self.number, codes.NO_ROUTE, "NO_ROUTE", msg)
        if not seq:
            return
        if self._verdicts is not None:
            self._verdicts[0 if not rejected else 1].append(seq)
        elif rejected:
            self._send_confirms([], [seq])
        else:
            self.connection.push_confirm(self.number, seq, False, True)

    def _send_confirms(self, acks: list[int], nacks: list[int]) -> None:
        """Send the verdicts on publishes handled together, as RabbitMQ's channel does:
        one ack alone goes as such; otherwise every tag below the first nack goes as one
        ``multiple`` ack of the highest, the rest one by one; nacks likewise below the
        first ack. mqsim decides each publish as it arrives, so no earlier publish is
        still waiting for its verdict (which would lower the cut-off)."""
        if len(acks) == 1:
            self.connection.push_confirm(self.number, acks[0], False, True)
        elif acks:
            self._coalesce(acks, nacks, True)
        if nacks:
            self._coalesce(nacks, acks, False)

    def _coalesce(self, tags: list[int], others: list[int], ack: bool) -> None:
        ordered = sorted(set(tags))
        cutoff = min([ordered[-1] + 1, *others])
        below = [tag for tag in ordered if tag < cutoff]
        push = self.connection.push_confirm
        if below:
            push(self.number, below[-1], True, ack)
        for tag in ordered[len(below) :]:
            push(self.number, tag, False, ack)

    # -- transactions ----------------------------------------------------------------------

    def tx_select(self) -> None:
        """``tx.select``."""
        if self.confirm:
            raise precondition("cannot switch from confirm to tx mode")
        self.transactional = True

    def tx_commit(self) -> None:
        """``tx.commit``: publish and settle what the transaction held."""
        if not self.transactional:
            raise precondition("channel is not transactional")
        publishes, self._tx_publishes = self._tx_publishes, []
        settles, self._tx_settles = self._tx_settles, []
        for exchange, msg, mandatory, seq in publishes:
            self._publish(exchange, msg, mandatory, seq)
        for how, tag, multiple, requeue in settles:
            tags = list(self._tags_lenient(tag, multiple))
            self._settle_tags(tags, how, requeue)

    def _tags_lenient(self, tag: int, multiple: bool) -> list[int]:
        if multiple:
            return [t for t in self.unacked if tag == 0 or t <= tag]
        return [tag] if tag in self.unacked else []

    def tx_rollback(self) -> None:
        """``tx.rollback``: forget the transaction's publishes and acks."""
        if not self.transactional:
            raise precondition("channel is not transactional")
        for _exchange, msg, _mandatory, _seq in self._tx_publishes:
            if self.broker.trace.full:
                self.broker.trace.emit(
                    "msg.drop", self.broker.name, msg.id, where=None, reason="tx-rollback"
                )
        self._tx_publishes = []
        self._tx_settles = []

    # -- closing ---------------------------------------------------------------------------

    def close(self, reason: str = "channel-close") -> None:
        """The channel ends: cancel its consumers, requeue its unacked messages."""
        if not self.open:
            return
        self.open = False
        if self._timeout_timer is not None:
            self._timeout_timer.cancel()
            self._timeout_timer = None
        for _exchange, msg, _mandatory, _seq in self._tx_publishes:
            if self.broker.trace.full:
                self.broker.trace.emit(
                    "msg.drop", self.broker.name, msg.id, where=None, reason="tx-rollback"
                )
        self._tx_publishes = []
        self._drop_reply_consumer()
        consumers = list(self.consumers.values())
        self.consumers.clear()
        records = list(self.unacked.values())
        self.unacked.clear()
        for record in records:
            self._unhold(record)
            record[1].requeue(record[0], reason)
        for consumer in consumers:
            consumer.queue.remove_consumer(consumer)
        for record in records:
            record[1].dispatch()


def _check_expiration(expiration: str) -> None:
    if not expiration.isdigit():
        raise precondition(f"invalid expiration '{expiration}': no_integer")
