"""The client side of an AMQP connection, as a client library implements it.

Facades (``mqsim.pika``) translate their API into these calls. Sync methods return a
simpy event whose value is the method's result or the :class:`AMQPError` /
:class:`ConnectionLost` that ended the channel; async ones (publish, ack) return at
once. Frames the broker pushes land in :attr:`ClientConnection.inbox` in arrival order;
the facade decides when the application sees them.

What the client traces: ``msg.publish`` (``confirm`` true once ``confirm.select`` was
sent on the channel), ``msg.confirm`` for each publish a publisher confirm settles
(``ok`` False and ``error`` ``"basic.nack"`` for a nack), ``msg.drop`` reason
``connection-lost`` for a publish written to a connection that cannot carry it (the
broker is down or unreachable), and ``msg.drop`` reason ``client-crash`` for each
auto-ack delivery in the buffer of a client that is killed (the broker forgot it when
it sent it; a delivery that needs an ack goes back to its queue instead). mqsim: a
publish held on a cut link (``on_cut="delay"``) and released at the heal to a broker
that is down by then ends with only the kernel's ``net.drop``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mqsim.amqp.errors import AMQPError
from mqsim.amqp.message import Message
from mqsim.amqp.properties import EMPTY, BasicProperties
from mqsim.amqp.transport import Pipe

if TYPE_CHECKING:
    import simpy

    from mqsim.amqp.broker import Broker
    from mqsim.amqp.connection import Connection
    from mqsim.sim import Timer, World

#: A pushed frame: ("deliver", number, consumer_tag, tag, redelivered, queue, msg),
#: ("return", number, code, text, msg), ("cancel", number, consumer_tag),
#: ("confirm", number, tag, multiple, ack), ("channel_close", number, error),
#: ("connection_close", error).
Delivery = tuple[Any, ...]


class ConnectionLost(Exception):
    """The connection ended without a ``connection.close`` (``reason``: broker-crash,
    client-crash, heartbeat-timeout)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConnectRefused(Exception):
    """No broker listens at that address, or it is down (TCP connect fails)."""


class ClientChannel:
    """A channel as the client sees it."""

    def __init__(self, connection: ClientConnection, number: int) -> None:
        self.connection = connection
        self.number = number
        self.open = False
        self.closed_by: BaseException | None = None
        self.confirm = False
        self.publish_seq = 0
        self.confirms: dict[int, bool] = {}
        #: Confirm mode: sequence number -> message id of each publish not yet confirmed.
        self.unconfirmed: dict[int, str | None] = {}
        #: Tags of this channel's auto-ack (``no_ack``) consumers.
        self.auto_ack: set[str] = set()
        self.on_close: Callable[[BaseException], None] | None = None
        self._pending: deque[simpy.Event] = deque()

    def __repr__(self) -> str:
        return f"<ClientChannel {self.number} open={self.open}>"

    def call(self, method: str, *args: Any) -> simpy.Event:
        """Send a sync method; the event's value is its result or the error.

        ``confirm_select`` puts the channel in confirm mode as it is sent (the broker
        numbers the publishes that follow it); ``basic_consume`` with ``no_ack`` (its
        third argument) records the consumer's tag in :attr:`auto_ack` once known."""
        conn = self.connection
        event = conn.world.event()
        self._pending.append(event)
        server = conn.server
        assert server is not None
        reply = self._reply
        if method == "confirm_select":
            self.confirm = True
        elif method == "basic_consume" and len(args) > 2 and args[2]:
            reply = self._auto_ack_consuming
        conn.up.send(server.invoke, self.number, method, args, reply)
        return event

    def _auto_ack_consuming(self, result: Any) -> None:
        if isinstance(result, str):
            self.auto_ack.add(result)
        self._reply(result)

    def cast(self, method: str, *args: Any) -> None:
        """Send an async method (no reply)."""
        conn = self.connection
        server = conn.server
        assert server is not None
        conn.up.send(server.invoke, self.number, method, args, None)

    def _reply(self, result: Any) -> None:
        if self._pending:
            self._pending.popleft().succeed(result)

    def publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes,
        properties: BasicProperties | None = None,
        mandatory: bool = False,
    ) -> tuple[Message, int]:
        """``basic.publish``: the message and its confirm sequence number (0 if none)."""
        conn = self.connection
        trace = conn.world.trace
        msg_id = conn.world.next_id("m") if trace.full else None
        msg = Message(msg_id, exchange, routing_key, body, properties or EMPTY)
        if trace.full:
            trace.emit(
                "msg.publish",
                conn.name,
                msg_id,
                system="amqp",
                dest=exchange,
                key=routing_key,
                body=body,
                confirm=self.confirm,
            )
        elif trace.active:
            trace.emit("msg.publish", conn.name)
        seq = 0
        if self.confirm:
            self.publish_seq += 1
            seq = self.publish_seq
            self.unconfirmed[seq] = msg_id
        server = conn.server
        assert server is not None
        if not conn.up.send(server.basic_publish, self.number, exchange, msg, mandatory):
            conn.not_sent(exchange, [msg])
        return msg, seq

    def settle_confirms(self, tag: int, multiple: bool, ack: bool) -> list[str | None]:
        """A publisher confirm arrived: record the verdict of publish ``tag`` (and of every
        earlier unconfirmed one when ``multiple``); the message ids it settles."""
        unconfirmed = self.unconfirmed
        if multiple:
            tags = [seq for seq in unconfirmed if seq <= tag]
        else:
            tags = [tag] if tag in unconfirmed else []
        for seq in tags:
            self.confirms[seq] = ack
        return [unconfirmed.pop(seq) for seq in tags]

    def _trace_confirms(self, ids: list[str | None], ack: bool) -> None:
        trace = self.connection.world.trace
        if not ids or not trace.active:
            return
        error = None if ack else "basic.nack"
        trace.emit_many("msg.confirm", self.connection.name, ids, ok=ack, error=error)

    def publish_many(
        self,
        exchange: str,
        routing_key: str,
        bodies: list[bytes],
        properties: BasicProperties | None = None,
    ) -> int:
        """Publish several messages with one key and properties in one go (one frame
        batch, as a client's socket buffer would carry them); returns how many. In confirm
        mode they take the next sequence numbers, and the broker answers the batch with
        coalesced confirms."""
        conn = self.connection
        world = conn.world
        trace = world.trace
        props = properties or EMPTY
        if trace.full:
            next_id = world.next_id
            ids = [next_id("m") for _ in bodies]
            trace.emit_many(
                "msg.publish",
                conn.name,
                ids,
                {"body": bodies},
                system="amqp",
                dest=exchange,
                key=routing_key,
                confirm=self.confirm,
            )
            msgs = [
                Message(msg_id, exchange, routing_key, body, props)
                for msg_id, body in zip(ids, bodies, strict=True)
            ]
        else:
            if trace.active:
                trace.emit_many("msg.publish", conn.name, [None] * len(bodies))
            msgs = [Message(None, exchange, routing_key, body, props) for body in bodies]
        if self.confirm:
            first = self.publish_seq + 1
            self.publish_seq += len(msgs)
            seqs = range(first, first + len(msgs))
            self.unconfirmed.update(zip(seqs, [m.id for m in msgs], strict=True))
        server = conn.server
        assert server is not None
        if not conn.up.send(server.basic_publish_many, self.number, exchange, msgs):
            conn.not_sent(exchange, msgs)
        return len(msgs)

    def ack(self, delivery_tag: int, multiple: bool = False) -> None:
        """``basic.ack`` (async)."""
        conn = self.connection
        server = conn.server
        assert server is not None
        conn.up.send(server.basic_ack, self.number, delivery_tag, multiple)

    def ack_many(self, delivery_tags: list[int]) -> None:
        """One ``basic.ack`` (``multiple=False``) per tag, written in one go (one frame
        batch, as a client's socket buffer would carry the acks of what it just handled)."""
        if not delivery_tags:
            return
        conn = self.connection
        server = conn.server
        assert server is not None
        conn.up.send(server.basic_ack_many, self.number, delivery_tags)

    def opened(self, _result: Any) -> None:
        """``channel.open-ok`` arrived."""
        self.open = True
        self._reply(True)

    def closed(self, error: BaseException | None) -> None:
        """The channel ended (``error`` None: closed by the client)."""
        self.open = False
        if self.closed_by is None:
            self.closed_by = error
        reason = error if error is not None else ConnectionLost("closed-by-client")
        while self._pending:
            self._pending.popleft().succeed(reason)
        if error is not None and self.on_close is not None:
            self.on_close(error)


class ClientConnection:
    """One client's connection to the broker node ``broker``, from client node ``name``."""

    def __init__(
        self,
        world: World,
        broker: str,
        name: str,
        *,
        heartbeat: float | None = None,
        user: str = "guest",
    ) -> None:
        if not world.has_node(broker) or not callable(getattr(world.node(broker), "accept", None)):
            raise ConnectRefused(f"no AMQP broker at {broker!r}")
        self.world = world
        self.broker_name = broker
        self.name = name
        self.heartbeat = heartbeat
        self.user = user
        self.inbox: deque[Delivery] = deque()
        self.channels: dict[int, ClientChannel] = {}
        self.server: Connection | None = None
        self.closed_by: BaseException | None = None
        self.is_open = False
        self.on_frame: Callable[[], None] | None = None
        #: The client process was killed: frames still arriving go nowhere.
        self.crashed = False
        #: (channel number, consumer tag) of the auto-ack consumers it had then.
        self._auto_ack_at_crash: set[tuple[int, str]] = set()
        self._waiter: simpy.Event | None = None
        self._hb_timer: Timer | None = None
        self.up = Pipe(world, name, broker)
        world.add_node(name, self, on_crash=self._crash)
        watch = getattr(world.net, "watch", None)
        if watch is not None:
            watch(self._on_link)

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"<ClientConnection {self.name!r} -> {self.broker_name!r} {state}>"

    # -- opening and closing ------------------------------------------------------------

    def open(self) -> simpy.Event:
        """Connect; the event's value is True, or the error."""
        world = self.world
        if not world.is_up(self.broker_name):
            raise ConnectRefused(f"broker {self.broker_name!r} is down")
        event = world.event()
        broker: Broker = world.node(self.broker_name)

        def arrive() -> None:
            server = broker.accept(self.name, self, heartbeat=self.heartbeat, user=self.user)
            server.down.send(self._opened, server, event)

        if not world.net.send(self.name, self.broker_name, arrive):
            raise ConnectRefused(f"broker {self.broker_name!r} is unreachable")
        return event

    def _opened(self, server: Connection, event: simpy.Event) -> None:
        self.server = server
        self.is_open = True
        event.succeed(True)

    def channel(self, number: int) -> tuple[ClientChannel, simpy.Event]:
        """Open channel ``number``."""
        channel = ClientChannel(self, number)
        self.channels[number] = channel
        event = self.world.event()
        channel._pending.append(event)
        assert self.server is not None
        self.up.send(self.server.channel_open, number, channel.opened)
        return channel, event

    def close_channel(self, channel: ClientChannel) -> simpy.Event:
        """Client-initiated ``channel.close``."""
        event = self.world.event()
        channel.open = False

        def done(_result: Any) -> None:
            self.channels.pop(channel.number, None)
            channel.closed(None)
            event.succeed(True)

        assert self.server is not None
        self.up.send(self.server.channel_close, channel.number, done)
        return event

    def close(self) -> simpy.Event:
        """Client-initiated ``connection.close``."""
        event = self.world.event()
        self.is_open = False

        def done(_result: Any) -> None:
            self._end(None)
            event.succeed(True)

        assert self.server is not None
        self.up.send(self.server.close, done)
        return event

    def _end(self, error: BaseException | None) -> None:
        self.is_open = False
        if self.closed_by is None:
            self.closed_by = error
        for channel in list(self.channels.values()):
            channel.closed(error)
        self.channels.clear()
        if self._hb_timer is not None:
            self._hb_timer.cancel()
            self._hb_timer = None
        if self.world.has_node(self.name) and self.world.node(self.name) is self:
            self.world.remove_node(self.name)

    # -- waiting ------------------------------------------------------------------------

    def wait_event(self) -> simpy.Event:
        """An event that fires when the next frame arrives."""
        if self._waiter is None or self._waiter.triggered:
            self._waiter = self.world.event()
        return self._waiter

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.triggered:
            waiter.succeed()
        if self.on_frame is not None:
            self.on_frame()

    # -- frames from the broker ---------------------------------------------------------

    def on_deliver(
        self,
        number: int,
        consumer_tag: str,
        delivery_tag: int,
        redelivered: bool,
        queue: str,
        msg: Message,
    ) -> None:
        """``basic.deliver``."""
        frame = ("deliver", number, consumer_tag, delivery_tag, redelivered, queue, msg)
        if self.crashed:
            self._lost_in_crash([frame])
            return
        self.inbox.append(frame)
        if self._waiter is not None or self.on_frame is not None:
            self._wake()

    def on_deliver_many(self, frames: list[Delivery]) -> None:
        """Several ``basic.deliver`` frames at once."""
        if self.crashed:
            self._lost_in_crash(frames)
            return
        self.inbox.extend(frames)
        if self._waiter is not None or self.on_frame is not None:
            self._wake()

    def on_return(self, number: int, code: int, text: str, msg: Message) -> None:
        """``basic.return``."""
        self.inbox.append(("return", number, code, text, msg))
        self._wake()

    def on_confirm(self, number: int, tag: int, multiple: bool, ack: bool) -> None:
        """Publisher confirm (``basic.ack`` / ``basic.nack`` of one publish, or of every
        unconfirmed one up to ``tag`` when ``multiple``): a ``msg.confirm`` for each
        publish it settles."""
        if self.crashed:
            return
        channel = self.channels.get(number)
        if channel is not None:
            channel._trace_confirms(channel.settle_confirms(tag, multiple, ack), ack)
        self.inbox.append(("confirm", number, tag, multiple, ack))
        self._wake()

    def on_cancel(self, number: int, consumer_tag: str) -> None:
        """Broker-initiated ``basic.cancel``."""
        self.inbox.append(("cancel", number, consumer_tag))
        self._wake()

    def on_channel_close(self, number: int, error: AMQPError) -> None:
        """``channel.close`` from the broker: answer close-ok, fail waiting calls."""
        channel = self.channels.pop(number, None)
        if channel is not None:
            channel.closed(error)
        if self.server is not None:
            self.up.send(self.server.channel_close_ok, number)
        self.inbox.append(("channel_close", number, error))
        self._wake()

    def on_connection_close(self, error: AMQPError) -> None:
        """``connection.close`` from the broker."""
        self._end(error)
        self.inbox.append(("connection_close", error))
        self._wake()

    def on_connection_lost(self, reason: str) -> None:
        """The TCP stream ended (broker crash, heartbeat timeout)."""
        if self.closed_by is not None:
            return
        error = ConnectionLost(reason)
        self._end(error)
        self.inbox.append(("connection_close", error))
        self._wake()

    # -- faults -------------------------------------------------------------------------

    def _crash(self) -> None:
        """The client process was killed: the OS closes its socket. Deliveries in its
        buffer are gone with it: an auto-ack one for good (``msg.drop`` reason
        ``client-crash``); one that needs an ack comes back to its queue when the broker
        sees the socket close."""
        self.crashed = True
        self._auto_ack_at_crash = {
            (number, tag) for number, channel in self.channels.items() for tag in channel.auto_ack
        }
        self._lost_in_crash([frame for frame in self.inbox if frame[0] == "deliver"])
        self.inbox.clear()
        server = self.server
        if server is not None and server.open:
            self.world.call_later(self.up.latency(), server.lost, "client-crash")
        self.closed_by = ConnectionLost("client-crash")
        self.is_open = False
        for channel in list(self.channels.values()):
            channel.closed(self.closed_by)
        self.channels.clear()

    def _lost_in_crash(self, frames: list[Delivery]) -> None:
        """Trace the auto-ack deliveries among ``frames`` as lost with the client."""
        trace = self.world.trace
        if not trace.active or not self._auto_ack_at_crash:
            return
        for frame in frames:
            if (frame[1], frame[2]) in self._auto_ack_at_crash:
                msg: Message = frame[6]
                trace.emit("msg.drop", self.name, msg.id, where=frame[5], reason="client-crash")

    def not_sent(self, exchange: str, msgs: list[Message]) -> None:
        """Publishes the connection could not carry (broker down or unreachable): each
        ends with ``msg.drop`` reason ``connection-lost``."""
        trace = self.world.trace
        if trace.full:
            for msg in msgs:
                trace.emit(
                    "msg.drop",
                    self.name,
                    msg.id,
                    where=None,
                    reason="connection-lost",
                    dest=exchange,
                )
        elif trace.active:
            trace.emit_many("msg.drop", self.name, [None] * len(msgs))

    def _on_link(self, a: str, b: str, cut: bool) -> None:
        if {a, b} != {self.name, self.broker_name} or not self.is_open:
            return
        if self._hb_timer is not None:
            self._hb_timer.cancel()
            self._hb_timer = None
        server = self.server
        beat = server.heartbeat if server is not None else 0.0
        if cut and beat > 0:
            self._hb_timer = self.world.call_later(beat, self._heartbeat_missed)

    def _heartbeat_missed(self) -> None:
        self._hb_timer = None
        if self.is_open and self.world.net.is_cut(self.name, self.broker_name):
            self.on_connection_lost("heartbeat-timeout")

    def consumed(self, msg: Message, where: str, redelivered: bool) -> None:
        """Trace that the application received ``msg``."""
        trace = self.world.trace
        if trace.full:
            trace.emit("msg.consume", self.name, msg.id, where=where, redelivered=redelivered)
        elif trace.active:
            trace.emit("msg.consume", self.name)
