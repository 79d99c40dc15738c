"""The RabbitMQ tutorial patterns run unchanged through mqsim.pika in simulated time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mqsim import Interrupted, World, pika
from mqsim.amqp import Broker
from mqsim.clients.default import using

BROKER = "localhost:5672"


@pytest.fixture
def sim() -> Iterator[World]:
    world = World(seed=1, until="10m")
    Broker(world, BROKER)
    with using(world):
        yield world


def connect(name: str | None = None) -> pika.BlockingConnection:
    props = {"connection_name": name} if name else None
    return pika.BlockingConnection(pika.ConnectionParameters("localhost", client_properties=props))


def test_hello_world_send_and_receive(sim: World) -> None:
    """send.py then receive.py: the consumer gets the message; start_consuming ends at the
    horizon with KeyboardInterrupt, as Ctrl+C would."""
    sender = connect()
    channel = sender.channel()
    channel.queue_declare(queue="hello")
    channel.basic_publish(exchange="", routing_key="hello", body="Hello World!")
    sender.close()
    receiver = connect()
    channel = receiver.channel()
    channel.queue_declare(queue="hello")
    got: list[bytes] = []
    channel.basic_consume("hello", lambda ch, m, p, body: got.append(body), auto_ack=True)
    with pytest.raises(KeyboardInterrupt):
        channel.start_consuming()
    assert got == [b"Hello World!"]
    assert sim.now == pytest.approx(600.0)


def test_work_queue_fair_dispatch_with_manual_ack(sim: World) -> None:
    """Two workers with prefetch 1 share tasks; a slow worker gets fewer."""
    producer = connect("producer").channel()
    producer.queue_declare("task_queue", durable=True)
    for i in range(6):
        producer.basic_publish(
            "",
            "task_queue",
            f"task{i}",
            pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent),
        )
    conn = connect("workers")
    done: dict[str, list[bytes]] = {"fast": [], "slow": []}
    for name, cost in (("fast", 1.0), ("slow", 5.0)):
        ch = conn.channel()
        ch.basic_qos(prefetch_count=1)

        def work(ch, method, props, body, name=name, cost=cost) -> None:
            conn.sleep(cost)
            done[name].append(body)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        ch.basic_consume("task_queue", work)
    conn.process_data_events(time_limit=30)
    while sum(len(v) for v in done.values()) < 6:
        conn.process_data_events(time_limit=1)
    assert sorted(done["fast"] + done["slow"]) == sorted(f"task{i}".encode() for i in range(6))
    assert sim.list_queues(BROKER)["task_queue"]["messages_ready"] == 0


def test_pubsub_with_server_named_exclusive_queues(sim: World) -> None:
    """fanout 'logs' with two amq.gen- exclusive queues: each gets every message."""
    conn = connect()
    ch = conn.channel()
    ch.exchange_declare("logs", exchange_type=pika.exchange_type.ExchangeType.fanout)
    names = []
    for _ in range(2):
        result = ch.queue_declare(queue="", exclusive=True)
        assert result.method.queue.startswith("amq.gen-")
        assert len(result.method.queue) == len("amq.gen-") + 22
        ch.queue_bind(exchange="logs", queue=result.method.queue)
        names.append(result.method.queue)
    ch.basic_publish("logs", "", b"info: hi")
    for name in names:
        _method, _props, body = ch.basic_get(name, auto_ack=True)
        assert body == b"info: hi"
    conn.close()
    assert all(name not in sim.list_queues(BROKER) for name in names)


def test_topic_routing(sim: World) -> None:
    """topic exchange: '*.critical' and 'kern.#' bindings."""
    ch = connect().channel()
    ch.exchange_declare("topic_logs", "topic")
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(q, "topic_logs", "*.critical")
    ch.queue_bind(q, "topic_logs", "kern.#")
    for key in ("kern.critical", "app.critical", "kern.info.x", "app.info"):
        ch.basic_publish("topic_logs", key, key)
    bodies = []
    while True:
        method, _p, body = ch.basic_get(q, auto_ack=True)
        if method is None:
            break
        bodies.append(body)
    assert bodies == [b"kern.critical", b"app.critical", b"kern.info.x"]


def test_rpc_with_correlation_id_and_direct_reply_to(sim: World) -> None:
    """An RPC client using amq.rabbitmq.reply-to gets the server's answer."""
    server = connect("rpc-server")
    sch = server.channel()
    sch.queue_declare("rpc_queue")

    def on_request(ch, method, props, body) -> None:
        n = int(body)
        ch.basic_publish(
            "",
            props.reply_to,
            str(n * n),
            pika.BasicProperties(correlation_id=props.correlation_id),
        )
        ch.basic_ack(method.delivery_tag)

    sch.basic_consume("rpc_queue", on_request)
    client = connect("rpc-client")
    cch = client.channel()
    answers: list[tuple[str, bytes]] = []
    cch.basic_consume(
        "amq.rabbitmq.reply-to",
        lambda ch, m, p, body: answers.append((p.correlation_id, body)),
        auto_ack=True,
    )
    cch.basic_publish(
        "",
        "rpc_queue",
        "7",
        pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id="c1"),
    )
    server.process_data_events(time_limit=1)
    client.process_data_events(time_limit=1)
    assert answers == [("c1", b"49")]


def test_consume_generator_inactivity_timeout(sim: World) -> None:
    """consume(inactivity_timeout) yields (None, None, None) after the timeout."""
    ch = connect().channel()
    ch.queue_declare("q")
    ch.basic_publish("", "q", "one")
    gen = ch.consume("q", inactivity_timeout=2.0)
    method, _p, body = next(gen)
    assert body == b"one"
    ch.basic_ack(method.delivery_tag)
    start = sim.now
    assert next(gen) == (None, None, None)
    assert sim.now - start == pytest.approx(2.0)
    assert ch.cancel() == 0


def test_channel_error_maps_to_pika_exception(sim: World) -> None:
    """A passive declare of a missing queue raises ChannelClosedByBroker(404, text)."""
    ch = connect().channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as info:
        ch.queue_declare("missing", passive=True)
    assert info.value.reply_code == 404
    assert info.value.reply_text == "NOT_FOUND - no queue 'missing' in vhost '/'"
    assert ch.is_closed


def test_unknown_host_is_amqp_connection_error(sim: World) -> None:
    """No node at that address: AMQPConnectionError, as a refused TCP connect."""
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        pika.BlockingConnection(pika.ConnectionParameters("nohost", 5672))
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        pika.BlockingConnection(pika.ConnectionParameters("localhost", 5673))


def test_blocking_confirms_raise_unroutable(sim: World) -> None:
    """confirm_delivery + mandatory to nowhere raises UnroutableError."""
    ch = connect().channel()
    ch.confirm_delivery()
    with pytest.raises(pika.exceptions.UnroutableError):
        ch.basic_publish("", "nowhere", "x", mandatory=True)
    ch.queue_declare("q")
    ch.basic_publish("", "q", "x", mandatory=True)


def test_call_later_runs_inside_sleep(sim: World) -> None:
    """call_later callbacks run from sleep/process_data_events at the right time."""
    conn = connect()
    fired: list[float] = []
    conn.call_later(3.0, lambda: fired.append(sim.now))
    conn.sleep(5.0)
    assert fired == [pytest.approx(3.0)]


def test_interrupted_is_keyboard_interrupt() -> None:
    """The horizon surfaces as KeyboardInterrupt."""
    assert issubclass(Interrupted, KeyboardInterrupt)
