"""The broker side of an AMQP connection: its channels, exclusive queues and frames.

Methods arrive from the client through :attr:`Connection.up` and replies and pushed
frames (deliveries, returns, confirms, cancels, closes) leave through :attr:`down`,
each after the link's latency. A soft error closes the channel (``channel.close``), a
hard one the connection (``connection.close``); until the client answers a
``channel.close``, RabbitMQ ignores other frames on that channel.

A publish that arrives on a channel the broker is closing, or after the connection
ended, is discarded; its message ends with a ``msg.drop`` (``where`` None, ``dest`` the
exchange): ``crash`` if the broker died meanwhile (the frame was in flight),
``channel-error`` if the broker had closed the channel or connection,
``connection-lost`` (actor the client) if the connection was lost (heartbeat timeout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from mqsim.amqp import codes
from mqsim.amqp.channel import Channel
from mqsim.amqp.errors import AMQPError
from mqsim.amqp.transport import Pipe

if TYPE_CHECKING:
    from mqsim.amqp.broker import Broker
    from mqsim.amqp.message import Message
    from mqsim.amqp.queue import Queue

Reply = Callable[[Any], None]


class ClientSink(Protocol):
    """What a client connection receives from the broker."""

    def on_deliver(
        self,
        number: int,
        consumer_tag: str,
        delivery_tag: int,
        redelivered: bool,
        queue: str,
        msg: Message,
    ) -> None: ...
    def on_return(self, number: int, code: int, text: str, msg: Message) -> None: ...
    def on_confirm(self, number: int, tag: int, multiple: bool, ack: bool) -> None: ...
    def on_cancel(self, number: int, consumer_tag: str) -> None: ...
    def on_channel_close(self, number: int, error: AMQPError) -> None: ...
    def on_connection_close(self, error: AMQPError) -> None: ...


@dataclass(frozen=True, slots=True)
class ConnectionStatistics:
    """A snapshot of a connection."""

    client: str
    open: bool
    channels: int
    exclusive_queues: int
    heartbeat: float


class Connection:
    """A client's connection to the broker."""

    def __init__(
        self, broker: Broker, client: str, sink: ClientSink, *, heartbeat: float, user: str
    ) -> None:
        self.broker = broker
        self.client = client
        self.sink = sink
        self.heartbeat = heartbeat
        self.user = user
        world = broker.world
        self.up = Pipe(world, client, broker.name)
        self.down = Pipe(world, broker.name, client)
        self.channels: dict[int, Channel] = {}
        self.closing: set[int] = set()
        self.exclusive_queues: list[Queue] = []
        self.open = True
        #: Why the connection ended (``crash``, ``connection-close``, ``heartbeat-timeout``,
        #: ``client-crash``); None while open.
        self.ended: str | None = None

    def statistics(self) -> ConnectionStatistics:
        """A snapshot of this connection."""
        return ConnectionStatistics(
            self.client,
            self.open,
            len(self.channels),
            len(self.exclusive_queues),
            self.heartbeat,
        )

    def __repr__(self) -> str:
        state = "open" if self.open else "closed"
        return f"<Connection {self.client!r} {state} channels={len(self.channels)}>"

    # -- methods from the client ---------------------------------------------------------

    def channel_open(self, number: int, reply: Reply) -> None:
        """``channel.open``."""
        if not self.open:
            return
        if number in self.channels:
            self.fail(AMQPError(codes.CHANNEL_ERROR, "second 'channel.open' seen"))
            return
        self.closing.discard(number)
        self.channels[number] = Channel(self, number)
        self.down.send(reply, True)

    def invoke(self, number: int, method: str, args: tuple[Any, ...], reply: Reply | None) -> None:
        """Run channel method ``method``; reply with its result (sync methods)."""
        if not self.open:
            return
        channel = self.channels.get(number)
        if channel is None:
            if number not in self.closing:
                self.fail(AMQPError(codes.CHANNEL_ERROR, "expected 'channel.open'"))
            return
        try:
            result = getattr(channel, method)(*args)
        except AMQPError as error:
            if error.hard:
                self.fail(error)
            else:
                self.fail_channel(channel, error)
            return
        if reply is not None:
            self.down.send(reply, result)

    def basic_publish(self, number: int, exchange: str, msg: Message, mandatory: bool) -> None:
        """``basic.publish`` (the hot path of :meth:`invoke`)."""
        channel = self.channels.get(number) if self.open else None
        if channel is None:
            self._discard(number, exchange, [msg])
            return
        try:
            channel.basic_publish(exchange, msg, mandatory)
        except AMQPError as error:
            self._failed(channel, error)

    def basic_publish_many(self, number: int, exchange: str, msgs: list[Message]) -> None:
        """Several ``basic.publish`` frames in a row (see ``ClientChannel.publish_many``)."""
        channel = self.channels.get(number) if self.open else None
        if channel is None:
            self._discard(number, exchange, msgs)
            return
        try:
            channel.basic_publish_many(exchange, msgs)
        except AMQPError as error:
            self._failed(channel, error)

    def _discard(self, number: int, exchange: str, msgs: list[Message]) -> None:
        """Publishes on a channel that is not open: trace their end (see the module
        docstring); a channel never opened is a connection error (504)."""
        broker = self.broker
        if not self.open:
            if self.ended == "crash":
                broker.discard(exchange, msgs, "crash", actor=broker.name)
            elif self.ended == "connection-close":
                broker.discard(exchange, msgs, "channel-error", actor=broker.name)
            else:
                broker.discard(exchange, msgs, "connection-lost", actor=self.client)
            return
        broker.discard(exchange, msgs, "channel-error", actor=broker.name)
        if number not in self.closing:
            self.fail(AMQPError(codes.CHANNEL_ERROR, "expected 'channel.open'"))

    def basic_ack(self, number: int, delivery_tag: int, multiple: bool) -> None:
        """``basic.ack`` (the hot path of :meth:`invoke`)."""
        channel = self.channels.get(number) if self.open else None
        if channel is None:
            self.invoke(number, "basic_ack", (delivery_tag, multiple), None)
            return
        try:
            channel.basic_ack(delivery_tag, multiple)
        except AMQPError as error:
            self._failed(channel, error)

    def basic_ack_many(self, number: int, delivery_tags: list[int]) -> None:
        """Several ``basic.ack`` frames in a row (see ``ClientChannel.ack_many``)."""
        channel = self.channels.get(number) if self.open else None
        if channel is None:
            self.invoke(number, "basic_ack", (delivery_tags[0], False), None)
            return
        try:
            channel.basic_ack_many(delivery_tags)
        except AMQPError as error:
            self._failed(channel, error)

    def _failed(self, channel: Channel, error: AMQPError) -> None:
        if error.hard:
            self.fail(error)
        else:
            self.fail_channel(channel, error)

    def channel_close(self, number: int, reply: Reply) -> None:
        """Client's ``channel.close``."""
        if not self.open:
            return
        channel = self.channels.pop(number, None)
        if channel is not None:
            channel.close()
        self.down.send(reply, True)

    def channel_close_ok(self, number: int) -> None:
        """Client's ``channel.close-ok`` after a broker-initiated close."""
        self.closing.discard(number)

    def close(self, reply: Reply | None) -> None:
        """Client's ``connection.close``."""
        if not self.open:
            return
        self._teardown("connection-close")
        if reply is not None:
            self.down.send(reply, True)

    # -- frames to the client ------------------------------------------------------------

    def push_deliver(
        self,
        number: int,
        consumer_tag: str,
        tag: int,
        redelivered: bool,
        queue: str,
        msg: Message,
    ) -> None:
        """``basic.deliver``."""
        self.down.send(self.sink.on_deliver, number, consumer_tag, tag, redelivered, queue, msg)

    def push_deliver_many(self, frames: list[tuple[Any, ...]]) -> None:
        """Several ``basic.deliver`` frames at once."""
        on_many = getattr(self.sink, "on_deliver_many", None)
        if on_many is not None:
            self.down.send(on_many, frames)
            return
        for frame in frames:
            self.down.send(self.sink.on_deliver, *frame[1:])

    def push_return(self, number: int, code: int, text: str, msg: Message) -> None:
        """``basic.return``."""
        self.down.send(self.sink.on_return, number, code, text, msg)

    def push_confirm(self, number: int, tag: int, multiple: bool, ack: bool) -> None:
        """``basic.ack`` / ``basic.nack`` of a publish (confirm mode)."""
        self.down.send(self.sink.on_confirm, number, tag, multiple, ack)

    def push_cancel(self, number: int, consumer_tag: str) -> None:
        """Broker-initiated ``basic.cancel``."""
        self.down.send(self.sink.on_cancel, number, consumer_tag)

    # -- endings -------------------------------------------------------------------------

    def fail_channel(
        self, channel: Channel, error: AMQPError, *, reason: str = "channel-close"
    ) -> None:
        """Close ``channel`` with a soft error (``reason``: why its unacked messages are
        requeued, in the trace)."""
        self.channels.pop(channel.number, None)
        channel.close(reason)
        self.closing.add(channel.number)
        self.down.send(self.sink.on_channel_close, channel.number, error)

    def fail(self, error: AMQPError) -> None:
        """Close the connection with a hard error."""
        self._teardown("connection-close")
        self.down.send(self.sink.on_connection_close, error)

    def lost(self, reason: str) -> None:
        """The TCP connection is gone (client crash, heartbeat timeout, broker crash)."""
        if self.open:
            self._teardown(reason)

    def _teardown(self, reason: str) -> None:
        self.open = False
        self.ended = reason
        channels = list(self.channels.values())
        self.channels.clear()
        for channel in channels:
            channel.close(reason)
        for queue in list(self.exclusive_queues):
            if not queue.deleted:
                self.broker.delete_queue(queue, reason="queue-deleted")
        self.exclusive_queues.clear()
        self.broker.forget_connection(self)
