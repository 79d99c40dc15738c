"""Partitioners: Kafka's hash functions and librdkafka's key-to-partition rules."""

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mqsim.kafka.partitioner import (
    DEFAULT_PARTITIONER,
    JAVA_DEFAULT,
    PARTITIONERS,
    crc32,
    fnv1a,
    hash_partition,
    murmur2,
    random_is_sticky,
    to_positive,
)
from mqsim.sim import InvalidArgument

ALL = (*PARTITIONERS, JAVA_DEFAULT)
HASHING = tuple(p for p in ALL if p != "random")


def test_names_are_librdkafkas() -> None:
    """The partitioner names are librdkafka's `partitioner` values; its default is crc32."""
    assert PARTITIONERS == (
        "random",
        "consistent",
        "consistent_random",
        "murmur2",
        "murmur2_random",
        "fnv1a",
        "fnv1a_random",
    )
    assert DEFAULT_PARTITIONER == "consistent_random"
    assert JAVA_DEFAULT == "java_default"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # Values from the Java client's own UtilsTest.
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        (b"abc", 479470107),
    ],
)
def test_murmur2_matches_javas_reference_values(key: bytes, expected: int) -> None:
    """murmur2 returns Java's signed int32 for the keys Kafka's own tests pin down."""
    assert murmur2(key) == expected


def test_fnv1a_and_crc32_reference_values() -> None:
    """FNV-1a of the empty string is its offset basis; CRC-32 is zlib's."""
    assert fnv1a(b"") == 0x811C9DC5
    assert fnv1a(b"a") == 0xE40C292C
    assert crc32(b"") == 0
    assert crc32(b"123456789") == 0xCBF43926


def test_fnv1a_partition_reads_the_hash_as_signed() -> None:
    """librdkafka's fnv1a takes abs() of the signed hash, so unsigned % n would differ."""
    key = b"bob"  # fnv1a32 = 2261164244, signed -2033803052
    assert fnv1a(key) == 2261164244
    assert hash_partition("fnv1a", key, 50) == 2033803052 % 50
    assert hash_partition("fnv1a", key, 50) != 2261164244 % 50


def test_default_clients_disagree_on_a_key() -> None:
    """confluent-kafka (crc32) and the Java client (murmur2) pick different partitions."""
    assert hash_partition(DEFAULT_PARTITIONER, b"alice", 6) == 5
    assert hash_partition(JAVA_DEFAULT, b"alice", 6) == 3


@pytest.mark.parametrize(
    ("partitioner", "none_key", "empty_key"),
    [
        ("random", None, None),
        ("consistent", 0, 0),
        ("consistent_random", None, None),
        ("murmur2", 9, 9),
        ("murmur2_random", None, 9),
        ("fnv1a", 3, 3),
        ("fnv1a_random", None, 3),
        ("java_default", None, 9),
    ],
)
def test_null_and_empty_key_rules(
    partitioner: str, none_key: int | None, empty_key: int | None
) -> None:
    """Each partitioner either hashes a null/empty key like b'' or leaves it to chance."""
    assert hash_partition(partitioner, None, 12) == none_key
    assert hash_partition(partitioner, b"", 12) == empty_key


def test_which_random_choices_are_sticky() -> None:
    """Null keys (and consistent_random's empty key) stick; `random` with a key does not."""
    assert random_is_sticky("random", None)
    assert not random_is_sticky("random", b"k")
    assert not random_is_sticky("random", b"")
    assert random_is_sticky("consistent_random", b"")
    assert random_is_sticky("murmur2_random", None)
    assert random_is_sticky(JAVA_DEFAULT, None)


def test_random_partitioner_never_decides() -> None:
    """The `random` partitioner ignores the key."""
    assert hash_partition("random", b"alice", 3) is None


@pytest.mark.parametrize("name", ["Random", "crc32", "", "murmur"])
def test_unknown_partitioner_names_the_field(name: str) -> None:
    """An unknown partitioner is one InvalidArgument naming `partitioner`."""
    with pytest.raises(InvalidArgument, match="partitioner"):
        hash_partition(name, b"k", 3)
    with pytest.raises(InvalidArgument, match="partitioner"):
        random_is_sticky(name, None)


def test_bad_count_and_key_type_are_rejected() -> None:
    """A partition count below 1 or a str key is mqsim's own bad input."""
    with pytest.raises(InvalidArgument, match="partition_count"):
        hash_partition("murmur2", b"k", 0)
    with pytest.raises(InvalidArgument, match="key"):
        hash_partition("murmur2", "k", 3)  # type: ignore[arg-type]


@given(key=st.binary(max_size=64), count=st.integers(1, 10_000), name=st.sampled_from(ALL))
def test_partition_is_in_range_and_deterministic(key: bytes, count: int, name: str) -> None:
    """A decided partition is in [0, count) and the same on every call."""
    first = hash_partition(name, key, count)
    assert first == hash_partition(name, key, count)
    if first is not None:
        assert 0 <= first < count


@given(key=st.binary(min_size=1, max_size=64), count=st.integers(1, 1000))
def test_keyed_partitions_follow_their_formulas(key: bytes, count: int) -> None:
    """For a non-empty key each hashing partitioner is its formula, whatever its _random."""
    crc = zlib.crc32(key) % count
    assert hash_partition("consistent", key, count) == crc
    assert hash_partition("consistent_random", key, count) == crc
    mm = to_positive(murmur2(key)) % count
    assert hash_partition("murmur2", key, count) == mm
    assert hash_partition("murmur2_random", key, count) == mm
    assert hash_partition(JAVA_DEFAULT, key, count) == mm
    signed = fnv1a(key) - (1 << 32) if fnv1a(key) >= 1 << 31 else fnv1a(key)
    assert hash_partition("fnv1a", key, count) == abs(signed) % count
    assert hash_partition("fnv1a_random", key, count) == abs(signed) % count


@given(key=st.binary(max_size=64))
def test_hashes_are_32_bit(key: bytes) -> None:
    """murmur2 is a signed int32; crc32 and fnv1a are unsigned 32-bit values."""
    assert -(2**31) <= murmur2(key) < 2**31
    assert 0 <= crc32(key) < 2**32
    assert 0 <= fnv1a(key) < 2**32


@given(key=st.binary(max_size=64))
def test_single_partition_topics_take_everything_decided(key: bytes) -> None:
    """With one partition every decided key lands on partition 0."""
    for name in HASHING:
        assert hash_partition(name, key, 1) in (0, None)
