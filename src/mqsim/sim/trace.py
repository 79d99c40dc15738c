"""The trace: typed, cheap records of what happened, in simulated time.

Models emit records with :meth:`Trace.emit`; checkers, timelines and plots read them.
Three levels keep large runs cheap: ``FULL`` keeps every record, ``COUNTERS`` only counts
records per kind, ``OFF`` does nothing. Hot paths test :attr:`Trace.full` before building
their fields, so a run with tracing off pays one attribute read per message.

A full trace stores each record as one flat plain tuple ``(time, actor, kind, msg,
*field names, *field values)`` (its place in the list is its ``seq``) and hands out
:class:`TraceRecord` views of it when read.
The garbage collector stops tracking a plain tuple of plain values, but never a tuple
subclass nor a tuple holding a dict, so storing ``TraceRecord`` objects made every full
collection walk every record (recording was about three times slower).
"""

from __future__ import annotations

import enum
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple, overload

from mqsim.sim.errors import InvalidArgument

Sink = Callable[["TraceRecord"], None]


class TraceLevel(enum.IntEnum):
    """How much the trace keeps."""

    OFF = 0
    COUNTERS = 1
    FULL = 2

    @classmethod
    def parse(cls, value: TraceLevel | str | int, *, field: str = "trace") -> TraceLevel:
        """Read a level from its name (``"off"``, ``"counters"``, ``"full"``) or number."""
        if isinstance(value, TraceLevel):
            return value
        if isinstance(value, str) and value.upper() in cls.__members__:
            return cls[value.upper()]
        if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1, 2):
            return cls(value)
        raise InvalidArgument(f"{field}: expected 'off', 'counters' or 'full', got {value!r}")


class TraceRecord(NamedTuple):
    """One thing that happened: when, who did it, what kind, to which message, and details.

    Immutable and typed; a named tuple rather than a frozen dataclass because a record is
    built on every traced message and a tuple is built about three times faster.
    """

    time: float
    seq: int
    actor: str
    kind: str
    msg: str | None
    fields: Mapping[str, Any]

    def get(self, name: str, default: Any = None) -> Any:
        """A field's value, or ``default``."""
        return self.fields.get(name, default)

    def to_json(self) -> str:
        """One JSON line; keys sorted, so equal records give equal text."""
        data = {
            "t": self.time,
            "seq": self.seq,
            "actor": self.actor,
            "kind": self.kind,
            "msg": self.msg,
            "fields": self.fields,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_encode)

    @classmethod
    def from_json(cls, line: str) -> TraceRecord:
        """Read a record written by :meth:`to_json`."""
        data = json.loads(line, object_hook=_decode)
        try:
            return cls(
                time=float(data["t"]),
                seq=int(data["seq"]),
                actor=str(data["actor"]),
                kind=str(data["kind"]),
                msg=data["msg"],
                fields=data["fields"],
            )
        except KeyError as missing:
            raise InvalidArgument(f"trace line: missing field {missing}") from None


_new_record = tuple.__new__
#: A stored record: (time, actor, kind, msg, *names, *values).
_RawRecord = tuple[Any, ...]


def _view(raw: _RawRecord, seq: int) -> TraceRecord:
    """The :class:`TraceRecord` of the stored flat tuple number ``seq``."""
    count = (len(raw) - 4) >> 1
    fields = dict(zip(raw[4 : 4 + count], raw[4 + count :], strict=True)) if count else {}
    return _new_record(TraceRecord, (raw[0], seq, raw[1], raw[2], raw[3], fields))


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes_hex__": bytes(value).hex()}
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"trace fields must be JSON values or bytes, got {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "__bytes_hex__" in obj:
        return bytes.fromhex(obj["__bytes_hex__"])
    return obj


class Trace:
    """Records emitted by the models of one world, in emission order."""

    def __init__(
        self, clock: Callable[[], float], level: TraceLevel | str | int = TraceLevel.FULL
    ) -> None:
        self._clock = clock
        self._records: list[_RawRecord] = []
        self._sinks: dict[str | None, list[Sink]] = {}
        self.counts: dict[str, int] = {}
        self.level = TraceLevel.parse(level)

    @property
    def level(self) -> TraceLevel:
        """The current level; setting it takes effect for the next record."""
        return self._level

    @level.setter
    def level(self, value: TraceLevel | str | int) -> None:
        self._level = TraceLevel.parse(value)
        self.full = self._level is TraceLevel.FULL
        self.active = self._level is not TraceLevel.OFF

    def emit(self, kind: str, actor: str, msg: str | None = None, /, **fields: Any) -> None:
        """Record that ``actor`` did ``kind`` (to message ``msg``), with ``fields``."""
        if not self.active:
            return
        counts = self.counts
        counts[kind] = counts.get(kind, 0) + 1
        if not self.full:
            return
        records = self._records
        now = self._clock()
        records.append((now, actor, kind, msg, *fields, *fields.values()))
        if self._sinks:
            record = _new_record(TraceRecord, (now, len(records) - 1, actor, kind, msg, fields))
            for sink in self._sinks.get(kind, ()):
                sink(record)
            for sink in self._sinks.get(None, ()):
                sink(record)

    def emit_many(
        self,
        kind: str,
        actor: str,
        msgs: Sequence[str | None],
        /,
        columns: Mapping[str, Sequence[Any]] | None = None,
        **fields: Any,
    ) -> None:
        """One ``kind`` record per message of ``msgs``, all at this instant, as that many
        :meth:`emit` calls would make (a hot path's batch). Every record has ``fields``;
        ``columns`` maps more field names to one value per message."""
        if not self.active:
            return
        counts = self.counts
        counts[kind] = counts.get(kind, 0) + len(msgs)
        if not self.full:
            return
        records = self._records
        first = len(records)
        now = self._clock()
        if columns:
            if any(len(column) != len(msgs) for column in columns.values()):
                raise InvalidArgument("columns: expected one value per message in each column")
            names = (*fields, *columns)
            shared = tuple(fields.values())
            records.extend(
                [
                    (now, actor, kind, row[0], *names, *shared, *row[1:])
                    for row in zip(msgs, *columns.values(), strict=True)
                ]
            )
        elif fields:
            head = (*fields, *fields.values())
            records.extend([(now, actor, kind, msg, *head) for msg in msgs])
        else:
            records.extend([(now, actor, kind, msg) for msg in msgs])
        if self._sinks:
            for seq in range(first, len(records)):
                record = _view(records[seq], seq)
                for sink in self._sinks.get(kind, ()):
                    sink(record)
                for sink in self._sinks.get(None, ()):
                    sink(record)

    def subscribe(self, sink: Sink, *, kind: str | None = None) -> None:
        """Call ``sink`` with every new record of ``kind`` (all kinds if None)."""
        self._sinks.setdefault(kind, []).append(sink)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return map(_view, self._records, itertools.count())

    @overload
    def __getitem__(self, index: int) -> TraceRecord: ...
    @overload
    def __getitem__(self, index: slice) -> list[TraceRecord]: ...
    def __getitem__(self, index: int | slice) -> TraceRecord | list[TraceRecord]:
        records = self._records
        if isinstance(index, slice):
            return [_view(records[i], i) for i in range(*index.indices(len(records)))]
        if index < 0:
            index += len(records)
        if not 0 <= index < len(records):
            raise IndexError("trace record index out of range")
        return _view(records[index], index)

    def __repr__(self) -> str:
        return f"<Trace level={self._level.name.lower()} records={len(self._records)}>"

    def select(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        actor: str | None = None,
        msg: str | None = None,
        prefix: str | None = None,
        where: Callable[[TraceRecord], bool] | None = None,
    ) -> list[TraceRecord]:
        """The records matching every given filter, in order."""
        records: Iterable[TraceRecord] = self
        if isinstance(kind, str):
            raws = self._records
            records = [_view(raws[i], i) for i in range(len(raws)) if raws[i][2] == kind]
        return select(records, kind, actor=actor, msg=msg, prefix=prefix, where=where)

    def statistics(self) -> TraceStatistics:
        """Counts per kind (kept at the ``COUNTERS`` and ``FULL`` levels)."""
        return TraceStatistics(
            level=self._level.name.lower(),
            records=len(self._records),
            counts=tuple(sorted(self.counts.items())),
        )

    def write_jsonl(self, target: str | Path | IO[str]) -> None:
        """Write every record as JSON Lines to a path or an open text file."""
        if isinstance(target, str | Path):
            with open(target, "w", encoding="utf-8") as stream:
                self.write_jsonl(stream)
            return
        for record in self:
            target.write(record.to_json())
            target.write("\n")

    def dumps_jsonl(self) -> str:
        """The JSON Lines text of :meth:`write_jsonl`."""
        buffer = io.StringIO()
        self.write_jsonl(buffer)
        return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class TraceStatistics:
    """What a trace holds, by kind."""

    level: str
    records: int
    counts: tuple[tuple[str, int], ...]


def select(
    records: Iterable[TraceRecord],
    kind: str | Iterable[str] | None = None,
    *,
    actor: str | None = None,
    msg: str | None = None,
    prefix: str | None = None,
    where: Callable[[TraceRecord], bool] | None = None,
) -> list[TraceRecord]:
    """Filter any sequence of records (a live trace or one read back from JSON Lines)."""
    kinds = {kind} if isinstance(kind, str) else (set(kind) if kind is not None else None)
    return [
        r
        for r in records
        if (kinds is None or r.kind in kinds)
        and (actor is None or r.actor == actor)
        and (msg is None or r.msg == msg)
        and (prefix is None or r.kind.startswith(prefix))
        and (where is None or where(r))
    ]


def read_jsonl(source: str | Path | IO[str]) -> list[TraceRecord]:
    """Read records written by :meth:`Trace.write_jsonl` from a path or an open file."""
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8") as stream:
            return read_jsonl(stream)
    records = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            records.append(TraceRecord.from_json(line))
        except (ValueError, TypeError) as error:
            raise InvalidArgument(f"trace line {number}: {error}") from None
    return records
