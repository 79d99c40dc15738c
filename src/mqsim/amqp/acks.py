"""The settling side of a channel's deliveries: ``basic.ack``, ``basic.nack``,
``basic.reject`` and ``basic.recover``.

An ack removes the message; a nack or reject requeues it (back in its queue, marked
redelivered) or dead-letters it. Each settlement frees prefetch room, so the queue may
dispatch more. An unknown delivery tag closes the channel with 406.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.amqp import codes
from mqsim.amqp.errors import AMQPError, precondition

if TYPE_CHECKING:
    from mqsim.amqp.broker import Broker
    from mqsim.amqp.connection import Connection
    from mqsim.amqp.consumer import Consumer
    from mqsim.amqp.deliveries import Unacked
    from mqsim.amqp.queue import Queue


class Acknowledgements:
    """Mixed into :class:`~mqsim.amqp.channel.Channel`: the consumer acknowledgement
    methods (in a transaction, they wait for ``tx.commit``)."""

    broker: Broker
    connection: Connection
    unacked: dict[int, Unacked]
    consumer_unacked: int
    global_prefetch: int
    transactional: bool
    consumers: dict[str, Consumer]
    _tx_settles: list[tuple[str, int, bool, bool]]

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

    def _tags_lenient(self, tag: int, multiple: bool) -> list[int]:
        if multiple:
            return [t for t in self.unacked if tag == 0 or t <= tag]
        return [tag] if tag in self.unacked else []
