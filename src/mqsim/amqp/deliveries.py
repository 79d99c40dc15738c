"""The sending side of a channel's deliveries: delivery tags, the unacked ledger, and
the consumer timeout that watches it.

Delivery tags count from 1 per channel and never repeat (a redelivery gets a new tag).
A delivery that needs an ack stays in :attr:`Deliveries.unacked` until it is settled
(:mod:`mqsim.amqp.acks`) or the channel closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mqsim.amqp.errors import precondition
from mqsim.amqp.message import Entry, Message

if TYPE_CHECKING:
    import simpy

    from mqsim.amqp.broker import Broker
    from mqsim.amqp.connection import Connection
    from mqsim.amqp.consumer import Consumer
    from mqsim.amqp.queue import Queue
    from mqsim.sim import Timer

REPLY_TO = "amq.rabbitmq.reply-to"

#: (entry, queue, consumer or None for basic.get, delivery time)
Unacked = tuple[Entry, "Queue", "Consumer | None", float]


class Deliveries:
    """Mixed into :class:`~mqsim.amqp.channel.Channel`: deliveries to its consumers,
    ``basic.get``, direct reply-to, and the consumer timeout."""

    broker: Broker
    connection: Connection
    number: int
    open: bool
    next_tag: int
    unacked: dict[int, Unacked]
    consumer_unacked: int
    reply_consumer: str | None
    _env: simpy.Environment
    _timeout_timer: Timer | None

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
        channel = self.connection.channels.get(self.number)
        if channel is None or not self.open or not self.unacked or timeout is None:
            return
        oldest = next(iter(self.unacked.values()))[3]
        millis = round(timeout * 1000)
        if round(oldest * 1000) < round(self.broker.world.now * 1000) - millis:
            self.connection.fail_channel(
                channel,
                precondition(
                    f"delivery acknowledgement on channel {self.number} timed out. Timeout value "
                    f"used: {millis} ms. This timeout value can be configured, see consumers doc "
                    "guide to learn more"
                ),
                reason="consumer-timeout",
            )
            return
        self._arm_timeout()
