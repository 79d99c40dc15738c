"""pika.credentials."""

from __future__ import annotations


class PlainCredentials:
    """Username and password (the PLAIN mechanism)."""

    TYPE = "PLAIN"

    def __init__(self, username: str, password: str, erase_on_connect: bool = False) -> None:
        self.username = username
        self.password = password
        self.erase_on_connect = erase_on_connect

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlainCredentials):
            return NotImplemented
        return (self.username, self.password, self.erase_on_connect) == (
            other.username,
            other.password,
            other.erase_on_connect,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<PlainCredentials username={self.username!r}>"


class ExternalCredentials:
    """The EXTERNAL mechanism (accepted, not checked)."""

    TYPE = "EXTERNAL"

    def __init__(self) -> None:
        self.erase_on_connect = False


VALID_TYPES = [PlainCredentials, ExternalCredentials]
