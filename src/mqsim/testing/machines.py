"""Hypothesis stateful machines for the Kafka and RabbitMQ models.

Each rule runs one driver operation (:mod:`mqsim.testing.kafka_driver`,
:mod:`mqsim.testing.amqp_driver`); each invariant is one driver check, run after every
step. A failure raises :class:`~mqsim.testing.driver.InvariantViolation`: hypothesis
shrinks it, and the message of the shrunk example holds the world's seed and the
operation list as JSON, which ``mqsim replay FILE.json`` runs again. Setting
``MQSIM_FAILURE_DIR`` also writes that JSON to a file there.

Run them with hypothesis' usual tools, for example in a test::

    from hypothesis.stateful import run_state_machine_as_test
    from mqsim.testing.machines import KafkaMachine

    def test_kafka_model() -> None:
        run_state_machine_as_test(KafkaMachine)
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from mqsim.testing.amqp_driver import EXCHANGES, QUEUE_KINDS, QUEUES, SLOTS, AmqpDriver
from mqsim.testing.kafka_driver import GROUPS, KafkaDriver

SEEDS = st.integers(min_value=0, max_value=2**16)
TRACES = st.sampled_from(["full", "counters"])
#: Time steps: from inside one network round trip to past a session timeout.
STEPS = st.sampled_from([0.001, 0.003, 0.01, 0.05, 0.3, 1.0, 3.0, 7.0, 15.0])
PRODUCERS = ["p1", "p2", "p3"]
CONSUMERS = ["c1", "c2", "c3", "c4", "c5", "c6"]
#: Mostly the topic that exists from the start; t1/t2 exist once created.
TOPICS = st.sampled_from(["t0", "t0", "t1", "t2"])
BROKERS = ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]
NODES = [*BROKERS, *PRODUCERS, *CONSUMERS]


class KafkaMachine(RuleBasedStateMachine):
    """A three-broker Kafka cluster under producers, consumer groups and faults.

    Clients are named ``p1``.. and ``c1``.. in creation order; a rule naming a client
    that does not exist (yet) does nothing.
    """

    def __init__(self) -> None:
        super().__init__()
        self.driver = KafkaDriver()

    def _do(self, name: str, /, **args: Any) -> Any:
        return self.driver.apply(name, **args)

    @initialize(
        seed=SEEDS,
        trace=TRACES,
        partitions=st.integers(1, 4),
        acks=st.sampled_from([-1, 1, 0]),
        idempotent=st.booleans(),
        groups=st.lists(st.tuples(st.sampled_from(sorted(GROUPS)), st.booleans()), max_size=3),
    )
    def start(
        self,
        seed: int,
        trace: str,
        partitions: int,
        acks: int,
        idempotent: bool,
        groups: list[tuple[str, bool]],
    ) -> None:
        """A fresh cluster with topic ``t0`` (RF 3), a producer and a few group members."""
        self.driver = KafkaDriver(seed, trace=trace)
        self._do("create_topic", name="t0", partitions=partitions, rf=3)
        self.add_producer(acks, idempotent)
        for group, commits in groups:
            self.add_consumer(group, commits)

    @rule(name=st.sampled_from(["t1", "t2"]), partitions=st.integers(1, 3), rf=st.integers(1, 3))
    def create_topic(self, name: str, partitions: int, rf: int) -> None:
        """CreateTopics."""
        self._do("create_topic", name=name, partitions=partitions, rf=rf)

    @precondition(lambda self: len(self.driver.producers) < len(PRODUCERS))
    @rule(acks=st.sampled_from([-1, 1, 0]), idempotent=st.booleans())
    def add_producer(self, acks: int, idempotent: bool) -> None:
        """A producer (idempotent ones use acks=all)."""
        self._do("add_producer", acks=-1 if idempotent else acks, idempotent=idempotent)

    @rule(
        producer=st.sampled_from(PRODUCERS),
        topic=TOPICS,
        key=st.sampled_from([None, "a", "b", "c", "d"]),
        count=st.integers(1, 5),
        flush=st.booleans(),
    )
    def produce(self, producer: str, topic: str, key: str | None, count: int, flush: bool) -> None:
        """Produce records (and maybe send them at once, as flush() does)."""
        self._do("produce", producer=producer, topic=topic, key=key, count=count)
        if flush:
            self._do("flush", producer=producer)

    @precondition(lambda self: len(self.driver.consumers) < len(CONSUMERS))
    @rule(group=st.sampled_from(sorted(GROUPS)), commits=st.booleans())
    def add_consumer(self, group: str, commits: bool) -> None:
        """A group member (join) polling whenever time passes (committing, maybe)."""
        self._do("add_consumer", group=group, commits=commits)

    @rule(consumer=st.sampled_from(CONSUMERS), stalled=st.booleans())
    def stall(self, consumer: str, stalled: bool) -> None:
        """Stop or resume a consumer's poll loop."""
        self._do("stall", consumer=consumer, stalled=stalled)

    @rule(
        consumer=st.sampled_from(CONSUMERS),
        max_records=st.integers(1, 20),
        batch=st.booleans(),
        timeout=st.sampled_from([0.0, 0.1, 1.0]),
    )
    def consume(self, consumer: str, max_records: int, batch: bool, timeout: float) -> None:
        """Poll (waiting up to ``timeout`` for something to arrive)."""
        self._do(
            "consume", consumer=consumer, max_records=max_records, batch=batch, timeout=timeout
        )

    @rule(consumer=st.sampled_from(CONSUMERS), commit=st.booleans())
    def consume_all(self, consumer: str, commit: bool) -> None:
        """Poll everything there is (and maybe commit)."""
        self._do("consume", consumer=consumer, max_records=1000, batch=True)
        if commit:
            self._do("commit", consumer=consumer)

    @rule(consumer=st.sampled_from(CONSUMERS))
    def commit(self, consumer: str) -> None:
        """Commit stored offsets."""
        self._do("commit", consumer=consumer)

    @rule(
        consumer=st.sampled_from(CONSUMERS),
        index=st.integers(0, 3),
        to=st.sampled_from(["beginning", "end", "middle", "committed"]),
    )
    def seek(self, consumer: str, index: int, to: str) -> None:
        """Seek an assigned partition."""
        self._do("seek", consumer=consumer, index=index, to=to)

    @rule(consumer=st.sampled_from(CONSUMERS), crash=st.booleans())
    def stop_consumer(self, consumer: str, crash: bool) -> None:
        """Leave the group, or kill the consumer's process."""
        if crash:
            self._do("crash_client", client=consumer)
        else:
            self._do("close_consumer", consumer=consumer)

    @rule(producer=st.sampled_from(PRODUCERS))
    def crash_producer(self, producer: str) -> None:
        """Kill a producer's process."""
        self._do("crash_client", client=producer)

    @rule(broker=st.integers(1, 3), restart=st.booleans())
    def broker_fault(self, broker: int, restart: bool) -> None:
        """Crash a broker, or restart a crashed one."""
        self._do("restart_broker" if restart else "crash_broker", broker=broker)

    @rule(a=st.sampled_from(NODES), b=st.integers(1, 3), heal=st.booleans())
    def network(self, a: str, b: int, heal: bool) -> None:
        """Cut a broker or client from a broker, or heal every link."""
        if heal:
            self._do("heal")
        else:
            self._do("cut", a=a, b=f"kafka-{b}:9092")

    @rule(seconds=STEPS)
    def advance(self, seconds: float) -> None:
        """Let time pass."""
        self._do("advance", seconds=seconds)

    @rule(seconds=STEPS)
    def advance_more(self, seconds: float) -> None:
        """Let time pass (a second rule, so time passes often)."""
        self._do("advance", seconds=seconds)

    def _check(self, name: str) -> None:
        self.driver.check([name])

    @invariant()
    def offsets_dense(self) -> None:
        """Offsets per partition are dense and increasing."""
        self._check("offsets-dense")

    @invariant()
    def consumer_order(self) -> None:
        """Consumers see each partition in offset order."""
        self._check("consumer-order")

    @invariant()
    def one_owner(self) -> None:
        """No partition has two owners in a group's generation."""
        self._check("one-owner")

    @invariant()
    def stable_coverage(self) -> None:
        """A settled group owns every subscribed partition exactly once."""
        self._check("stable-coverage")

    @invariant()
    def committed_within_hw(self) -> None:
        """Committed offsets never pass the high watermark."""
        self._check("committed-within-hw")

    @invariant()
    def acked_not_lost(self) -> None:
        """acks=all, min.insync.replicas=2, clean elections: no acknowledged record is lost."""
        self._check("acked-not-lost")

    @invariant()
    def idempotent_no_duplicates(self) -> None:
        """Idempotent producers never duplicate."""
        self._check("idempotent-no-duplicates")

    @invariant()
    def key_partition(self) -> None:
        """The same key always maps to the same partition."""
        self._check("key-partition")


AMQP_SLOTS = st.sampled_from(SLOTS)
AMQP_CHANNELS = st.sampled_from([1, 2])
AMQP_QUEUES = st.sampled_from(QUEUES)
AMQP_EXCHANGES = st.sampled_from(sorted(EXCHANGES))
#: Routing keys of publishes and binding keys (topic patterns among them).
ROUTING_KEYS = st.sampled_from(["q1", "q2", "q3", "a", "a.b", "a.b.c", "b.c", ""])
BINDING_KEYS = st.sampled_from(["q1", "q2", "a", "a.b", "a.*", "a.#", "#", "*.c", ""])
AMQP_STEPS = st.sampled_from([0.001, 0.005, 0.05, 0.3, 1.0, 5.0, 15.0])


class AmqpMachine(RuleBasedStateMachine):
    """A RabbitMQ broker and two clients (``a``, ``b``; channels 1 and 2) under
    topology changes, publishes, consumers, acknowledgements and faults."""

    def __init__(self) -> None:
        super().__init__()
        self.driver = AmqpDriver()

    def _do(self, name: str, /, **args: Any) -> Any:
        return self.driver.apply(name, **args)

    @initialize(
        seed=SEEDS,
        queues=st.lists(
            st.tuples(AMQP_QUEUES, st.sampled_from(sorted(QUEUE_KINDS)), st.booleans()),
            min_size=1,
            max_size=3,
            unique_by=lambda q: q[0],
        ),
        bindings=st.lists(st.tuples(AMQP_QUEUES, AMQP_EXCHANGES, BINDING_KEYS), max_size=4),
        consumers=st.lists(
            st.tuples(AMQP_SLOTS, AMQP_CHANNELS, AMQP_QUEUES, st.booleans()), max_size=2
        ),
    )
    def start(
        self,
        seed: int,
        queues: list[tuple[str, str, bool]],
        bindings: list[tuple[str, str, str]],
        consumers: list[tuple[str, int, str, bool]],
    ) -> None:
        """A fresh broker with some queues, the three exchanges, bindings and consumers."""
        self.driver = AmqpDriver(seed)
        for name, kind, durable in queues:
            self._do("declare_queue", slot="a", channel=1, name=name, durable=durable, kind=kind)
        for exchange in sorted(EXCHANGES):
            self._do("declare_exchange", slot="a", channel=1, name=exchange, durable=True)
        for queue, exchange, key in bindings:
            self._do("bind", slot="a", channel=1, queue=queue, exchange=exchange, key=key)
        for slot, channel, queue, no_ack in consumers:
            self._do("consume", slot=slot, channel=channel, queue=queue, no_ack=no_ack)

    @rule(
        action=st.sampled_from(
            [
                "bind",
                "bind",
                "unbind",
                "declare_queue",
                "declare_queue",
                "declare_exchange",
                "delete_queue",
                "delete_exchange",
            ]
        ),
        slot=AMQP_SLOTS,
        channel=AMQP_CHANNELS,
        queue=AMQP_QUEUES,
        exchange=AMQP_EXCHANGES,
        key=BINDING_KEYS,
        kind=st.sampled_from(sorted(QUEUE_KINDS)),
        durable=st.booleans(),
    )
    def topology(
        self,
        action: str,
        slot: str,
        channel: int,
        queue: str,
        exchange: str,
        key: str,
        kind: str,
        durable: bool,
    ) -> None:
        """Declare, bind, unbind or delete."""
        where = {"slot": slot, "channel": channel}
        if action in ("bind", "unbind"):
            self._do(action, **where, queue=queue, exchange=exchange, key=key)
        elif action == "declare_queue":
            self._do(action, **where, name=queue, durable=durable, kind=kind)
        elif action == "declare_exchange":
            self._do(action, **where, name=exchange, durable=durable)
        elif action == "delete_queue":
            self._do(action, **where, name=queue)
        else:
            self._do(action, **where, name=exchange)

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS)
    def confirm_select(self, slot: str, channel: int) -> None:
        """confirm.select."""
        self._do("confirm_select", slot=slot, channel=channel)

    def _publish(self, slot: str, channel: int, exchange: str, key: str, flags: Any) -> None:
        persistent, mandatory, priority, expiration = flags
        self._do(
            "publish",
            slot=slot,
            channel=channel,
            exchange=exchange,
            key=key,
            persistent=persistent,
            mandatory=mandatory,
            priority=priority,
            expiration=expiration,
        )

    PUBLISH_FLAGS = st.tuples(
        st.booleans(),
        st.booleans(),
        st.sampled_from([None, 1, 2]),
        st.sampled_from([None, None, "50"]),
    )

    @rule(
        slot=AMQP_SLOTS,
        channel=AMQP_CHANNELS,
        exchange=st.sampled_from(["", "x.direct", "x.topic", "x.fanout"]),
        key=ROUTING_KEYS,
        flags=PUBLISH_FLAGS,
    )
    def publish(self, slot: str, channel: int, exchange: str, key: str, flags: Any) -> None:
        """basic.publish (persistent, mandatory, priority, expiration)."""
        self._publish(slot, channel, exchange, key, flags)

    @rule(
        slot=AMQP_SLOTS,
        channel=AMQP_CHANNELS,
        key=AMQP_QUEUES,
        count=st.integers(1, 4),
        flags=PUBLISH_FLAGS,
    )
    def publish_to_queue(self, slot: str, channel: int, key: str, count: int, flags: Any) -> None:
        """A few publishes through the default exchange."""
        for _ in range(count):
            self._publish(slot, channel, "", key, flags)

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS, queue=AMQP_QUEUES, no_ack=st.booleans())
    def consume(self, slot: str, channel: int, queue: str, no_ack: bool) -> None:
        """basic.consume."""
        self._do("consume", slot=slot, channel=channel, queue=queue, no_ack=no_ack)

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS, index=st.integers(0, 2))
    def cancel(self, slot: str, channel: int, index: int) -> None:
        """basic.cancel."""
        self._do("cancel", slot=slot, channel=channel, index=index)

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS, queue=AMQP_QUEUES, no_ack=st.booleans())
    def get(self, slot: str, channel: int, queue: str, no_ack: bool) -> None:
        """basic.get."""
        self._do("get", slot=slot, channel=channel, queue=queue, no_ack=no_ack)

    SETTLE = st.tuples(
        st.sampled_from(["ack", "ack", "nack", "reject"]),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    )

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS, how=SETTLE)
    def settle(self, slot: str, channel: int, how: Any) -> None:
        """basic.ack / basic.nack / basic.reject (oldest or newest, multiple, requeue)."""
        kind, newest, several, requeue = how
        self._do(
            "settle",
            slot=slot,
            channel=channel,
            how=kind,
            newest=newest,
            multiple=several,
            requeue=requeue,
        )

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS, how=SETTLE)
    def settle_more(self, slot: str, channel: int, how: Any) -> None:
        """Settle again (a second rule, so acknowledgements are frequent)."""
        self.settle(slot, channel, how)

    @rule(
        slot=AMQP_SLOTS,
        channel=AMQP_CHANNELS,
        prefetch=st.sampled_from([0, 1, 2, 3]),
        global_qos=st.booleans(),
    )
    def qos(self, slot: str, channel: int, prefetch: int, global_qos: bool) -> None:
        """basic.qos."""
        self._do("qos", slot=slot, channel=channel, prefetch=prefetch, global_qos=global_qos)

    @rule(slot=AMQP_SLOTS, channel=AMQP_CHANNELS)
    def reopen_channel(self, slot: str, channel: int) -> None:
        """channel.close, then channel.open."""
        self._do("reopen_channel", slot=slot, channel=channel)

    @rule(slot=AMQP_SLOTS, crash=st.booleans())
    def client(self, slot: str, crash: bool) -> None:
        """Kill a client process, or reconnect a slot without a connection."""
        self._do("crash_client" if crash else "connect", slot=slot)

    @rule(down_for=st.sampled_from([0.0, 1.0, 5.0]))
    def restart_broker(self, down_for: float) -> None:
        """Broker crash and restart."""
        self._do("restart_broker", down_for=down_for)

    @rule(slot=AMQP_SLOTS, heal=st.booleans())
    def network(self, slot: str, heal: bool) -> None:
        """Cut a client from the broker, or heal every link."""
        if heal:
            self._do("heal")
        else:
            self._do("cut", slot=slot)

    @rule(seconds=AMQP_STEPS)
    def advance(self, seconds: float) -> None:
        """Let time pass (TTLs run out)."""
        self._do("advance", seconds=seconds)

    @rule(seconds=AMQP_STEPS)
    def advance_more(self, seconds: float) -> None:
        """Let time pass (a second rule, so time passes often)."""
        self._do("advance", seconds=seconds)

    def _check(self, name: str) -> None:
        self.driver.check([name])

    @invariant()
    def delivery_tags(self) -> None:
        """Delivery tags strictly increase per channel."""
        self._check("delivery-tags")

    @invariant()
    def redelivered(self) -> None:
        """Redelivered is true exactly when the message was delivered before."""
        self._check("redelivered")

    @invariant()
    def fifo(self) -> None:
        """First deliveries keep publish order (per channel and priority)."""
        self._check("fifo")

    @invariant()
    def routing(self) -> None:
        """Routing equals a reference router on the current binding graph."""
        self._check("routing")

    @invariant()
    def persistence(self) -> None:
        """Persistent messages in durable queues survive restarts."""
        self._check("persistence")

    @invariant()
    def prefetch(self) -> None:
        """Unacked per consumer never exceeds the prefetch count."""
        self._check("prefetch")

    @invariant()
    def conservation(self) -> None:
        """Each message copy is in exactly one place or has a recorded end."""
        self._check("conservation")


__all__ = ["AmqpMachine", "KafkaMachine"]
