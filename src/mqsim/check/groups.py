"""What each Kafka consumer group was responsible for reading, from its trace records.

Kafka: a group reads each partition it is assigned from its committed offset on (or from
``auto.offset.reset`` when it has none); committing offset ``n`` says every record below
``n`` is done. mqsim reads that from ``kafka.assign``, ``kafka.commit`` and group
``msg.consume`` records. A group is responsible for a record of a partition it touched
(was assigned, committed on, consumed from) if the record was stored after it first
touched the partition, or sits at or above the first offset it consumed there: records
written before a group existed and skipped by ``auto.offset.reset=latest`` are not lost.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from mqsim.sim import TraceRecord

GroupKey = tuple[str, str]  # (group, "topic/partition")


def group_name(value: object) -> str:
    """A group field as text: consumers without ``group.id`` share the name ``""``."""
    return "" if value is None else str(value)


@dataclass(slots=True)
class GroupContext:
    """Per group and partition: first touch, first consumed offset, ok commits."""

    touched: dict[GroupKey, float] = field(default_factory=dict)
    first_offset: dict[GroupKey, int] = field(default_factory=dict)
    commits: dict[GroupKey, list[tuple[float, int]]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    _latest: dict[GroupKey, tuple[list[float], list[int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, records: Iterable[TraceRecord]) -> GroupContext:
        """Read every group's assignments, commits and consumption from the records."""
        context = cls()
        for record in records:
            kind = record.kind
            if kind == "kafka.assign":
                for where in record.get("partitions") or ():
                    context._touch(group_name(record.get("group")), str(where), record.time)
            elif kind == "kafka.commit":
                where = f"{record.get('topic')}/{record.get('partition')}"
                key = context._touch(group_name(record.get("group")), where, record.time)
                if record.get("ok", True) is not False and record.get("offset") is not None:
                    context.commits.setdefault(key, []).append(
                        (record.time, int(record.get("offset")))
                    )
            elif kind == "msg.consume" and record.get("offset") is not None:
                key = context._touch(
                    group_name(record.get("group")), str(record.get("where")), record.time
                )
                offset = int(record.get("offset"))
                context.first_offset[key] = min(context.first_offset.get(key, offset), offset)
        return context

    def _touch(self, group: str, where: str, time: float) -> GroupKey:
        key = (group, where)
        if key not in self.touched:
            self.touched[key] = time
            self.groups.setdefault(where, []).append(group)
        return key

    def groups_of(self, where: str) -> list[str]:
        """The groups that touched a partition, in order of first touch."""
        return self.groups.get(where, [])

    def responsible(self, group: str, where: str, offset: int | None, stored_at: float) -> bool:
        """Whether ``group`` should read the record stored at ``where``/``offset``."""
        key = (group, where)
        if key not in self.touched:
            return False
        first = self.first_offset.get(key)
        if offset is not None and first is not None and offset >= first:
            return True
        return stored_at >= self.touched[key]

    def skipped(self, group: str, where: str, offset: int | None, stored_at: float) -> int | None:
        """The highest offset the group committed after the record was stored, if past it."""
        if offset is None:
            return None
        key = (group, where)
        if key not in self._latest:
            self._latest[key] = _suffix_max(self.commits.get(key, []))
        times, highest = self._latest[key]
        start = bisect.bisect_left(times, stored_at)
        if start < len(highest) and highest[start] > offset:
            return highest[start]
        return None


def _suffix_max(commits: list[tuple[float, int]]) -> tuple[list[float], list[int]]:
    """Commit times, and for each the highest offset committed at or after it."""
    times = [time for time, _ in commits]
    highest = [offset for _, offset in commits]
    for index in range(len(highest) - 2, -1, -1):
        highest[index] = max(highest[index], highest[index + 1])
    return times, highest
