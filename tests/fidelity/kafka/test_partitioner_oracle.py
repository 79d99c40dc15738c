"""Every cell of the librdkafka partitioner oracle, reproduced bit for bit.

The oracle (../shared/oracle/kafka/cases/partitioner.json) was recorded from delivery
reports of confluent-kafka 2.16.1 / librdkafka 2.16.0 on its mock cluster: 191 keys x
partition counts 1, 3, 6, 12, 50 x five partitioners, the Java default computed from
Kafka's formula, and 30 null-key messages per cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mqsim.kafka.partitioner import (
    JAVA_DEFAULT,
    crc32,
    fnv1a,
    hash_partition,
    murmur2,
    random_is_sticky,
)

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "oracle" / "kafka" / "cases"
ORACLE: dict[str, Any] = json.loads((CASES / "partitioner.json").read_text())
KEYS: list[dict[str, Any]] = ORACLE["keys"]
COUNTS: list[int] = ORACLE["partition_counts"]
RANDOM_FOR_EMPTY_KEY = {"consistent_random"}


def _key_id(entry: dict[str, Any]) -> str:
    return f"{entry['kind']}:{entry['key_hex'][:24]}"


def test_oracle_covers_what_it_claims() -> None:
    """The oracle holds 191 keys and the five librdkafka partitioners."""
    assert len(KEYS) == 191
    assert COUNTS == [1, 3, 6, 12, 50]
    assert set(ORACLE["partitioners"]) == {
        "consistent_random",
        "consistent",
        "murmur2",
        "murmur2_random",
        "fnv1a",
    }


@pytest.mark.parametrize("entry", KEYS, ids=_key_id)
def test_raw_hashes_match(entry: dict[str, Any]) -> None:
    """crc32, Kafka's murmur2 (signed) and FNV-1a (unsigned) of each key match."""
    key = bytes.fromhex(entry["key_hex"])
    assert crc32(key) == entry["crc32"]
    assert murmur2(key) == entry["murmur2_signed"]
    assert fnv1a(key) == entry["fnv1a32"]


@pytest.mark.parametrize("partitioner", ORACLE["partitioners"])
@pytest.mark.parametrize("count", COUNTS)
def test_every_keyed_cell(partitioner: str, count: int) -> None:
    """For every key, the partition librdkafka chose is the one mqsim computes.

    The one key librdkafka sends to a random partition (consistent_random's empty key) is
    a random cell: mqsim returns None there and the recorded partition is not comparable.
    """
    mismatches = []
    random_cells = 0
    for entry in KEYS:
        key = bytes.fromhex(entry["key_hex"])
        recorded = entry["partitions"][partitioner][str(count)]
        computed = hash_partition(partitioner, key, count)
        if key == b"" and partitioner in RANDOM_FOR_EMPTY_KEY:
            assert computed is None
            assert random_is_sticky(partitioner, key)
            random_cells += 1
        elif computed != recorded:
            mismatches.append((entry["key_hex"], recorded, computed))
    assert mismatches == []
    assert random_cells == (1 if partitioner in RANDOM_FOR_EMPTY_KEY else 0)


@pytest.mark.parametrize("count", COUNTS)
def test_java_default_cells(count: int) -> None:
    """The Java client's default (murmur2, positive, mod n) matches for every key."""
    for entry in KEYS:
        key = bytes.fromhex(entry["key_hex"])
        assert hash_partition(JAVA_DEFAULT, key, count) == entry["java_default"][str(count)]


@pytest.mark.parametrize("count", COUNTS)
def test_empty_key_summary(count: int) -> None:
    """The oracle's empty-key table agrees wherever the partitioner hashes b''."""
    for partitioner, recorded in ORACLE["empty_key_partitions"][str(count)].items():
        computed = hash_partition(partitioner, b"", count)
        if partitioner in RANDOM_FOR_EMPTY_KEY:
            assert computed is None
        else:
            assert computed == recorded


@pytest.mark.parametrize("partitioner", ORACLE["partitioners"])
@pytest.mark.parametrize("count", COUNTS)
def test_null_key_cells(partitioner: str, count: int) -> None:
    """30 null-key messages: hashed partitioners repeat b''s partition, random ones stick.

    Where librdkafka chooses at random (None), the recorded burst all went to one
    partition: the sticky partition.
    """
    recorded = ORACLE["null_key"]["partitions"][partitioner][str(count)]
    assert len(recorded) == 30
    computed = hash_partition(partitioner, None, count)
    if computed is None:
        assert random_is_sticky(partitioner, None)
        assert len(set(recorded)) == 1
        assert 0 <= recorded[0] < count
    else:
        assert recorded == [computed] * 30
        assert computed == hash_partition(partitioner, b"", count)
