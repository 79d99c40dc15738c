"""The broker side of an AMQP channel: one method per AMQP method.

Queue, exchange, consume, publish, confirm and transaction methods are here; deliveries
and their tags live in :mod:`mqsim.amqp.deliveries`, acknowledgements in
:mod:`mqsim.amqp.acks`. Errors are raised as :class:`AMQPError`; the connection turns
them into ``channel.close`` (soft) or ``connection.close`` (hard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.amqp import codes
from mqsim.amqp.acks import Acknowledgements
from mqsim.amqp.confirms import coalesce_confirms
from mqsim.amqp.consumer import Consumer
from mqsim.amqp.deliveries import REPLY_TO, Deliveries, Unacked
from mqsim.amqp.errors import AMQPError, access_refused, not_found, precondition
from mqsim.amqp.message import Message

if TYPE_CHECKING:
    from mqsim.amqp.connection import Connection
    from mqsim.sim import Timer


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


class Channel(Deliveries, Acknowledgements):
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
        #: Confirm mode: publishes waiting for the broker's next fsync, in order.
        self._unsynced: list[int] = []
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

    # -- publishing ------------------------------------------------------------------------

    def confirm_select(self) -> None:
        """``confirm.select``: from now on every publish is confirmed (tags from 1)."""
        if self.transactional:
            raise precondition("cannot switch from tx to confirm mode")
        self.confirm = True

    def basic_publish(self, exchange: str, msg: Message, mandatory: bool = False) -> None:
        """``basic.publish`` of ``msg`` (which carries routing key, body and properties).
        A publish the broker refuses (no such exchange, an internal one, a bad property)
        closes the channel; the message ends with ``msg.drop`` reason ``channel-error``."""
        seq = 0
        if self.confirm:
            self.publish_seq += 1
            seq = self.publish_seq
        broker = self.broker
        try:
            target = broker.exchanges.get(exchange)
            if target is None:
                raise not_found("exchange", exchange)
            if target.internal:
                raise access_refused(
                    f"cannot publish to internal exchange '{exchange}' in vhost '/'"
                )
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
        except AMQPError:
            broker.discard(exchange, [msg], "channel-error", actor=broker.name)
            raise
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
                self._publish_each(exchange, msgs)
                return
            self._verdicts = ([], [])
            try:
                self._publish_each(exchange, msgs)
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

    def _publish_each(self, exchange: str, msgs: list[Message]) -> None:
        """Publish one by one; a publish that closes the channel discards the rest."""
        for index, msg in enumerate(msgs):
            try:
                self.basic_publish(exchange, msg, False)
            except AMQPError:
                broker = self.broker
                broker.discard(exchange, msgs[index + 1 :], "channel-error", actor=broker.name)
                raise

    def _publish(self, exchange: str, msg: Message, mandatory: bool, seq: int) -> None:
        broker = self.broker
        routed, rejected, waits = broker.publish(exchange, msg)
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
        if rejected:
            if self._verdicts is not None:
                self._verdicts[1].append(seq)
            else:
                self._send_confirms([], [seq])
        elif waits:
            if not self._unsynced:
                broker.wait_sync(self)
            self._unsynced.append(seq)
        elif self._verdicts is not None:
            self._verdicts[0].append(seq)
        else:
            self.connection.push_confirm(self.number, seq, False, True)

    def _send_confirms(self, acks: list[int], nacks: list[int]) -> None:
        """Send the verdicts on publishes handled together (:mod:`mqsim.amqp.confirms`);
        the publishes waiting for the disk are the ones still without a verdict."""
        push = self.connection.push_confirm
        waiting = self._unsynced[0] if self._unsynced else None
        for tag, multiple, ack in coalesce_confirms(acks, nacks, waiting=waiting):
            push(self.number, tag, multiple, ack)

    def synced(self) -> None:
        """The broker's fsync: ack the publishes that waited for it, together."""
        seqs, self._unsynced = self._unsynced, []
        if seqs and self.open:
            self._send_confirms(seqs, [])

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
        self._unsynced = []
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
