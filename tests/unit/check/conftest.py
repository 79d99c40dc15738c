"""A small builder of hand-made traces (the ``tape`` fixture), in the ``docs/trace.md`` vocabulary.

Tests import nothing from here (pytest runs in importlib mode): they take the fixture and
annotate it with ``Tape`` under ``TYPE_CHECKING`` only.
"""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import TraceRecord

RABBIT = "localhost:5672"
KAFKA = "localhost:9092"


class Tape:
    """Appends records one millisecond apart; helpers write the usual lifecycles."""

    def __init__(self) -> None:
        self.records: list[TraceRecord] = []
        self.time = 0.0

    def __call__(self, kind: str, actor: str, msg: str | None = None, **fields: Any) -> Tape:
        self.records.append(TraceRecord(self.time, len(self.records), actor, kind, msg, fields))
        self.time = round(self.time + 0.001, 6)
        return self

    # AMQP
    def publish(
        self,
        msg: str,
        queues: list[str],
        *,
        exchange: str = "",
        confirm: bool = True,
        ok: bool | None = True,
        client: str = "producer",
        key: str = "k",
    ) -> Tape:
        self(
            "msg.publish",
            client,
            msg,
            system="amqp",
            dest=exchange,
            key=key,
            body=b"x",
            confirm=confirm,
        )
        self("msg.route", RABBIT, msg, dest=exchange, queues=queues)
        for queue in queues:
            self("msg.store", RABBIT, msg, where=queue)
        if confirm and ok is not None:
            self("msg.confirm", client, msg, ok=ok, error=None if ok else "nack")
        return self

    def deliver(
        self, msg: str, queue: str, *, consumer: str = "consumer", redelivered: bool = False
    ) -> Tape:
        return self(
            "msg.deliver",
            RABBIT,
            msg,
            where=queue,
            consumer=consumer,
            redelivered=redelivered,
            tag=1,
        )

    def consume(
        self,
        msg: str,
        queue: str,
        *,
        consumer: str = "consumer",
        redelivered: bool = False,
        ack: bool = True,
    ) -> Tape:
        self.deliver(msg, queue, consumer=consumer, redelivered=redelivered)
        self("msg.consume", consumer, msg, where=queue, redelivered=redelivered)
        if ack:
            self("msg.ack", RABBIT, msg, where=queue, consumer=consumer)
        return self

    # Kafka
    def produce(
        self,
        msg: str,
        where: str,
        offset: int | None,
        *,
        key: bytes | None = None,
        confirm: bool = True,
        ok: bool = True,
        client: str = "producer",
    ) -> Tape:
        topic = where.split("/")[0]
        self(
            "msg.publish",
            client,
            msg,
            system="kafka",
            dest=topic,
            key=key,
            body=b"v",
            confirm=confirm,
        )
        if offset is not None:
            self("msg.store", KAFKA, msg, where=where, offset=offset)
        if confirm:
            self("msg.confirm", client, msg, ok=ok, error=None if ok else "_MSG_TIMED_OUT")
        return self

    def poll(
        self, msg: str, where: str, offset: int, *, group: str | None = "g", member: str = "c1"
    ) -> Tape:
        self("msg.deliver", KAFKA, msg, where=where, consumer=member, offset=offset)
        return self("msg.consume", member, msg, where=where, offset=offset, group=group)

    def assign(self, group: str, partitions: list[str], *, member: str = "c1") -> Tape:
        return self("kafka.assign", member, None, group=group, partitions=partitions, generation=1)

    def commit(self, group: str, where: str, offset: int, *, member: str = "c1") -> Tape:
        topic, partition = where.split("/")
        return self(
            "kafka.commit",
            member,
            None,
            group=group,
            topic=topic,
            partition=int(partition),
            offset=offset,
            ok=True,
            error=None,
        )


@pytest.fixture
def tape() -> Tape:
    """An empty hand-made trace."""
    return Tape()
