"""Hypothesis strategies for workloads: messages with keys, bodies and headers.

A drawn :class:`Message` is plain data, so a failing example prints as a list of
messages you can paste into a test. :func:`mqsim.testing.run_consumer` publishes them to
a simulated RabbitMQ queue or Kafka topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hypothesis import strategies as st

from mqsim.sim import InvalidArgument
from mqsim.testing.harness import Message


def messages(
    *,
    keys: Sequence[str | None] | st.SearchStrategy[str | None] | None = None,
    bodies: st.SearchStrategy[bytes] | None = None,
    headers: st.SearchStrategy[Mapping[str, str]] | None = None,
) -> st.SearchStrategy[Message]:
    """Messages: ``keys`` (a list to choose from, or a strategy; default a few short keys
    and ``None``), ``bodies`` (default 1-32 bytes) and ``headers`` (default none or a few
    string headers)."""
    if keys is None:
        key_strategy: st.SearchStrategy[str | None] = st.sampled_from([None, "a", "b", "c"])
    elif isinstance(keys, st.SearchStrategy):
        key_strategy = keys
    else:
        choices = list(keys)
        if not choices:
            raise InvalidArgument("keys: give at least one key (None for an unkeyed message)")
        key_strategy = st.sampled_from(choices)
    body_strategy = bodies if bodies is not None else st.binary(min_size=1, max_size=32)
    header_strategy = (
        headers
        if headers is not None
        else st.dictionaries(
            st.sampled_from(["trace-id", "tenant", "type"]),
            st.text(alphabet="abcdef0123456789", min_size=1, max_size=8),
            max_size=2,
        )
    )
    return st.builds(Message, body=body_strategy, key=key_strategy, headers=header_strategy)


def workloads(
    *,
    min_size: int = 1,
    max_size: int = 20,
    unique_bodies: bool = True,
    keys: Sequence[str | None] | st.SearchStrategy[str | None] | None = None,
    bodies: st.SearchStrategy[bytes] | None = None,
    headers: st.SearchStrategy[Mapping[str, str]] | None = None,
) -> st.SearchStrategy[list[Message]]:
    """Lists of ``min_size`` to ``max_size`` messages (see :func:`messages`); with
    ``unique_bodies`` no two bodies are equal, so a handler can tell them apart."""
    if min_size < 0 or max_size < min_size:
        raise InvalidArgument(
            f"min_size/max_size: expected 0 <= min_size <= max_size, got {min_size}, {max_size}"
        )
    one = messages(keys=keys, bodies=bodies, headers=headers)
    if unique_bodies:
        return st.lists(one, min_size=min_size, max_size=max_size, unique_by=lambda m: m.body)
    return st.lists(one, min_size=min_size, max_size=max_size)


__all__ = ["Message", "messages", "workloads"]
