"""The producer client model (librdkafka semantics).

librdkafka: ``produce()`` only enqueues. Records wait for topic metadata, are
partitioned (explicit partition, or the ``partitioner`` on the key; null keys go to a
*sticky* random partition for ``sticky.partitioning.linger.ms``), and collect into one
batch per partition until ``linger.ms`` passes or the batch holds ``batch.num.messages``
records / ``batch.size`` bytes. Batches are sent to the partition leader, up to
``max.in.flight`` requests per broker; ``acks`` decides when the broker answers (0: never,
1: leader wrote it, all: the ISR has it). Retriable errors are retried after
``retry.backoff.ms`` until ``message.timeout.ms``; without idempotence a retry can
duplicate a record whose response was lost, and with several requests in flight it can
reorder them. ``enable.idempotence`` stamps batches with a producer id and sequence
numbers, so the leader drops duplicates (a retry of one of its last 5 batches is answered
with the original offset) and refuses gaps. Delivery reports are queued and served by
``poll()``/``flush()``; ``len(producer)`` counts records not yet reported. Topic metadata is
refreshed every ``topic.metadata.refresh.interval.ms`` (new partitions are used from then
on); a permanent metadata error (``TOPIC_EXCEPTION`` for an invalid name) fails the queued
records at once and makes later ``produce()`` calls raise it.

A ``transactional.id`` makes the producer transactional: ``init_transactions`` gets the
producer id and epoch from the transaction coordinator (see :mod:`mqsim.kafka.txn`),
records belong to the transaction begun last, ``commit_transaction`` flushes then commits,
``abort_transaction`` purges what is queued (``_PURGE_QUEUE``) then aborts; calls in the
wrong state fail with ``_STATE`` ("Operation not valid in state ..."), and a producer fenced
by a newer instance fails for good with ``_FENCED``.

mqsim: InitProducerId of a non-transactional idempotent producer is immediate (no
request); a produce request carries one batch.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.kafka import partitioner as partitioners
from mqsim.kafka.client import ClientBase
from mqsim.kafka.cluster import ProduceResult
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import Headers, RecordBatch

if TYPE_CHECKING:
    import simpy

    from mqsim.kafka.cluster import Broker, KafkaCluster
    from mqsim.kafka.config import ClientConfig

RETRIABLE = frozenset(
    {
        "NOT_LEADER_FOR_PARTITION",
        "LEADER_NOT_AVAILABLE",
        "NOT_ENOUGH_REPLICAS",
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        "REQUEST_TIMED_OUT",
        "_TIMED_OUT",
        "_TRANSPORT",
        "UNKNOWN_TOPIC_OR_PART",
        "OUT_OF_ORDER_SEQUENCE_NUMBER",
    }
)
OFFSET_INVALID = -1001
_crc32 = zlib.crc32
#: Metadata errors librdkafka treats as permanent: the topic goes to an error state, queued
#: records fail with the error at once and later produce() calls raise it.
PERMANENT_TOPIC_ERRORS = frozenset({"TOPIC_EXCEPTION", "TOPIC_AUTHORIZATION_FAILED"})

#: A delivery-report handler: (callback, error, batch, index, offset, topic, partition).
ReportHandler = Callable[[Any, KafkaModelError | None, RecordBatch, int, int, str, int], None]


class ProducerBatch:
    """A batch being built or sent: parallel lists of records plus per-record callbacks.

    The model :class:`RecordBatch` (tuples) is made from the lists once, when the batch is
    first sent or reported; no record is added after that.
    """

    __slots__ = (
        "_records",
        "attempts",
        "callbacks",
        "created",
        "headers",
        "ids",
        "keys",
        "maybe_stored",
        "partition",
        "runs",
        "sealed",
        "size",
        "stamp_at",
        "topic",
        "transactional",
        "values",
    )

    def __init__(self, topic: str, partition: int, now: float) -> None:
        self.topic = topic
        self.partition = partition
        self.keys: list[bytes | None] = []
        self.values: list[bytes | None] = []
        # timestamps as runs: (index of the first record, timestamp ms); a new run starts
        # when the timestamp changes (produce() calls between two steps share the clock)
        self.runs: list[tuple[int, int]] = []
        self.stamp_at = -1.0  # the clock of the last run made from the default timestamp
        self.headers: list[Headers | None] | None = None
        self.ids: list[str] | None = None
        self.size = 0
        # per-record delivery callbacks; None while every record has none (the common case)
        self.callbacks: list[Any] | None = None
        self.created = now
        self.attempts = 0
        self.sealed = False
        self.maybe_stored = False
        self.transactional = False
        self._records: RecordBatch | None = None

    def __len__(self) -> int:
        return len(self.values)

    @property
    def records(self) -> RecordBatch:
        """The records as the model batch that travels to the broker."""
        found = self._records
        if found is None:
            headers = self.headers
            ids = self.ids
            found = self._records = RecordBatch(
                tuple(self.keys),
                tuple(self.values),
                self.stamps(),
                headers=None if headers is None else tuple(headers),
                ids=None if ids is None else tuple(ids),
                size=self.size,
                transactional=self.transactional,
            )
        return found

    def mark(self, now: float) -> None:
        """The records from the next one on are stamped ``now`` (create time, ms)."""
        self.runs.append((len(self.values), int(now * 1000)))
        self.stamp_at = now

    def stamps(self) -> tuple[int, ...]:
        """Every record's timestamp."""
        runs = self.runs
        out: list[int] = []
        for k, (start, stamp) in enumerate(runs):
            end = runs[k + 1][0] if k + 1 < len(runs) else len(self.values)
            out += [stamp] * (end - start)
        return tuple(out)

    def __repr__(self) -> str:
        return f"<ProducerBatch {self.topic}/{self.partition} records={len(self.values)}>"


@dataclass(frozen=True, slots=True)
class ProducerStatistics:
    """What a producer did: records produced, delivered, failed, retried, queued."""

    name: str
    produced: int
    delivered: int
    failed: int
    retries: int
    requests: int
    outstanding: int


#: A record waiting for its topic's metadata: (key, value, partition, headers, timestamp,
#: callback, message id, size, time produced).
Pending = tuple[bytes | None, bytes | None, int, Headers | None, int, Any, str | None, int, float]


class ProducerClient(ClientBase):
    """A librdkafka producer in the world (see the module doc)."""

    role = "producer"

    def __init__(
        self, cluster: KafkaCluster, config: ClientConfig, *, name: str | None = None
    ) -> None:
        super().__init__(cluster, config, name=name)
        self.acks: int = config["acks"]
        self.linger = config["linger.ms"] / 1000
        self.batch_records: int = config["batch.num.messages"]
        self.batch_bytes: int = config["batch.size"]
        self.max_message: int = config["message.max.bytes"]
        self.max_queued: int = config["queue.buffering.max.messages"]
        self.max_in_flight: int = config["max.in.flight"]
        self.retries: int = config["retries"]
        self.message_timeout = config["message.timeout.ms"] / 1000
        self.partitioner: str = config["partitioner"]
        self.sticky_linger = config["sticky.partitioning.linger.ms"] / 1000
        self.idempotent: bool = bool(config["enable.idempotence"]) or bool(
            config.get("transactional.id")
        )
        self.producer_id = -1
        self.producer_epoch = -1
        self.transactional_id: str | None = config.get("transactional.id") or None
        self.txn_timeout_ms: int = config["transaction.timeout.ms"]
        self.txn_state = "Init"
        self.txn_error: KafkaModelError | None = None
        if self.idempotent and self.transactional_id is None:
            self.producer_id = cluster.allocate_producer_id()
            self.producer_epoch = 0
            if config.is_set("max.in.flight") is False:
                self.max_in_flight = 5
        self._sequences: dict[tuple[str, int], int] = {}
        self._acc: dict[tuple[str, int], ProducerBatch] = {}
        # the open batches again, per topic and partition index, for produce()'s fast path
        self._open: dict[str, list[ProducerBatch | None]] = {}
        self._last_topic: str | None = None  # the topic of the last fast produce() ...
        self._last_open: list[ProducerBatch | None] = []  # ... and its open batches
        self._last_count = 0  # ... and their number (the topic's partition count)
        self._queues: dict[tuple[str, int], deque[ProducerBatch]] = {}
        self._inflight: dict[int, int] = {}
        self._pending: dict[str, list[Pending]] = {}
        # the topic whose records wait for metadata, and their list, for the fast path
        self._pending_topic: str | None = None
        self._pending_list: list[Pending] = []
        self._topic_errors: dict[str, KafkaModelError] = {}
        self._awaiting_leader: set[tuple[str, int]] = set()
        # batches sent and not answered yet, in the order they were sent
        self._in_flight: dict[ProducerBatch, None] = {}
        self.fast_refresh = config["topic.metadata.refresh.fast.interval.ms"] / 1000
        self._sticky: dict[str, tuple[int, float]] = {}
        self._reports: deque[tuple[ProducerBatch, KafkaModelError | None, int, int, int]] = deque()
        self._report_event: simpy.Event | None = None
        self.outstanding = 0
        self.flushing = False
        self._served = 0
        # delivery-report events served (librdkafka: one event per batch's report)
        self.served_events = 0
        self._delivered = 0
        self._failed = 0
        self._retried = 0
        self._requests = 0
        self.default_callback: Any = None
        # librdkafka: allow.auto.create.topics defaults to true for producers, false for consumers
        self._trace = self.world.trace
        self._env = self.world.env
        self._counts: dict[str, int] = {}
        self._crc_keys = self.partitioner in ("consistent_random", "consistent")
        self.metadata_interval = config["topic.metadata.refresh.interval.ms"] / 1000
        self._metadata_timer_on = False
        self.allow_auto_create: bool = (
            config["allow.auto.create.topics"]
            if config.is_set("allow.auto.create.topics")
            else True
        )

    def statistics(self) -> ProducerStatistics:
        """Records produced, delivered, failed; retries; requests; records outstanding."""
        return ProducerStatistics(
            self.name,
            self._served + self.outstanding,
            self._delivered,
            self._failed,
            self._retried,
            self._requests,
            self.outstanding,
        )

    def __len__(self) -> int:
        return self.outstanding

    # -- produce ----------

    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        partition: int = -1,
        headers: Headers | None = None,
        timestamp: int = 0,
        callback: Any = None,
    ) -> None:
        """Enqueue one record (raises ``MSG_SIZE_TOO_LARGE``, ``_QUEUE_FULL``)."""
        # Fast path: no headers, no tracing, a keyed record (or an explicit partition) for
        # a partition whose batch is open: a few list appends.
        if headers is None and not self._trace.full:
            if topic is self._last_topic:
                opened: list[ProducerBatch | None] | None = self._last_open
            else:
                opened = self._open.get(topic)
                if opened is not None:
                    self._last_topic, self._last_open = topic, opened
                    self._last_count = len(opened)
            if opened is not None:
                if partition < 0:
                    batch = opened[_crc32(key) % len(opened)] if key and self._crc_keys else None
                else:
                    batch = opened[partition] if partition < len(opened) else None
                if batch is not None:
                    size = (0 if value is None else len(value)) + len(key or b"")
                    if size <= self.max_message and self.outstanding < self.max_queued:
                        if timestamp <= 0:
                            now = self._env._now  # simpy's clock, without the property call
                            if now != batch.stamp_at:
                                batch.mark(now)
                        else:
                            batch.runs.append((len(batch.values), timestamp))
                            batch.stamp_at = -1.0
                        self.outstanding += 1
                        values = batch.values
                        batch.keys.append(key)
                        values.append(value)
                        if batch.headers is not None:
                            batch.headers.append(None)
                        if batch.callbacks is not None:
                            batch.callbacks.append(callback)
                        elif callback is not None:
                            batch.callbacks = [None] * (len(values) - 1)
                            batch.callbacks.append(callback)
                        batch.size += size + 70
                        if len(values) >= self.batch_records or batch.size >= self.batch_bytes:
                            self._seal(batch)
                        return
        size = (len(value) if value is not None else 0) + (len(key) if key is not None else 0)
        if headers:
            size += sum(len(k) + (len(v) if v is not None else 0) for k, v in headers)
        if size > self.max_message:
            raise KafkaModelError(
                "MSG_SIZE_TOO_LARGE", "Unable to produce message: Broker: Message size too large"
            )
        if self.outstanding >= self.max_queued:
            raise KafkaModelError("_QUEUE_FULL")
        if self.transactional_id is not None and self.txn_state != "InTransaction":
            if self.txn_state == "FatalError" and self.txn_error is not None:
                raise KafkaModelError(self.txn_error.name, self.txn_error.text)
            raise KafkaModelError("_STATE", "Unable to produce message: Local: Erroneous state")
        broken = self._topic_errors.get(topic)
        if broken is not None:
            raise KafkaModelError(broken.name, f"Unable to produce message: {broken.text}")
        world = self.world
        now = world.now
        if timestamp <= 0:
            timestamp = int(now * 1000)
        mid = None
        trace = world.trace
        if trace.full:
            mid = world.next_id("m")
            trace.emit(
                "msg.publish",
                self.name,
                mid,
                system="kafka",
                dest=topic,
                key=key,
                body=value,
                confirm=self.acks != 0,
            )
        self.outstanding += 1
        metadata = self.metadata
        info = None if metadata is None else metadata.topics.get(topic)
        if info is None or info.error is not None or not info.partitions:
            self._counts.pop(topic, None)
            self._forget_open(topic)
            waiting = self._pending.setdefault(topic, [])
            waiting.append((key, value, partition, headers, timestamp, callback, mid, size, now))
            self._pending_topic, self._pending_list = topic, waiting
            if len(waiting) == 1:
                self._want_metadata(topic)
            return
        self._counts[topic] = len(info.partitions)
        if partition >= len(info.partitions):
            # librdkafka: a partition the known metadata lacks fails produce() at once
            self.outstanding -= 1
            raise KafkaModelError(
                "_UNKNOWN_PARTITION", "Unable to produce message: Local: Unknown partition"
            )
        self._start_metadata_timer()
        self._append(
            topic,
            len(info.partitions),
            key,
            value,
            partition,
            headers,
            timestamp,
            callback,
            mid,
            size,
        )

    def binding_produce(self, fallback: Callable[..., None]) -> Callable[..., None]:
        """``produce()`` with confluent-kafka's arguments, for a facade to expose as is.

        Handles the common shape (bytes or str value and key, default timestamp, no
        headers, no callback or a callable ``on_delivery``, trace not full, a batch open for
        the partition) in one Python frame, encoding ``str`` as UTF-8 as the binding does;
        every other call goes to ``fallback`` unchanged, which validates and converts.
        """
        client = self
        trace = self._trace
        env = self._env
        crc32 = _crc32
        crc_keys = self._crc_keys
        max_message, max_queued = self.max_message, self.max_queued
        batch_records, batch_bytes = self.batch_records, self.batch_bytes

        def produce(
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
            if (
                (topic is client._last_topic or topic is client._pending_topic)
                and headers is None
                and callback is None
                and timestamp == 0
                and not trace.full
            ):
                kind = key.__class__
                if kind is str:
                    key = key.encode()
                    key_size = len(key)
                elif kind is bytes:
                    key_size = len(key)
                else:
                    key_size = 0 if key is None else -1
                kind = value.__class__
                if kind is bytes:
                    value_size = len(value)
                elif kind is str:
                    value = value.encode()
                    value_size = len(value)
                else:
                    value_size = 0 if value is None else -1
                if (
                    key_size >= 0
                    and value_size >= 0
                    and (on_delivery is None or callable(on_delivery))
                ):
                    if topic is not client._last_topic:
                        batch = None
                    elif partition < 0:
                        batch = (
                            client._last_open[crc32(key) % client._last_count]
                            if key_size and crc_keys
                            else None
                        )
                    elif partition.__class__ is int and partition < client._last_count:
                        batch = client._last_open[partition]
                    else:
                        batch = None
                    if batch is None and topic is client._pending_topic:
                        # the topic's metadata is not known yet: the record waits with the
                        # others (librdkafka's unassigned-partition queue)
                        size = key_size + value_size
                        outstanding = client.outstanding
                        if (
                            size <= max_message
                            and outstanding < max_queued
                            and partition.__class__ is int
                        ):
                            now = env._now
                            client._pending_list.append(
                                (
                                    key,
                                    value,
                                    partition,
                                    None,
                                    int(now * 1000),
                                    on_delivery,
                                    None,
                                    size,
                                    now,
                                )
                            )
                            client.outstanding = outstanding + 1
                            return
                    if batch is not None:
                        size = key_size + value_size
                        outstanding = client.outstanding
                        if size <= max_message and outstanding < max_queued:
                            now = env._now  # simpy's clock, without the property call
                            if now != batch.stamp_at:
                                batch.mark(now)
                            client.outstanding = outstanding + 1
                            values = batch.values
                            batch.keys.append(key)
                            values.append(value)
                            if batch.headers is not None:
                                batch.headers.append(None)
                            if batch.callbacks is not None:
                                batch.callbacks.append(on_delivery)
                            elif on_delivery is not None:
                                batch.callbacks = [None] * (len(values) - 1)
                                batch.callbacks.append(on_delivery)
                            size += batch.size + 70
                            batch.size = size
                            if size >= batch_bytes or len(values) >= batch_records:
                                client._seal(batch)
                            return
            fallback(
                topic, value, key, partition, on_delivery, timestamp, headers, callback=callback
            )

        return produce

    def _append(
        self,
        topic: str,
        count: int,
        key: bytes | None,
        value: bytes | None,
        partition: int,
        headers: Headers | None,
        timestamp: int,
        callback: Any,
        mid: str | None,
        size: int,
    ) -> None:
        if partition < 0:
            chosen = partitioners.hash_partition(self.partitioner, key, count)
            partition = chosen if chosen is not None else self._random_partition(topic, count)
        elif partition >= count:
            orphan = ProducerBatch(topic, partition, self.world.now)
            self._add_record(orphan, key, value, headers, timestamp, callback, mid, size)
            self._report(orphan, KafkaModelError("_UNKNOWN_PARTITION"), OFFSET_INVALID)
            return
        tp = (topic, partition)
        batch = self._acc.get(tp)
        if batch is None:
            if self.transactional_id is not None:
                self._add_to_txn(tp)
            batch = self._acc[tp] = ProducerBatch(topic, partition, self.world.now)
            batch.transactional = self.transactional_id is not None
            opened = self._open.get(topic)
            if opened is None or len(opened) != count:
                self._forget_open(topic)
                opened = self._open[topic] = [self._acc.get((topic, p)) for p in range(count)]
            opened[partition] = batch
            if self.linger > 0 and not self.flushing:
                self.world.call_later(self.linger, self._linger_over, batch)
            else:
                self.world.call_later(0.0, self._linger_over, batch)
        self._add_record(batch, key, value, headers, timestamp, callback, mid, size)
        if len(batch.values) >= self.batch_records or batch.size >= self.batch_bytes:
            self._seal(batch)

    @staticmethod
    def _add_record(
        batch: ProducerBatch,
        key: bytes | None,
        value: bytes | None,
        headers: Headers | None,
        timestamp: int,
        callback: Any,
        mid: str | None,
        size: int,
    ) -> None:
        if headers and batch.headers is None:
            batch.headers = [None] * len(batch.values)
        batch.keys.append(key)
        batch.values.append(value)
        runs = batch.runs
        if not runs or runs[-1][1] != timestamp:
            runs.append((len(batch.values) - 1, timestamp))
        batch.stamp_at = -1.0
        if batch.headers is not None:
            batch.headers.append(headers or None)
        if mid is not None:
            if batch.ids is None:
                batch.ids = []
            batch.ids.append(mid)
        if batch.callbacks is not None:
            batch.callbacks.append(callback)
        elif callback is not None:
            batch.callbacks = [None] * (len(batch.values) - 1)
            batch.callbacks.append(callback)
        batch.size += size + 70

    def _forget_open(self, topic: str) -> None:
        self._open.pop(topic, None)
        if self._last_topic == topic:
            self._last_topic = None

    def _random_partition(self, topic: str, count: int) -> int:
        """librdkafka's sticky random partition for null keys."""
        now = self.world.now
        current = self._sticky.get(topic)
        if current is not None and now - current[1] < self.sticky_linger and current[0] < count:
            return current[0]
        chosen = self.world.rng.randrange(count)
        self._sticky[topic] = (chosen, now)
        return chosen

    def _start_metadata_timer(self) -> None:
        if not self._metadata_timer_on and self.metadata_interval > 0:
            self._metadata_timer_on = True
            self.world.call_later(self.metadata_interval, self._metadata_tick)

    def _metadata_tick(self) -> None:
        """librdkafka refreshes the metadata of the topics it uses every
        ``topic.metadata.refresh.interval.ms``: new partitions are used from then on."""
        if not self.alive:
            self._metadata_timer_on = False
            return
        self.world.call_later(self.metadata_interval, self._metadata_tick)
        if self._counts:
            self.refresh_metadata(sorted(self._counts), auto_create=False, then=self._recount)

    def _recount(self) -> None:
        metadata = self.metadata
        if metadata is None:
            return
        for topic in list(self._counts):
            info = metadata.topics.get(topic)
            if info is not None and info.error is None and info.partitions:
                if self._counts[topic] != len(info.partitions):
                    self._forget_open(topic)  # rebuilt at the next new batch
                self._counts[topic] = len(info.partitions)

    def _want_metadata(self, topic: str) -> None:
        self.refresh_metadata(
            [topic], auto_create=self.allow_auto_create, then=self._metadata_arrived
        )

    def _metadata_arrived(self) -> None:
        metadata = self.metadata
        now = self.world.now
        self._pending_topic = None
        for topic in list(self._pending):
            info = None if metadata is None else metadata.topics.get(topic)
            if info is not None and info.error is None and info.partitions:
                waiting = self._pending.pop(topic)
                count = len(info.partitions)
                self._counts[topic] = count
                self._start_metadata_timer()
                self._append_pending(topic, count, waiting)
                continue
            waiting = self._pending[topic]
            if (
                info is not None
                and info.error is not None
                and info.error.name in PERMANENT_TOPIC_ERRORS
            ):
                # a Metadata response carries the code only: librdkafka's text for it
                problem = KafkaModelError(info.error.name)
                self._topic_errors[topic] = problem
                del self._pending[topic]
                self._fail_pending(topic, waiting, problem)
                continue
            expired = [r for r in waiting if now - r[8] >= self.message_timeout]
            if expired:
                self._pending[topic] = [r for r in waiting if now - r[8] < self.message_timeout]
                self._fail_pending(topic, expired, KafkaModelError("_MSG_TIMED_OUT"))
            if not self._pending[topic]:
                del self._pending[topic]
        if self._pending and self.alive:
            self.world.call_later(1.0, self._retry_metadata)

    def _append_pending(self, topic: str, count: int, waiting: list[Pending]) -> None:
        """Batch the records that waited for the metadata (plain keyed ones inline)."""
        acc = self._acc
        crc_keys = self._crc_keys
        for key, value, partition, headers, timestamp, callback, mid, size, _t in waiting:
            if partition < 0 and key and crc_keys and headers is None and mid is None:
                batch = acc.get((topic, _crc32(key) % count))
                if (
                    batch is not None
                    and batch.headers is None
                    and batch.callbacks is None
                    and callback is None
                ):
                    values = batch.values
                    batch.keys.append(key)
                    values.append(value)
                    runs = batch.runs
                    if runs[-1][1] != timestamp:
                        runs.append((len(values) - 1, timestamp))
                    batch.stamp_at = -1.0
                    batch.size += size + 70
                    if len(values) >= self.batch_records or batch.size >= self.batch_bytes:
                        self._seal(batch)
                    continue
            self._append(
                topic, count, key, value, partition, headers, timestamp, callback, mid, size
            )

    def _fail_pending(self, topic: str, records: list[Pending], problem: KafkaModelError) -> None:
        for key, value, _partition, headers, timestamp, callback, mid, size, t in records:
            batch = ProducerBatch(topic, -1, t)
            self._add_record(batch, key, value, headers, timestamp, callback, mid, size)
            self._fail(batch, problem)

    def _retry_metadata(self) -> None:
        if self._pending and self.alive:
            self.refresh_metadata(
                sorted(self._pending),
                auto_create=self.allow_auto_create,
                then=self._metadata_arrived,
            )

    # -- batches ----------

    def _linger_over(self, batch: ProducerBatch) -> None:
        if not batch.sealed and self.alive:
            self._seal(batch)

    def _seal(self, batch: ProducerBatch) -> None:
        tp = (batch.topic, batch.partition)
        if self._acc.get(tp) is batch:
            del self._acc[tp]
            opened = self._open.get(batch.topic)
            if opened is not None and batch.partition < len(opened):
                opened[batch.partition] = None
        batch.sealed = True
        queue = self._queues.get(tp)
        if queue is None:
            queue = self._queues[tp] = deque()
        queue.append(batch)
        self._drain(tp)

    def seal_all(self) -> None:
        """Send every lingering batch now (``flush()`` ignores ``linger.ms``)."""
        for batch in list(self._acc.values()):
            self._seal(batch)

    def _leader(self, topic: str, partition: int) -> int:
        metadata = self.metadata
        info = None if metadata is None else metadata.topics.get(topic)
        if info is None:
            return -1
        part = info.partitions.get(partition)
        return -1 if part is None else part.leader

    def _drain(self, tp: tuple[str, int]) -> None:
        queue = self._queues.get(tp)
        while queue:
            if tp in self._awaiting_leader:
                return
            leader = self._leader(*tp)
            if leader < 0 or leader not in self.cluster.brokers:
                # librdkafka: refresh the metadata, and look again after
                # topic.metadata.refresh.fast.interval.ms (not at once, in a loop)
                self._awaiting_leader.add(tp)
                self.refresh_metadata(
                    [tp[0]],
                    auto_create=False,
                    then=lambda: self._leader_known(tp),
                )
                return
            if self._inflight.get(leader, 0) >= self.max_in_flight:
                return
            batch = queue.popleft()
            self._send_batch(batch, leader)

    def _leader_known(self, tp: tuple[str, int]) -> None:
        """The metadata answered: drain now if it names a leader, else look again later."""
        if self._leader(*tp) >= 0:
            self._leader_check(tp)
        else:
            self.world.call_later(self.fast_refresh, self._leader_check, tp)

    def _leader_check(self, tp: tuple[str, int]) -> None:
        self._awaiting_leader.discard(tp)
        if self.alive:
            self._drain(tp)

    def _send_batch(self, batch: ProducerBatch, leader: int) -> None:
        world = self.world
        if world.now - batch.created >= self.message_timeout:
            self._fail(batch, KafkaModelError("_MSG_TIMED_OUT"))
            return
        records = batch.records
        tp = (batch.topic, batch.partition)
        if self.idempotent and records.base_sequence < 0:
            records.producer_id = self.producer_id
            records.producer_epoch = self.producer_epoch
            records.base_sequence = self._sequences.get(tp, 0)
            self._sequences[tp] = records.base_sequence + len(records.values)
        batch.attempts += 1
        self._requests += 1
        broker = self.cluster.brokers[leader]
        self._inflight[leader] = self._inflight.get(leader, 0) + 1
        self._in_flight[batch] = None
        if self.acks == 0:
            batch.maybe_stored = True
            self.cluster.request(
                self.name,
                broker,
                self.cluster.handle_produce,
                (broker, batch.topic, batch.partition, records, 0),
                lambda _r: None,
                lambda _e: None,
                self.request_timeout,
            )
            self._inflight[leader] -= 1
            self._in_flight.pop(batch, None)
            self._report(batch, None, OFFSET_INVALID)
            return
        if world.net.reachable(self.name, broker.name):
            batch.maybe_stored = True
        timeout = min(
            self.request_timeout, max(0.0, batch.created + self.message_timeout - world.now)
        )
        self.send(
            broker,
            self.cluster.handle_produce,
            (broker, batch.topic, batch.partition, records, self.acks),
            lambda result: self._produced_reply(batch, leader, result),
            lambda problem: self._produced_reply(batch, leader, ProduceResult(-1, problem)),
            timeout=timeout,
        )

    def _produced_reply(self, batch: ProducerBatch, leader: int, result: ProduceResult) -> None:
        self._inflight[leader] = max(0, self._inflight.get(leader, 0) - 1)
        tp = (batch.topic, batch.partition)
        if batch not in self._in_flight:
            # purged while in flight: reported already, the response is ignored
            self._drain(tp)
            return
        self._in_flight.pop(batch, None)
        problem = result.error
        if (
            problem is not None
            and self.transactional_id is not None
            and problem.name in ("PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH")
        ):
            problem = self._fatal(problem)
        if problem is None or problem.name == "DUPLICATE_SEQUENCE_NUMBER":
            self._report(batch, None, result.base_offset if problem is None else OFFSET_INVALID)
        elif problem.name in RETRIABLE and batch.attempts <= self.retries:
            expired = self.world.now - batch.created >= self.message_timeout
            if expired:
                self._fail(batch, KafkaModelError("_MSG_TIMED_OUT"))
            else:
                self._retried += 1
                if problem.name in (
                    "NOT_LEADER_FOR_PARTITION",
                    "LEADER_NOT_AVAILABLE",
                    "_TRANSPORT",
                    "UNKNOWN_TOPIC_OR_PART",
                ):
                    self.refresh_metadata([batch.topic], auto_create=False)
                self.world.call_later(self.retry_backoff, self._requeue, batch)
        else:
            self._fail(batch, problem)
        self._drain(tp)
        for other in list(self._queues):
            if other != tp and self._queues[other]:
                self._drain(other)

    def _requeue(self, batch: ProducerBatch) -> None:
        if not self.alive:
            return
        tp = (batch.topic, batch.partition)
        queue = self._queues.setdefault(tp, deque())
        if self.idempotent:
            items = sorted(
                [batch, *queue],
                key=lambda b: b.records.base_sequence if b.records.base_sequence >= 0 else 1 << 62,
            )
            queue.clear()
            queue.extend(items)
        else:
            queue.appendleft(batch)
        self._drain(tp)

    def _fail(self, batch: ProducerBatch, problem: KafkaModelError) -> None:
        if batch.transactional and self.txn_error is None and self.txn_state != "BeginAbort":
            self.txn_error = KafkaModelError(
                problem.name,
                f"Failed to commit transaction: a record could not be delivered: {problem.text}",
                txn_requires_abort=True,
            )
        trace = self.world.trace
        if trace.full and batch.records.ids is not None and not batch.maybe_stored:
            where = f"{batch.topic}/{batch.partition}"
            for mid in batch.records.ids:
                trace.emit("msg.drop", self.name, mid, where=where, reason="not-delivered")
        self._report(batch, problem, OFFSET_INVALID)

    # -- transactions ----------

    def _txn_state_error(self) -> KafkaModelError:
        if self.txn_state == "FatalError" and self.txn_error is not None:
            return self.txn_error
        return KafkaModelError("_STATE", f"Operation not valid in state {self.txn_state}")

    def require_txn_state(self, *states: str) -> None:
        """librdkafka: a transactional call in the wrong state fails with ``_STATE``."""
        if self.transactional_id is None:
            raise KafkaModelError(
                "_NOT_CONFIGURED",
                "The Transactional API requires transactional.id to be configured",
            )
        if self.txn_state not in states:
            raise self._txn_state_error()

    def _fatal(self, problem: KafkaModelError) -> KafkaModelError:
        """A fenced producer is unusable: every later call fails with ``_FENCED``."""
        if self.txn_state != "FatalError":
            self.txn_state = "FatalError"
            self.txn_error = KafkaModelError(
                "_FENCED", f"Producer fenced by newer instance: {problem.text}", fatal=True
            )
        assert self.txn_error is not None
        return self.txn_error

    def _txn_coordinator(self) -> Broker | None:
        assert self.transactional_id is not None
        return self.cluster.groups.coordinator_for(self.transactional_id)

    def _txn_request(
        self,
        handler: Callable[..., None],
        args: tuple[Any, ...],
        done: Callable[[Any], None],
    ) -> None:
        coordinator = self._txn_coordinator()
        if coordinator is None:
            self.world.call_later(
                0.0, done, KafkaModelError("_WAIT_COORD", "Local: Waiting for coordinator")
            )
            return
        self.send(coordinator, handler, args, done, done)

    def init_transactions(self, done: Callable[[KafkaModelError | None], None]) -> None:
        """InitProducerId for ``transactional.id``: a producer id and a new epoch."""
        self.require_txn_state("Init")
        self.txn_state = "WaitPID"

        def reply(result: Any) -> None:
            if isinstance(result, KafkaModelError):
                self.txn_state = "Init"
                done(KafkaModelError(result.name, result.text, retriable=True))
                return
            self.producer_id, self.producer_epoch = result
            self._sequences.clear()
            self.txn_state = "Ready"
            done(None)

        assert self.transactional_id is not None
        self._txn_request(
            self.cluster.txns.handle_init_producer_id,
            (self.transactional_id, self.txn_timeout_ms),
            reply,
        )

    def begin_transaction(self) -> None:
        """Start a transaction (local: the coordinator learns of it with the first write)."""
        self.require_txn_state("Ready")
        self.txn_state = "InTransaction"
        self.txn_error = None

    def _add_to_txn(self, tp: tuple[str, int]) -> None:
        assert self.transactional_id is not None
        try:
            self.cluster.txns.add_partition(
                self.transactional_id, self.producer_id, self.producer_epoch, tp
            )
        except KafkaModelError as problem:
            raise self._fatal(problem) from None

    def send_offsets(
        self,
        group_id: str,
        member_id: str,
        generation: int,
        offsets: dict[tuple[str, int], int],
        done: Callable[[KafkaModelError | None], None],
    ) -> None:
        """AddOffsetsToTxn + TxnOffsetCommit: commit ``offsets`` with the transaction."""
        self.require_txn_state("InTransaction")

        def reply(result: Any) -> None:
            if result is None:
                done(None)
                return
            problem: KafkaModelError = result
            if problem.name in ("PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"):
                done(self._fatal(problem))
                return
            self.txn_state = "AbortableError"
            self.txn_error = KafkaModelError(problem.name, problem.text, txn_requires_abort=True)
            done(self.txn_error)

        assert self.transactional_id is not None
        self._txn_request(
            self.cluster.txns.handle_add_offsets,
            (
                self.transactional_id,
                self.producer_id,
                self.producer_epoch,
                group_id,
                member_id,
                generation,
                dict(offsets),
            ),
            reply,
        )

    def begin_commit(self) -> None:
        """commit_transaction(), first step: no more produce(); the facade flushes next."""
        self.require_txn_state("InTransaction", "BeginCommit")
        self.txn_state = "BeginCommit"

    def begin_abort(self) -> None:
        """abort_transaction(), first step: fail what was not sent yet with ``_PURGE_QUEUE``
        (librdkafka purges its queues); the facade waits for what is in flight."""
        self.require_txn_state("InTransaction", "AbortableError", "BeginAbort")
        self.txn_state = "BeginAbort"
        purged = KafkaModelError("_PURGE_QUEUE")
        for batch in list(self._acc.values()):
            self._acc.pop((batch.topic, batch.partition), None)
            batch.sealed = True
            self._fail(batch, purged)
        for topic in list(self._open):
            self._forget_open(topic)
        for queue in self._queues.values():
            # a batch sent before (waiting to be retried) holds sequence numbers: it is in
            # flight as far as the broker knows, so it completes rather than being purged
            sent = [b for b in queue if b.attempts > 0]
            for batch in queue:
                if batch.attempts == 0:
                    self._fail(batch, purged)
            queue.clear()
            queue.extend(sent)
        self._pending_topic = None
        for topic, waiting in list(self._pending.items()):
            del self._pending[topic]
            self._fail_pending(topic, waiting, purged)

    def end_transaction(self, commit: bool, done: Callable[[KafkaModelError | None], None]) -> None:
        """EndTxn after the flush: the coordinator writes the markers."""
        if commit:
            self.require_txn_state("BeginCommit")
            if self.txn_error is not None:
                # librdkafka: a record of the transaction failed: the commit cannot succeed
                self.txn_state = "AbortableError"
                self.world.call_later(0.0, done, self.txn_error)
                return
        else:
            self.require_txn_state("BeginAbort")

        def reply(result: Any) -> None:
            if result is None:
                self.txn_state = "Ready"
                self.txn_error = None
                done(None)
                return
            problem: KafkaModelError = result
            if problem.name in ("PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"):
                done(self._fatal(problem))
                return
            done(KafkaModelError(problem.name, problem.text, retriable=True))

        assert self.transactional_id is not None
        self._txn_request(
            self.cluster.txns.handle_end_txn,
            (self.transactional_id, self.producer_id, self.producer_epoch, commit),
            reply,
        )

    # -- purge ----------

    def purge(self, in_queue: bool = True, in_flight: bool = True) -> None:
        """librdkafka's rd_kafka_purge: fail queued records with ``_PURGE_QUEUE`` and those
        in flight with ``_PURGE_INFLIGHT`` (their responses are then ignored); the
        delivery reports are served by the next poll()/flush()."""
        if in_flight:
            purged = KafkaModelError("_PURGE_INFLIGHT")
            sent, self._in_flight = self._in_flight, {}
            for batch in sent:
                self._fail(batch, purged)
        if in_queue:
            purged = KafkaModelError("_PURGE_QUEUE")
            for batch in list(self._acc.values()):
                self._acc.pop((batch.topic, batch.partition), None)
                batch.sealed = True
                self._fail(batch, purged)
            for topic in list(self._open):
                self._forget_open(topic)
            for queue in self._queues.values():
                while queue:
                    self._fail(queue.popleft(), purged)
            self._pending_topic = None
            for topic, waiting in list(self._pending.items()):
                del self._pending[topic]
                self._fail_pending(topic, waiting, purged)

    # -- delivery reports ----------

    def _report(self, batch: ProducerBatch, problem: KafkaModelError | None, base: int) -> None:
        count = len(batch.records.values)
        if problem is None:
            self._delivered += count
        else:
            self._failed += count
        trace = self.world.trace
        if trace.full and batch.records.ids is not None:
            where = f"{batch.topic}/{batch.partition}"
            text = None if problem is None else problem.name
            for mid in batch.records.ids:
                trace.emit(
                    "msg.confirm", self.name, mid, ok=problem is None, error=text, where=where
                )
        self._reports.append((batch, problem, base, 0, count))
        event = self._report_event
        if event is not None and not event.triggered:
            event.succeed()

    def serve_reports(self, handler: ReportHandler, limit: int = -1) -> int:
        """Call ``handler`` for each queued delivery report (up to ``limit`` records)."""
        served = 0
        reports = self._reports
        default = self.default_callback
        while reports and (limit < 0 or served < limit):
            batch, problem, base, start, count = reports[0]
            end = count if limit < 0 else min(count, start + limit - served)
            callbacks = batch.callbacks
            records = batch.records
            topic, partition = batch.topic, batch.partition
            if callbacks is not None or default is not None:
                for i in range(start, end):
                    callback = (callbacks[i] if callbacks is not None else None) or default
                    if callback is not None:
                        handler(
                            callback,
                            problem,
                            records,
                            i,
                            base + i if base >= 0 else base,
                            topic,
                            partition,
                        )
            served += end - start
            self.outstanding -= end - start
            self._served += end - start
            if end >= count:
                reports.popleft()
                self.served_events += 1
            else:
                reports[0] = (batch, problem, base, end, count)
        return served

    def report_events(self) -> int:
        """Delivery-report events queued and not yet served: librdkafka queues one event per
        batch (the reports of one produce response for a partition, or of one purged
        partition queue); rd_kafka_outq_len() counts them on top of the messages."""
        return len(self._reports)

    def reports_event(self) -> simpy.Event:
        """An event that fires when a delivery report is queued."""
        event = self._report_event
        if event is None or event.triggered:
            event = self._report_event = self.world.event()
            if self._reports:
                event.succeed()
        return event

    def has_reports(self) -> bool:
        """True if delivery reports wait to be served."""
        return bool(self._reports)

    # -- faults ----------

    def on_killed(self) -> None:
        """Records still in the client's memory are lost with the process."""
        trace = self.world.trace
        if not trace.full:
            return
        lost: list[tuple[str, str]] = []
        for batch in self._acc.values():
            lost.extend((f"{batch.topic}/{batch.partition}", m) for m in batch.ids or [])
        for queue in self._queues.values():
            for batch in queue:
                if not batch.maybe_stored:
                    lost.extend(
                        (f"{batch.topic}/{batch.partition}", m) for m in batch.records.ids or []
                    )
        for topic, waiting in self._pending.items():
            lost.extend((f"{topic}/-1", r[6]) for r in waiting if r[6] is not None)
        for where, mid in lost:
            trace.emit("msg.drop", self.name, mid, where=where, reason="client-crash")

    def close(self) -> None:
        """Forget the client (the facade flushes first if the application asked)."""
        self.finish()


__all__ = ["OFFSET_INVALID", "ProducerBatch", "ProducerClient", "ProducerStatistics"]
