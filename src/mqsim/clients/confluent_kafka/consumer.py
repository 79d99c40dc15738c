"""``Consumer`` as confluent-kafka defines it, over :class:`mqsim.kafka.ConsumerClient`.

``poll(t)``/``consume(n, t)`` advance simulated time until a record (or error event)
is ready; rebalance callbacks (``on_assign``, ``on_revoke``, ``on_lost``) and
``on_commit`` run inside them, as librdkafka runs them. A ``poll(0)`` that finds nothing
lets :data:`POLL_TICK` of simulated time pass.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any

from mqsim.clients.confluent_kafka._common import (
    POLL_TICK,
    find_cluster,
    merge_conf,
    parse,
    timeout_of,
)
from mqsim.clients.confluent_kafka._metadata import ClusterMetadata, cluster_metadata
from mqsim.clients.confluent_kafka.error import KafkaError, KafkaException, from_model, raise_model
from mqsim.clients.confluent_kafka.message import (
    OFFSET_INVALID,
    TIMESTAMP_CREATE_TIME,
    ConsumerGroupMetadata,
    Message,
    TopicPartition,
    messages,
)
from mqsim.kafka.consumer import ConsumerClient, PartitionState, Rebalance
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import RecordBatch

_STRATEGIES = ("range", "roundrobin", "cooperative-sticky")


class Consumer:
    """A Kafka consumer: ``Consumer({"bootstrap.servers": ..., "group.id": ...})``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        conf = merge_conf(args, kwargs)
        config = parse(conf, "consumer")
        if not config.get("group.id"):
            raise ValueError("Failed to create consumer: group.id must be set")
        strategies = [s.strip() for s in str(config["partition.assignment.strategy"]).split(",")]
        for strategy in strategies:
            if strategy not in _STRATEGIES:
                raise KafkaException(
                    KafkaError(
                        KafkaError._INVALID_ARG,
                        "Failed to create consumer: Unsupported partition.assignment.strategy: "
                        f"{strategy}",
                    )
                )
        if "cooperative-sticky" in strategies and len(strategies) > 1:
            raise KafkaException(
                KafkaError(
                    KafkaError._INVALID_ARG,
                    "Failed to create consumer: All partition.assignment.strategy ("
                    + ",".join(strategies)
                    + ") assignors must have the same protocol type, online migration between "
                    "assignors with different protocol types is not supported",
                )
            )
        self._world, cluster = find_cluster(config)
        self._client = ConsumerClient(cluster, config)
        self._on_commit = config.callbacks.get("on_commit")
        self._on_assign: Callable[..., Any] | None = None
        self._on_revoke: Callable[..., Any] | None = None
        self._on_lost: Callable[..., Any] | None = None
        self._closed = False

    @property
    def client(self) -> ConsumerClient:
        """The model client behind this consumer (mqsim extension)."""
        return self._client

    def __repr__(self) -> str:
        return f"<Consumer {self._client.name!r} group={self._client.group_id!r}>"

    def __enter__(self) -> Consumer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._closed:
            self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("Consumer closed")

    # -- subscription ----------

    def subscribe(
        self,
        topics: list[str],
        on_assign: Callable[..., Any] | None = None,
        on_revoke: Callable[..., Any] | None = None,
        on_lost: Callable[..., Any] | None = None,
    ) -> None:
        """Subscribe to ``topics`` (names, or regexes starting with ``^``)."""
        self._check_open()
        if not isinstance(topics, list):
            raise TypeError("expected list of topic unicode strings")
        for name, cb in (("on_assign", on_assign), ("on_revoke", on_revoke), ("on_lost", on_lost)):
            if cb is not None and not callable(cb):
                raise TypeError(f"{name} expects a callable")
        self._on_assign, self._on_revoke, self._on_lost = on_assign, on_revoke, on_lost
        try:
            self._client.subscribe(topics)
        except KafkaModelError as problem:
            raise raise_model(problem) from None

    def unsubscribe(self) -> None:
        """Remove the subscription."""
        self._check_open()
        self._client.unsubscribe()

    # -- poll ----------

    def poll(self, timeout: float | None = None) -> Message | None:
        """The next record or error event, waiting up to ``timeout`` seconds."""
        self._check_open()
        seconds = timeout_of(timeout)
        world = self._world
        deadline = None if seconds is None else world.now + seconds
        ticked = False
        while True:
            self._serve_commits()
            message = self._next()
            if message is not None:
                return message
            remaining = None if deadline is None else deadline - world.now
            if remaining is not None and remaining <= 0:
                if seconds == 0 and not ticked:
                    ticked = True
                    world.block(self._client.event(), POLL_TICK, idle=True)
                    continue
                return None
            world.block(self._client.event(), remaining, idle=True)

    def _next(self) -> Message | None:
        client = self._client
        while True:
            item = client.next_item()
            if item is None:
                return None
            kind = item[0]
            if kind == "record":
                return _record_message(item[1], item[2], item[3])
            if kind == "error":
                problem: KafkaModelError = item[1]
                tp = item[2]
                return Message(
                    tp[0] if tp else None,
                    tp[1] if tp else None,
                    None,
                    None,
                    problem.text.encode(),
                    error=from_model(problem),
                )
            if kind == "eof":
                ps: PartitionState = item[1]
                return Message(
                    ps.topic,
                    ps.partition,
                    item[2],
                    error=KafkaError(KafkaError._PARTITION_EOF, item[3]),
                )
            if kind == "rebalance":
                self._rebalance(item[1])

    def _rebalance(self, rebalance: Rebalance) -> None:
        partitions = [TopicPartition(t, p, OFFSET_INVALID) for t, p in rebalance.partitions]
        callback = {
            "assign": self._on_assign,
            "revoke": self._on_revoke,
            "lost": self._on_lost if self._on_lost is not None else self._on_revoke,
        }[rebalance.kind]
        try:
            if callback is not None:
                callback(self, partitions)
        finally:
            self._client.finish_rebalance()

    def consume(self, num_messages: int = 1, timeout: float | None = -1) -> list[Message]:
        """Up to ``num_messages`` records/events, waiting up to ``timeout`` seconds."""
        self._check_open()
        if isinstance(num_messages, bool) or not isinstance(num_messages, int):
            raise TypeError("num_messages must be an integer")
        if not 0 <= num_messages <= 1000000:
            raise ValueError("num_messages must be between 0 and 1000000 (1M)")
        seconds = timeout_of(timeout)
        world = self._world
        client = self._client
        deadline = None if seconds is None else world.now + seconds
        out: list[Message] = []
        ticked = False
        while len(out) < num_messages:
            self._serve_commits()
            slices = client.take_records(num_messages - len(out))
            # Many new objects that all survive the call would make the cyclic GC walk
            # them again and again while the list grows: build them with the GC paused.
            paused = bool(slices) and gc.isenabled()
            if paused:
                gc.disable()
            try:
                for ps, batch, i, j in slices:
                    headers = batch.headers
                    out.extend(
                        messages(
                            ps.topic,
                            ps.partition,
                            batch.base_offset + i,
                            batch.keys[i:j],
                            batch.values[i:j],
                            None if headers is None else headers[i:j],
                            batch.timestamps[i:j],
                            batch.epoch,
                        )
                    )
            finally:
                if paused:
                    gc.enable()
            if len(out) >= num_messages:
                break
            message = self._next()
            if message is not None:
                out.append(message)
                continue
            remaining = None if deadline is None else deadline - world.now
            if remaining is not None and remaining <= 0:
                if seconds == 0 and not ticked and not out:
                    ticked = True
                    world.block(client.event(), POLL_TICK, idle=True)
                    continue
                break
            world.block(client.event(), remaining, idle=True)
        return out

    # -- commits ----------

    def _serve_commits(self) -> None:
        results = self._client.commit_results
        while results:
            problem, items = results.popleft()
            if self._on_commit is not None:
                self._on_commit(None if problem is None else from_model(problem), _tps(items))

    def commit(
        self,
        message: Message | None = None,
        offsets: list[TopicPartition] | None = None,
        asynchronous: bool = True,
    ) -> list[TopicPartition] | None:
        """Commit ``message``'s offset + 1, ``offsets``, or the stored offsets."""
        self._check_open()
        if message is not None and offsets is not None:
            raise TypeError("message and offsets are mutually exclusive")
        wanted: dict[tuple[str, int], int] | None = None
        if message is not None:
            if message.error() is not None:
                raise KafkaException(message.error())
            wanted = {
                (str(message.topic()), int(message.partition() or 0)): int(message.offset() or 0)
                + 1
            }
        elif offsets is not None:
            wanted = {(tp.topic, tp.partition): tp.offset for tp in offsets}
        world = self._world
        event = world.event()
        box: list[Any] = []

        def done(problem: KafkaModelError | None, results: list[Any]) -> None:
            box.append((problem, results))
            if not asynchronous:
                if not event.triggered:
                    event.succeed()
            else:
                self._client.commit_results.append((problem, results))

        self._client.commit(wanted, done)
        if asynchronous:
            return None
        world.block(event, None)
        problem, results = box[0]
        if problem is not None:
            # confluent-kafka: "Commit failed: <librdkafka's text for the code>"
            raise KafkaException(KafkaError(problem.code, f"Commit failed: {problem.text}"))
        return _tps(results)

    def store_offsets(
        self, message: Message | None = None, offsets: list[TopicPartition] | None = None
    ) -> None:
        """Store offsets for the next (auto-)commit (``enable.auto.offset.store=false``)."""
        self._check_open()
        if message is not None:
            items = [
                (
                    str(message.topic()),
                    int(message.partition() or 0),
                    int(message.offset() or 0) + 1,
                )
            ]
        elif offsets is not None:
            items = [(tp.topic, tp.partition, tp.offset) for tp in offsets]
        else:
            raise TypeError("expected either message or offsets")
        try:
            self._client.store_offsets(items)
        except KafkaModelError as problem:
            # confluent-kafka: "StoreOffsets failed: <librdkafka's text for the code>"
            raise KafkaException(
                KafkaError(problem.code, f"StoreOffsets failed: {problem.text}")
            ) from None

    def committed(
        self, partitions: list[TopicPartition], timeout: float | None = None
    ) -> list[TopicPartition]:
        """The group's committed offsets for ``partitions`` (OFFSET_INVALID if none)."""
        self._check_open()
        event = self._world.event()
        box: list[Any] = []

        def done(result: Any) -> None:
            box.append(result)
            if not event.triggered:
                event.succeed()

        self._client.committed([(tp.topic, tp.partition) for tp in partitions], done)
        if not self._world.block(event, timeout_of(timeout)):
            raise KafkaException(from_model(KafkaModelError("_TIMED_OUT")))
        result = box[0]
        if isinstance(result, KafkaModelError):
            raise raise_model(result)
        return [
            TopicPartition(
                tp.topic, tp.partition, result.get((tp.topic, tp.partition), OFFSET_INVALID)
            )
            for tp in partitions
        ]

    # -- positions ----------

    def position(self, partitions: list[TopicPartition]) -> list[TopicPartition]:
        """The offset after the last record returned (OFFSET_INVALID if none yet)."""
        self._check_open()
        out = []
        for tp in partitions:
            ps = self._client.assignment.get((tp.topic, tp.partition))
            if ps is None:
                out.append(TopicPartition(tp.topic, tp.partition, OFFSET_INVALID))
            else:
                out.append(
                    TopicPartition(
                        tp.topic, tp.partition, ps.position, leader_epoch=ps.position_epoch
                    )
                )
        return out

    def seek(self, partition: TopicPartition) -> None:
        """Fetch ``partition`` from its ``offset`` next."""
        self._check_open()
        try:
            self._client.seek(partition.topic, partition.partition, partition.offset)
        except KafkaModelError as problem:
            raise raise_model(problem) from None

    def get_watermark_offsets(
        self, partition: TopicPartition, timeout: float | None = None, cached: bool = False
    ) -> tuple[int, int]:
        """(low, high) watermarks: from the last fetch (cached) or asked of the leader."""
        self._check_open()
        if cached:
            ps = self._client.assignment.get((partition.topic, partition.partition))
            if ps is None:
                return (OFFSET_INVALID, OFFSET_INVALID)
            return (ps.lw, ps.hw)
        low = self._list_offset(partition, -2, timeout)
        high = self._list_offset(partition, -1, timeout)
        return (low, high)

    def _list_offset(self, partition: TopicPartition, spec: int, timeout: float | None) -> int:
        event = self._world.event()
        box: list[Any] = []

        def done(result: Any) -> None:
            box.append(result)
            if not event.triggered:
                event.succeed()

        self._client.list_offsets(partition.topic, partition.partition, spec, done)
        if not self._world.block(event, timeout_of(timeout)):
            raise KafkaException(from_model(KafkaModelError("_TIMED_OUT")))
        if isinstance(box[0], KafkaModelError):
            raise raise_model(box[0])
        return int(box[0])

    def offsets_for_times(
        self, partitions: list[TopicPartition], timeout: float | None = None
    ) -> list[TopicPartition]:
        """The first offset at or after each partition's ``offset`` (a timestamp in ms)."""
        self._check_open()
        return [
            TopicPartition(tp.topic, tp.partition, self._list_offset(tp, tp.offset, timeout))
            for tp in partitions
        ]

    # -- assignment ----------

    def assign(self, partitions: list[TopicPartition]) -> None:
        """Set the assignment (offsets: explicit, or OFFSET_* logical ones)."""
        self._check_open()
        self._client.assign([(tp.topic, tp.partition, tp.offset) for tp in partitions])

    def unassign(self) -> None:
        """Drop the assignment."""
        self._check_open()
        self._client.unassign(None)

    def incremental_assign(self, partitions: list[TopicPartition]) -> None:
        """Add partitions to the assignment (cooperative)."""
        self._check_open()
        try:
            self._client.assign(
                [(tp.topic, tp.partition, tp.offset) for tp in partitions], incremental=True
            )
        except KafkaModelError as problem:
            raise raise_model(problem) from None

    def incremental_unassign(self, partitions: list[TopicPartition]) -> None:
        """Remove partitions from the assignment (cooperative)."""
        self._check_open()
        try:
            self._client.unassign([(tp.topic, tp.partition) for tp in partitions])
        except KafkaModelError as problem:
            raise raise_model(problem) from None

    def assignment(self) -> list[TopicPartition]:
        """The current assignment, each partition with the offset it was assigned at
        (OFFSET_STORED for a group's assignment without an on_assign callback)."""
        self._check_open()
        return [
            TopicPartition(t, p, ps.assigned_offset)
            for (t, p), ps in sorted(self._client.assignment.items())
        ]

    def pause(self, partitions: list[TopicPartition]) -> None:
        """Stop fetching these partitions."""
        self._check_open()
        self._client.pause([(tp.topic, tp.partition) for tp in partitions])

    def resume(self, partitions: list[TopicPartition]) -> None:
        """Resume fetching these partitions."""
        self._check_open()
        self._client.resume([(tp.topic, tp.partition) for tp in partitions])

    def memberid(self) -> str | None:
        """The group member id (None before joining)."""
        self._check_open()
        return self._client.member_id or None

    def list_topics(self, topic: str | None = None, timeout: float = -1) -> ClusterMetadata:
        """Cluster metadata (one topic, or all): the broker's answer to this request."""
        self._check_open()
        client = self._client
        event = self._world.event()
        box: list[Any] = []

        def done(result: Any) -> None:
            box.append(result)
            if not event.triggered:
                event.succeed()

        client.fetch_metadata(
            None if topic is None else [topic],
            auto_create=False,
            done=done,
        )
        if not self._world.block(event, timeout_of(timeout)) or not box:
            raise KafkaException(from_model(KafkaModelError("_TIMED_OUT")))
        if isinstance(box[0], KafkaModelError):
            raise KafkaException(from_model(box[0]))
        return cluster_metadata(box[0])

    def consumer_group_metadata(self) -> ConsumerGroupMetadata:
        """An opaque group-metadata object (for ``send_offsets_to_transaction``)."""
        client = self._client
        return ConsumerGroupMetadata(client.group_id, client.member_id, client.generation)

    # -- close ----------

    def close(self) -> None:
        """Revoke (callback), commit stored offsets if auto-commit is on, leave the group."""
        if self._closed:
            return
        client = self._client
        rebalance = client.closing_revocation()
        if rebalance is not None:
            callback = self._on_revoke
            try:
                if callback is not None:
                    callback(
                        self,
                        [TopicPartition(t, p, OFFSET_INVALID) for t, p in rebalance.partitions],
                    )
            finally:
                pass
        if client.auto_commit and client.stored_offsets():
            event = self._world.event()
            client.commit(None, lambda _p, _r: event.succeed() if not event.triggered else None)
            self._world.block(event, None)
        if rebalance is not None:
            client.finish_rebalance()
        self._serve_commits()
        client.close()
        self._closed = True


def _record_message(ps: PartitionState, batch: RecordBatch, index: int) -> Message:
    return Message(
        ps.topic,
        ps.partition,
        batch.base_offset + index,
        batch.keys[index],
        batch.values[index],
        None if batch.headers is None else batch.headers[index],
        None,
        (TIMESTAMP_CREATE_TIME, batch.timestamps[index]),
        None,
        batch.epoch,
    )


def _tps(items: Sequence[Any]) -> list[TopicPartition]:
    out = []
    for tp, offset, problem in items:
        entry = TopicPartition(tp[0], tp[1], offset)
        entry.error = None if problem is None else from_model(problem)
        out.append(entry)
    return out


__all__ = ["Consumer"]
