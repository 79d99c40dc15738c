"""The transaction coordinator: transactional ids, producer epochs, commit and abort markers.

Kafka (KIP-98): a producer with a ``transactional.id`` calls InitProducerId; the
coordinator gives it the id's producer id and a new epoch (fencing any older instance with
the same ``transactional.id``, and aborting the transaction it left open). Within a
transaction the producer registers each partition it writes to (AddPartitionsToTxn) and
the consumer offsets it wants committed with it (AddOffsetsToTxn/TxnOffsetCommit). EndTxn
makes the coordinator write a control record (a COMMIT or ABORT marker, which takes an
offset) to every partition of the transaction and, on commit, make the offsets visible in
the group. Until its marker, a partition's last stable offset (LSO) stays at the
transaction's first record: ``read_committed`` consumers read only below the LSO and skip
aborted records; ``read_uncommitted`` consumers read everything below the high watermark.
A transaction open longer than ``transaction.timeout.ms`` is aborted by the coordinator,
which bumps the epoch: the producer is fenced.

mqsim: the coordinator is the cluster's (chosen by a hash of the transactional id like a
group coordinator); its state survives broker crashes (Kafka keeps it in the replicated
``__transaction_state`` topic). AddPartitionsToTxn is recorded when the producer opens a
batch for the partition, without a round trip of its own. Markers are appended to the
partition leader's log at once and replicate like any batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import PartitionLog, RecordBatch

if TYPE_CHECKING:
    from mqsim.kafka.cluster import KafkaCluster, Partition, Responder
    from mqsim.sim import Timer

TP = tuple[str, int]


@dataclass(slots=True)
class Transaction:
    """A transactional id's state at the coordinator."""

    transactional_id: str
    producer_id: int
    epoch: int
    timeout: float
    state: str = "Empty"
    partitions: set[TP] = field(default_factory=set)
    offsets: dict[str, dict[TP, int]] = field(default_factory=dict)
    started: float = 0.0
    timer: Timer | None = None
    commits: int = 0
    aborts: int = 0


@dataclass(frozen=True, slots=True)
class TransactionStatistics:
    """A transactional id: producer id, epoch, state and outcomes so far."""

    transactional_id: str
    producer_id: int
    epoch: int
    state: str
    partitions: tuple[TP, ...]
    commits: int
    aborts: int


def fenced() -> KafkaModelError:
    """The coordinator's answer to a request from an older epoch."""
    return KafkaModelError("PRODUCER_FENCED")


class TransactionCoordinator:
    """Every transactional id of a cluster and the requests that act on them."""

    def __init__(self, cluster: KafkaCluster) -> None:
        self.cluster = cluster
        self.world = cluster.world
        self.transactions: dict[str, Transaction] = {}
        self.by_producer: dict[int, Transaction] = {}

    def __repr__(self) -> str:
        return f"<TransactionCoordinator transactional_ids={len(self.transactions)}>"

    def statistics(self, transactional_id: str) -> TransactionStatistics:
        """The state of ``transactional_id`` (KeyError if it never called InitProducerId)."""
        txn = self.transactions[transactional_id]
        return TransactionStatistics(
            txn.transactional_id,
            txn.producer_id,
            txn.epoch,
            txn.state,
            tuple(sorted(txn.partitions)),
            txn.commits,
            txn.aborts,
        )

    # -- requests ----------

    def handle_init_producer_id(
        self, respond: Responder, transactional_id: str, timeout_ms: int
    ) -> None:
        """InitProducerId: ``(producer id, epoch)``; fences and aborts the previous epoch."""
        txn = self.transactions.get(transactional_id)
        if txn is None:
            pid = self.cluster.allocate_producer_id()
            txn = Transaction(transactional_id, pid, 0, timeout_ms / 1000)
            self.transactions[transactional_id] = txn
            self.by_producer[pid] = txn
        else:
            txn.epoch += 1  # fences the previous instance ...
            if txn.state == "Ongoing":
                self._complete(txn, commit=False)  # ... and aborts what it left open
            txn.timeout = timeout_ms / 1000
        self._trace(txn, "init")
        respond((txn.producer_id, txn.epoch))

    def check(self, transactional_id: str, producer_id: int, epoch: int) -> Transaction:
        """The transaction, or ``PRODUCER_FENCED`` for an older epoch."""
        txn = self.transactions.get(transactional_id)
        if txn is None or txn.producer_id != producer_id or txn.epoch != epoch:
            raise fenced()
        return txn

    def add_partition(self, transactional_id: str, producer_id: int, epoch: int, tp: TP) -> None:
        """AddPartitionsToTxn for one partition (raises ``PRODUCER_FENCED``)."""
        txn = self.check(transactional_id, producer_id, epoch)
        self._begin(txn)
        txn.partitions.add(tp)

    def handle_add_offsets(
        self,
        respond: Responder,
        transactional_id: str,
        producer_id: int,
        epoch: int,
        group_id: str,
        member_id: str,
        generation: int,
        offsets: dict[TP, int],
    ) -> None:
        """AddOffsetsToTxn + TxnOffsetCommit: offsets to commit with the transaction.

        The group checks the consumer's member id and generation (KIP-447): a consumer
        that lost its partitions in a rebalance cannot commit them in a transaction.
        """
        try:
            txn = self.check(transactional_id, producer_id, epoch)
        except KafkaModelError as problem:
            respond(problem)
            return
        groups = self.cluster.groups
        group = groups.groups.get(group_id)
        if group is not None and member_id:
            refused = groups.commit_problem(group, member_id, generation)
            if refused is not None:
                respond(refused)
                return
        self._begin(txn)
        txn.offsets.setdefault(group_id, {}).update(offsets)
        respond(None)

    def handle_end_txn(
        self,
        respond: Responder,
        transactional_id: str,
        producer_id: int,
        epoch: int,
        commit: bool,
    ) -> None:
        """EndTxn: write the markers and finish the transaction."""
        try:
            txn = self.check(transactional_id, producer_id, epoch)
        except KafkaModelError as problem:
            respond(problem)
            return
        if txn.state == "Ongoing":
            self._complete(txn, commit=commit)
        respond(None)

    # -- completion ----------

    def _begin(self, txn: Transaction) -> None:
        if txn.state != "Ongoing":
            txn.state = "Ongoing"
            txn.started = self.world.now
            txn.timer = self.world.call_later(txn.timeout, self._expire, txn, txn.epoch)
            self._trace(txn, "begin")

    def _expire(self, txn: Transaction, epoch: int) -> None:
        """transaction.timeout.ms passed: abort, and bump the epoch to fence the producer."""
        if txn.state == "Ongoing" and txn.epoch == epoch:
            txn.epoch += 1
            self._trace(txn, "timeout")
            self._complete(txn, commit=False)

    def _complete(self, txn: Transaction, *, commit: bool) -> None:
        if txn.timer is not None:
            txn.timer.cancel()
            txn.timer = None
        cluster = self.cluster
        for topic, index in sorted(txn.partitions):
            found = cluster.topics.get(topic)
            if found is not None and index < len(found.partitions):
                self.write_marker(found.partitions[index], txn, commit=commit)
        if commit:
            for group_id, offsets in sorted(txn.offsets.items()):
                group = cluster.groups.group(group_id)
                for tp, offset in offsets.items():
                    group.offsets[tp] = (offset, "", -1)
            txn.commits += 1
        else:
            txn.aborts += 1
        self._trace(txn, "commit" if commit else "abort")
        txn.state = "Empty"
        txn.partitions = set()
        txn.offsets = {}

    def write_marker(self, partition: Partition, txn: Transaction, *, commit: bool) -> int:
        """Append a COMMIT/ABORT control record for ``txn`` to ``partition``; its offset."""
        cluster = self.cluster
        world = self.world
        marker = RecordBatch(
            (None,),
            (None,),
            (int(world.now * 1000),),
            size=78,
            producer_id=txn.producer_id,
            producer_epoch=txn.epoch,
            transactional=True,
            control="COMMIT" if commit else "ABORT",
        )
        log = partition.leader_log
        offset = log.append(marker, epoch=partition.epoch, now=world.now)
        state = partition.producers.get(txn.producer_id)
        if state is None or state[0] != txn.epoch:
            # a marker of a newer epoch fences the producer's older epoch at the partition
            partition.producers[txn.producer_id] = (txn.epoch, 0, ())
        first = partition.open_txns.pop(txn.producer_id, None)
        if first is not None and not commit:
            partition.aborted.append((txn.producer_id, first, offset))
            trace = world.trace
            if trace.full:
                actor = cluster.leader_name(partition)
                for found, mid in log.ids_from(first):
                    if found >= offset:
                        break
                    batch_pid = _producer_at(log, found)
                    if batch_pid == txn.producer_id:
                        trace.emit(
                            "msg.drop", actor, mid, where=partition.where, reason="tx-rollback"
                        )
        cluster.appended(partition)
        return offset

    def _trace(self, txn: Transaction, action: str) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                "kafka.txn",
                self.cluster.controller.name,
                None,
                transactional_id=txn.transactional_id,
                producer_id=txn.producer_id,
                epoch=txn.epoch,
                action=action,
                partitions=[f"{t}/{p}" for t, p in sorted(txn.partitions)],
            )


def _producer_at(log: PartitionLog, offset: int) -> int:
    found = log.record(offset)
    return -1 if found is None else found[0].producer_id


__all__ = [
    "Transaction",
    "TransactionCoordinator",
    "TransactionStatistics",
    "fenced",
]
