"""Operations on a simulated RabbitMQ broker and the invariants AMQP 0-9-1 promises.

The driver runs one broker node and two client slots, ``a`` and ``b``, each a connection
with channels 1 and 2, speaking to the broker through mqsim's AMQP client model (what a
client library does). Operations: declare, bind, unbind and delete exchanges and queues;
publish (confirms or not, mandatory, persistent or transient, priority, per-message
TTL); consume and cancel; ``basic.get``; ack, nack and reject (single or multiple,
requeue or not); ``basic.qos``; close and reopen a channel; crash and reconnect a client;
restart the broker; cut and heal the network; let time pass (and so message TTLs).

Invariants (checked after every operation):

``conservation``
    every stored copy of a message is in exactly one place (ready in its queue, or
    unacknowledged on a channel) or has a recorded end (``msg.ack``/``msg.drop``); every
    queue a message was routed to stored it or refused it with a recorded reason.
``prefetch``
    no consumer holds more unacknowledged deliveries than its prefetch count, no channel
    more than its global one.
``delivery-tags``
    delivery tags strictly increase on each channel.
``redelivered``
    a delivery is flagged redelivered exactly when that copy was delivered before.
``fifo``
    messages published on one channel with one priority are first delivered from a
    queue in publish order.
``persistence``
    a persistent message in a durable queue that the broker confirmed survives a broker
    crash and restart. (RabbitMQ confirms a persistent message once it is on disk; one
    not yet written may be lost in a crash, as mqsim models.)
``routing``
    each message goes to the queues a reference router computes from the binding graph,
    and the broker's bindings are what the declared operations made them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mqsim.amqp import BasicProperties, Broker
from mqsim.amqp.client import ClientChannel, ClientConnection, ConnectionLost, ConnectRefused
from mqsim.amqp.errors import AMQPError
from mqsim.sim import InvalidArgument, World
from mqsim.testing.driver import Driver, register

BROKER = "rabbit:5672"
SLOTS = ("a", "b")
CHANNELS = (1, 2)
#: Exchanges the machine may declare, with their types.
EXCHANGES: dict[str, str] = {"x.direct": "direct", "x.topic": "topic", "x.fanout": "fanout"}
QUEUES = ("q1", "q2", "q3")
#: Queue kinds: the ``x-`` arguments a declaration uses.
QUEUE_KINDS: dict[str, dict[str, Any]] = {
    "plain": {},
    "ttl": {"x-message-ttl": 200},
    "priority": {"x-max-priority": 3},
    "short": {"x-max-length": 2},
}
#: What a synchronous call returns when its reply did not come in time.
NO_REPLY: Any = object()
#: Copy ends that are not the end of a stored copy (the copy was never stored).
NEVER_STORED = frozenset({"reject-publish", "cycle", "unroutable"})


def topic_match(pattern: str, key: str) -> bool:
    """Reference topic matcher (RabbitMQ's rules, written plainly and recursively)."""

    def words(text: str) -> list[str]:
        return text.split(".") if text else []

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        head, rest = p[0], p[1:]
        if head == "#":
            return any(match(rest, k[i:]) for i in range(len(k) + 1))
        if not k:
            return False
        return (head == "*" or head == k[0]) and match(rest, k[1:])

    return match(words(pattern), words(key))


def reference_route(
    exchanges: dict[str, tuple[str, bool]],
    queues: Iterable[str],
    bindings: Iterable[tuple[str, str, str]],
    exchange: str,
    key: str,
) -> set[str] | None:
    """Queues a message published to ``exchange`` with ``key`` reaches (None: the
    exchange does not exist, the publish fails)."""
    if exchange == "":
        return {key} & set(queues)
    found = exchanges.get(exchange)
    if found is None:
        return None
    kind = found[0]
    out: set[str] = set()
    for source, queue, pattern in bindings:
        if source != exchange:
            continue
        if (
            kind == "fanout"
            or (kind == "direct" and pattern == key)
            or (kind == "topic" and topic_match(pattern, key))
        ):
            out.add(queue)
    return out


@dataclass(slots=True)
class _Channel:
    """A channel as the application sees it."""

    key: str
    channel: ClientChannel
    open: bool = True
    unacked: list[int] = field(default_factory=list)
    consumers: dict[str, bool] = field(default_factory=dict)
    prefetch: int = 0
    limits: dict[str, int] = field(default_factory=dict)
    last_tag: int = 0
    confirm: bool = False
    publishes: int = 0
    seq_ids: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Slot:
    """A client slot: its current connection and channels."""

    name: str
    generation: int = 0
    connection: ClientConnection | None = None
    channels: dict[int, _Channel] = field(default_factory=dict)

    @property
    def node(self) -> str:
        return f"{self.name}{self.generation}"


@dataclass(frozen=True, slots=True)
class _Published:
    """What the application published: its channel, order, properties and routing."""

    channel: str
    number: int
    priority: int | None
    persistent: bool
    expected: frozenset[str] | None


@register
class AmqpDriver(Driver):
    """A RabbitMQ broker under test; see the module doc for operations and invariants.

    Options: ``latency`` (seconds per network hop, 0.001), ``heartbeat`` (seconds the
    broker proposes, 10).
    """

    machine = "amqp"
    INVARIANTS = (
        "delivery-tags",
        "redelivered",
        "fifo",
        "routing",
        "persistence",
        "prefetch",
        "conservation",
    )

    def __init__(self, seed: int = 0, *, latency: float = 0.001, heartbeat: float = 10.0) -> None:
        super().__init__(seed, latency=latency, heartbeat=heartbeat)
        # a cut link holds frames, as TCP does, until the heartbeat timeout ends it
        self.world = World(seed, trace="full", latency=latency, on_cut="delay")
        self.broker = Broker(self.world, BROKER, heartbeat=heartbeat)
        self.slots = {name: _Slot(name) for name in SLOTS}
        # the application's view of the topology (what the broker said yes to)
        self.exchanges: dict[str, tuple[str, bool]] = {}
        self.queues: dict[str, bool] = {}
        self.bindings: set[tuple[str, str, str]] = set()
        self.published: dict[str, _Published] = {}
        self.confirmed: set[str] = set()
        self.pending_failures: list[tuple[str, str]] = []
        # trace bookkeeping
        self._seen = 0
        self.stored: Counter[tuple[str, str]] = Counter()
        self.ended: Counter[tuple[str, str]] = Counter()
        self.delivered: Counter[tuple[str, str]] = Counter()
        self.first_order: dict[tuple[str, str, int | None], int] = {}
        #: channels whose global prefetch was just set (to this limit): not checked
        #: until the broker has it and the channel is within it
        self.global_slack: dict[str, int] = {}
        self.channel_count = 0
        #: Topology calls whose reply has not come: (event, what to do with the result).
        self.late: list[tuple[Any, Callable[[Any], None]]] = []
        for name in SLOTS:
            self._connect(self.slots[name])

    # -- plumbing -----------------------------------------------------------------------

    def _wait(self, event: Any, timeout: float = 2.0) -> Any:
        """Let time pass until ``event`` fires (the reply) or ``timeout``; its value
        (:data:`NO_REPLY` if it did not come)."""
        if not event.triggered:
            self.world.block(event, timeout)
        return event.value if event.triggered else NO_REPLY

    def _connect(self, slot: _Slot) -> bool:
        old = slot.connection
        if old is not None and self.world.has_node(slot.node) and self.world.is_up(slot.node):
            self.world.crash(slot.node)
        slot.generation += 1
        slot.channels = {}
        try:
            connection = ClientConnection(self.world, BROKER, slot.node)
            opened = self._wait(connection.open())
        except ConnectRefused:
            slot.connection = None
            return False
        slot.connection = connection
        if opened is not True:
            return False
        for number in CHANNELS:
            self._open_channel(slot, number)
        return True

    def _open_channel(self, slot: _Slot, number: int) -> None:
        connection = slot.connection
        if connection is None or not connection.is_open:
            return
        channel, event = connection.channel(number)
        if self._wait(event) is True:
            self.channel_count += 1
            key = f"{slot.node}:{number}#{self.channel_count}"
            slot.channels[number] = _Channel(key, channel)

    def _channel(self, slot: str, channel: int) -> _Channel | None:
        """The slot's channel, ready for a method. Like an application with a supervisor,
        a slot whose connection is gone reconnects (when the broker is up) and a channel
        the broker closed is opened again."""
        self._drain()
        found = self.slots.get(slot)
        if found is None:
            raise InvalidArgument(f"slot: expected one of {', '.join(SLOTS)}, got {slot!r}")
        connection = found.connection
        if (connection is None or not connection.is_open) and (
            not self.world.is_up(BROKER) or not self._connect(found)
        ):
            return None
        entry = found.channels.get(channel)
        if entry is None or not entry.open:
            self._reopen(found, channel)
            entry = found.channels.get(channel)
        return entry

    def _reopen(self, slot: _Slot, number: int) -> None:
        connection = slot.connection
        if connection is None or not connection.is_open:
            return
        entry = slot.channels.pop(number, None)
        if entry is not None and connection.channels.get(number) is entry.channel:
            self._wait(connection.close_channel(entry.channel))
        self._drain()
        if connection.is_open and number not in connection.channels:
            self._open_channel(slot, number)

    def _call(
        self,
        entry: _Channel,
        method: str,
        *args: Any,
        then: Callable[[Any], None] | None = None,
    ) -> Any:
        """A synchronous method; its result, an :class:`AMQPError`, or :data:`NO_REPLY`.

        ``then(result)`` runs when the reply comes, now or (for topology changes whose
        reply is late, e.g. behind a cut link) at a later step. A channel whose reply did
        not come is not used again (its replies would answer later calls)."""
        event = entry.channel.call(method, *args)
        result = self._wait(event)
        if result is NO_REPLY:
            entry.open = False
            if then is not None:
                self.late.append((event, then))
        else:
            if isinstance(result, AMQPError | ConnectionLost):
                entry.open = False
            if then is not None:
                then(result)
        self._drain()
        return result

    def _ok(self, result: Any) -> bool:
        return result is not NO_REPLY and not isinstance(result, AMQPError | ConnectionLost)

    # -- operations: topology ----------------------------------------------------------

    def op_declare_exchange(self, slot: str, channel: int, name: str, durable: bool) -> bool:
        """``exchange.declare`` of one of :data:`EXCHANGES`."""
        kind = EXCHANGES.get(name)
        if kind is None:
            raise InvalidArgument(f"name: expected one of {', '.join(EXCHANGES)}, got {name!r}")
        entry = self._channel(slot, channel)
        if entry is None:
            return False

        def then(result: Any) -> None:
            if self._ok(result) and name not in self.exchanges:
                self.exchanges[name] = (kind, durable)

        return self._ok(
            self._call(entry, "exchange_declare", name, kind, False, durable, then=then)
        )

    def op_declare_queue(
        self, slot: str, channel: int, name: str, durable: bool, kind: str
    ) -> bool:
        """``queue.declare`` of one of :data:`QUEUES` with :data:`QUEUE_KINDS` arguments."""
        if kind not in QUEUE_KINDS:
            raise InvalidArgument(f"kind: expected one of {', '.join(QUEUE_KINDS)}, got {kind!r}")
        entry = self._channel(slot, channel)
        if entry is None:
            return False
        arguments = dict(QUEUE_KINDS[kind])

        def then(result: Any) -> None:
            if self._ok(result) and name not in self.queues:
                self.queues[name] = durable

        result = self._call(
            entry, "queue_declare", name, False, durable, False, False, arguments, then=then
        )
        return self._ok(result)

    def op_delete_queue(self, slot: str, channel: int, name: str) -> bool:
        """``queue.delete``."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False

        def then(result: Any) -> None:
            if self._ok(result):
                self.queues.pop(name, None)
                self.bindings = {b for b in self.bindings if b[1] != name}

        return self._ok(self._call(entry, "queue_delete", name, then=then))

    def op_delete_exchange(self, slot: str, channel: int, name: str) -> bool:
        """``exchange.delete``."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False

        def then(result: Any) -> None:
            if self._ok(result):
                self.exchanges.pop(name, None)
                self.bindings = {b for b in self.bindings if b[0] != name}

        return self._ok(self._call(entry, "exchange_delete", name, then=then))

    def op_bind(self, slot: str, channel: int, queue: str, exchange: str, key: str) -> bool:
        """``queue.bind``."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False

        def then(result: Any) -> None:
            if self._ok(result):
                self.bindings.add((exchange, queue, key))

        return self._ok(self._call(entry, "queue_bind", queue, exchange, key, then=then))

    def op_unbind(self, slot: str, channel: int, queue: str, exchange: str, key: str) -> bool:
        """``queue.unbind``."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False

        def then(result: Any) -> None:
            if self._ok(result):
                self.bindings.discard((exchange, queue, key))

        return self._ok(self._call(entry, "queue_unbind", queue, exchange, key, then=then))

    # -- operations: messages ----------------------------------------------------------

    def op_confirm_select(self, slot: str, channel: int) -> bool:
        """``confirm.select``."""
        entry = self._channel(slot, channel)
        if entry is None or entry.confirm:
            return False
        result = self._call(entry, "confirm_select")
        if self._ok(result) or result is NO_REPLY:
            entry.confirm = True
            entry.channel.confirm = True
        return self._ok(result)

    def op_publish(
        self,
        slot: str,
        channel: int,
        exchange: str,
        key: str,
        persistent: bool = False,
        mandatory: bool = False,
        priority: int | None = None,
        expiration: str | None = None,
    ) -> str | None:
        """``basic.publish`` of a fresh body; the message id."""
        entry = self._channel(slot, channel)
        if entry is None:
            return None
        entry.publishes += 1
        body = f"{entry.key}/{entry.publishes}".encode()
        props = BasicProperties(
            delivery_mode=2 if persistent else 1, priority=priority, expiration=expiration
        )
        expected = None
        node = self.slots[slot].node
        if not self.late and not self.world.net.is_cut(node, BROKER):
            # a publish held on a cut link routes at heal time, on the graph of then
            expected = reference_route(self.exchanges, self.queues, self.bindings, exchange, key)
        msg, seq = entry.channel.publish(exchange, key, body, props, mandatory)
        msg_id = msg.id
        assert msg_id is not None
        self.published[msg_id] = _Published(
            entry.key,
            entry.publishes,
            priority,
            persistent,
            None if expected is None else frozenset(expected),
        )
        if seq:
            entry.seq_ids[seq] = msg_id
        return msg_id

    def op_consume(self, slot: str, channel: int, queue: str, no_ack: bool = False) -> bool:
        """``basic.consume``."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False
        result = self._call(entry, "basic_consume", queue, "", no_ack)
        if self._ok(result):
            entry.consumers[str(result)] = no_ack
            entry.limits[str(result)] = entry.prefetch
        return self._ok(result)

    def op_cancel(self, slot: str, channel: int, index: int = 0) -> bool:
        """``basic.cancel`` of the channel's ``index``-th consumer (mod their count)."""
        entry = self._channel(slot, channel)
        if entry is None or not entry.consumers:
            return False
        tags = list(entry.consumers)
        tag = tags[index % len(tags)]
        result = self._call(entry, "basic_cancel", tag)
        entry.consumers.pop(tag, None)
        return self._ok(result)

    def op_get(self, slot: str, channel: int, queue: str, no_ack: bool = False) -> bool:
        """``basic.get``; True if a message came."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False
        result = self._call(entry, "basic_get", queue, no_ack)
        if not self._ok(result) or not isinstance(result, tuple):
            return False
        tag = int(result[0])
        self._saw_tag(entry, tag, "basic.get")
        if not no_ack:
            entry.unacked.append(tag)
        return True

    def op_qos(self, slot: str, channel: int, prefetch: int, global_qos: bool = False) -> bool:
        """``basic.qos`` (``global_qos``: for the whole channel)."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False
        if global_qos:
            # RabbitMQ does not take back deliveries when the limit goes down: until the
            # channel is within the new limit, it may hold more.
            self.global_slack[f"{self.slots[slot].node}:{channel}"] = prefetch
        result = self._call(entry, "basic_qos", 0, prefetch, global_qos)
        if self._ok(result) and not global_qos:
            entry.prefetch = prefetch
        return self._ok(result)

    def op_settle(
        self,
        slot: str,
        channel: int,
        how: str = "ack",
        newest: bool = False,
        multiple: bool = False,
        requeue: bool = True,
    ) -> int:
        """Ack, nack or reject (``how``) the oldest or newest unacknowledged delivery
        (``multiple``: and every older one) of the channel, or, when it has none, of the
        first channel (slot ``a`` channel 1, ``a`` 2, ``b`` 1, ...) that has some; how many
        deliveries that settles."""
        entry = self._channel(slot, channel)
        if entry is None or not entry.unacked:
            entry = next(
                (
                    c
                    for s in SLOTS
                    for n, c in sorted(self.slots[s].channels.items())
                    if c.open and c.unacked
                ),
                None,
            )
        if entry is None:
            return 0
        if how not in ("ack", "nack", "reject"):
            raise InvalidArgument(f"how: expected ack, nack or reject, got {how!r}")
        tag = entry.unacked[-1] if newest else entry.unacked[0]
        multiple = multiple and how != "reject"
        settled = [t for t in entry.unacked if t <= tag] if multiple else [tag]
        entry.unacked = [t for t in entry.unacked if t not in settled]
        if how == "ack":
            entry.channel.ack(tag, multiple)
        elif how == "nack":
            entry.channel.cast("basic_nack", tag, multiple, requeue)
        else:
            entry.channel.cast("basic_reject", tag, requeue)
        return len(settled)

    def op_reopen_channel(self, slot: str, channel: int) -> bool:
        """Close the channel (its unacked messages go back to their queues) and open it
        again with fresh delivery tags."""
        entry = self._channel(slot, channel)
        if entry is None:
            return False
        found = self.slots[slot]
        self._reopen(found, channel)
        return channel in found.channels

    # -- operations: faults and time ---------------------------------------------------

    def op_crash_client(self, slot: str) -> None:
        """Kill the slot's client process."""
        found = self.slots[slot]
        connection = found.connection
        if (
            connection is not None
            and self.world.has_node(found.node)
            and self.world.is_up(found.node)
        ):
            self.world.crash(found.node)
        found.connection = None
        found.channels = {}

    def op_connect(self, slot: str) -> bool:
        """Open a new connection (and channels) for a slot without a live one."""
        found = self.slots[slot]
        connection = found.connection
        if connection is not None and connection.is_open:
            return False
        return self._connect(found)

    def op_restart_broker(self, down_for: float = 0.0) -> None:
        """Crash the broker, keep it down ``down_for`` seconds, start it again."""
        self._drain()
        self.world.crash(BROKER)
        self._broker_crashed()
        if down_for:
            self.world.advance(down_for)
        self.world.restart(BROKER)
        self._drain()

    def op_cut(self, slot: str) -> None:
        """Cut the network between the slot's client and the broker."""
        found = self.slots[slot]
        if self.world.has_node(found.node):
            self.world.partition(found.node, BROKER)

    def op_heal(self) -> None:
        """Heal every cut link."""
        self.world.heal()
        self._drain()

    def op_advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass (deliveries arrive, TTLs run out)."""
        self.world.advance(seconds)
        self._drain()

    # -- bookkeeping -------------------------------------------------------------------

    def _broker_crashed(self) -> None:
        """RabbitMQ: non-durable queues and exchanges go, and bindings with them."""
        self.queues = {q: d for q, d in self.queues.items() if d}
        self.exchanges = {x: v for x, v in self.exchanges.items() if v[1]}
        self.bindings = {b for b in self.bindings if b[0] in self.exchanges and b[1] in self.queues}

    def _server_channel(self, slot: str, number: int) -> Any:
        found = self.slots[slot]
        for connection in self.broker.connections:
            if connection.client == found.node:
                return connection.channels.get(number)
        return None

    def _saw_tag(self, entry: _Channel, tag: int, what: str) -> None:
        if tag <= entry.last_tag:
            self.pending_failures.append(
                (
                    "delivery-tags",
                    f"{what} on channel {entry.key} with tag {tag} after tag {entry.last_tag}",
                )
            )
        entry.last_tag = max(entry.last_tag, tag)

    def _drain(self) -> None:
        """Handle the frames every client received, then read the new trace records."""
        if self.late:
            waiting = []
            for event, then in self.late:
                if event.triggered:
                    then(event.value)
                else:
                    waiting.append((event, then))
            self.late = waiting
        for slot in self.slots.values():
            connection = slot.connection
            if connection is None:
                continue
            inbox = connection.inbox
            while inbox:
                frame = inbox.popleft()
                self._frame(slot, frame)
            if not connection.is_open:
                for entry in slot.channels.values():
                    entry.open = False
        self._read_trace()

    def _frame(self, slot: _Slot, frame: tuple[Any, ...]) -> None:
        kind = frame[0]
        if kind == "connection_close":
            for each in slot.channels.values():
                each.open = False
            return
        entry = slot.channels.get(frame[1])
        if entry is None or not entry.open:
            return
        if kind == "deliver":
            _kind, _number, ctag, tag, _redelivered, _queue, _msg = frame
            self._saw_tag(entry, tag, "basic.deliver")
            if not entry.consumers.get(ctag, False):
                entry.unacked.append(tag)
        elif kind == "confirm":
            _kind, _number, tag, multiple, ack = frame
            seqs = [t for t in entry.seq_ids if t <= tag] if multiple else [tag]
            for seq in seqs:
                msg_id = entry.seq_ids.pop(seq, None)
                if msg_id is not None and ack:
                    self.confirmed.add(msg_id)
        elif kind == "cancel":
            entry.consumers.pop(frame[2], None)
        elif kind == "channel_close":
            entry.open = False

    def _read_trace(self) -> None:
        records = self.world.trace[self._seen :]
        self._seen += len(records)
        broker = BROKER
        for record in records:
            kind = record.kind
            msg = record.msg
            if msg is None or not kind.startswith("msg."):
                continue
            where = record.get("where")
            if kind == "msg.route":
                self._check_route(msg, record.get("queues") or [])
            elif kind == "msg.store":
                self.stored[(msg, where)] += 1
                self.delivered[(msg, where)] = 0
            elif kind == "msg.deliver":
                self._check_delivery(msg, where, bool(record.get("redelivered")))
            elif kind in ("msg.ack", "msg.drop") and record.actor == broker and where is not None:
                reason = record.get("reason")
                if kind == "msg.drop" and reason in NEVER_STORED:
                    continue
                self.ended[(msg, where)] += 1
                if kind == "msg.drop" and reason == "crash":
                    self._check_crash_drop(msg, where)

    def _check_route(self, msg: str, queues: list[str]) -> None:
        published = self.published.get(msg)
        if published is None or published.expected is None:
            return
        if set(queues) != published.expected:
            self.pending_failures.append(
                (
                    "routing",
                    f"{msg} ({published.channel} #{published.number}) was routed to "
                    f"{sorted(queues)}, the reference router says {sorted(published.expected)}",
                )
            )

    def _check_delivery(self, msg: str, where: str, redelivered: bool) -> None:
        copy = (msg, where)
        before = self.delivered[copy] > 0
        self.delivered[copy] += 1
        if redelivered != before:
            self.pending_failures.append(
                (
                    "redelivered",
                    f"{msg} delivered from {where} with redelivered={redelivered} though it "
                    f"was {'' if before else 'not '}delivered before",
                )
            )
        published = self.published.get(msg)
        if published is None or before:
            return
        key = (where, published.channel, published.priority)
        last = self.first_order.get(key, 0)
        if published.number < last:
            self.pending_failures.append(
                (
                    "fifo",
                    f"{msg} ({published.channel} #{published.number}) first delivered from "
                    f"{where} after #{last} of the same channel and priority",
                )
            )
        self.first_order[key] = max(last, published.number)

    def _check_crash_drop(self, msg: str, where: str) -> None:
        published = self.published.get(msg)
        queue = self.broker.queues.get(where)
        durable = queue is not None and queue.durable
        if published is not None and published.persistent and durable and msg in self.confirmed:
            self.pending_failures.append(
                (
                    "persistence",
                    f"persistent {msg} ({published.channel} #{published.number}), confirmed, "
                    f"was lost from durable queue {where} in a broker crash",
                )
            )

    def _raise_pending(self, invariant: str) -> None:
        for name, detail in self.pending_failures:
            if name == invariant:
                self.fail(name, detail)

    # -- invariants --------------------------------------------------------------------

    def inv_conservation(self) -> None:
        """Each stored copy is in one place or has a recorded end."""
        self._drain()
        places: Counter[tuple[str, str]] = Counter()
        for queue in self.broker.queues.values():
            for stored in queue.entries():
                if stored.msg.id is not None:
                    places[(stored.msg.id, queue.name)] += 1
        for connection in self.broker.connections:
            for channel in connection.channels.values():
                for record in channel.unacked.values():
                    stored, queue = record[0], record[1]
                    if stored.msg.id is not None:
                        places[(stored.msg.id, queue.name)] += 1
        for copy in sorted(set(self.stored) | set(places) | set(self.ended)):
            expected = self.stored[copy] - self.ended[copy]
            if places[copy] != expected:
                msg, where = copy
                self.fail(
                    "conservation",
                    f"{msg} in queue {where}: stored {self.stored[copy]} times, ended "
                    f"{self.ended[copy]} times, but the broker holds it {places[copy]} times",
                )

    def inv_prefetch(self) -> None:
        """Unacked deliveries per consumer (and channel) within the prefetch limits: a
        consumer's limit is the ``basic.qos`` prefetch its channel had when it started."""
        limits: dict[tuple[str, int, str], int] = {}
        for slot in self.slots.values():
            for number, entry in slot.channels.items():
                for tag, limit in entry.limits.items():
                    limits[(slot.node, number, tag)] = limit
        for connection in self.broker.connections:
            for channel in connection.channels.values():
                for consumer in channel.consumers.values():
                    limit = limits.get(
                        (connection.client, channel.number, consumer.tag), consumer.prefetch
                    )
                    if consumer.no_ack or not limit:
                        continue
                    if consumer.unacked > limit:
                        self.fail(
                            "prefetch",
                            f"consumer {consumer.tag} on {consumer.queue.name} holds "
                            f"{consumer.unacked} unacked deliveries, prefetch {limit}",
                        )
                limit = channel.global_prefetch
                key = f"{connection.client}:{channel.number}"
                lowered = self.global_slack.get(key)
                if lowered is not None:
                    if lowered != limit or (limit and channel.consumer_unacked > limit):
                        continue
                    del self.global_slack[key]
                if limit and channel.consumer_unacked > limit:
                    self.fail(
                        "prefetch",
                        f"channel {key} holds {channel.consumer_unacked} unacked consumer "
                        f"deliveries, global prefetch {limit}",
                    )

    def inv_delivery_tags(self) -> None:
        """Strictly increasing delivery tags per channel."""
        self._drain()
        self._raise_pending("delivery-tags")

    def inv_redelivered(self) -> None:
        """Redelivered exactly when delivered before."""
        self._raise_pending("redelivered")

    def inv_fifo(self) -> None:
        """First deliveries in publish order per publishing channel and priority."""
        self._raise_pending("fifo")

    def inv_persistence(self) -> None:
        """Persistent messages in durable queues survive restarts."""
        self._raise_pending("persistence")

    def inv_routing(self) -> None:
        """Routing as the reference router; bindings as the operations made them."""
        self._raise_pending("routing")
        if self.late:
            return
        actual = {
            (b.source, b.destination, b.routing_key)
            for name, exchange in self.broker.exchanges.items()
            if name in EXCHANGES
            for b in exchange.bindings.values()
            if not b.to_exchange
        }
        if actual != self.bindings:
            self.fail(
                "routing",
                f"the broker has bindings {sorted(actual - self.bindings)} the operations did "
                f"not make and lacks {sorted(self.bindings - actual)}",
            )


__all__ = [
    "BROKER",
    "CHANNELS",
    "EXCHANGES",
    "QUEUES",
    "QUEUE_KINDS",
    "SLOTS",
    "AmqpDriver",
    "reference_route",
    "topic_match",
]
