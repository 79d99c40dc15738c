"""What the Kafka labs share: running programs, killing one, and the services' own records.

A lab's services are ordinary confluent-kafka code run as programs in the lab's world.
What a service *does* with a record (charges a card, writes an invoice) is not in the
broker's trace, so each service reports it with :meth:`Ledger.processed`: an
``app.processed`` record naming the message, which the labs' measures read. The checker
counts a record as consumed when ``poll()`` returns it; a record received and never
processed is only visible through these records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mqsim.confluent_kafka.admin import AdminClient, NewTopic
from mqsim.labs.programs import PROCESSED, kill, published, run, with_totals
from mqsim.sim import TraceRecord, World

#: The default world's Kafka broker.
BOOTSTRAP = "localhost:9092"


class Ledger:
    """Lets services say which records they processed, by message id.

    It learns each record's message id from the broker's ``msg.store`` records (a
    ``topic/partition`` and offset name one stored record), so a service only passes the
    :class:`~mqsim.confluent_kafka.Message` it processed.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self._ids: dict[tuple[str, int], str] = {}
        world.trace.subscribe(self._stored, kind="msg.store")

    def __repr__(self) -> str:
        return f"<Ledger stored={len(self._ids)}>"

    def _stored(self, record: TraceRecord) -> None:
        offset = record.get("offset")
        if record.msg is not None and offset is not None:
            self._ids[(str(record.get("where")), int(offset))] = record.msg

    def processed(self, service: str, message: Any, **fields: Any) -> None:
        """``service`` finished processing ``message`` (a consumed confluent-kafka Message)."""
        where = f"{message.topic()}/{message.partition()}"
        offset = int(message.offset())
        value = message.value()
        self.world.trace.emit(
            PROCESSED,
            service,
            self._ids.get((where, offset)),
            where=where,
            offset=offset,
            value=value.decode() if isinstance(value, bytes) else value,
            **fields,
        )


def create_topic(
    name: str,
    partitions: int,
    *,
    replication_factor: int = 1,
    config: Mapping[str, object] | None = None,
    bootstrap: str = BOOTSTRAP,
) -> None:
    """Create a topic with the admin API, as an operator would before the services start."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    settings: dict[str, Any] = dict(config or {})
    topic = NewTopic(name, partitions, replication_factor, config=settings)
    admin.create_topics([topic])[name].result()


def spawn_at(world: World, time: float, name: str, target: Callable[[], object]) -> None:
    """Start ``target`` as program ``name`` at simulated time ``time`` (a later arrival)."""

    def start() -> None:
        world.programs.spawn(name, target)

    world.call_at(time, start)


# -- reading the trace ----------


def processed_by(records: Iterable[TraceRecord]) -> dict[str, list[str]]:
    """Per service, the message ids it processed, in processing order."""
    done: dict[str, list[str]] = {}
    for record in records:
        if record.kind == PROCESSED and record.msg is not None:
            done.setdefault(record.actor, []).append(record.msg)
    return done


__all__ = [
    "BOOTSTRAP",
    "PROCESSED",
    "Ledger",
    "create_topic",
    "kill",
    "processed_by",
    "published",
    "run",
    "spawn_at",
    "with_totals",
]
