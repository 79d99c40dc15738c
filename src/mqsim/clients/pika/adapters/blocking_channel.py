"""pika's ``BlockingChannel`` over the simulated broker (pika keeps it in
``pika.adapters.blocking_connection``, which re-exports it from here).

Each method validates its arguments as pika does, sends the AMQP method through the
model's client channel and waits (in simulated time) for the reply; callbacks run only
when the connection dispatches.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from mqsim.amqp.client import ClientChannel, ConnectionLost
from mqsim.amqp.errors import AMQPError as ModelError
from mqsim.amqp.message import Message
from mqsim.amqp.properties import EMPTY, BasicProperties
from mqsim.clients.pika import _encoding, exceptions, frame, spec
from mqsim.clients.pika.adapters._common import Callback, properties_of, translate

if TYPE_CHECKING:
    from mqsim.clients.pika.adapters.blocking_connection import BlockingConnection


class ReturnedMessage:
    """A message the broker returned (``method``, ``properties``, ``body``)."""

    def __init__(self, method: spec.Basic.Return, properties: BasicProperties, body: bytes) -> None:
        self.method = method
        self.properties = properties
        self.body = body


class _Consumer:
    __slots__ = ("auto_ack", "buffer", "callback", "queue", "tag")

    def __init__(self, tag: str, queue: str, callback: Callback | None, auto_ack: bool) -> None:
        self.tag = tag
        self.queue = queue
        self.callback = callback
        self.auto_ack = auto_ack
        self.buffer: deque[tuple[Any, Any, Any]] = deque()


class BlockingChannel:
    """A channel of a :class:`BlockingConnection`."""

    def __init__(self, channel_impl: ClientChannel, connection: BlockingConnection) -> None:
        self._impl = channel_impl
        self.connection = connection
        self._consumers: dict[str, _Consumer] = {}
        self._generator: _Consumer | None = None
        self._on_return: list[Callback] = []
        self._on_cancel: list[Callback] = []
        self._on_close: list[Callback] = []
        self._confirm_callback: Callback | None = None
        self._blocking_confirm = False
        #: pika reads the broker's ``channel.close`` only inside a blocking call; until
        #: then the channel looks open (see :meth:`_close_unread`).
        self._close_read = False
        channel_impl.on_close = self._closed_by_broker

    def _closed_by_broker(self, error: BaseException) -> None:
        if not isinstance(error, ModelError) or error.hard:
            return
        translated = translate(error)
        for callback in list(self._on_close):
            callback(self, translated)

    def __repr__(self) -> str:
        return f"<BlockingChannel impl={self._impl!r}>"

    def __enter__(self) -> BlockingChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.is_open:
            self.close()

    @property
    def channel_number(self) -> int:
        """This channel's number."""
        return self._impl.number

    @property
    def is_open(self) -> bool:
        """True while open, and after the broker closed it until the client reads the
        ``channel.close`` (pika does that only inside a blocking call)."""
        return self._impl.open or self._close_unread()

    @property
    def is_closed(self) -> bool:
        """True once closed."""
        return not self.is_open

    def _close_unread(self) -> bool:
        """The broker closed this channel with a channel error the client has not read.

        pika: the ``channel.close`` frame waits in the socket until a blocking call on
        the connection runs its I/O loop; a call on this channel then raises
        ``ChannelClosedByBroker``, one after a call on another channel read it raises
        ``ChannelWrongStateError``. mqsim: the model closes the channel when the frame
        arrives; the facade marks it read when a wait on the connection returns."""
        if self._close_read or self._impl.open:
            return False
        reason = self._impl.closed_by
        return isinstance(reason, ModelError) and not reason.hard

    def _read_close(self) -> None:
        """A blocking call ran the connection's I/O: a pending ``channel.close`` is read."""
        if self._close_unread():
            self._close_read = True

    @property
    def consumer_tags(self) -> list[str]:
        """Tags of this channel's active consumers."""
        return list(self._consumers)

    # -- plumbing ------------------------------------------------------------------------

    def _require_open(self) -> None:
        """Raise unless open: ``ChannelClosedByBroker`` for a broker close not read yet
        (pika's call flushes its I/O and reads it), else ``ChannelWrongStateError``."""
        if self._impl.open:
            return
        if self._close_unread():
            self._close_read = True
            reason = self._impl.closed_by
            assert reason is not None
            raise translate(reason)
        raise exceptions.ChannelWrongStateError("Channel is closed.")

    def _reported(self, reason: BaseException) -> BaseException:
        """The pika exception for ``reason``, now shown to the application: this channel's
        close (and the connection's, if it ended) counts as read."""
        self._close_read = True
        if not self.connection._impl.is_open:
            self.connection._closure_reported = True
        return translate(reason)

    def _rpc(self, method: str, *args: Any) -> Any:
        self._require_open()
        event = self._impl.call(method, *args)
        self.connection._wait(event)
        value = event.value
        if isinstance(value, BaseException):
            raise self._reported(value)
        return value

    def _method(self, method: Any) -> frame.Method:
        return frame.Method(self.channel_number, method)

    def _on_frame(self, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == "deliver":
            _, _number, tag, delivery_tag, redelivered, queue, msg = item
            consumer = self._consumers.get(tag)
            if consumer is None:
                return
            method = spec.Basic.Deliver(
                tag, delivery_tag, redelivered, msg.exchange, msg.routing_key
            )
            self.connection._impl.consumed(msg, queue, redelivered)
            if consumer.callback is not None:
                consumer.callback(self, method, properties_of(msg), msg.body)
            else:
                consumer.buffer.append((method, properties_of(msg), msg.body))
        elif kind == "return":
            _, _number, code, text, msg = item
            returned = spec.Basic.Return(code, text, msg.exchange, msg.routing_key)
            for callback in list(self._on_return):
                callback(self, returned, properties_of(msg), msg.body)
        elif kind == "confirm":
            if self._confirm_callback is not None:
                _, _number, tag, multiple, ack = item
                self._confirm_callback(tag, multiple, ack)
        elif kind == "cancel":
            tag = item[2]
            self._consumers.pop(tag, None)
            if self._generator is not None and self._generator.tag == tag:
                self._generator = None
            for callback in list(self._on_cancel):
                callback(frame.Method(self.channel_number, spec.Basic.Cancel(tag)))

    # -- callbacks -----------------------------------------------------------------------

    def add_on_return_callback(self, callback: Callback) -> None:
        """``callback(channel, method, properties, body)`` for each returned message."""
        self._on_return.append(callback)

    def add_on_cancel_callback(self, callback: Callback) -> None:
        """``callback(method_frame)`` when the broker cancels a consumer."""
        self._on_cancel.append(callback)

    def _add_on_close_callback(self, callback: Callback) -> None:
        """mqsim: ``callback(channel, ChannelClosedByBroker)`` (pika: channel._impl's)."""
        self._on_close.append(callback)

    def _confirm_delivery_async(self, callback: Callback) -> None:
        """mqsim: confirm mode without blocking publishes; ``callback(tag, multiple, ack)``
        gets each confirm (pika: ``channel._impl.confirm_delivery(callback)``)."""
        self._rpc("confirm_select")
        self._impl.confirm = True
        self._confirm_callback = callback

    # -- queues and exchanges ------------------------------------------------------------

    def queue_declare(
        self,
        queue: str,
        passive: bool = False,
        durable: bool = False,
        exclusive: bool = False,
        auto_delete: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``queue.declare``; ``method.queue`` is the (possibly server-chosen) name."""
        _encoding.shortstr(queue)
        _encoding.table(arguments)
        name, count, consumers = self._rpc(
            "queue_declare",
            queue,
            passive,
            durable,
            exclusive,
            auto_delete,
            dict(arguments or {}),
        )
        return self._method(spec.Queue.DeclareOk(name, count, consumers))

    def queue_bind(
        self,
        queue: str,
        exchange: str,
        routing_key: str | None = None,
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``queue.bind``; the routing key defaults to the queue name."""
        key = queue if routing_key is None else routing_key
        for value in (queue, exchange, key):
            _encoding.shortstr(value)
        _encoding.table(arguments)
        self._rpc("queue_bind", queue, exchange, key, dict(arguments or {}))
        return self._method(spec.Queue.BindOk())

    def queue_unbind(
        self,
        queue: str,
        exchange: str,
        routing_key: str | None = None,
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``queue.unbind``."""
        key = queue if routing_key is None else routing_key
        self._rpc("queue_unbind", queue, exchange, key, dict(arguments or {}))
        return self._method(spec.Queue.UnbindOk())

    def queue_purge(self, queue: str) -> frame.Method:
        """``queue.purge``; ``method.message_count`` is how many were removed."""
        return self._method(spec.Queue.PurgeOk(self._rpc("queue_purge", queue)))

    def queue_delete(
        self, queue: str, if_unused: bool = False, if_empty: bool = False
    ) -> frame.Method:
        """``queue.delete``."""
        count = self._rpc("queue_delete", queue, if_unused, if_empty)
        return self._method(spec.Queue.DeleteOk(count))

    def exchange_declare(
        self,
        exchange: str,
        exchange_type: Any = "direct",
        passive: bool = False,
        durable: bool = False,
        auto_delete: bool = False,
        internal: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``exchange.declare``."""
        _encoding.shortstr(exchange)
        _encoding.table(arguments)
        kind = getattr(exchange_type, "value", exchange_type)
        self._rpc(
            "exchange_declare",
            exchange,
            str(kind),
            passive,
            durable,
            auto_delete,
            internal,
            dict(arguments or {}),
        )
        return self._method(spec.Exchange.DeclareOk())

    def exchange_delete(self, exchange: str | None = None, if_unused: bool = False) -> frame.Method:
        """``exchange.delete``."""
        self._rpc("exchange_delete", exchange or "", if_unused)
        return self._method(spec.Exchange.DeleteOk())

    def exchange_bind(
        self,
        destination: str,
        source: str,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``exchange.bind``."""
        self._rpc("exchange_bind", destination, source, routing_key, dict(arguments or {}))
        return self._method(spec.Exchange.BindOk())

    def exchange_unbind(
        self,
        destination: str | None = None,
        source: str | None = None,
        routing_key: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> frame.Method:
        """``exchange.unbind``."""
        self._rpc(
            "exchange_unbind", destination or "", source or "", routing_key, dict(arguments or {})
        )
        return self._method(spec.Exchange.UnbindOk())

    # -- publishing ----------------------------------------------------------------------

    def basic_publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes | str,
        properties: BasicProperties | None = None,
        mandatory: bool = False,
    ) -> None:
        """``basic.publish``; in confirm mode, waits for the broker's verdict and raises
        ``UnroutableError`` / ``NackError``."""
        self._require_open()
        _encoding.shortstr(exchange)
        _encoding.shortstr(routing_key)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if properties is None:
            props = EMPTY
        else:
            _encoding.table(properties.headers)
            props = properties_of(Message(None, "", "", b"", properties))
        _msg, seq = self._impl.publish(exchange, routing_key, bytes(body), props, mandatory)
        if self._blocking_confirm:
            self._await_confirm(seq)

    def _await_confirm(self, seq: int) -> None:
        impl = self._impl
        conn = self.connection
        while seq not in impl.confirms:
            if not impl.open:
                raise self._reported(impl.closed_by or ConnectionLost("closed-by-client"))
            conn._wait(conn._impl.wait_event(), idle=True)
        ack = impl.confirms.pop(seq)
        returned: list[ReturnedMessage] = []
        inbox = conn._impl.inbox
        for item in list(inbox):
            if item[0] in ("return", "confirm") and item[1] == self.channel_number:
                inbox.remove(item)
                if item[0] == "return":
                    msg = item[4]
                    returned.append(
                        ReturnedMessage(
                            spec.Basic.Return(item[2], item[3], msg.exchange, msg.routing_key),
                            properties_of(msg),
                            msg.body,
                        )
                    )
        if not ack:
            raise exceptions.NackError(returned)
        if returned:
            raise exceptions.UnroutableError(returned)

    def confirm_delivery(self) -> None:
        """Publisher confirms: each publish waits for ack/nack."""
        self._rpc("confirm_select")
        self._impl.confirm = True
        self._blocking_confirm = True

    # -- consuming -----------------------------------------------------------------------

    def basic_qos(
        self, prefetch_size: int = 0, prefetch_count: int = 0, global_qos: bool = False
    ) -> None:
        """``basic.qos``."""
        self._rpc("basic_qos", prefetch_size, prefetch_count, global_qos)

    def basic_consume(
        self,
        queue: str,
        on_message_callback: Callback,
        auto_ack: bool = False,
        exclusive: bool = False,
        consumer_tag: str | None = None,
        arguments: dict[str, Any] | None = None,
    ) -> str:
        """Start a consumer; ``on_message_callback(channel, method, properties, body)``."""
        self._require_open()
        if not callable(on_message_callback):
            raise ValueError("callback on_message_callback must be callable; got None")
        return self._consume(
            queue, on_message_callback, auto_ack, exclusive, consumer_tag, arguments
        )

    def _consume(
        self,
        queue: str,
        callback: Callback | None,
        auto_ack: bool,
        exclusive: bool,
        consumer_tag: str | None,
        arguments: dict[str, Any] | None,
    ) -> str:
        _encoding.shortstr(queue)
        if consumer_tag is None:
            number = self.connection._world.next_number("pika.ctag")
            consumer_tag = f"ctag{self.channel_number}.{number:032x}"
        if consumer_tag in self._consumers:
            raise exceptions.DuplicateConsumerTag(consumer_tag)
        info = _Consumer(consumer_tag, queue, callback, auto_ack)
        self._consumers[consumer_tag] = info
        try:
            self._rpc(
                "basic_consume", queue, consumer_tag, auto_ack, exclusive, dict(arguments or {})
            )
        except BaseException:
            self._consumers.pop(consumer_tag, None)
            raise
        return consumer_tag

    def basic_cancel(self, consumer_tag: str) -> list[tuple[Any, Any, Any]]:
        """Cancel a consumer; auto-ack deliveries not yet dispatched are returned.

        As pika does, deliveries of a consumer with acks that arrived but were not
        dispatched are rejected (requeue) before the ``basic.cancel``, and so are those
        arriving before its ``cancel-ok``."""
        info = self._consumers.get(consumer_tag)
        if info is None:
            return []
        if not info.auto_ack:
            self._reject_undispatched(consumer_tag)
        if self._impl.open:
            self._rpc("basic_cancel", consumer_tag)
        self._consumers.pop(consumer_tag, None)
        if not info.auto_ack:
            self._reject_undispatched(consumer_tag)
            return []
        pending: list[tuple[Any, Any, Any]] = []
        inbox = self.connection._impl.inbox
        for item in list(inbox):
            if item[0] == "deliver" and item[1] == self.channel_number and item[2] == consumer_tag:
                inbox.remove(item)
                msg = item[6]
                pending.append(
                    (
                        spec.Basic.Deliver(
                            consumer_tag, item[3], item[4], msg.exchange, msg.routing_key
                        ),
                        properties_of(msg),
                        msg.body,
                    )
                )
        return pending

    def _reject_undispatched(self, consumer_tag: str) -> None:
        """``basic.reject`` (requeue) each delivery to ``consumer_tag`` still in the inbox."""
        inbox = self.connection._impl.inbox
        for item in list(inbox):
            if item[0] == "deliver" and item[1] == self.channel_number and item[2] == consumer_tag:
                inbox.remove(item)
                if self._impl.open:
                    self._impl.cast("basic_reject", item[3], True)

    def start_consuming(self) -> None:
        """Dispatch deliveries until every consumer is cancelled."""
        conn = self.connection
        if conn._dispatching:
            raise exceptions.ReentrancyError(
                "start_consuming may not be called from the scope of another "
                "BlockingConnection or BlockingChannel callback"
            )
        while any(c.callback is not None for c in self._consumers.values()):
            if not self._impl.open:
                reason = self._impl.closed_by
                if reason is not None:
                    raise self._reported(reason)
                return
            conn.process_data_events(time_limit=None)

    def stop_consuming(self, consumer_tag: str | None = None) -> None:
        """Cancel one consumer, or all of them."""
        tags = [consumer_tag] if consumer_tag else list(self._consumers)
        for tag in tags:
            self.basic_cancel(tag)

    def consume(
        self,
        queue: str,
        auto_ack: bool = False,
        exclusive: bool = False,
        arguments: dict[str, Any] | None = None,
        inactivity_timeout: float | None = None,
        consumer_tag: str | None = None,
    ) -> Generator[tuple[Any, Any, Any], None, None]:
        """Yield (method, properties, body); (None, None, None) after ``inactivity_timeout``
        seconds without a message."""
        self._require_open()
        if self._generator is None:
            tag = self._consume(queue, None, auto_ack, exclusive, consumer_tag, arguments)
            self._generator = self._consumers[tag]
        info = self._generator
        conn = self.connection
        while self._generator is info:
            conn._dispatch()
            if info.buffer:
                yield info.buffer.popleft()
                continue
            if not self._impl.open:
                reason = self._impl.closed_by
                if reason is not None and not isinstance(reason, ConnectionLost):
                    raise self._reported(reason)
                return
            fired = conn._wait(conn._impl.wait_event(), inactivity_timeout, idle=True)
            conn._check_open()
            if not fired and inactivity_timeout is not None:
                conn._dispatch()
                if not info.buffer:
                    yield (None, None, None)

    def get_waiting_message_count(self) -> int:
        """Messages buffered for the ``consume()`` generator."""
        return len(self._generator.buffer) if self._generator is not None else 0

    def cancel(self) -> int:
        """Cancel the ``consume()`` generator's consumer, rejecting (requeue) each message
        it holds but has not yielded yet; messages it already yielded stay unacked. Returns
        0, as pika has since 0.10."""
        info = self._generator
        if info is None:
            return 0
        try:
            if not info.auto_ack and self._impl.open:
                for method, _props, _body in info.buffer:
                    self._impl.cast("basic_reject", method.delivery_tag, True)
            info.buffer.clear()
            self.basic_cancel(info.tag)
        finally:
            self._generator = None
        return 0

    def basic_get(self, queue: str, auto_ack: bool = False) -> tuple[Any, Any, Any]:
        """``basic.get``: (GetOk, properties, body) or (None, None, None) if empty."""
        _encoding.shortstr(queue)
        result = self._rpc("basic_get", queue, auto_ack)
        if result is None:
            return (None, None, None)
        tag, redelivered, count, where, msg = result
        self.connection._impl.consumed(msg, where, redelivered)
        method = spec.Basic.GetOk(tag, redelivered, msg.exchange, msg.routing_key, count)
        return (method, properties_of(msg), msg.body)

    def basic_ack(self, delivery_tag: int = 0, multiple: bool = False) -> None:
        """``basic.ack`` (async: an unknown tag closes the channel later)."""
        self._require_open()
        self._impl.ack(delivery_tag, multiple)

    def basic_nack(
        self, delivery_tag: int = 0, multiple: bool = False, requeue: bool = True
    ) -> None:
        """``basic.nack``."""
        self._require_open()
        self._impl.cast("basic_nack", delivery_tag, multiple, requeue)

    def basic_reject(self, delivery_tag: int = 0, requeue: bool = True) -> None:
        """``basic.reject``."""
        self._require_open()
        self._impl.cast("basic_reject", delivery_tag, requeue)

    def basic_recover(self, requeue: bool = False) -> None:
        """``basic.recover`` (RabbitMQ refuses requeue=False, pika's default, with 540)."""
        self._rpc("basic_recover", requeue)

    def flow(self, active: bool) -> bool:
        """``channel.flow``: mqsim accepts and reports it."""
        return active

    # -- transactions --------------------------------------------------------------------

    def tx_select(self) -> frame.Method:
        """``tx.select``."""
        self._rpc("tx_select")
        return self._method(spec.Tx.SelectOk())

    def tx_commit(self) -> frame.Method:
        """``tx.commit``."""
        self._rpc("tx_commit")
        return self._method(spec.Tx.CommitOk())

    def tx_rollback(self) -> frame.Method:
        """``tx.rollback``."""
        self._rpc("tx_rollback")
        return self._method(spec.Tx.RollbackOk())

    # -- closing -------------------------------------------------------------------------

    def close(self, reply_code: int = 0, reply_text: str = "Normal shutdown") -> None:
        """Close the channel (its unacked messages go back to their queues)."""
        if not self._impl.open:
            self._close_read = True
            return
        self._consumers.clear()
        self._generator = None
        self.connection._wait(self.connection._impl.close_channel(self._impl))
