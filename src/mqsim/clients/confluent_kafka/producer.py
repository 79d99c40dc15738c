"""``Producer`` as confluent-kafka defines it, over :class:`mqsim.kafka.ProducerClient`.

Non-blocking calls (``produce``) do not advance simulated time; ``poll(t)`` and
``flush(t)`` do, serving delivery reports (``on_delivery(err, msg)``) as librdkafka does.
A ``poll(0)`` that finds nothing lets :data:`POLL_TICK` of simulated time pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mqsim.clients.confluent_kafka._common import (
    POLL_TICK,
    find_cluster,
    headers_of,
    merge_conf,
    parse,
    timeout_of,
    to_bytes,
)
from mqsim.clients.confluent_kafka._metadata import ClusterMetadata, cluster_metadata
from mqsim.clients.confluent_kafka.error import (
    KafkaException,
    from_model,
    raise_model,
    txn_error,
)
from mqsim.clients.confluent_kafka.message import (
    TIMESTAMP_CREATE_TIME,
    ConsumerGroupMetadata,
    Message,
    TopicPartition,
)
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import RecordBatch
from mqsim.kafka.producer import ProducerClient


class Producer:
    """A Kafka producer: ``Producer({"bootstrap.servers": "localhost:9092", ...})``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        conf = merge_conf(args, kwargs)
        config = parse(conf, "producer")
        self._world, cluster = find_cluster(config)
        self._client = ProducerClient(cluster, config)
        self._client.default_callback = config.callbacks.get("on_delivery")
        self._produce = self._client.produce
        # the common calls take the model's one-frame path; the rest come back to the
        # method below (an instance attribute wins over the class's method)
        self.produce = self._client.binding_produce(Producer.produce.__get__(self))  # type: ignore[method-assign]

    @property
    def client(self) -> ProducerClient:
        """The model client behind this producer (mqsim extension)."""
        return self._client

    def __repr__(self) -> str:
        return f"<Producer {self._client.name!r} queued={len(self._client)}>"

    def __len__(self) -> int:
        """librdkafka's rd_kafka_outq_len(): messages not yet reported to the application
        plus the delivery-report events waiting for poll()/flush()."""
        client = self._client
        return len(client) + client.report_events()

    def __bool__(self) -> bool:
        return True

    def __enter__(self) -> Producer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def produce(
        self,
        topic: str,
        value: Any = None,
        key: Any = None,
        partition: int = -1,
        on_delivery: Any = None,
        timestamp: int = 0,
        headers: Any = None,
        *,
        callback: Any = None,
    ) -> None:
        """Enqueue a record; ``on_delivery(err, msg)`` runs later from poll()/flush()."""
        if value.__class__ is not bytes and value is not None:
            value = to_bytes(value, "value")
        kind = key.__class__
        if kind is not bytes and key is not None:
            key = key.encode() if kind is str else to_bytes(key, "key")
        if on_delivery is None:
            on_delivery = callback
        if on_delivery is not None and not callable(on_delivery):
            raise TypeError("on_delivery expects a callable")
        if topic.__class__ is not str and not isinstance(topic, str):
            raise TypeError(f"argument 1 must be str, not {type(topic).__name__}")
        if headers is not None:
            headers = headers_of(headers)
        try:
            self._produce(topic, value, key, partition, headers, timestamp, on_delivery)
        except KafkaModelError as problem:
            if problem.name == "_QUEUE_FULL":
                raise BufferError(problem.text) from None
            raise raise_model(problem) from None

    def _deliver(
        self,
        callback: Any,
        problem: KafkaModelError | None,
        batch: RecordBatch,
        index: int,
        offset: int,
        topic: str,
        partition: int,
    ) -> None:
        message = Message(
            topic,
            partition if partition >= 0 else -1,
            offset,
            batch.keys[index],
            batch.values[index],
            None,
            None if problem is None else from_model(problem),
            (TIMESTAMP_CREATE_TIME, batch.timestamps[index]),
        )
        callback(None if problem is None else message.error(), message)

    def poll(self, timeout: float | None = None) -> int:
        """Serve delivery reports, waiting up to ``timeout`` seconds for one; returns the
        number of events served (librdkafka: one delivery-report event per batch)."""
        seconds = timeout_of(timeout)
        client = self._client
        before = client.served_events
        if client.serve_reports(self._deliver):
            return client.served_events - before
        if seconds == 0:
            self._world.block(None, POLL_TICK)
        else:
            self._world.block(client.reports_event(), seconds)
        client.serve_reports(self._deliver)
        return client.served_events - before

    def flush(self, timeout: float | None = None) -> int:
        """Send everything now and wait until all reports are served; returns what is left."""
        seconds = timeout_of(timeout)
        client = self._client
        world = self._world
        deadline = None if seconds is None else world.now + seconds
        client.flushing = True
        try:
            client.seal_all()
            while True:
                client.serve_reports(self._deliver)
                if len(client) == 0:
                    return 0
                remaining = None if deadline is None else deadline - world.now
                if remaining is not None and remaining <= 0:
                    return len(self)
                world.block(client.reports_event(), remaining)
                client.seal_all()
        finally:
            client.flushing = False

    def purge(self, in_queue: bool = True, in_flight: bool = True, blocking: bool = True) -> None:
        """Fail queued (``_PURGE_QUEUE``) and in-flight (``_PURGE_INFLIGHT``) records; their
        delivery reports come from the next poll()/flush()."""
        self._client.purge(in_queue=in_queue, in_flight=in_flight)

    def list_topics(self, topic: str | None = None, timeout: float = -1) -> ClusterMetadata:
        """Cluster metadata (one topic, or all): the broker's answer to this request."""
        client = self._client
        event = self._world.event()
        box: list[Any] = []

        def done(result: Any) -> None:
            box.append(result)
            if not event.triggered:
                event.succeed()

        client.fetch_metadata(
            None if topic is None else [topic],
            auto_create=topic is not None and client.allow_auto_create,
            done=done,
        )
        if not self._world.block(event, timeout_of(timeout)) or not box:
            raise KafkaException(from_model(KafkaModelError("_TIMED_OUT")))
        if isinstance(box[0], KafkaModelError):
            raise KafkaException(from_model(box[0]))
        return cluster_metadata(box[0])

    # -- transactions ----------

    def _wait(
        self, start: Callable[[Callable[[KafkaModelError | None], None]], None], timeout: Any
    ) -> None:
        """Run a transactional request and block until it answers (or ``timeout``)."""
        world = self._world
        event = world.event()
        box: list[KafkaModelError | None] = []

        def done(problem: KafkaModelError | None) -> None:
            box.append(problem)
            if not event.triggered:
                event.succeed()

        try:
            start(done)
        except KafkaModelError as problem:
            raise KafkaException(txn_error(problem)) from None
        if not world.block(event, timeout_of(timeout)) or not box:
            raise KafkaException(
                txn_error(
                    KafkaModelError(
                        "_TIMED_OUT", "Transactional operation timed out", retriable=True
                    )
                )
            )
        if box[0] is not None:
            raise KafkaException(txn_error(box[0]))

    def _txn(self, action: Callable[[], None]) -> None:
        try:
            action()
        except KafkaModelError as problem:
            raise KafkaException(txn_error(problem)) from None

    def init_transactions(self, timeout: float | None = None) -> None:
        """Get the producer id and a new epoch for ``transactional.id`` (fences older
        instances and aborts their open transaction)."""
        self._wait(self._client.init_transactions, timeout)

    def begin_transaction(self) -> None:
        """Start a transaction: records produced from now on belong to it."""
        self._txn(self._client.begin_transaction)

    def send_offsets_to_transaction(
        self, positions: list[TopicPartition], group_metadata: Any, timeout: float | None = None
    ) -> None:
        """Commit the consumer's ``positions`` with the transaction (exactly-once
        consume-transform-produce); ``group_metadata`` is
        ``consumer.consumer_group_metadata()``."""
        if not isinstance(group_metadata, ConsumerGroupMetadata):
            raise TypeError("expected consumer_group_metadata() as group_metadata")
        offsets = {(tp.topic, tp.partition): tp.offset for tp in positions}
        meta = group_metadata
        self._wait(
            lambda done: self._client.send_offsets(
                meta.group_id, meta.member_id, meta.generation, offsets, done
            ),
            timeout,
        )

    def commit_transaction(self, timeout: float | None = None) -> None:
        """Flush the transaction's records, then commit it (markers on every partition)."""
        self._txn(self._client.begin_commit)
        if self.flush(timeout) > 0:
            raise KafkaException(
                txn_error(
                    KafkaModelError(
                        "_TIMED_OUT", "Failed to flush all outstanding messages", retriable=True
                    )
                )
            )
        self._wait(lambda done: self._client.end_transaction(True, done), timeout)

    def abort_transaction(self, timeout: float | None = None) -> None:
        """Drop the queued records (``_PURGE_QUEUE``), wait for those in flight, abort."""
        self._txn(self._client.begin_abort)
        if self.flush(timeout) > 0:
            raise KafkaException(
                txn_error(
                    KafkaModelError(
                        "_TIMED_OUT", "Failed to flush all outstanding messages", retriable=True
                    )
                )
            )
        self._wait(lambda done: self._client.end_transaction(False, done), timeout)

    def close(self, timeout: float | None = None) -> int:
        """Flush and forget the client (returns records left)."""
        left = self.flush(timeout)
        self._client.close()
        return left


__all__ = ["Producer"]
