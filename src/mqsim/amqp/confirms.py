"""Publisher confirms: how a RabbitMQ channel words its verdicts on publishes.

A pure function, as RabbitMQ 3.10's channel computes it (``send_confirms_and_nacks``).
The verdicts a channel has collected are sent together: a lone ack goes as a plain
``basic.ack``; otherwise every acked tag below the cut-off (the lowest publish still
waiting for its verdict, or the lowest nack sent in the same round) is covered by one
``multiple=True`` ack of the highest of them, and the tags above go one by one. Nacks
are sent the same way, with the acks of the round as their cut-off (so a lone nack goes
with ``multiple=True``). A client that receives ``multiple=True`` settles every publish
it has not heard about up to that tag.
"""

from __future__ import annotations

from collections.abc import Sequence

#: One confirm frame: (delivery tag, multiple, ack). ``ack`` False is a ``basic.nack``.
Confirm = tuple[int, bool, bool]


def coalesce_confirms(
    acks: Sequence[int], nacks: Sequence[int], *, waiting: int | None = None
) -> list[Confirm]:
    """The frames for the acks and nacks of one round, acks first; ``waiting`` is the
    lowest sequence number still without a verdict (None: every publish has one)."""
    frames: list[Confirm] = []
    if len(acks) == 1:
        frames.append((acks[0], False, True))
    elif acks:
        frames.extend(_coalesce(acks, nacks, waiting, True))
    if nacks:
        frames.extend(_coalesce(nacks, acks, waiting, False))
    return frames


def _coalesce(
    tags: Sequence[int], others: Sequence[int], waiting: int | None, ack: bool
) -> list[Confirm]:
    ordered = sorted(set(tags))
    first_waiting = ordered[-1] + 1 if waiting is None else waiting
    cutoff = min([first_waiting, *others])
    below = [tag for tag in ordered if tag < cutoff]
    frames: list[Confirm] = [(below[-1], True, ack)] if below else []
    frames.extend((tag, False, ack) for tag in ordered[len(below) :])
    return frames
