"""Kafka and librdkafka error codes: one consistent table with librdkafka's names and texts."""

import pytest

from mqsim.kafka import codes
from mqsim.kafka.codes import ALIASES, ERRORS, ErrorCode, by_code, by_name
from mqsim.sim import InvalidArgument


def test_names_and_codes_are_unique_and_ordered() -> None:
    """Each name and each number appears once; the table is in numeric order."""
    assert len({e.name for e in ERRORS}) == len(ERRORS)
    assert len({e.code for e in ERRORS}) == len(ERRORS)
    assert [e.code for e in ERRORS] == sorted(e.code for e in ERRORS)


def test_local_codes_are_negative_underscored_and_local_texts() -> None:
    """librdkafka's own codes are negative, start with '_' and say 'Local:' (but one)."""
    for e in ERRORS:
        assert e.local == (e.code < 0)
        if e.code < -1:
            assert e.name.startswith("_"), e
            # _PARTITION_EOF is the one local code librdkafka describes as "Broker: ...".
            assert e.description.startswith("Local: ") or e.name == "_PARTITION_EOF", e
        elif e.code > 0:
            assert not e.name.startswith("_"), e
            assert e.description.startswith("Broker: "), e


@pytest.mark.parametrize(
    ("name", "code", "text"),
    [
        ("OFFSET_OUT_OF_RANGE", 1, "Broker: Offset out of range"),
        ("UNKNOWN_TOPIC_OR_PART", 3, "Broker: Unknown topic or partition"),
        ("NOT_LEADER_FOR_PARTITION", 6, "Broker: Not leader for partition"),
        ("REQUEST_TIMED_OUT", 7, "Broker: Request timed out"),
        ("MSG_SIZE_TOO_LARGE", 10, "Broker: Message size too large"),
        ("TOPIC_EXCEPTION", 17, "Broker: Invalid topic"),
        ("NOT_ENOUGH_REPLICAS", 19, "Broker: Not enough in-sync replicas"),
        ("ILLEGAL_GENERATION", 22, "Broker: Specified group generation id is not valid"),
        ("UNKNOWN_MEMBER_ID", 25, "Broker: Unknown member"),
        ("REBALANCE_IN_PROGRESS", 27, "Broker: Group rebalance in progress"),
        ("TOPIC_ALREADY_EXISTS", 36, "Broker: Topic already exists"),
        ("DUPLICATE_SEQUENCE_NUMBER", 46, "Broker: Broker received a duplicate sequence number"),
        ("_PARTITION_EOF", -191, "Broker: No more messages"),
        ("_MSG_TIMED_OUT", -192, "Local: Message timed out"),
        ("_TIMED_OUT", -185, "Local: Timed out"),
        ("_AUTO_OFFSET_RESET", -140, "Local: No offset to automatically reset to"),
        ("_NO_OFFSET", -168, "Local: No offset stored"),
        ("_INVALID_ARG", -186, "Local: Invalid argument or configuration"),
        ("_ASSIGNMENT_LOST", -142, "Local: Group partition assignment lost"),
        ("_TRANSPORT", -195, "Local: Broker transport failure"),
        ("_DESTROY", -197, "Local: Broker handle destroyed for termination"),
        ("NO_ERROR", 0, "Success"),
    ],
)
def test_known_entries(name: str, code: int, text: str) -> None:
    """Numbers and rd_kafka_err2str texts as confluent-kafka 2.16.1 reports them."""
    entry = by_name(name)
    assert (entry.code, entry.description) == (code, text)
    assert by_code(code) is entry
    assert getattr(codes, name) is entry


def test_java_names_are_aliases() -> None:
    """The Java client's names find the same entries; librdkafka's name is canonical."""
    assert by_name("INVALID_TOPIC_EXCEPTION").name == "TOPIC_EXCEPTION"
    assert by_name("NOT_LEADER_OR_FOLLOWER") is codes.NOT_LEADER_FOR_PARTITION
    assert by_name("MESSAGE_TOO_LARGE").code == 10
    assert codes.INVALID_TOPIC_EXCEPTION is codes.TOPIC_EXCEPTION
    for alias, name in ALIASES.items():
        assert alias not in {e.name for e in ERRORS}
        assert by_name(alias) is by_name(name)


def test_flags() -> None:
    """Leader and replica trouble is retriable; fencing is fatal; bad input is neither."""
    for name in ("NOT_LEADER_FOR_PARTITION", "NOT_ENOUGH_REPLICAS", "REQUEST_TIMED_OUT"):
        assert by_name(name).retriable
        assert not by_name(name).fatal
    for name in ("_FATAL", "_FENCED", "FENCED_INSTANCE_ID", "PRODUCER_FENCED"):
        assert by_name(name).fatal
    for name in ("TOPIC_EXCEPTION", "MSG_SIZE_TOO_LARGE", "_MSG_TIMED_OUT", "_INVALID_ARG"):
        assert not by_name(name).retriable
        assert not by_name(name).fatal
    assert not any(e.retriable and e.fatal for e in ERRORS)


def test_unknown_lookups_name_the_field() -> None:
    """An unknown name or number is mqsim's own bad input."""
    with pytest.raises(InvalidArgument, match="name"):
        by_name("NO_SUCH_ERROR")
    with pytest.raises(InvalidArgument, match="code"):
        by_code(9999)


def test_entries_are_frozen_records() -> None:
    """Entries are immutable values."""
    entry = ErrorCode("X", 1, "d", retriable=False)
    assert entry.fatal is False
    with pytest.raises(AttributeError):
        entry.code = 2  # type: ignore[misc]
