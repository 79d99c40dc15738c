"""The RabbitMQ broker node: exchanges, queues, bindings, connections, faults.

One :class:`Broker` is one node of the world (``localhost:5672`` by default). Clients
reach it through :class:`~mqsim.amqp.connection.Connection`; everything a client can
observe follows RabbitMQ 3.10 (see ``../shared/oracle/rabbitmq``).

Crash (``world.crash(name)``): connections drop (clients see the TCP stream end),
non-durable queues and exchanges vanish, transient messages are lost, persistent
messages in durable queues survive (unacked ones come back redelivered). Each loss is a
``msg.drop`` with ``reason="crash"``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.amqp import codes
from mqsim.amqp.arguments import (
    exchange_equivalence_error,
    queue_equivalence_error,
    validate_queue_arguments,
)
from mqsim.amqp.bindings import Topology, cc_keys, route
from mqsim.amqp.channel import Channel
from mqsim.amqp.connection import ClientSink, Connection
from mqsim.amqp.deadletter import dead_letter
from mqsim.amqp.deliveries import REPLY_TO
from mqsim.amqp.errors import AMQPError, access_refused, locked, not_found, precondition
from mqsim.amqp.exchange import BUILTIN, EXCHANGE_TYPES, Binding, Exchange
from mqsim.amqp.matching import x_match_error
from mqsim.amqp.message import Entry, Message
from mqsim.amqp.queue import Queue
from mqsim.sim import InvalidArgument

if TYPE_CHECKING:
    from mqsim.sim import Timer, World

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True, slots=True)
class BrokerStatistics:
    """A snapshot of a broker."""

    name: str
    up: bool
    connections: int
    exchanges: int
    queues: int
    messages_ready: int
    messages_unacknowledged: int


class Broker:
    """A RabbitMQ node. ``consumer_timeout`` (seconds, None: off), ``heartbeat`` (seconds
    the server proposes) and ``channel_tick_interval`` (seconds between a channel's
    consumer-timeout checks) are RabbitMQ's settings (defaults 30 min, 60 s, 60 s)."""

    def __init__(
        self,
        world: World,
        name: str = "localhost:5672",
        *,
        consumer_timeout: float | None = 1800.0,
        heartbeat: float = 60.0,
        users: tuple[str, ...] = ("guest",),
        channel_tick_interval: float = 60.0,
    ) -> None:
        self.world = world
        self.name = name
        self.trace = world.trace
        if consumer_timeout is not None:
            _positive("consumer_timeout", consumer_timeout)
        _positive("channel_tick_interval", channel_tick_interval)
        self.consumer_timeout = consumer_timeout
        self.channel_tick_interval = channel_tick_interval
        self.heartbeat = heartbeat
        self.users = users
        self.exchanges: dict[str, Exchange] = {}
        self.queues: dict[str, Queue] = {}
        self.topology = Topology()
        self.connections: list[Connection] = []
        self.reply_channels: dict[str, Channel] = {}
        self._heartbeat_timers: dict[str, Timer] = {}
        for exchange, kind in BUILTIN.items():
            self._add_exchange(Exchange(exchange, kind, durable=True))
        world.add_node(name, self, on_crash=self._on_crash, on_restart=self._on_restart)
        watch = getattr(world.net, "watch", None)
        if watch is not None:
            watch(self._on_link)

    def __repr__(self) -> str:
        state = "up" if self.world.is_up(self.name) else "down"
        return (
            f"<Broker {self.name!r} {state} queues={len(self.queues)} "
            f"connections={len(self.connections)}>"
        )

    def statistics(self) -> BrokerStatistics:
        """A snapshot of this broker."""
        return BrokerStatistics(
            self.name,
            self.world.is_up(self.name),
            len(self.connections),
            len(self.exchanges),
            len(self.queues),
            sum(q.ready for q in self.queues.values()),
            sum(q.unacked for q in self.queues.values()),
        )

    def list_queues(self) -> dict[str, dict[str, int]]:
        """What ``rabbitmqctl list_queues name messages_ready messages_unacknowledged
        consumers`` shows."""
        return {
            name: {
                "messages_ready": q.ready,
                "messages_unacknowledged": q.unacked,
                "consumers": len(q.consumers),
            }
            for name, q in sorted(self.queues.items())
        }

    def random_token(self, length: int) -> str:
        """Random characters from the world's RNG (server-named queues, consumer tags)."""
        rng = self.world.rng
        return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(length))

    # -- connections ---------------------------------------------------------------------

    def accept(
        self, client: str, sink: ClientSink, *, heartbeat: float | None, user: str = "guest"
    ) -> Connection:
        """A client connects. ``heartbeat`` None takes the server's value, 0 disables."""
        negotiated = self.heartbeat if heartbeat is None else float(heartbeat)
        connection = Connection(self, client, sink, heartbeat=negotiated, user=user)
        self.connections.append(connection)
        return connection

    def forget_connection(self, connection: Connection) -> None:
        """A connection ended."""
        if connection in self.connections:
            self.connections.remove(connection)
        timer = self._heartbeat_timers.pop(connection.client, None)
        if timer is not None:
            timer.cancel()

    def _on_link(self, a: str, b: str, cut: bool) -> None:
        """A partition started or healed: a cut longer than the heartbeat ends connections."""
        if self.name not in (a, b):
            return
        other = b if a == self.name else a
        for connection in list(self.connections):
            if connection.client != other or connection.heartbeat <= 0:
                continue
            timer = self._heartbeat_timers.pop(other, None)
            if timer is not None:
                timer.cancel()
            if cut:
                self._heartbeat_timers[other] = self.world.call_later(
                    connection.heartbeat, self._heartbeat_missed, connection
                )

    def _heartbeat_missed(self, connection: Connection) -> None:
        self._heartbeat_timers.pop(connection.client, None)
        if connection.open and self.world.net.is_cut(connection.client, self.name):
            connection.lost("heartbeat-timeout")

    # -- queues --------------------------------------------------------------------------

    def queue_declare(
        self,
        connection: Connection,
        name: str,
        passive: bool,
        durable: bool,
        exclusive: bool,
        auto_delete: bool,
        arguments: dict[str, Any],
    ) -> tuple[str, int, int]:
        """``queue.declare`` (see :meth:`Channel.queue_declare`)."""
        if passive:
            found = self.queues.get(name)
            if found is None:
                raise not_found("queue", name)
            self.check_exclusive(connection, found)
            return (name, found.ready, len(found.consumers))
        if not name:
            name = f"amq.gen-{self.random_token(22)}"
        elif name.startswith("amq."):
            raise access_refused(f"queue name '{name}' contains reserved prefix 'amq.*'")
        validate_queue_arguments(name, arguments)
        found = self.queues.get(name)
        if found is not None:
            self.check_exclusive(connection, found)
            if exclusive and not found.exclusive:
                raise locked(name)
            error = queue_equivalence_error(
                name,
                (found.durable, found.auto_delete, found.arguments),
                (durable, auto_delete, arguments),
            )
            if error is not None:
                raise error
            found.touch()
            return (name, found.ready, len(found.consumers))
        if arguments.get("x-queue-type") == "quorum":
            if not durable:
                raise precondition(
                    f"invalid property 'non-durable' for queue '{name}' in vhost '/'"
                )
            if exclusive:
                raise precondition(
                    f"invalid property 'exclusive-owner' for queue '{name}' in vhost '/'"
                )
        queue = Queue(
            self,
            name,
            durable=durable,
            exclusive=exclusive,
            auto_delete=auto_delete,
            arguments=arguments,
            owner=connection if exclusive else None,
        )
        self.queues[name] = queue
        self.topology.add_node(name, False)
        if exclusive:
            connection.exclusive_queues.append(queue)
        return (name, 0, 0)

    def check_exclusive(self, connection: Connection, queue: Queue) -> None:
        """405 if ``queue`` is exclusive to another connection."""
        if queue.owner is not None and queue.owner is not connection:
            raise locked(queue.name)

    def usable_queue(self, connection: Connection, name: str) -> Queue:
        """The queue ``name`` if it exists and this connection may use it (404/405)."""
        found = self.queues.get(name)
        if found is None:
            raise not_found("queue", name)
        self.check_exclusive(connection, found)
        return found

    def delete_queue(self, queue: Queue, *, reason: str) -> None:
        """Remove a queue: its bindings go, consumers are cancelled, ready messages dropped."""
        if self.queues.get(queue.name) is not queue:
            return
        del self.queues[queue.name]
        queue.stop()
        for exchange in list(self.exchanges.values()):
            removed = [
                b
                for b in exchange.bindings.values()
                if not b.to_exchange and b.destination == queue.name
            ]
            for binding in removed:
                exchange.remove(binding)
            if removed:
                self._maybe_auto_delete(exchange)
        self.topology.forget(queue.name, False)
        consumers, queue.consumers = queue.consumers, []
        for consumer in consumers:
            if consumer.channel.connection.open and consumer.channel.open:
                consumer.channel.consumer_cancelled(consumer)
        for entry in queue.entries():
            self.drop(queue, entry, "queue-deleted" if reason != "crash" else "crash")
        if queue.owner is not None and queue in queue.owner.exclusive_queues:
            queue.owner.exclusive_queues.remove(queue)

    # -- exchanges -----------------------------------------------------------------------

    def _add_exchange(self, exchange: Exchange) -> None:
        self.exchanges[exchange.name] = exchange
        self.topology.add_node(exchange.name, True)

    def exchange_declare(
        self,
        name: str,
        kind: str,
        passive: bool,
        durable: bool,
        auto_delete: bool,
        internal: bool,
        arguments: dict[str, Any],
    ) -> None:
        """``exchange.declare``; an unknown type is a connection error (503)."""
        if passive:
            if name not in self.exchanges:
                raise not_found("exchange", name)
            return
        if kind not in EXCHANGE_TYPES:
            raise AMQPError(codes.COMMAND_INVALID, f"unknown exchange type '{kind}'")
        if not name:
            raise access_refused("operation not permitted on the default exchange")
        found = self.exchanges.get(name)
        if found is None:
            if name.startswith("amq."):
                raise access_refused(f"exchange name '{name}' contains reserved prefix 'amq.*'")
            self._add_exchange(
                Exchange(
                    name,
                    kind,
                    durable=durable,
                    auto_delete=auto_delete,
                    internal=internal,
                    arguments=arguments,
                )
            )
            return
        error = exchange_equivalence_error(
            name,
            (found.type, found.durable, found.auto_delete, found.internal, found.arguments),
            (kind, durable, auto_delete, internal, arguments),
        )
        if error is not None:
            raise error

    def exchange_delete(self, name: str, if_unused: bool) -> None:
        """``exchange.delete``; deleting a missing exchange succeeds."""
        if not name:
            raise access_refused("operation not permitted on the default exchange")
        if name in BUILTIN:
            raise access_refused(f"deletion of system exchange '{name}' in vhost '/' not allowed")
        found = self.exchanges.get(name)
        if found is None:
            return
        if if_unused and found.bindings:
            raise precondition(f"exchange '{name}' in vhost '/' in use")
        self._delete_exchange(found)

    def _delete_exchange(self, exchange: Exchange) -> None:
        del self.exchanges[exchange.name]
        exchange.bindings.clear()
        for other in list(self.exchanges.values()):
            removed = [
                b
                for b in other.bindings.values()
                if b.to_exchange and b.destination == exchange.name
            ]
            for binding in removed:
                other.remove(binding)
            if removed:
                self._maybe_auto_delete(other)
        self.topology.forget(exchange.name, True)

    def _maybe_auto_delete(self, exchange: Exchange) -> None:
        if exchange.auto_delete and not exchange.bindings and exchange.name in self.exchanges:
            self._delete_exchange(exchange)

    # -- bindings ------------------------------------------------------------------------

    def _binding_ends(
        self, connection: Connection, source: str, destination: str, to_exchange: bool
    ) -> Exchange:
        if not source or (to_exchange and not destination):
            raise access_refused("operation not permitted on the default exchange")
        found = self.exchanges.get(source)
        if found is None:
            raise not_found("exchange", source)
        if to_exchange:
            if destination not in self.exchanges:
                raise not_found("exchange", destination)
        else:
            self.usable_queue(connection, destination)
        return found

    def bind(
        self,
        connection: Connection,
        source: str,
        destination: str,
        to_exchange: bool,
        routing_key: str,
        arguments: dict[str, Any],
    ) -> None:
        """``queue.bind`` / ``exchange.bind``."""
        exchange = self._binding_ends(connection, source, destination, to_exchange)
        if exchange.type == "headers":
            problem = x_match_error(arguments)
            if problem is not None:
                raise precondition(problem)
        binding = Binding(source, destination, to_exchange, routing_key, dict(arguments))
        if exchange.add(binding):
            self.topology.add(binding)

    def unbind(
        self,
        connection: Connection,
        source: str,
        destination: str,
        to_exchange: bool,
        routing_key: str,
        arguments: dict[str, Any],
    ) -> None:
        """``queue.unbind`` / ``exchange.unbind``; auto-delete exchanges go with their
        last binding."""
        exchange = self._binding_ends(connection, source, destination, to_exchange)
        binding = Binding(source, destination, to_exchange, routing_key, dict(arguments))
        if exchange.remove(binding):
            self.topology.remove(binding)
            self._maybe_auto_delete(exchange)

    # -- messages ------------------------------------------------------------------------

    def publish(self, exchange_name: str, msg: Message) -> tuple[bool, bool]:
        """Route ``msg`` and store it: (routed anywhere, refused by a full queue)."""
        headers = msg.properties.headers
        keys = [msg.routing_key]
        if headers and ("CC" in headers or "BCC" in headers):
            keys = cc_keys(msg.routing_key, headers)
            if "BCC" in headers:
                kept = {k: v for k, v in headers.items() if k != "BCC"}
                msg.properties = msg.properties.replace(headers=kept)
        if exchange_name:
            names = route(self.exchanges, self.exchanges[exchange_name], keys, headers)
        elif len(keys) == 1 and msg.routing_key in self.queues:
            names = keys
        else:
            if msg.routing_key.startswith(REPLY_TO + "."):
                channel = self.reply_channels.get(msg.routing_key)
                if channel is not None:
                    channel.deliver_reply(msg)
                    return True, False
            names = list(dict.fromkeys(k for k in keys if k in self.queues))
        trace = self.trace
        if trace.full:
            trace.emit("msg.route", self.name, msg.id, dest=exchange_name, queues=list(names))
        elif trace.active:
            trace.emit("msg.route", self.name)
        if not names:
            if trace.full:
                trace.emit("msg.drop", self.name, msg.id, where=None, reason="unroutable")
            return False, False
        rejected = False
        queues = self.queues
        for name in names:
            queue = queues[name]
            if not queue.enqueue(msg):
                rejected = True
                self.refuse(queue, msg)
        return True, rejected

    def refuse(self, queue: Queue, msg: Message) -> None:
        """``x-overflow`` refused a copy for a full queue (the publisher gets a nack in
        confirm mode); ``reject-publish-dlx`` also dead-letters it with reason ``maxlen``.
        The copy was never stored: its drop names ``to`` when it was dead-lettered."""
        dead = queue.overflow == "reject-publish-dlx" and queue.dlx is not None
        trace = self.trace
        if trace.full:
            more = {"to": queue.dlx} if dead and queue.dlx in self.exchanges else {}
            trace.emit(
                "msg.drop", self.name, msg.id, where=queue.name, reason="reject-publish", **more
            )
        elif trace.active:
            trace.emit("msg.drop", self.name)
        if dead:
            self.dead_letter(queue, Entry(msg, 0, None, 0), "maxlen", stored=False)

    def drop(self, queue: Queue | None, entry: Entry, reason: str, **fields: Any) -> None:
        """Trace the end of a copy that was not consumed-and-acked."""
        if self.trace.full:
            where = None if queue is None else queue.name
            self.trace.emit(
                "msg.drop", self.name, entry.msg.id, where=where, reason=reason, **fields
            )
        elif self.trace.active:
            self.trace.emit("msg.drop", self.name)

    def dead_letter(self, queue: Queue, entry: Entry, reason: str, *, stored: bool = True) -> None:
        """Dead-letter ``entry`` from ``queue`` (see :mod:`mqsim.amqp.deadletter`)."""
        dead_letter(self, queue, entry, reason, stored=stored)

    # -- faults --------------------------------------------------------------------------

    def _on_crash(self) -> None:
        world = self.world
        for connection in list(self.connections):
            sink = connection.sink
            lost = getattr(sink, "on_connection_lost", None)
            if lost is not None:
                world.call_later(connection.down.latency(), lost, "broker-crash")
            connection.open = False
        for connection in list(self.connections):
            for channel in list(connection.channels.values()):
                channel.close("crash")
            connection.channels.clear()
            connection.exclusive_queues.clear()
        self.connections.clear()
        self.reply_channels.clear()
        for timer in self._heartbeat_timers.values():
            timer.cancel()
        self._heartbeat_timers.clear()
        for queue in list(self.queues.values()):
            if not queue.durable or queue.exclusive:
                self.delete_queue(queue, reason="crash")
                continue
            queue.consumers.clear()
            for entry in queue.entries():
                if not queue.survives_crash(entry):
                    self.drop(queue, entry, "crash")
            queue.keep_persistent()
        for exchange in list(self.exchanges.values()):
            if exchange.name in self.exchanges and not exchange.durable:
                self._delete_exchange(exchange)
        for exchange in self.exchanges.values():
            for binding in list(exchange.bindings.values()):
                durable = (
                    self.exchanges[binding.destination].durable
                    if binding.to_exchange
                    else binding.destination in self.queues
                )
                if not durable:
                    exchange.remove(binding)
                    self.topology.remove(binding)

    def _on_restart(self) -> None:
        for queue in self.queues.values():
            queue.restart()


def _positive(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise InvalidArgument(f"{name}: expected a number of seconds > 0, got {value!r}")
