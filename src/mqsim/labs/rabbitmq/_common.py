"""What the RabbitMQ labs share: connecting, running programs, killing one, the app's records.

A lab's services are ordinary pika code (``from mqsim import pika``) run as programs in
the lab's world, each connection named after its service
(``client_properties={'connection_name': ...}``), so the trace and the fault plan can
name it. What a service *does* with a message (charges a card, ships an order) is not in
the broker's trace, so each service reports it with :meth:`Ledger.processed`: an
``app.processed`` record naming the message, which the labs' measures read. The checker
counts a message as consumed when the callback is called; a message received and never
processed, or processed twice, is only visible through these records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mqsim import pika
from mqsim.labs.programs import PROCESSED, kill, published, run, with_totals
from mqsim.sim import TraceRecord, World

#: The default world's RabbitMQ node.
BROKER = "localhost:5672"

#: The kind of the record a service writes when it starts processing a message.
STARTED = "app.started"


def connect(name: str, *, heartbeat: int | None = None) -> pika.BlockingConnection:
    """A pika connection to the default broker whose node (and trace actor) is ``name``."""
    params = pika.ConnectionParameters(
        "localhost", heartbeat=heartbeat, client_properties={"connection_name": name}
    )
    return pika.BlockingConnection(params)


class Ledger:
    """Lets services say which messages they started and processed, by message id.

    It learns each delivery's message id from the broker's ``msg.deliver`` records (a
    client node and a delivery tag name one delivery; the labs open one channel per
    connection), so a service only passes its connection name and ``method.delivery_tag``.
    The records carry the message's body (as text), for the timeline.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self._ids: dict[tuple[str, int], str] = {}
        self._bodies: dict[str, str] = {}
        world.trace.subscribe(self._published, kind="msg.publish")
        world.trace.subscribe(self._delivered, kind="msg.deliver")

    def __repr__(self) -> str:
        return f"<Ledger deliveries={len(self._ids)}>"

    def _published(self, record: TraceRecord) -> None:
        body = record.get("body")
        if record.msg is not None and isinstance(body, bytes):
            self._bodies[record.msg] = body.decode("utf-8", "replace")

    def _delivered(self, record: TraceRecord) -> None:
        tag = record.get("tag")
        if record.msg is not None and tag is not None:
            self._ids[(str(record.get("consumer")), int(tag))] = record.msg

    def _emit(self, kind: str, service: str, delivery_tag: int, fields: dict[str, Any]) -> None:
        msg = self._ids.get((service, int(delivery_tag)))
        body = self._bodies.get(msg) if msg is not None else None
        self.world.trace.emit(kind, service, msg, body=body, **fields)

    def started(self, service: str, delivery_tag: int, **fields: Any) -> None:
        """``service`` (a connection name) starts working on the delivery ``delivery_tag``."""
        self._emit(STARTED, service, delivery_tag, fields)

    def processed(self, service: str, delivery_tag: int, **fields: Any) -> None:
        """``service`` (a connection name) finished processing delivery ``delivery_tag``."""
        self._emit(PROCESSED, service, delivery_tag, fields)


class Database:
    """The service's database: it survives the service's crash, as a real one would.

    ``apply_once(key, effect)`` is the idempotent write of the fixes: the effect and the
    record of its key commit together (one transaction), so a second delivery of the same
    message finds the key and does nothing.
    """

    def __init__(self) -> None:
        self.effects: list[str] = []
        self.keys: dict[str, None] = {}

    def __repr__(self) -> str:
        return f"<Database effects={len(self.effects)} keys={len(self.keys)}>"

    def apply(self, effect: str) -> None:
        """Write ``effect`` (a non-idempotent write: an INSERT, a card charge)."""
        self.effects.append(effect)

    def apply_once(self, key: str, effect: str) -> bool:
        """Write ``effect`` unless ``key`` was applied before; True if it was written now."""
        if key in self.keys:
            return False
        self.keys[key] = None
        self.effects.append(effect)
        return True


# -- reading the trace ----------


def processed(records: Iterable[TraceRecord]) -> list[TraceRecord]:
    """The ``app.processed`` records, in order."""
    return [r for r in records if r.kind == PROCESSED]


def bodies(records: Iterable[TraceRecord]) -> dict[str, bytes]:
    """Each published message's body, by message id."""
    return {str(r.msg): bytes(r.get("body") or b"") for r in published(records)}


def never_processed(records: tuple[TraceRecord, ...]) -> int:
    """Published messages no service processed."""
    done = {r.msg for r in processed(records)}
    return sum(1 for r in published(records) if r.msg not in done)


def processed_twice(records: tuple[TraceRecord, ...]) -> int:
    """Messages whose effect a service applied more than once (``app.processed`` records
    with ``effect=True``, the default)."""
    counts: dict[str, int] = {}
    for record in processed(records):
        if record.msg is not None and record.get("effect", True):
            counts[record.msg] = counts.get(record.msg, 0) + 1
    return sum(1 for count in counts.values() if count > 1)


__all__ = [
    "BROKER",
    "PROCESSED",
    "STARTED",
    "Database",
    "Ledger",
    "bodies",
    "connect",
    "kill",
    "never_processed",
    "processed",
    "processed_twice",
    "published",
    "run",
    "with_totals",
]
