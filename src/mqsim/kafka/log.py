"""A partition's log: record batches at consecutive offsets.

Kafka: a partition replica is an append-only log of record batches; each record has an
offset, key, value, headers and a timestamp; the log has a start offset (raised by
retention and DeleteRecords) and an end offset (LEO, the next offset to write). Batches
carry the leader epoch that wrote them, the producer id and base sequence (idempotence)
and transactional markers. mqsim: a batch is the unit of storage and of simulated work;
records inside are parallel tuples (keys, values, timestamps, ...), so appending or
fetching a batch of 10,000 records costs a few Python operations, not 10,000, and the
garbage collector, which untracks tuples of plain values, does not walk stored records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Headers = list[tuple[str, bytes | None]]


class RecordBatch:
    """Records written together by one producer request (or one control marker)."""

    __slots__ = (
        "append_time",
        "base_offset",
        "base_sequence",
        "control",
        "delete_horizon",
        "epoch",
        "headers",
        "ids",
        "keys",
        "producer_epoch",
        "producer_id",
        "size",
        "timestamps",
        "transactional",
        "values",
    )

    def __init__(
        self,
        keys: Sequence[bytes | None],
        values: Sequence[bytes | None],
        timestamps: Sequence[int],
        *,
        headers: Sequence[Headers | None] | None = None,
        ids: Sequence[str] | None = None,
        size: int = 0,
        producer_id: int = -1,
        producer_epoch: int = -1,
        base_sequence: int = -1,
        transactional: bool = False,
        control: str | None = None,
    ) -> None:
        self.keys = keys
        self.values = values
        self.timestamps = timestamps
        self.headers = headers
        self.ids = ids
        self.size = size
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.base_sequence = base_sequence
        self.transactional = transactional
        self.control = control
        self.base_offset = -1
        self.epoch = -1
        self.append_time = 0.0
        # KIP-534: when the log cleaner first kept this batch's tombstones, the time (ms)
        # after which the next cleaning removes them (-1: not yet cleaned)
        self.delete_horizon = -1.0

    def __len__(self) -> int:
        return len(self.values)

    @property
    def last_offset(self) -> int:
        """The offset of the batch's last record."""
        return self.base_offset + len(self.values) - 1

    @property
    def next_offset(self) -> int:
        """The offset after the batch."""
        return self.base_offset + len(self.values)

    def copy(self) -> RecordBatch:
        """The same records, for another replica's log (lists are shared, never mutated)."""
        other = RecordBatch(
            self.keys,
            self.values,
            self.timestamps,
            headers=self.headers,
            ids=self.ids,
            size=self.size,
            producer_id=self.producer_id,
            producer_epoch=self.producer_epoch,
            base_sequence=self.base_sequence,
            transactional=self.transactional,
            control=self.control,
        )
        other.base_offset = self.base_offset
        other.epoch = self.epoch
        other.append_time = self.append_time
        other.delete_horizon = self.delete_horizon
        return other

    def part(self, i: int, j: int) -> RecordBatch:
        """Records ``i:j`` as a batch of their own (offsets kept)."""
        cut = self.copy()
        cut.keys, cut.values = self.keys[i:j], self.values[i:j]
        cut.timestamps = self.timestamps[i:j]
        cut.headers = None if self.headers is None else self.headers[i:j]
        cut.ids = None if self.ids is None else self.ids[i:j]
        cut.base_offset = self.base_offset + i
        if len(self.values):
            cut.size = self.size * (j - i) // len(self.values)
        return cut

    def __repr__(self) -> str:
        kind = f" control={self.control}" if self.control else ""
        return (
            f"<RecordBatch offsets={self.base_offset}..{self.last_offset} epoch={self.epoch}{kind}>"
        )


#: A slice of a batch: records ``batch[i:j]``.
Slice = tuple[RecordBatch, int, int]


@dataclass(frozen=True, slots=True)
class LogStatistics:
    """What a partition log holds."""

    start_offset: int
    end_offset: int
    batches: int
    records: int
    bytes: int


class PartitionLog:
    """One replica's log of a partition."""

    def __init__(self) -> None:
        self.batches: list[RecordBatch] = []
        self._bases: list[int] = []
        self.start_offset = 0
        self.end_offset = 0
        self.bytes = 0

    def __repr__(self) -> str:
        return f"<PartitionLog {self.start_offset}..{self.end_offset} batches={len(self.batches)}>"

    def statistics(self) -> LogStatistics:
        """Offsets, batch, record and byte counts."""
        return LogStatistics(
            self.start_offset,
            self.end_offset,
            len(self.batches),
            sum(len(b) for b in self.batches),
            self.bytes,
        )

    @property
    def last_epoch(self) -> int:
        """The leader epoch of the last batch (-1 for an empty log)."""
        return self.batches[-1].epoch if self.batches else -1

    def append(self, batch: RecordBatch, *, epoch: int, now: float) -> int:
        """Write ``batch`` at the end; returns its base offset."""
        batch.base_offset = base = self.end_offset
        batch.epoch = epoch
        batch.append_time = now
        self.batches.append(batch)
        self._bases.append(base)
        self.end_offset = base + len(batch.values)
        self.bytes += batch.size
        return base

    def append_copy(self, batch: RecordBatch) -> None:
        """Write a leader's batch as is (a follower replicating it; after compaction there
        may be a gap of removed offsets before it)."""
        if batch.base_offset < self.end_offset:
            raise ValueError(
                f"replica log at {self.end_offset} cannot take a batch at {batch.base_offset}"
            )
        copied = batch.copy()
        self.batches.append(copied)
        self._bases.append(copied.base_offset)
        self.end_offset = copied.next_offset
        self.bytes += copied.size

    def _index(self, offset: int) -> int:
        """Index of the batch holding ``offset`` (offset must be inside the log)."""
        return bisect_right(self._bases, offset) - 1

    def read(self, offset: int, limit: int, max_bytes: int) -> list[Slice]:
        """Records from ``offset`` up to (not including) ``limit``, about ``max_bytes``.

        As Kafka, at least one batch is returned even if it is larger than ``max_bytes``.
        """
        if offset >= limit or offset >= self.end_offset or not self.batches:
            return []
        offset = max(offset, self.start_offset)
        index = self._index(offset)
        if index < 0:
            index = 0
        out: list[Slice] = []
        taken = 0
        batches = self.batches
        while index < len(batches):
            batch = batches[index]
            base = batch.base_offset
            if base >= limit:
                break
            i = max(0, offset - base)
            j = min(len(batch.values), limit - base)
            if j > i:
                out.append((batch, i, j))
                taken += batch.size
                if taken >= max_bytes:
                    break
            index += 1
        return out

    def truncate(self, offset: int) -> list[Slice]:
        """Remove every record at ``offset`` and above; returns what was removed."""
        if offset >= self.end_offset:
            return []
        removed: list[Slice] = []
        while self.batches and self.batches[-1].base_offset >= offset:
            batch = self.batches.pop()
            self._bases.pop()
            self.bytes -= batch.size
            removed.append((batch, 0, len(batch.values)))
        if self.batches and self.batches[-1].next_offset > offset:
            batch = self.batches[-1]
            keep = offset - batch.base_offset
            removed.append((batch, keep, len(batch.values)))
            cut = self.batches[-1] = batch.part(0, keep)
            self.bytes -= batch.size - cut.size
        removed.reverse()
        self.end_offset = offset
        self.start_offset = min(self.start_offset, offset)
        return removed

    def delete_before(self, offset: int) -> list[Slice]:
        """Drop whole batches that end before ``offset`` (retention); returns them."""
        batches = self.batches
        count = bisect_right(self._bases, offset)
        while count and batches[count - 1].next_offset > offset:
            count -= 1
        removed: list[Slice] = [(batch, 0, len(batch.values)) for batch in batches[:count]]
        if count:
            self.bytes -= sum(batch.size for batch in batches[:count])
            del batches[:count]
            del self._bases[:count]
            self.start_offset = max(self.start_offset, removed[-1][0].next_offset)
        if not batches:
            self.start_offset = max(self.start_offset, min(offset, self.end_offset))
        return removed

    def replace_prefix(self, count: int, batches: list[RecordBatch]) -> None:
        """Put ``batches`` (the log cleaner's output) in place of the first ``count``."""
        self.batches[:count] = batches
        self._bases = [batch.base_offset for batch in self.batches]
        self.bytes = sum(batch.size for batch in self.batches)

    def end_offset_for_epoch(self, epoch: int) -> int:
        """Kafka's OffsetsForLeaderEpoch: the end offset of the largest epoch <= ``epoch``.

        That is the start offset of the first batch with a larger epoch, or the log end.
        """
        for batch in self.batches:
            if batch.epoch > epoch:
                return batch.base_offset
        return self.end_offset

    def offset_for_time(self, timestamp: int) -> int | None:
        """The first offset whose timestamp is >= ``timestamp`` (None: none is)."""
        for batch in self.batches:
            stamps = batch.timestamps
            if stamps and max(stamps) >= timestamp:
                for i, stamp in enumerate(stamps):
                    if stamp >= timestamp:
                        return batch.base_offset + i
        return None

    def record(self, offset: int) -> tuple[RecordBatch, int] | None:
        """The batch and index of the record at ``offset``."""
        if offset < self.start_offset or offset >= self.end_offset:
            return None
        index = self._index(offset)
        if index < 0:
            return None
        batch = self.batches[index]
        if offset >= batch.next_offset:
            return None  # removed by compaction
        return batch, offset - batch.base_offset

    def ids_from(self, offset: int) -> list[tuple[int, str]]:
        """``(offset, message id)`` of traced records at ``offset`` and above."""
        out: list[tuple[int, str]] = []
        for batch in self.batches:
            if batch.next_offset <= offset or batch.ids is None:
                continue
            for i, mid in enumerate(batch.ids):
                if batch.base_offset + i >= offset:
                    out.append((batch.base_offset + i, mid))
        return out


def slice_records(piece: Slice) -> Any:
    """Iterate ``(offset, key, value, headers, timestamp, id)`` over a slice (tests, checks)."""
    batch, i, j = piece
    for k in range(i, j):
        yield (
            batch.base_offset + k,
            batch.keys[k],
            batch.values[k],
            None if batch.headers is None else batch.headers[k],
            batch.timestamps[k],
            None if batch.ids is None else batch.ids[k],
        )


__all__ = ["Headers", "LogStatistics", "PartitionLog", "RecordBatch", "Slice", "slice_records"]
