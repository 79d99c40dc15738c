"""Kafka broker error codes and librdkafka's local codes, as data.

Kafka: every broker response carries an error code (``UNKNOWN_TOPIC_OR_PART`` = 3,
``NOT_LEADER_FOR_PARTITION`` = 6, ...). librdkafka adds local codes below zero for what the
client itself detects (``_MSG_TIMED_OUT`` = -192, ``_PARTITION_EOF`` = -191, ...). Names are
librdkafka's (``confluent_kafka.KafkaError.<NAME>``, ``KafkaError.name()``), descriptions
are ``rd_kafka_err2str()`` (``KafkaError.str()`` of a bare code), both taken from
confluent-kafka 2.16.1 / librdkafka 2.16.0 and hard-coded here; the Java client's names
for the same codes (``INVALID_TOPIC_EXCEPTION``, ``NOT_LEADER_OR_FOLLOWER``, ...) are
accepted by :func:`by_name` as aliases.

Flags: ``retriable`` is the Kafka protocol's classification (Java's ``RetriableException``
family; librdkafka retries these internally, e.g. a produce answered
``NOT_ENOUGH_REPLICAS``) plus the local codes librdkafka retries (``_TRANSPORT``,
``_TIMED_OUT``, ...). confluent-kafka's ``KafkaError.retriable()`` is a per-error flag that
librdkafka sets only on errors of its transactional and admin APIs: delivery-report,
``poll()`` and ``produce()`` errors read ``retriable() == False`` (see the oracle's
errors.json), so a facade copies this flag only where librdkafka would. ``fatal`` marks
the codes librdkafka raises as fatal errors (the client instance is unusable afterwards:
``_FATAL``, a fenced producer or static member).

Module constants hold the entries (``codes.MSG_SIZE_TOO_LARGE.code == 10``), local ones
keep librdkafka's leading underscore (``codes._MSG_TIMED_OUT``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mqsim.sim import InvalidArgument


@dataclass(frozen=True)
class ErrorCode:
    """One error: librdkafka's ``name``, the numeric ``code`` and ``rd_kafka_err2str`` text."""

    name: str
    code: int
    description: str
    retriable: bool
    fatal: bool = False

    @property
    def local(self) -> bool:
        """Whether librdkafka raises this itself (negative codes) rather than a broker."""
        return self.code < 0


# (name, code, description) exactly as confluent-kafka 2.16.1 reports them.
_TABLE: tuple[tuple[str, int, str], ...] = (
    ("_BAD_MSG", -199, "Local: Bad message format"),
    ("_BAD_COMPRESSION", -198, "Local: Invalid compressed data"),
    ("_DESTROY", -197, "Local: Broker handle destroyed for termination"),
    ("_FAIL", -196, "Local: Communication failure with broker"),
    ("_TRANSPORT", -195, "Local: Broker transport failure"),
    ("_CRIT_SYS_RESOURCE", -194, "Local: Critical system resource failure"),
    ("_RESOLVE", -193, "Local: Host resolution failure"),
    ("_MSG_TIMED_OUT", -192, "Local: Message timed out"),
    ("_PARTITION_EOF", -191, "Broker: No more messages"),
    ("_UNKNOWN_PARTITION", -190, "Local: Unknown partition"),
    ("_FS", -189, "Local: File or filesystem error"),
    ("_UNKNOWN_TOPIC", -188, "Local: Unknown topic"),
    ("_ALL_BROKERS_DOWN", -187, "Local: All broker connections are down"),
    ("_INVALID_ARG", -186, "Local: Invalid argument or configuration"),
    ("_TIMED_OUT", -185, "Local: Timed out"),
    ("_QUEUE_FULL", -184, "Local: Queue full"),
    ("_ISR_INSUFF", -183, "Local: ISR count insufficient"),
    ("_NODE_UPDATE", -182, "Local: Broker node update"),
    ("_SSL", -181, "Local: SSL error"),
    ("_WAIT_COORD", -180, "Local: Waiting for coordinator"),
    ("_UNKNOWN_GROUP", -179, "Local: Unknown group"),
    ("_IN_PROGRESS", -178, "Local: Operation in progress"),
    ("_PREV_IN_PROGRESS", -177, "Local: Previous operation in progress"),
    ("_EXISTING_SUBSCRIPTION", -176, "Local: Existing subscription"),
    ("_ASSIGN_PARTITIONS", -175, "Local: Assign partitions"),
    ("_REVOKE_PARTITIONS", -174, "Local: Revoke partitions"),
    ("_CONFLICT", -173, "Local: Conflicting use"),
    ("_STATE", -172, "Local: Erroneous state"),
    ("_UNKNOWN_PROTOCOL", -171, "Local: Unknown protocol"),
    ("_NOT_IMPLEMENTED", -170, "Local: Not implemented"),
    ("_AUTHENTICATION", -169, "Local: Authentication failure"),
    ("_NO_OFFSET", -168, "Local: No offset stored"),
    ("_OUTDATED", -167, "Local: Outdated"),
    ("_TIMED_OUT_QUEUE", -166, "Local: Timed out in queue"),
    ("_UNSUPPORTED_FEATURE", -165, "Local: Required feature not supported by broker"),
    ("_WAIT_CACHE", -164, "Local: Awaiting cache update"),
    ("_INTR", -163, "Local: Operation interrupted"),
    ("_KEY_SERIALIZATION", -162, "Local: Key serialization error"),
    ("_VALUE_SERIALIZATION", -161, "Local: Value serialization error"),
    ("_KEY_DESERIALIZATION", -160, "Local: Key deserialization error"),
    ("_VALUE_DESERIALIZATION", -159, "Local: Value deserialization error"),
    ("_PARTIAL", -158, "Local: Partial response"),
    ("_READ_ONLY", -157, "Local: Read-only object"),
    ("_NOENT", -156, "Local: No such entry"),
    ("_UNDERFLOW", -155, "Local: Read underflow"),
    ("_INVALID_TYPE", -154, "Local: Invalid type"),
    ("_RETRY", -153, "Local: Retry operation"),
    ("_PURGE_QUEUE", -152, "Local: Purged in queue"),
    ("_PURGE_INFLIGHT", -151, "Local: Purged in flight"),
    ("_FATAL", -150, "Local: Fatal error"),
    ("_INCONSISTENT", -149, "Local: Inconsistent state"),
    ("_GAPLESS_GUARANTEE", -148, "Local: Gap-less ordering would not be guaranteed if proceeding"),
    (
        "_MAX_POLL_EXCEEDED",
        -147,
        "Local: Maximum application poll interval (max.poll.interval.ms) exceeded",
    ),
    ("_UNKNOWN_BROKER", -146, "Local: Unknown broker"),
    ("_NOT_CONFIGURED", -145, "Local: Functionality not configured"),
    ("_FENCED", -144, "Local: This instance has been fenced by a newer instance"),
    ("_APPLICATION", -143, "Local: Application generated error"),
    ("_ASSIGNMENT_LOST", -142, "Local: Group partition assignment lost"),
    ("_NOOP", -141, "Local: No operation performed"),
    ("_AUTO_OFFSET_RESET", -140, "Local: No offset to automatically reset to"),
    ("_LOG_TRUNCATION", -139, "Local: Partition log truncation detected"),
    (
        "_INVALID_DIFFERENT_RECORD",
        -138,
        "Local: an invalid record in the same batch caused the failure of this message too",
    ),
    ("_DESTROY_BROKER", -137, "Local: Broker handle destroyed without termination"),
    ("UNKNOWN", -1, "Unknown broker error"),
    ("NO_ERROR", 0, "Success"),
    ("OFFSET_OUT_OF_RANGE", 1, "Broker: Offset out of range"),
    ("INVALID_MSG", 2, "Broker: Invalid message"),
    ("UNKNOWN_TOPIC_OR_PART", 3, "Broker: Unknown topic or partition"),
    ("INVALID_MSG_SIZE", 4, "Broker: Invalid message size"),
    ("LEADER_NOT_AVAILABLE", 5, "Broker: Leader not available"),
    ("NOT_LEADER_FOR_PARTITION", 6, "Broker: Not leader for partition"),
    ("REQUEST_TIMED_OUT", 7, "Broker: Request timed out"),
    ("BROKER_NOT_AVAILABLE", 8, "Broker: Broker not available"),
    ("REPLICA_NOT_AVAILABLE", 9, "Broker: Replica not available"),
    ("MSG_SIZE_TOO_LARGE", 10, "Broker: Message size too large"),
    ("STALE_CTRL_EPOCH", 11, "Broker: StaleControllerEpochCode"),
    ("OFFSET_METADATA_TOO_LARGE", 12, "Broker: Offset metadata string too large"),
    ("NETWORK_EXCEPTION", 13, "Broker: Broker disconnected before response received"),
    ("COORDINATOR_LOAD_IN_PROGRESS", 14, "Broker: Coordinator load in progress"),
    ("COORDINATOR_NOT_AVAILABLE", 15, "Broker: Coordinator not available"),
    ("NOT_COORDINATOR", 16, "Broker: Not coordinator"),
    ("TOPIC_EXCEPTION", 17, "Broker: Invalid topic"),
    (
        "RECORD_LIST_TOO_LARGE",
        18,
        "Broker: Message batch larger than configured server segment size",
    ),
    ("NOT_ENOUGH_REPLICAS", 19, "Broker: Not enough in-sync replicas"),
    (
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        20,
        "Broker: Message(s) written to insufficient number of in-sync replicas",
    ),
    ("INVALID_REQUIRED_ACKS", 21, "Broker: Invalid required acks value"),
    ("ILLEGAL_GENERATION", 22, "Broker: Specified group generation id is not valid"),
    ("INCONSISTENT_GROUP_PROTOCOL", 23, "Broker: Inconsistent group protocol"),
    ("INVALID_GROUP_ID", 24, "Broker: Invalid group.id"),
    ("UNKNOWN_MEMBER_ID", 25, "Broker: Unknown member"),
    ("INVALID_SESSION_TIMEOUT", 26, "Broker: Invalid session timeout"),
    ("REBALANCE_IN_PROGRESS", 27, "Broker: Group rebalance in progress"),
    ("INVALID_COMMIT_OFFSET_SIZE", 28, "Broker: Commit offset data size is not valid"),
    ("TOPIC_AUTHORIZATION_FAILED", 29, "Broker: Topic authorization failed"),
    ("GROUP_AUTHORIZATION_FAILED", 30, "Broker: Group authorization failed"),
    ("CLUSTER_AUTHORIZATION_FAILED", 31, "Broker: Cluster authorization failed"),
    ("INVALID_TIMESTAMP", 32, "Broker: Invalid timestamp"),
    ("UNSUPPORTED_SASL_MECHANISM", 33, "Broker: Unsupported SASL mechanism"),
    ("ILLEGAL_SASL_STATE", 34, "Broker: Request not valid in current SASL state"),
    ("UNSUPPORTED_VERSION", 35, "Broker: API version not supported"),
    ("TOPIC_ALREADY_EXISTS", 36, "Broker: Topic already exists"),
    ("INVALID_PARTITIONS", 37, "Broker: Invalid number of partitions"),
    ("INVALID_REPLICATION_FACTOR", 38, "Broker: Invalid replication factor"),
    ("INVALID_REPLICA_ASSIGNMENT", 39, "Broker: Invalid replica assignment"),
    ("INVALID_CONFIG", 40, "Broker: Configuration is invalid"),
    ("NOT_CONTROLLER", 41, "Broker: Not controller for cluster"),
    ("INVALID_REQUEST", 42, "Broker: Invalid request"),
    (
        "UNSUPPORTED_FOR_MESSAGE_FORMAT",
        43,
        "Broker: Message format on broker does not support request",
    ),
    ("POLICY_VIOLATION", 44, "Broker: Policy violation"),
    ("OUT_OF_ORDER_SEQUENCE_NUMBER", 45, "Broker: Broker received an out of order sequence number"),
    ("DUPLICATE_SEQUENCE_NUMBER", 46, "Broker: Broker received a duplicate sequence number"),
    ("INVALID_PRODUCER_EPOCH", 47, "Broker: Producer attempted an operation with an old epoch"),
    (
        "INVALID_TXN_STATE",
        48,
        "Broker: Producer attempted a transactional operation in an invalid state",
    ),
    (
        "INVALID_PRODUCER_ID_MAPPING",
        49,
        "Broker: Producer attempted to use a producer id which is not currently assigned "
        "to its transactional id",
    ),
    (
        "INVALID_TRANSACTION_TIMEOUT",
        50,
        "Broker: Transaction timeout is larger than the maximum value allowed by the "
        "broker's max.transaction.timeout.ms",
    ),
    (
        "CONCURRENT_TRANSACTIONS",
        51,
        "Broker: Producer attempted to update a transaction while another concurrent "
        "operation on the same transaction was ongoing",
    ),
    (
        "TRANSACTION_COORDINATOR_FENCED",
        52,
        "Broker: Indicates that the transaction coordinator sending a WriteTxnMarker is "
        "no longer the current coordinator for a given producer",
    ),
    ("TRANSACTIONAL_ID_AUTHORIZATION_FAILED", 53, "Broker: Transactional Id authorization failed"),
    ("SECURITY_DISABLED", 54, "Broker: Security features are disabled"),
    ("OPERATION_NOT_ATTEMPTED", 55, "Broker: Operation not attempted"),
    ("KAFKA_STORAGE_ERROR", 56, "Broker: Disk error when trying to access log file on disk"),
    (
        "LOG_DIR_NOT_FOUND",
        57,
        "Broker: The user-specified log directory is not found in the broker config",
    ),
    ("SASL_AUTHENTICATION_FAILED", 58, "Broker: SASL Authentication failed"),
    ("UNKNOWN_PRODUCER_ID", 59, "Broker: Unknown Producer Id"),
    ("REASSIGNMENT_IN_PROGRESS", 60, "Broker: Partition reassignment is in progress"),
    ("DELEGATION_TOKEN_AUTH_DISABLED", 61, "Broker: Delegation Token feature is not enabled"),
    ("DELEGATION_TOKEN_NOT_FOUND", 62, "Broker: Delegation Token is not found on server"),
    (
        "DELEGATION_TOKEN_OWNER_MISMATCH",
        63,
        "Broker: Specified Principal is not valid Owner/Renewer",
    ),
    (
        "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
        64,
        "Broker: Delegation Token requests are not allowed on this connection",
    ),
    ("DELEGATION_TOKEN_AUTHORIZATION_FAILED", 65, "Broker: Delegation Token authorization failed"),
    ("DELEGATION_TOKEN_EXPIRED", 66, "Broker: Delegation Token is expired"),
    ("INVALID_PRINCIPAL_TYPE", 67, "Broker: Supplied principalType is not supported"),
    ("NON_EMPTY_GROUP", 68, "Broker: The group is not empty"),
    ("GROUP_ID_NOT_FOUND", 69, "Broker: The group id does not exist"),
    ("FETCH_SESSION_ID_NOT_FOUND", 70, "Broker: The fetch session ID was not found"),
    ("INVALID_FETCH_SESSION_EPOCH", 71, "Broker: The fetch session epoch is invalid"),
    ("LISTENER_NOT_FOUND", 72, "Broker: No matching listener"),
    ("TOPIC_DELETION_DISABLED", 73, "Broker: Topic deletion is disabled"),
    ("FENCED_LEADER_EPOCH", 74, "Broker: Leader epoch is older than broker epoch"),
    ("UNKNOWN_LEADER_EPOCH", 75, "Broker: Leader epoch is newer than broker epoch"),
    ("UNSUPPORTED_COMPRESSION_TYPE", 76, "Broker: Unsupported compression type"),
    ("STALE_BROKER_EPOCH", 77, "Broker: Broker epoch has changed"),
    ("OFFSET_NOT_AVAILABLE", 78, "Broker: Leader high watermark is not caught up"),
    ("MEMBER_ID_REQUIRED", 79, "Broker: Group member needs a valid member ID"),
    ("PREFERRED_LEADER_NOT_AVAILABLE", 80, "Broker: Preferred leader was not available"),
    ("GROUP_MAX_SIZE_REACHED", 81, "Broker: Consumer group has reached maximum size"),
    (
        "FENCED_INSTANCE_ID",
        82,
        "Broker: Static consumer fenced by other consumer with same group.instance.id",
    ),
    ("ELIGIBLE_LEADERS_NOT_AVAILABLE", 83, "Broker: Eligible partition leaders are not available"),
    ("ELECTION_NOT_NEEDED", 84, "Broker: Leader election not needed for topic partition"),
    ("NO_REASSIGNMENT_IN_PROGRESS", 85, "Broker: No partition reassignment is in progress"),
    (
        "GROUP_SUBSCRIBED_TO_TOPIC",
        86,
        "Broker: Deleting offsets of a topic while the consumer group is subscribed to it",
    ),
    ("INVALID_RECORD", 87, "Broker: Broker failed to validate record"),
    ("UNSTABLE_OFFSET_COMMIT", 88, "Broker: There are unstable offsets that need to be cleared"),
    ("THROTTLING_QUOTA_EXCEEDED", 89, "Broker: Throttling quota has been exceeded"),
    (
        "PRODUCER_FENCED",
        90,
        "Broker: There is a newer producer with the same transactionalId which fences the"
        " current one",
    ),
    (
        "RESOURCE_NOT_FOUND",
        91,
        "Broker: Request illegally referred to resource that does not exist",
    ),
    ("DUPLICATE_RESOURCE", 92, "Broker: Request illegally referred to the same resource twice"),
    (
        "UNACCEPTABLE_CREDENTIAL",
        93,
        "Broker: Requested credential would not meet criteria for acceptability",
    ),
    (
        "INCONSISTENT_VOTER_SET",
        94,
        "Broker: Indicates that the either the sender or recipient of a voter-only "
        "request is not one of the expected voters",
    ),
    ("INVALID_UPDATE_VERSION", 95, "Broker: Invalid update version"),
    (
        "FEATURE_UPDATE_FAILED",
        96,
        "Broker: Unable to update finalized features due to server error",
    ),
    (
        "PRINCIPAL_DESERIALIZATION_FAILURE",
        97,
        "Broker: Request principal deserialization failed during forwarding",
    ),
    ("UNKNOWN_TOPIC_ID", 100, "Broker: Unknown topic id"),
    (
        "INCONSISTENT_TOPIC_ID",
        103,
        "Broker: The log's topic ID did not match the topic ID in the request",
    ),
    ("FENCED_MEMBER_EPOCH", 110, "Broker: The member epoch is fenced by the group coordinator"),
    (
        "UNRELEASED_INSTANCE_ID",
        111,
        "Broker: The instance ID is still used by another member in the consumer group",
    ),
    (
        "UNSUPPORTED_ASSIGNOR",
        112,
        "Broker: The assignor or its version range is not supported by the consumer group",
    ),
    ("STALE_MEMBER_EPOCH", 113, "Broker: The member epoch is stale"),
    (
        "MISMATCHED_ENDPOINT_TYPE",
        114,
        "Broker: The request was sent to an endpoint of the wrong type",
    ),
    ("UNSUPPORTED_ENDPOINT_TYPE", 115, "Broker: This endpoint type is not supported yet"),
    ("UNKNOWN_CONTROLLER_ID", 116, "Broker: This controller ID is not known"),
    (
        "UNKNOWN_SUBSCRIPTION_ID",
        117,
        "Broker: Client sent a push telemetry request with an invalid or outdated subscription ID",
    ),
    (
        "TELEMETRY_TOO_LARGE",
        118,
        "Broker: Client sent a push telemetry request larger than the maximum size the "
        "broker will accept",
    ),
    (
        "INVALID_REGISTRATION",
        119,
        "Broker: The controller has considered the broker registration to be invalid",
    ),
    ("TRANSACTION_ABORTABLE", 120, "Broker: The server encountered an error with the transaction"),
    ("INVALID_RECORD_STATE", 121, "Broker: The record state is invalid"),
    ("SHARE_SESSION_NOT_FOUND", 122, "Broker: The share session was not found"),
    ("INVALID_SHARE_SESSION_EPOCH", 123, "Broker: The share session epoch is invalid"),
    ("FENCED_STATE_EPOCH", 124, "Broker: The share-group state epoch did not match"),
    ("INVALID_VOTER_KEY", 125, "Broker: The voter key doesn't match the receiving replica's key"),
    ("DUPLICATE_VOTER", 126, "Broker: The voter is already part of the set of voters"),
    ("VOTER_NOT_FOUND", 127, "Broker: The voter is not part of the set of voters"),
    ("INVALID_REGULAR_EXPRESSION", 128, "Broker: The regular expression is not valid"),
    (
        "REBOOTSTRAP_REQUIRED",
        129,
        "Broker: Client metadata is stale, client should rebootstrap to obtain new metadata",
    ),
    ("STREAMS_INVALID_TOPOLOGY", 130, "Broker: The supplied topology is invalid"),
    ("STREAMS_INVALID_TOPOLOGY_EPOCH", 131, "Broker: The supplied topology epoch is invalid"),
    ("STREAMS_TOPOLOGY_FENCED", 132, "Broker: The supplied topology epoch is outdated"),
    ("SHARE_SESSION_LIMIT_REACHED", 133, "Broker: The limit of share sessions has been reached"),
)

_RETRIABLE_NAMES = frozenset(
    {
        # Broker codes of Kafka's RetriableException family (and CONCURRENT_TRANSACTIONS,
        # which librdkafka's transaction manager retries).
        "INVALID_MSG",
        "UNKNOWN_TOPIC_OR_PART",
        "LEADER_NOT_AVAILABLE",
        "NOT_LEADER_FOR_PARTITION",
        "REQUEST_TIMED_OUT",
        "REPLICA_NOT_AVAILABLE",
        "NETWORK_EXCEPTION",
        "COORDINATOR_LOAD_IN_PROGRESS",
        "COORDINATOR_NOT_AVAILABLE",
        "NOT_COORDINATOR",
        "NOT_ENOUGH_REPLICAS",
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        "NOT_CONTROLLER",
        "CONCURRENT_TRANSACTIONS",
        "KAFKA_STORAGE_ERROR",
        "FETCH_SESSION_ID_NOT_FOUND",
        "INVALID_FETCH_SESSION_EPOCH",
        "LISTENER_NOT_FOUND",
        "FENCED_LEADER_EPOCH",
        "UNKNOWN_LEADER_EPOCH",
        "OFFSET_NOT_AVAILABLE",
        "PREFERRED_LEADER_NOT_AVAILABLE",
        "ELIGIBLE_LEADERS_NOT_AVAILABLE",
        "UNSTABLE_OFFSET_COMMIT",
        "THROTTLING_QUOTA_EXCEEDED",
        "UNKNOWN_TOPIC_ID",
        "INCONSISTENT_TOPIC_ID",
        # Local conditions librdkafka retries by itself.
        "_TRANSPORT",
        "_TIMED_OUT",
        "_WAIT_COORD",
        "_WAIT_CACHE",
        "_RETRY",
    }
)

_FATAL_NAMES = frozenset(
    {
        "_FATAL",
        "_FENCED",
        "FENCED_INSTANCE_ID",
        "PRODUCER_FENCED",
        "INVALID_PRODUCER_EPOCH",
        "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    }
)

ALIASES: dict[str, str] = {
    # The Java client's (org.apache.kafka.common.protocol.Errors) names.
    "NONE": "NO_ERROR",
    "UNKNOWN_SERVER_ERROR": "UNKNOWN",
    "CORRUPT_MESSAGE": "INVALID_MSG",
    "UNKNOWN_TOPIC_OR_PARTITION": "UNKNOWN_TOPIC_OR_PART",
    "INVALID_FETCH_SIZE": "INVALID_MSG_SIZE",
    "NOT_LEADER_OR_FOLLOWER": "NOT_LEADER_FOR_PARTITION",
    "MESSAGE_TOO_LARGE": "MSG_SIZE_TOO_LARGE",
    "STALE_CONTROLLER_EPOCH": "STALE_CTRL_EPOCH",
    "INVALID_TOPIC_EXCEPTION": "TOPIC_EXCEPTION",
    # Older librdkafka names (rdkafka.h keeps them as #defines).
    "GROUP_LOAD_IN_PROGRESS": "COORDINATOR_LOAD_IN_PROGRESS",
    "GROUP_COORDINATOR_NOT_AVAILABLE": "COORDINATOR_NOT_AVAILABLE",
    "NOT_COORDINATOR_FOR_GROUP": "NOT_COORDINATOR",
}
"""Other names for the same codes -> librdkafka's name."""

ERRORS: tuple[ErrorCode, ...] = tuple(
    ErrorCode(name, code, text, name in _RETRIABLE_NAMES, name in _FATAL_NAMES)
    for name, code, text in _TABLE
)
"""Every known code, in numeric order."""

_BY_NAME = {e.name: e for e in ERRORS}
_BY_CODE = {e.code: e for e in ERRORS}


def by_name(name: str) -> ErrorCode:
    """The entry for a librdkafka name (``"_MSG_TIMED_OUT"``) or a Java alias."""
    entry = _BY_NAME.get(ALIASES.get(name, name))
    if entry is None:
        raise InvalidArgument(f"name: no Kafka error code is called {name!r}")
    return entry


def by_code(code: int) -> ErrorCode:
    """The entry for a numeric code (``3`` -> ``UNKNOWN_TOPIC_OR_PART``)."""
    entry = _BY_CODE.get(code)
    if entry is None:
        raise InvalidArgument(f"code: no Kafka error has code {code!r}")
    return entry


_BAD_MSG = _BY_NAME["_BAD_MSG"]
_BAD_COMPRESSION = _BY_NAME["_BAD_COMPRESSION"]
_DESTROY = _BY_NAME["_DESTROY"]
_FAIL = _BY_NAME["_FAIL"]
_TRANSPORT = _BY_NAME["_TRANSPORT"]
_CRIT_SYS_RESOURCE = _BY_NAME["_CRIT_SYS_RESOURCE"]
_RESOLVE = _BY_NAME["_RESOLVE"]
_MSG_TIMED_OUT = _BY_NAME["_MSG_TIMED_OUT"]
_PARTITION_EOF = _BY_NAME["_PARTITION_EOF"]
_UNKNOWN_PARTITION = _BY_NAME["_UNKNOWN_PARTITION"]
_FS = _BY_NAME["_FS"]
_UNKNOWN_TOPIC = _BY_NAME["_UNKNOWN_TOPIC"]
_ALL_BROKERS_DOWN = _BY_NAME["_ALL_BROKERS_DOWN"]
_INVALID_ARG = _BY_NAME["_INVALID_ARG"]
_TIMED_OUT = _BY_NAME["_TIMED_OUT"]
_QUEUE_FULL = _BY_NAME["_QUEUE_FULL"]
_ISR_INSUFF = _BY_NAME["_ISR_INSUFF"]
_NODE_UPDATE = _BY_NAME["_NODE_UPDATE"]
_SSL = _BY_NAME["_SSL"]
_WAIT_COORD = _BY_NAME["_WAIT_COORD"]
_UNKNOWN_GROUP = _BY_NAME["_UNKNOWN_GROUP"]
_IN_PROGRESS = _BY_NAME["_IN_PROGRESS"]
_PREV_IN_PROGRESS = _BY_NAME["_PREV_IN_PROGRESS"]
_EXISTING_SUBSCRIPTION = _BY_NAME["_EXISTING_SUBSCRIPTION"]
_ASSIGN_PARTITIONS = _BY_NAME["_ASSIGN_PARTITIONS"]
_REVOKE_PARTITIONS = _BY_NAME["_REVOKE_PARTITIONS"]
_CONFLICT = _BY_NAME["_CONFLICT"]
_STATE = _BY_NAME["_STATE"]
_UNKNOWN_PROTOCOL = _BY_NAME["_UNKNOWN_PROTOCOL"]
_NOT_IMPLEMENTED = _BY_NAME["_NOT_IMPLEMENTED"]
_AUTHENTICATION = _BY_NAME["_AUTHENTICATION"]
_NO_OFFSET = _BY_NAME["_NO_OFFSET"]
_OUTDATED = _BY_NAME["_OUTDATED"]
_TIMED_OUT_QUEUE = _BY_NAME["_TIMED_OUT_QUEUE"]
_UNSUPPORTED_FEATURE = _BY_NAME["_UNSUPPORTED_FEATURE"]
_WAIT_CACHE = _BY_NAME["_WAIT_CACHE"]
_INTR = _BY_NAME["_INTR"]
_KEY_SERIALIZATION = _BY_NAME["_KEY_SERIALIZATION"]
_VALUE_SERIALIZATION = _BY_NAME["_VALUE_SERIALIZATION"]
_KEY_DESERIALIZATION = _BY_NAME["_KEY_DESERIALIZATION"]
_VALUE_DESERIALIZATION = _BY_NAME["_VALUE_DESERIALIZATION"]
_PARTIAL = _BY_NAME["_PARTIAL"]
_READ_ONLY = _BY_NAME["_READ_ONLY"]
_NOENT = _BY_NAME["_NOENT"]
_UNDERFLOW = _BY_NAME["_UNDERFLOW"]
_INVALID_TYPE = _BY_NAME["_INVALID_TYPE"]
_RETRY = _BY_NAME["_RETRY"]
_PURGE_QUEUE = _BY_NAME["_PURGE_QUEUE"]
_PURGE_INFLIGHT = _BY_NAME["_PURGE_INFLIGHT"]
_FATAL = _BY_NAME["_FATAL"]
_INCONSISTENT = _BY_NAME["_INCONSISTENT"]
_GAPLESS_GUARANTEE = _BY_NAME["_GAPLESS_GUARANTEE"]
_MAX_POLL_EXCEEDED = _BY_NAME["_MAX_POLL_EXCEEDED"]
_UNKNOWN_BROKER = _BY_NAME["_UNKNOWN_BROKER"]
_NOT_CONFIGURED = _BY_NAME["_NOT_CONFIGURED"]
_FENCED = _BY_NAME["_FENCED"]
_APPLICATION = _BY_NAME["_APPLICATION"]
_ASSIGNMENT_LOST = _BY_NAME["_ASSIGNMENT_LOST"]
_NOOP = _BY_NAME["_NOOP"]
_AUTO_OFFSET_RESET = _BY_NAME["_AUTO_OFFSET_RESET"]
_LOG_TRUNCATION = _BY_NAME["_LOG_TRUNCATION"]
_INVALID_DIFFERENT_RECORD = _BY_NAME["_INVALID_DIFFERENT_RECORD"]
_DESTROY_BROKER = _BY_NAME["_DESTROY_BROKER"]
UNKNOWN = _BY_NAME["UNKNOWN"]
NO_ERROR = _BY_NAME["NO_ERROR"]
OFFSET_OUT_OF_RANGE = _BY_NAME["OFFSET_OUT_OF_RANGE"]
INVALID_MSG = _BY_NAME["INVALID_MSG"]
UNKNOWN_TOPIC_OR_PART = _BY_NAME["UNKNOWN_TOPIC_OR_PART"]
INVALID_MSG_SIZE = _BY_NAME["INVALID_MSG_SIZE"]
LEADER_NOT_AVAILABLE = _BY_NAME["LEADER_NOT_AVAILABLE"]
NOT_LEADER_FOR_PARTITION = _BY_NAME["NOT_LEADER_FOR_PARTITION"]
REQUEST_TIMED_OUT = _BY_NAME["REQUEST_TIMED_OUT"]
BROKER_NOT_AVAILABLE = _BY_NAME["BROKER_NOT_AVAILABLE"]
REPLICA_NOT_AVAILABLE = _BY_NAME["REPLICA_NOT_AVAILABLE"]
MSG_SIZE_TOO_LARGE = _BY_NAME["MSG_SIZE_TOO_LARGE"]
STALE_CTRL_EPOCH = _BY_NAME["STALE_CTRL_EPOCH"]
OFFSET_METADATA_TOO_LARGE = _BY_NAME["OFFSET_METADATA_TOO_LARGE"]
NETWORK_EXCEPTION = _BY_NAME["NETWORK_EXCEPTION"]
COORDINATOR_LOAD_IN_PROGRESS = _BY_NAME["COORDINATOR_LOAD_IN_PROGRESS"]
COORDINATOR_NOT_AVAILABLE = _BY_NAME["COORDINATOR_NOT_AVAILABLE"]
NOT_COORDINATOR = _BY_NAME["NOT_COORDINATOR"]
TOPIC_EXCEPTION = _BY_NAME["TOPIC_EXCEPTION"]
RECORD_LIST_TOO_LARGE = _BY_NAME["RECORD_LIST_TOO_LARGE"]
NOT_ENOUGH_REPLICAS = _BY_NAME["NOT_ENOUGH_REPLICAS"]
NOT_ENOUGH_REPLICAS_AFTER_APPEND = _BY_NAME["NOT_ENOUGH_REPLICAS_AFTER_APPEND"]
INVALID_REQUIRED_ACKS = _BY_NAME["INVALID_REQUIRED_ACKS"]
ILLEGAL_GENERATION = _BY_NAME["ILLEGAL_GENERATION"]
INCONSISTENT_GROUP_PROTOCOL = _BY_NAME["INCONSISTENT_GROUP_PROTOCOL"]
INVALID_GROUP_ID = _BY_NAME["INVALID_GROUP_ID"]
UNKNOWN_MEMBER_ID = _BY_NAME["UNKNOWN_MEMBER_ID"]
INVALID_SESSION_TIMEOUT = _BY_NAME["INVALID_SESSION_TIMEOUT"]
REBALANCE_IN_PROGRESS = _BY_NAME["REBALANCE_IN_PROGRESS"]
INVALID_COMMIT_OFFSET_SIZE = _BY_NAME["INVALID_COMMIT_OFFSET_SIZE"]
TOPIC_AUTHORIZATION_FAILED = _BY_NAME["TOPIC_AUTHORIZATION_FAILED"]
GROUP_AUTHORIZATION_FAILED = _BY_NAME["GROUP_AUTHORIZATION_FAILED"]
CLUSTER_AUTHORIZATION_FAILED = _BY_NAME["CLUSTER_AUTHORIZATION_FAILED"]
INVALID_TIMESTAMP = _BY_NAME["INVALID_TIMESTAMP"]
UNSUPPORTED_SASL_MECHANISM = _BY_NAME["UNSUPPORTED_SASL_MECHANISM"]
ILLEGAL_SASL_STATE = _BY_NAME["ILLEGAL_SASL_STATE"]
UNSUPPORTED_VERSION = _BY_NAME["UNSUPPORTED_VERSION"]
TOPIC_ALREADY_EXISTS = _BY_NAME["TOPIC_ALREADY_EXISTS"]
INVALID_PARTITIONS = _BY_NAME["INVALID_PARTITIONS"]
INVALID_REPLICATION_FACTOR = _BY_NAME["INVALID_REPLICATION_FACTOR"]
INVALID_REPLICA_ASSIGNMENT = _BY_NAME["INVALID_REPLICA_ASSIGNMENT"]
INVALID_CONFIG = _BY_NAME["INVALID_CONFIG"]
NOT_CONTROLLER = _BY_NAME["NOT_CONTROLLER"]
INVALID_REQUEST = _BY_NAME["INVALID_REQUEST"]
UNSUPPORTED_FOR_MESSAGE_FORMAT = _BY_NAME["UNSUPPORTED_FOR_MESSAGE_FORMAT"]
POLICY_VIOLATION = _BY_NAME["POLICY_VIOLATION"]
OUT_OF_ORDER_SEQUENCE_NUMBER = _BY_NAME["OUT_OF_ORDER_SEQUENCE_NUMBER"]
DUPLICATE_SEQUENCE_NUMBER = _BY_NAME["DUPLICATE_SEQUENCE_NUMBER"]
INVALID_PRODUCER_EPOCH = _BY_NAME["INVALID_PRODUCER_EPOCH"]
INVALID_TXN_STATE = _BY_NAME["INVALID_TXN_STATE"]
INVALID_PRODUCER_ID_MAPPING = _BY_NAME["INVALID_PRODUCER_ID_MAPPING"]
INVALID_TRANSACTION_TIMEOUT = _BY_NAME["INVALID_TRANSACTION_TIMEOUT"]
CONCURRENT_TRANSACTIONS = _BY_NAME["CONCURRENT_TRANSACTIONS"]
TRANSACTION_COORDINATOR_FENCED = _BY_NAME["TRANSACTION_COORDINATOR_FENCED"]
TRANSACTIONAL_ID_AUTHORIZATION_FAILED = _BY_NAME["TRANSACTIONAL_ID_AUTHORIZATION_FAILED"]
SECURITY_DISABLED = _BY_NAME["SECURITY_DISABLED"]
OPERATION_NOT_ATTEMPTED = _BY_NAME["OPERATION_NOT_ATTEMPTED"]
KAFKA_STORAGE_ERROR = _BY_NAME["KAFKA_STORAGE_ERROR"]
LOG_DIR_NOT_FOUND = _BY_NAME["LOG_DIR_NOT_FOUND"]
SASL_AUTHENTICATION_FAILED = _BY_NAME["SASL_AUTHENTICATION_FAILED"]
UNKNOWN_PRODUCER_ID = _BY_NAME["UNKNOWN_PRODUCER_ID"]
REASSIGNMENT_IN_PROGRESS = _BY_NAME["REASSIGNMENT_IN_PROGRESS"]
DELEGATION_TOKEN_AUTH_DISABLED = _BY_NAME["DELEGATION_TOKEN_AUTH_DISABLED"]
DELEGATION_TOKEN_NOT_FOUND = _BY_NAME["DELEGATION_TOKEN_NOT_FOUND"]
DELEGATION_TOKEN_OWNER_MISMATCH = _BY_NAME["DELEGATION_TOKEN_OWNER_MISMATCH"]
DELEGATION_TOKEN_REQUEST_NOT_ALLOWED = _BY_NAME["DELEGATION_TOKEN_REQUEST_NOT_ALLOWED"]
DELEGATION_TOKEN_AUTHORIZATION_FAILED = _BY_NAME["DELEGATION_TOKEN_AUTHORIZATION_FAILED"]
DELEGATION_TOKEN_EXPIRED = _BY_NAME["DELEGATION_TOKEN_EXPIRED"]
INVALID_PRINCIPAL_TYPE = _BY_NAME["INVALID_PRINCIPAL_TYPE"]
NON_EMPTY_GROUP = _BY_NAME["NON_EMPTY_GROUP"]
GROUP_ID_NOT_FOUND = _BY_NAME["GROUP_ID_NOT_FOUND"]
FETCH_SESSION_ID_NOT_FOUND = _BY_NAME["FETCH_SESSION_ID_NOT_FOUND"]
INVALID_FETCH_SESSION_EPOCH = _BY_NAME["INVALID_FETCH_SESSION_EPOCH"]
LISTENER_NOT_FOUND = _BY_NAME["LISTENER_NOT_FOUND"]
TOPIC_DELETION_DISABLED = _BY_NAME["TOPIC_DELETION_DISABLED"]
FENCED_LEADER_EPOCH = _BY_NAME["FENCED_LEADER_EPOCH"]
UNKNOWN_LEADER_EPOCH = _BY_NAME["UNKNOWN_LEADER_EPOCH"]
UNSUPPORTED_COMPRESSION_TYPE = _BY_NAME["UNSUPPORTED_COMPRESSION_TYPE"]
STALE_BROKER_EPOCH = _BY_NAME["STALE_BROKER_EPOCH"]
OFFSET_NOT_AVAILABLE = _BY_NAME["OFFSET_NOT_AVAILABLE"]
MEMBER_ID_REQUIRED = _BY_NAME["MEMBER_ID_REQUIRED"]
PREFERRED_LEADER_NOT_AVAILABLE = _BY_NAME["PREFERRED_LEADER_NOT_AVAILABLE"]
GROUP_MAX_SIZE_REACHED = _BY_NAME["GROUP_MAX_SIZE_REACHED"]
FENCED_INSTANCE_ID = _BY_NAME["FENCED_INSTANCE_ID"]
ELIGIBLE_LEADERS_NOT_AVAILABLE = _BY_NAME["ELIGIBLE_LEADERS_NOT_AVAILABLE"]
ELECTION_NOT_NEEDED = _BY_NAME["ELECTION_NOT_NEEDED"]
NO_REASSIGNMENT_IN_PROGRESS = _BY_NAME["NO_REASSIGNMENT_IN_PROGRESS"]
GROUP_SUBSCRIBED_TO_TOPIC = _BY_NAME["GROUP_SUBSCRIBED_TO_TOPIC"]
INVALID_RECORD = _BY_NAME["INVALID_RECORD"]
UNSTABLE_OFFSET_COMMIT = _BY_NAME["UNSTABLE_OFFSET_COMMIT"]
THROTTLING_QUOTA_EXCEEDED = _BY_NAME["THROTTLING_QUOTA_EXCEEDED"]
PRODUCER_FENCED = _BY_NAME["PRODUCER_FENCED"]
RESOURCE_NOT_FOUND = _BY_NAME["RESOURCE_NOT_FOUND"]
DUPLICATE_RESOURCE = _BY_NAME["DUPLICATE_RESOURCE"]
UNACCEPTABLE_CREDENTIAL = _BY_NAME["UNACCEPTABLE_CREDENTIAL"]
INCONSISTENT_VOTER_SET = _BY_NAME["INCONSISTENT_VOTER_SET"]
INVALID_UPDATE_VERSION = _BY_NAME["INVALID_UPDATE_VERSION"]
FEATURE_UPDATE_FAILED = _BY_NAME["FEATURE_UPDATE_FAILED"]
PRINCIPAL_DESERIALIZATION_FAILURE = _BY_NAME["PRINCIPAL_DESERIALIZATION_FAILURE"]
UNKNOWN_TOPIC_ID = _BY_NAME["UNKNOWN_TOPIC_ID"]
INCONSISTENT_TOPIC_ID = _BY_NAME["INCONSISTENT_TOPIC_ID"]
FENCED_MEMBER_EPOCH = _BY_NAME["FENCED_MEMBER_EPOCH"]
UNRELEASED_INSTANCE_ID = _BY_NAME["UNRELEASED_INSTANCE_ID"]
UNSUPPORTED_ASSIGNOR = _BY_NAME["UNSUPPORTED_ASSIGNOR"]
STALE_MEMBER_EPOCH = _BY_NAME["STALE_MEMBER_EPOCH"]
MISMATCHED_ENDPOINT_TYPE = _BY_NAME["MISMATCHED_ENDPOINT_TYPE"]
UNSUPPORTED_ENDPOINT_TYPE = _BY_NAME["UNSUPPORTED_ENDPOINT_TYPE"]
UNKNOWN_CONTROLLER_ID = _BY_NAME["UNKNOWN_CONTROLLER_ID"]
UNKNOWN_SUBSCRIPTION_ID = _BY_NAME["UNKNOWN_SUBSCRIPTION_ID"]
TELEMETRY_TOO_LARGE = _BY_NAME["TELEMETRY_TOO_LARGE"]
INVALID_REGISTRATION = _BY_NAME["INVALID_REGISTRATION"]
TRANSACTION_ABORTABLE = _BY_NAME["TRANSACTION_ABORTABLE"]
INVALID_RECORD_STATE = _BY_NAME["INVALID_RECORD_STATE"]
SHARE_SESSION_NOT_FOUND = _BY_NAME["SHARE_SESSION_NOT_FOUND"]
INVALID_SHARE_SESSION_EPOCH = _BY_NAME["INVALID_SHARE_SESSION_EPOCH"]
FENCED_STATE_EPOCH = _BY_NAME["FENCED_STATE_EPOCH"]
INVALID_VOTER_KEY = _BY_NAME["INVALID_VOTER_KEY"]
DUPLICATE_VOTER = _BY_NAME["DUPLICATE_VOTER"]
VOTER_NOT_FOUND = _BY_NAME["VOTER_NOT_FOUND"]
INVALID_REGULAR_EXPRESSION = _BY_NAME["INVALID_REGULAR_EXPRESSION"]
REBOOTSTRAP_REQUIRED = _BY_NAME["REBOOTSTRAP_REQUIRED"]
STREAMS_INVALID_TOPOLOGY = _BY_NAME["STREAMS_INVALID_TOPOLOGY"]
STREAMS_INVALID_TOPOLOGY_EPOCH = _BY_NAME["STREAMS_INVALID_TOPOLOGY_EPOCH"]
STREAMS_TOPOLOGY_FENCED = _BY_NAME["STREAMS_TOPOLOGY_FENCED"]
SHARE_SESSION_LIMIT_REACHED = _BY_NAME["SHARE_SESSION_LIMIT_REACHED"]

# Java names for the codes mqsim's models use most.
NONE = _BY_NAME["NO_ERROR"]
UNKNOWN_SERVER_ERROR = _BY_NAME["UNKNOWN"]
CORRUPT_MESSAGE = _BY_NAME["INVALID_MSG"]
UNKNOWN_TOPIC_OR_PARTITION = _BY_NAME["UNKNOWN_TOPIC_OR_PART"]
NOT_LEADER_OR_FOLLOWER = _BY_NAME["NOT_LEADER_FOR_PARTITION"]
MESSAGE_TOO_LARGE = _BY_NAME["MSG_SIZE_TOO_LARGE"]
INVALID_TOPIC_EXCEPTION = _BY_NAME["TOPIC_EXCEPTION"]
