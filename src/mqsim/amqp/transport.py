"""One direction of a TCP connection between two nodes of the world.

Frames arrive in order after the link's latency (``world.net``). mqsim: when the link
has zero fixed latency, no loss and nothing in flight, a frame is handled at once
instead of through a scheduled event, so the hot path creates no simpy event per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mqsim.sim import World


class Pipe:
    """Frames from ``src`` to ``dst``."""

    __slots__ = ("_down", "_fast", "_link", "_up", "_world", "dst", "inflight", "src")

    def __init__(self, world: World, src: str, dst: str) -> None:
        self._world = world
        self.src = src
        self.dst = dst
        self._link = world.net.link(src, dst)
        self._up = world.is_up
        # The world's set of crashed nodes: empty means every node is up (a cheap test).
        self._down: set[str] = getattr(world, "_down", {src})
        self._fast: object = None
        self.inflight = 0

    def send(self, fn: Callable[..., None], *args: Any) -> bool:
        """Call ``fn(*args)`` when the frame arrives; False if it is lost."""
        link = self._link
        if (
            link.latency is self._fast
            and not self.inflight
            and not link.cut
            and not link.loss
            and not self._down
        ):
            fn(*args)
            return True
        latency = link.latency
        if (
            latency.kind == "fixed"
            and latency.a == 0.0
            and not self.inflight
            and not link.cut
            and not link.loss
            and self._up(self.src)
            and self._up(self.dst)
        ):
            self._fast = latency
            fn(*args)
            return True
        self.inflight += 1
        sent = self._world.net.send(self.src, self.dst, self._arrive, fn, args)
        if not sent:
            self.inflight -= 1
        return sent

    def _arrive(self, fn: Callable[..., None], args: tuple[Any, ...]) -> None:
        self.inflight -= 1
        fn(*args)

    def latency(self) -> float:
        """One latency sample of the link (for notices sent outside the pipe)."""
        return self._link.latency.sample(self._world.rng)

    def __repr__(self) -> str:
        return f"<Pipe {self.src} -> {self.dst} inflight={self.inflight}>"
