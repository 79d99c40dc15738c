"""pika.frame: the ``Method`` wrapper sync channel methods return."""

from __future__ import annotations

from typing import Any


class Method:
    """A method frame: ``channel_number`` and ``method`` (a ``spec`` object)."""

    def __init__(self, channel_number: int, method: Any) -> None:
        self.frame_type = 1
        self.channel_number = channel_number
        self.method = method

    def __repr__(self) -> str:
        return f"<METHOD(['channel_number={self.channel_number}', 'method={self.method!r}'])>"
