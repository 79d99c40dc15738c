"""Key hashing and the producer partitioners, bit-exact with librdkafka and the Java client.

librdkafka (confluent-kafka): the topic property ``partitioner`` picks one of
:data:`PARTITIONERS`; the default is ``consistent_random`` (CRC-32 of the key). The Java
client's default partitioner hashes keys with murmur2 instead, so the two clients put the
same key on *different* partitions by default. mqsim offers both: the librdkafka names
and :data:`JAVA_DEFAULT`.

Every partitioner either decides the partition from the key (a pure function of the key
bytes and the partition count, reproduced here) or chooses a random partition.
:func:`hash_partition` returns ``None`` in the second case and the caller draws the
partition from ``world.rng``. librdkafka makes that choice *sticky* for null keys (the
same random partition for every message of a burst, until ``sticky.partitioning.linger.ms``,
10 ms by default, has passed; ``consistent_random`` treats an empty key so too) and per
message otherwise (``random`` with a key); see
:func:`random_is_sticky`.

The null/empty key rules (observed with librdkafka 2.16, ../shared/oracle/kafka):

=====================  ===========================  ===========================
partitioner            key ``None``                 key ``b""``
=====================  ===========================  ===========================
``random``             random                       random
``consistent``         ``crc32(b"") % n`` = 0       0
``consistent_random``  random                       random
``murmur2``            hashed as ``b""``            hashed
``murmur2_random``     random                       hashed
``fnv1a``              hashed as ``b""``            hashed
``fnv1a_random``       random                       hashed
``java_default``       random (sticky)              hashed (murmur2)
=====================  ===========================  ===========================
"""

from __future__ import annotations

import zlib

from mqsim.sim import InvalidArgument

__all__ = [
    "DEFAULT_PARTITIONER",
    "JAVA_DEFAULT",
    "PARTITIONERS",
    "crc32",
    "fnv1a",
    "hash_partition",
    "murmur2",
    "random_is_sticky",
    "to_positive",
]

PARTITIONERS: tuple[str, ...] = (
    "random",
    "consistent",
    "consistent_random",
    "murmur2",
    "murmur2_random",
    "fnv1a",
    "fnv1a_random",
)
"""librdkafka's ``partitioner`` values, in its documentation's order."""

JAVA_DEFAULT = "java_default"
"""The Java client's default: murmur2 for keyed records, a sticky partition for null keys."""

DEFAULT_PARTITIONER = "consistent_random"
"""librdkafka's (and so confluent-kafka's) default ``partitioner``."""

_MASK32 = 0xFFFFFFFF
_MURMUR_SEED = 0x9747B28C
_MURMUR_M = 0x5BD1E995
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def crc32(key: bytes) -> int:
    """The CRC-32 of ``key`` as librdkafka's ``rd_crc32`` computes it (zlib's, unsigned)."""
    return zlib.crc32(key)


def murmur2(key: bytes) -> int:
    """Kafka's murmur2 of ``key`` (Java ``Utils.murmur2``, seed 0x9747b28c), a signed int32.

    librdkafka's ``rd_murmur2`` is the same function returning the unsigned bits; both
    partitioners use ``to_positive(murmur2(key)) % n``.
    """
    length = len(key)
    h = (_MURMUR_SEED ^ length) & _MASK32
    body = length - length % 4
    for i in range(0, body, 4):
        k = key[i] | key[i + 1] << 8 | key[i + 2] << 16 | key[i + 3] << 24
        k = (k * _MURMUR_M) & _MASK32
        k ^= k >> 24
        k = (k * _MURMUR_M) & _MASK32
        h = ((h * _MURMUR_M) & _MASK32) ^ k
    tail = length - body
    if tail == 3:
        h ^= key[body + 2] << 16
    if tail >= 2:
        h ^= key[body + 1] << 8
    if tail >= 1:
        h ^= key[body]
        h = (h * _MURMUR_M) & _MASK32
    h ^= h >> 13
    h = (h * _MURMUR_M) & _MASK32
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def fnv1a(key: bytes) -> int:
    """The 32-bit FNV-1a hash of ``key``, unsigned (offset 0x811c9dc5, prime 0x01000193)."""
    h = _FNV_OFFSET
    for byte in key:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK32
    return h


def to_positive(value: int) -> int:
    """Java's ``Utils.toPositive``: the low 31 bits (``value & 0x7fffffff``)."""
    return value & 0x7FFFFFFF


def _fnv1a_partition(key: bytes, partition_count: int) -> int:
    """librdkafka reads the FNV-1a hash as a signed int32 and takes its absolute value."""
    h = fnv1a(key)
    signed = h - (1 << 32) if h & 0x80000000 else h
    return abs(signed) % partition_count


def hash_partition(partitioner: str, key: bytes | None, partition_count: int) -> int | None:
    """The partition ``partitioner`` picks for ``key`` among ``partition_count`` partitions.

    ``None`` means the partitioner picks a random partition for this key (``"random"``
    always does); the caller draws it, sticky or not as :func:`random_is_sticky` says.
    An unknown partitioner raises :class:`~mqsim.sim.InvalidArgument` naming
    ``partitioner`` (librdkafka rejects it as a configuration error).
    """
    if partition_count < 1:
        raise InvalidArgument(f"partition_count must be at least 1, not {partition_count!r}")
    if key is not None and not isinstance(key, bytes):
        raise InvalidArgument(f"key must be bytes or None, not {type(key).__name__}")
    if partitioner == "consistent_random":
        return zlib.crc32(key) % partition_count if key else None
    if partitioner == JAVA_DEFAULT or partitioner == "murmur2_random":
        return None if key is None else to_positive(murmur2(key)) % partition_count
    if partitioner == "consistent":
        return zlib.crc32(key or b"") % partition_count
    if partitioner == "murmur2":
        return to_positive(murmur2(key or b"")) % partition_count
    if partitioner == "fnv1a":
        return _fnv1a_partition(key or b"", partition_count)
    if partitioner == "fnv1a_random":
        return None if key is None else _fnv1a_partition(key, partition_count)
    if partitioner == "random":
        return None
    raise InvalidArgument(
        f"partitioner must be one of {', '.join(PARTITIONERS)} or {JAVA_DEFAULT}, "
        f"not {partitioner!r}"
    )


def random_is_sticky(partitioner: str, key: bytes | None) -> bool:
    """Whether a random choice for ``key`` is the topic's sticky partition.

    librdkafka and the Java client keep one random partition for null-key records (and,
    with ``consistent_random``, empty-key records) until ``sticky.partitioning.linger.ms``
    (librdkafka: 10 ms) has passed; the ``random`` partitioner draws per message for keyed
    records. Observed on librdkafka 2.16 once the topic's metadata is known (messages
    produced before that wait unpartitioned and are spread when it arrives). mqsim: the
    caller keeps the sticky partition and its timer; this only says which rule applies.
    """
    if partitioner not in PARTITIONERS and partitioner != JAVA_DEFAULT:
        raise InvalidArgument(
            f"partitioner must be one of {', '.join(PARTITIONERS)} or {JAVA_DEFAULT}, "
            f"not {partitioner!r}"
        )
    return key is None or (key == b"" and partitioner == "consistent_random")
