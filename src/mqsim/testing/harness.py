"""Run an application's message handler against a simulated broker, under faults.

:func:`run_consumer` publishes a workload to a simulated RabbitMQ queue or Kafka topic
and feeds it to ``handler`` the way a typical consumer loop would: one message at a
time, acknowledging (RabbitMQ ``basic.ack``) or committing (Kafka, offset + 1) after the
handler returns, retrying a message whose handler raised (``basic.nack`` with requeue /
seek back). A fault plan crashes and restarts the broker or the consumer process, cuts
the network, slows nodes; a crashed consumer is restarted by its "supervisor" when the
plan restarts it. The :class:`Outcome` says what was processed, how often and what was
lost, so a property test can check that the handler is idempotent under redelivery.

Node names a fault plan may use: the broker (``localhost:5672`` or ``localhost:9092``)
and the consumers (``consumer-1``, ``consumer-2``...); :func:`consumer_nodes` lists them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mqsim.sim import Duration, FaultPlan, InvalidArgument, World, parse_duration

SYSTEMS = ("rabbitmq", "kafka")
AMQP_BROKER = "localhost:5672"
KAFKA_BROKER = "localhost:9092"
QUEUE = "work"
TOPIC = "work"
GROUP = "app"


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a workload: Kafka record key / AMQP routing key, body, headers."""

    body: bytes
    key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        parts = [f"body={self.body!r}"]
        if self.key is not None:
            parts.append(f"key={self.key!r}")
        if self.headers:
            parts.append(f"headers={dict(self.headers)!r}")
        return f"Message({', '.join(parts)})"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the handler receives: the message as the broker delivered it.

    ``redelivered`` is RabbitMQ's flag (Kafka has none: always False); ``consumer`` the
    consumer node; ``index`` the message's position in the workload.
    """

    body: bytes
    key: str | None
    headers: Mapping[str, str]
    redelivered: bool
    consumer: str
    index: int
    time: float


@dataclass(frozen=True, slots=True)
class Call:
    """One call of the handler: which message, when, by which consumer, and whether it
    returned (``ok``) or raised (``error``)."""

    index: int
    time: float
    consumer: str
    redelivered: bool
    ok: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to a workload: every handler call, and per message how often it
    was processed.

    ``processed`` counts successful handler calls per workload index; ``lost`` are the
    messages never processed successfully, ``duplicates`` those processed more than
    once. ``world`` is the simulated world (its trace, for :func:`mqsim.check.check` or
    the viewers).
    """

    system: str
    seed: int
    messages: tuple[Message, ...]
    calls: tuple[Call, ...]
    faults: FaultPlan
    time: float
    world: World

    @property
    def processed(self) -> Counter[int]:
        """Successful handler calls per message index."""
        return Counter(c.index for c in self.calls if c.ok)

    def times_processed(self, index: int) -> int:
        """How many times message ``index`` was processed successfully."""
        return self.processed[index]

    @property
    def lost(self) -> tuple[Message, ...]:
        """Messages the handler never processed successfully."""
        done = self.processed
        return tuple(m for i, m in enumerate(self.messages) if not done[i])

    @property
    def duplicates(self) -> tuple[Message, ...]:
        """Messages processed successfully more than once."""
        done = self.processed
        return tuple(m for i, m in enumerate(self.messages) if done[i] > 1)

    @property
    def redelivered(self) -> int:
        """Handler calls for a message that had been handed to a consumer before."""
        seen: set[int] = set()
        count = 0
        for call in self.calls:
            if call.index in seen:
                count += 1
            seen.add(call.index)
        return count

    def summary(self) -> str:
        """One line: messages, calls, lost, duplicated, faults, simulated time."""
        return (
            f"{self.system} seed {self.seed}: {len(self.messages)} messages, "
            f"{len(self.calls)} handler calls, {len(self.lost)} lost, "
            f"{len(self.duplicates)} processed more than once, {len(self.faults)} faults, "
            f"{self.time:g}s simulated"
        )

    def __repr__(self) -> str:
        return f"<Outcome {self.summary()}>"


def consumer_nodes(system: str = "rabbitmq", consumers: int = 1) -> list[str]:
    """Node names of a :func:`run_consumer` world: the broker, then the consumers."""
    broker = _broker_node(system)
    return [broker, *(f"consumer-{i}" for i in range(1, consumers + 1))]


def _broker_node(system: str) -> str:
    if system not in SYSTEMS:
        raise InvalidArgument(f"system: expected 'rabbitmq' or 'kafka', got {system!r}")
    return AMQP_BROKER if system == "rabbitmq" else KAFKA_BROKER


Handler = Callable[[Delivery], object]


def run_consumer(
    handler: Handler,
    messages: Iterable[Message | bytes | str],
    faults: FaultPlan | None = None,
    *,
    system: str = "rabbitmq",
    seed: int = 0,
    consumers: int = 1,
    prefetch: int = 10,
    processing_time: Duration = "100ms",
    publish_every: Duration = 0.0,
    partitions: int = 3,
    until: Duration = "10m",
) -> Outcome:
    """Publish ``messages`` and let ``consumers`` consumer processes handle them.

    ``handler(delivery)`` is called once per delivery; the message is acknowledged
    (committed) ``processing_time`` after it returns, or retried if it raised, so a crash
    in between redelivers it. ``faults`` is a plan on the nodes of :func:`consumer_nodes`.
    RabbitMQ: a durable queue ``work``, persistent messages published with confirms,
    ``basic.qos(prefetch)``. Kafka: a topic ``work`` of ``partitions`` partitions, one
    consumer group, ``acks=all``, manual commits. The run ends when every message was
    processed and the fault plan is over, or at simulated time ``until``.
    """
    if system not in SYSTEMS:
        raise InvalidArgument(f"system: expected 'rabbitmq' or 'kafka', got {system!r}")
    if consumers < 1:
        raise InvalidArgument(f"consumers: expected at least 1, got {consumers}")
    if prefetch < 1:
        raise InvalidArgument(f"prefetch: expected at least 1, got {prefetch}")
    if not callable(handler):
        raise InvalidArgument("handler: expected a function taking a Delivery")
    workload = tuple(_as_message(m, i) for i, m in enumerate(messages))
    plan = faults if faults is not None else FaultPlan()
    horizon = parse_duration(until, field="until")
    run = _Run(
        handler,
        workload,
        plan,
        system=system,
        seed=seed,
        consumers=consumers,
        prefetch=prefetch,
        processing=parse_duration(processing_time, field="processing_time"),
        every=parse_duration(publish_every, field="publish_every"),
        partitions=partitions,
    )
    run.start()
    run.run(horizon)
    return Outcome(system, seed, workload, tuple(run.calls), plan, run.world.now, run.world)


def _as_message(item: Message | bytes | str, index: int) -> Message:
    if isinstance(item, Message):
        return item
    if isinstance(item, bytes):
        return Message(item)
    if isinstance(item, str):
        return Message(item.encode())
    raise InvalidArgument(f"messages[{index}]: expected a Message, bytes or str")


class _Run:
    """One run: the world, the publisher, the consumer sessions and their supervisor."""

    def __init__(
        self,
        handler: Handler,
        messages: tuple[Message, ...],
        faults: FaultPlan,
        *,
        system: str,
        seed: int,
        consumers: int,
        prefetch: int,
        processing: float,
        every: float,
        partitions: int,
    ) -> None:
        self.handler = handler
        self.messages = messages
        self.faults = faults
        self.system = system
        self.consumers = consumers
        self.prefetch = prefetch
        self.processing = processing
        self.every = every
        self.partitions = partitions
        # a cut link holds frames as TCP does (until a heartbeat or session timeout)
        self.world = World(seed, trace="full", latency=0.001, on_cut="delay")
        self.calls: list[Call] = []
        self.done: Counter[int] = Counter()
        self.ids: dict[str, int] = {}
        self.sessions: dict[str, Any] = {}
        self.cluster: Any = None

    # -- setup ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.system == "rabbitmq":
            self._start_rabbitmq()
        else:
            self._start_kafka()
        for index in range(1, self.consumers + 1):
            name = f"consumer-{index}"
            self._spawn(name)
        self.world.schedule(self.faults)

    def _start_rabbitmq(self) -> None:
        from mqsim.amqp import Broker

        Broker(self.world, AMQP_BROKER)
        publisher = _AmqpPublisher(self)
        publisher.connect()
        for index in range(len(self.messages)):
            self.world.call_later(self.every * index, publisher.publish, index)

    def _start_kafka(self) -> None:
        from mqsim.kafka import KafkaCluster, ProducerClient, parse_client_config

        world = self.world
        # as Kafka's docs advise for tests: no initial rebalance delay
        self.cluster = cluster = KafkaCluster(
            world, brokers=[KAFKA_BROKER], config={"group.initial.rebalance.delay.ms": 0}
        )
        cluster.create_topic(TOPIC, self.partitions, 1)
        config = parse_client_config(
            {"client.id": "publisher", "enable.idempotence": True, "linger.ms": 1},
            role="producer",
        )
        producer = ProducerClient(cluster, config, name="publisher")

        def one(index: int) -> None:
            message = self.messages[index]
            headers: list[tuple[str, bytes | None]] | None = [
                (k, v.encode()) for k, v in message.headers.items()
            ] or None
            key = None if message.key is None else message.key.encode()
            producer.produce(TOPIC, message.body, key, headers=headers)
            last = world.trace[-1] if len(world.trace) else None
            if last is not None and last.kind == "msg.publish" and last.msg is not None:
                self.ids[last.msg] = index

        for index in range(len(self.messages)):
            world.call_later(self.every * index, one, index)

    # -- consumers and their supervisor ------------------------------------------------

    def _spawn(self, name: str) -> None:
        world = self.world
        if world.has_node(name):
            world.remove_node(name)
        session: _Session
        if self.system == "rabbitmq":
            session = _AmqpSession(self, name)
        else:
            session = _KafkaSession(self, name)
        self.sessions[name] = session
        world.on_crash(name, session.kill)
        world.on_restart(name, lambda: self._spawn(name))
        session.start()

    def record(self, call: Call) -> None:
        self.calls.append(call)
        if call.ok:
            self.done[call.index] += 1

    # -- running -------------------------------------------------------------------------

    def finished(self) -> bool:
        last_fault = max(
            (f.until if f.until is not None else f.at for f in self.faults), default=0.0
        )
        if self.world.now < last_fault:
            return False
        return all(self.done[i] for i in range(len(self.messages))) and all(
            s.idle() for s in self.sessions.values()
        )

    def run(self, horizon: float) -> None:
        world = self.world
        step = 0.05
        while world.now < horizon:
            world.run(min(horizon, world.now + step))
            if self.finished():
                return


class _Session(ABC):
    """One consumer process; :class:`_AmqpSession` and :class:`_KafkaSession` say how it
    connects and consumes."""

    def __init__(self, run: _Run, name: str) -> None:
        self.run = run
        self.world = run.world
        self.name = name
        self.alive = True
        self.busy = False

    @abstractmethod
    def start(self) -> None:
        """Connect and start consuming."""

    def kill(self) -> None:
        self.alive = False

    def idle(self) -> bool:
        return not self.busy

    def handle(self, index: int, delivery: Delivery) -> bool:
        """Call the handler; True if it returned."""
        try:
            self.run.handler(delivery)
        except Exception as error:  # the application's failure: retry the message
            self.run.record(
                Call(
                    index,
                    delivery.time,
                    self.name,
                    delivery.redelivered,
                    False,
                    f"{type(error).__name__}: {error}",
                )
            )
            return False
        self.run.record(Call(index, delivery.time, self.name, delivery.redelivered, True))
        return True


class _AmqpPublisher:
    """A publisher that does not lose messages: durable queue, persistent messages,
    publisher confirms, and after a lost connection it reconnects and publishes again
    what was not confirmed (so a message may arrive twice, as with any real client)."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.world = run.world
        self.ready = False
        self.waiting: list[int] = []
        self.unconfirmed: dict[int, int] = {}
        self.declared = False
        self.connection: Any = None
        self.channel: Any = None

    def connect(self) -> None:
        """Connect (again); a watchdog retries every second until confirms are on."""
        from mqsim.amqp.client import ClientConnection, ConnectRefused

        self.attempt = attempt = getattr(self, "attempt", 0) + 1
        self.world.call_later(2.0, self._watchdog, attempt)
        try:
            name = self.world.unique_name("publisher")
            self.connection = ClientConnection(self.world, AMQP_BROKER, name, heartbeat=0)
            opened = self.connection.open()
        except ConnectRefused:
            return
        self.connection.on_frame = self._on_frame
        opened.callbacks.append(self._opened)

    def _watchdog(self, attempt: int) -> None:
        if not self.ready and attempt == self.attempt:
            self._lost()

    def _lost(self) -> None:
        self.ready = False
        self.waiting = sorted(set(self.waiting) | set(self.unconfirmed.values()))
        self.unconfirmed.clear()
        connection = self.connection
        if connection is not None and connection.is_open:
            self.world.crash(connection.name)
        self.connect()

    def _opened(self, event: Any) -> None:
        if event.value is not True or not self.connection.is_open:
            return
        self.channel, ready = self.connection.channel(1)
        ready.callbacks.append(self._declare)

    def _declare(self, _event: Any) -> None:
        channel = self.channel
        channel.call("queue_declare", QUEUE, False, True, False, False, {})
        channel.call("exchange_declare", QUEUE, "topic", False, True)
        channel.call("queue_bind", QUEUE, QUEUE, "#")
        channel.call("confirm_select").callbacks.append(self._confirming)

    def _confirming(self, event: Any) -> None:
        if event.value is not None or not self.connection.is_open:
            return
        self.channel.confirm = True
        self.ready = True
        waiting, self.waiting = self.waiting, []
        for index in waiting:
            self.publish(index)

    def publish(self, index: int) -> None:
        from mqsim.amqp import BasicProperties

        if not self.ready:
            self.waiting.append(index)
            return
        message = self.run.messages[index]
        props = BasicProperties(delivery_mode=2, headers=dict(message.headers) or None)
        msg, seq = self.channel.publish(QUEUE, message.key or "", message.body, props)
        if msg.id is not None:
            self.run.ids[msg.id] = index
        self.unconfirmed[seq] = index

    def _on_frame(self) -> None:
        inbox = self.connection.inbox
        lost = False
        while inbox:
            frame = inbox.popleft()
            if frame[0] == "confirm":
                _kind, _number, tag, multiple, ack = frame
                tags = [t for t in self.unconfirmed if t <= tag] if multiple else [tag]
                for t in tags:
                    index = self.unconfirmed.pop(t, None)
                    if index is not None and not ack:
                        self.waiting.append(index)
            elif frame[0] in ("connection_close", "channel_close"):
                lost = True
        if lost and self.ready:
            self.ready = False
            self.world.call_later(1.0, self._lost)


class _AmqpSession(_Session):
    """A pika-style consumer: qos(prefetch), basic_consume, ack after the handler."""

    def start(self) -> None:
        from mqsim.amqp.client import ClientConnection, ConnectRefused

        self.pending: list[tuple[Any, ...]] = []
        self.consuming = False
        self.connection: Any = None
        # like an application's reconnect loop: no consumer within 2 s, start again
        self.world.call_later(2.0, self._watchdog)
        try:
            self.connection = ClientConnection(self.world, AMQP_BROKER, self.name)
            opened = self.connection.open()
        except ConnectRefused:
            return
        self.connection.on_frame = self._on_frame
        opened.callbacks.append(self._opened)

    def _watchdog(self) -> None:
        if self.consuming or not self.alive or self.run.sessions.get(self.name) is not self:
            return
        self.alive = False
        connection = self.connection
        if connection is not None and connection.is_open and self.world.is_up(self.name):
            connection.close()
        self.run._spawn(self.name)

    def _opened(self, event: Any) -> None:
        connection = self.connection
        if event.value is not True or not self.alive or not connection.is_open:
            return
        self.channel, ready = connection.channel(1)

        def consume(_e: Any) -> None:
            if not self.alive or not self.channel.open:
                return
            self.channel.call("basic_qos", 0, self.run.prefetch, False)
            started = self.channel.call("basic_consume", QUEUE, "", False)
            started.callbacks.append(self._started)

        ready.callbacks.append(consume)

    def _started(self, event: Any) -> None:
        self.consuming = isinstance(event.value, str)

    def _on_frame(self) -> None:
        if not self.alive:
            return
        inbox = self.connection.inbox
        lost = False
        while inbox:
            frame = inbox.popleft()
            if frame[0] == "deliver":
                self.pending.append(frame)
            elif frame[0] in ("connection_close", "channel_close", "cancel"):
                lost = True
        if lost:
            self.alive = False
            self.pending.clear()
            self._keep_node()
            self.world.call_later(1.0, self._reconnect_after_loss)
            return
        self._work()

    def _keep_node(self) -> None:
        """The process outlives its connection: while it reconnects, its node stays in the
        world (so faults on it still apply; a closed connection removes its node)."""
        world = self.world
        if not world.has_node(self.name):
            world.add_node(self.name, self)
            world.on_restart(self.name, lambda: self.run._spawn(self.name))

    def _reconnect_after_loss(self) -> None:
        if self.run.sessions.get(self.name) is self and self.world.is_up(self.name):
            self.run._spawn(self.name)

    def idle(self) -> bool:
        return not self.busy and not self.pending

    def _work(self) -> None:
        if self.busy or not self.pending or not self.alive:
            return
        frame = self.pending.pop(0)
        _kind, _number, _ctag, tag, redelivered, _queue, msg = frame
        index = self.run.ids.get(msg.id, -1)
        headers = msg.properties.headers or {}
        delivery = Delivery(
            msg.body,
            msg.routing_key or None,
            {k: str(v) for k, v in headers.items()},
            redelivered,
            self.name,
            index,
            self.world.now,
        )
        self.busy = True
        ok = self.handle(index, delivery)
        self.connection.consumed(msg, QUEUE, redelivered)
        self.world.call_later(self.run.processing, self._settle, tag, ok)

    def _settle(self, tag: int, ok: bool) -> None:
        self.busy = False
        if not self.alive or not self.channel.open:
            return
        if ok:
            self.channel.ack(tag)
        else:
            self.channel.cast("basic_nack", tag, False, True)
        self._work()


class _KafkaSession(_Session):
    """A confluent-kafka-style consumer: poll, handle, commit offset + 1 (seek back and
    retry when the handler raised)."""

    POLL = 0.01

    def start(self) -> None:
        from mqsim.kafka import ConsumerClient, parse_client_config

        config = parse_client_config(
            {
                "client.id": self.name,
                "group.id": GROUP,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": 6000,
                "heartbeat.interval.ms": 1000,
            },
            role="consumer",
        )
        self.client = ConsumerClient(self.run.cluster, config, name=self.name)
        self.client.subscribe([TOPIC])
        self.world.call_later(self.POLL, self._poll)

    def kill(self) -> None:
        self.alive = False
        self.busy = False

    def _poll(self) -> None:
        if not self.alive:
            return
        if not self.busy:
            self._next()
        self.world.call_later(self.POLL, self._poll)

    def _next(self) -> None:
        client = self.client
        while True:
            item = client.next_item()
            if item is None:
                return
            if item[0] == "rebalance":
                client.finish_rebalance()
                continue
            if item[0] != "record":
                continue
            ps, batch, i = item[1], item[2], item[3]
            mid = None if batch.ids is None else batch.ids[i]
            index = self.run.ids.get(mid or "", -1)
            headers = batch.headers[i] if batch.headers is not None else None
            delivery = Delivery(
                batch.values[i] or b"",
                None if batch.keys[i] is None else batch.keys[i].decode(errors="replace"),
                {k: (v or b"").decode(errors="replace") for k, v in headers or []},
                False,
                self.name,
                index,
                self.world.now,
            )
            self.busy = True
            ok = self.handle(index, delivery)
            offset = batch.base_offset + i
            self.world.call_later(self.run.processing, self._settle, ps.tp, offset, ok)
            return

    def _settle(self, tp: tuple[str, int], offset: int, ok: bool) -> None:
        self.busy = False
        if not self.alive or tp not in self.client.assignment:
            return
        if ok:
            self.client.commit({tp: offset + 1}, lambda _p, _r: None)
        else:
            self.client.seek(tp[0], tp[1], offset)


__all__ = [
    "AMQP_BROKER",
    "KAFKA_BROKER",
    "SYSTEMS",
    "Call",
    "Delivery",
    "Message",
    "Outcome",
    "consumer_nodes",
    "run_consumer",
]
