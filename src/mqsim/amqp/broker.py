"""The RabbitMQ broker node: exchanges, queues, bindings, connections, faults.

One :class:`Broker` is one node of the world (``localhost:5672`` by default). Clients
reach it through :class:`~mqsim.amqp.connection.Connection`; everything a client can
observe follows RabbitMQ 3.10 (see ``../shared/oracle/rabbitmq``).

Crash (``world.crash(name)``): connections drop (clients see the TCP stream end),
non-durable queues and exchanges vanish, transient messages are lost, persistent
messages in durable queues survive once they are on disk (unacked ones come back
redelivered). Each loss is a ``msg.drop`` with ``reason="crash"``; so is each publish
still in flight to the node when it died (``where`` None, ``dest`` the exchange).

Disk writes and publisher confirms. RabbitMQ confirms a transient message, or one routed
only to non-durable queues, as soon as the queues have it. A persistent message routed
to a durable classic queue is confirmed only once it is on disk: the queue (and the
message store) write it at once but fsync in batches, at the latest ``SYNC_INTERVAL``
(25 ms) after the write, sooner when the queue goes idle; the confirm goes out after the
fsync. A crash before the fsync loses the message, and the publisher never gets its
confirm (a publisher that republishes what was not confirmed may so duplicate a message
a consumer already received). Confirms already sent are not taken back by a crash.
mqsim: one disk per broker, synced ``sync_interval`` (default 0.025 s, 0: at once) after
the first write since the last sync, together with every write made meanwhile. Its
clients take no time to process anything, so it cannot tell a busy queue from an idle
one and always waits the full interval: the window in which a crash loses a published,
unconfirmed persistent message is the widest RabbitMQ has. RabbitMQ 3.10 confirms a
message embedded in the queue index (below 4 KB, the usual case) at the fsync even when
a consumer acked it before; a larger one, kept in the message store, is confirmed as
soon as every queue has removed it; mqsim confirms both at the fsync. Quorum queues
keep (and confirm) every message at once: the fsync of their log is not modelled. Nor
is the wait of ``tx.commit``: RabbitMQ answers commit-ok after the fsync of the
transaction's persistent messages, mqsim at once.
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
    messages_unsynced: int


class Broker:
    """A RabbitMQ node. ``consumer_timeout`` (seconds, None: off), ``heartbeat`` (seconds
    the server proposes) and ``channel_tick_interval`` (seconds between a channel's
    consumer-timeout checks) are RabbitMQ's settings (defaults 30 min, 60 s, 60 s);
    ``sync_interval`` is the longest a persistent message written to a durable queue
    waits for its fsync, and so for its publisher confirm (RabbitMQ's 25 ms; 0: mqsim
    writes and confirms at once, no crash window)."""

    def __init__(
        self,
        world: World,
        name: str = "localhost:5672",
        *,
        consumer_timeout: float | None = 1800.0,
        heartbeat: float = 60.0,
        users: tuple[str, ...] = ("guest",),
        channel_tick_interval: float = 60.0,
        sync_interval: float = 0.025,
    ) -> None:
        self.world = world
        self.name = name
        self.trace = world.trace
        if consumer_timeout is not None:
            _positive("consumer_timeout", consumer_timeout)
        _positive("channel_tick_interval", channel_tick_interval)
        if (
            isinstance(sync_interval, bool)
            or not isinstance(sync_interval, int | float)
            or sync_interval < 0
        ):
            raise InvalidArgument(
                f"sync_interval: expected a number of seconds >= 0, got {sync_interval!r}"
            )
        self.sync_interval = float(sync_interval)
        #: Durable queues written since the last fsync, and channels waiting for it to
        #: send confirms.
        self._dirty: list[Queue] = []
        self._sync_waiters: list[Channel] = []
        self._sync_timer: Timer | None = None
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
            sum(q.unsynced for q in self._dirty if not q.deleted),
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
        """Remove a queue: its bindings go, consumers are cancelled, ready messages dropped
        (and unacked ones when they come back), with reason ``crash``, ``auto-delete`` (the
        last consumer of an auto-delete queue left) or ``queue-deleted`` (``queue.delete``,
        the exclusive owner's connection closed, ``x-expires``)."""
        if self.queues.get(queue.name) is not queue:
            return
        del self.queues[queue.name]
        queue.stop(reason if reason in ("crash", "auto-delete") else "queue-deleted")
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
            self.drop(queue, entry, queue.drop_reason)
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

    def publish(self, exchange_name: str, msg: Message) -> tuple[bool, bool, bool]:
        """Route ``msg`` and store it: (routed anywhere, refused by a full queue, waits for
        the disk: a persistent message stored in a durable classic queue before its
        fsync)."""
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
                    return True, False, False
            names = list(dict.fromkeys(k for k in keys if k in self.queues))
        trace = self.trace
        if trace.full:
            trace.emit("msg.route", self.name, msg.id, dest=exchange_name, queues=list(names))
        elif trace.active:
            trace.emit("msg.route", self.name)
        if not names:
            if trace.full:
                trace.emit("msg.drop", self.name, msg.id, where=None, reason="unroutable")
            return False, False, False
        rejected = False
        waits = False
        queues = self.queues
        for name in names:
            queue = queues[name]
            if not queue.enqueue(msg):
                rejected = True
                self.refuse(queue, msg)
            elif queue.syncs and msg.persistent:
                waits = True
        return True, rejected, waits

    def discard(self, exchange: str, msgs: list[Message], reason: str, *, actor: str) -> None:
        """Trace the end of publishes that never reached an exchange: ``crash`` (in flight
        to this node when it died), ``channel-error`` (the publish closed its channel, or
        came on a channel or connection the broker was closing), ``connection-lost``
        (``actor`` a client: written to a connection that could not carry it)."""
        trace = self.trace
        if trace.full:
            for msg in msgs:
                trace.emit("msg.drop", actor, msg.id, where=None, reason=reason, dest=exchange)
        elif trace.active:
            trace.emit_many("msg.drop", actor, [None] * len(msgs))

    # -- the disk ------------------------------------------------------------------------

    def written(self, queue: Queue) -> None:
        """``queue`` (durable, classic) wrote a persistent message: fsync it with the
        next batch."""
        if not queue.dirty:
            queue.dirty = True
            self._dirty.append(queue)
            if self._sync_timer is None:
                self._sync_timer = self.world.call_later(self.sync_interval, self._synced)

    def wait_sync(self, channel: Channel) -> None:
        """``channel`` holds confirms for the next fsync."""
        self._sync_waiters.append(channel)

    def _synced(self) -> None:
        self._sync_timer = None
        self.sync()

    def sync(self) -> None:
        """fsync now: every persistent message written so far survives a crash, and the
        confirms waiting for it go out. RabbitMQ does this every ``SYNC_INTERVAL`` (see
        the module docstring) and when it stops cleanly (``rabbitmqctl stop_app``), before
        the node goes down; mqsim's ``world.restart`` is a crash, so call this first to
        restart cleanly."""
        if self._sync_timer is not None:
            self._sync_timer.cancel()
            self._sync_timer = None
        dirty, self._dirty = self._dirty, []
        for queue in dirty:
            queue.sync()
        waiting, self._sync_waiters = self._sync_waiters, []
        for channel in waiting:
            channel.synced()

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
            connection.ended = "crash"
        for connection in list(self.connections):
            for channel in list(connection.channels.values()):
                channel.close("crash")
            connection.channels.clear()
            connection.exclusive_queues.clear()
        self.connections.clear()
        self.reply_channels.clear()
        if self._sync_timer is not None:
            self._sync_timer.cancel()
            self._sync_timer = None
        self._sync_waiters.clear()
        for queue in self._dirty:
            queue.dirty = False
        self._dirty.clear()
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
