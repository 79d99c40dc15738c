"""Blocking client code in simulated time.

Client code is ordinary blocking Python (``channel.start_consuming()``,
``consumer.poll(1.0)``). A blocking call hands control to the simulation with
:meth:`ProgramDriver.block` until its event fires, so simulated time, not wall time,
passes.

Two modes:

* **direct**: code running in a thread the driver does not manage (a test, a REPL, a
  script with ``from mqsim import pika``) steps the simulation itself until its event.
* **programs**: several scripts run as :class:`Program` threads, exactly one at a time.
  A program that blocks parks its thread; the driver's :meth:`ProgramDriver.run` loop
  steps the simulation and resumes programs in the order their events fire. Only one
  thread ever runs, and hand-over follows simulated events, so runs are deterministic.
"""

from __future__ import annotations

import math
import threading
import traceback
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

if TYPE_CHECKING:
    from mqsim.sim.world import World


class Interrupted(KeyboardInterrupt):
    """Raised in blocked client code at the horizon, or when nothing can happen any more.

    It is a :class:`KeyboardInterrupt`, so scripts see what they would see on Ctrl+C.
    ``reason`` is ``"horizon"`` or ``"idle"``.
    """

    def __init__(self, reason: str, now: float) -> None:
        text = (
            f"simulated time reached the horizon at t={now:g}s"
            if reason == "horizon"
            else f"nothing can happen any more at t={now:g}s"
        )
        super().__init__(text)
        self.reason = reason
        self.now = now


class Killed(BaseException):
    """Unwinds a program whose node was killed; not meant to be caught by client code."""


class Program:
    """A piece of blocking client code running as one simulated process.

    ``settled`` fires the first time the program waits idly (for a delivery, a record, a
    sleep: see :meth:`ProgramDriver.block`) or ends: a shell user who starts a consumer in
    the background sees it settle into waiting before typing the next command.
    ``nodes`` lists the world nodes the program created (:meth:`World.add_node` called from
    its thread), so a runner can crash them when it kills the program; ``context`` is free
    for the runner's own per-program state (see :attr:`ProgramDriver.on_resume`).
    """

    def __init__(self, driver: ProgramDriver, name: str, target: Callable[[], Any]) -> None:
        self.name = name
        self.done: simpy.Event = driver.world.env.event()
        self.settled: simpy.Event = driver.world.env.event()
        self.error: BaseException | None = None
        self.error_text = ""
        self.killed = False
        self.finished = False
        self.nodes: list[str] = []
        self.context: Any = None
        self._driver = driver
        self._target = target
        self._turn = _baton()
        self._token: object | None = None
        self._pending: BaseException | Callable[[], object] | None = None
        self._result = False
        self._killing = False
        self._thread = threading.Thread(target=self._body, name=f"mqsim:{name}", daemon=True)

    def __repr__(self) -> str:
        state = "finished" if self.finished else "running"
        return f"<Program {self.name!r} {state}>"

    def _body(self) -> None:
        driver = self._driver
        self._turn.acquire()
        try:
            pending, self._pending = self._pending, None
            if isinstance(pending, BaseException):
                raise pending
            if pending is not None:
                pending()
            self._target()
        except Killed:
            self.killed = True
        except BaseException as error:  # the script's own failure, reported by the runner
            self.error = error
            self.error_text = "".join(traceback.format_exception(error))
        finally:
            self.finished = True
            driver._by_thread.pop(threading.get_ident(), None)
            if not self.settled.triggered:
                self.settled.succeed()
            if not self.done.triggered:
                self.done.succeed()
            driver._main_turn.release()


def _baton() -> threading.Lock:
    """A lock taken from the start: a binary semaphore at 0, much cheaper than
    :class:`threading.Semaphore` (the hand-over between threads is on every blocking call).
    A plain lock may be released by another thread than the one that took it."""
    baton = threading.Lock()
    baton.acquire()
    return baton


class ProgramDriver:
    """Runs blocking client code against the world's simulation (see the module doc).

    ``on_resume``, if set, is called (in the driver's thread) just before a program's
    thread gets its turn: a runner swaps per-program process state there (``sys.argv``,
    the working directory...), which is safe because only one program thread runs at a time.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.on_resume: Callable[[Program], None] | None = None
        self.programs: list[Program] = []
        self._ready: deque[Program] = deque()
        self._by_thread: dict[int, Program] = {}
        self._main_turn = _baton()
        self._closing = False

    def current(self) -> Program | None:
        """The program whose thread is calling, if any."""
        return self._by_thread.get(threading.get_ident())

    def spawn(self, name: str, target: Callable[[], Any]) -> Program:
        """Start ``target`` as a program at the current simulated time."""
        program = Program(self, name, target)
        self.programs.append(program)
        program._thread.start()
        self._by_thread[program._thread.ident or 0] = program
        self.world.call_later(0.0, self._ready.append, program)
        return program

    def kill(self, program: Program) -> None:
        """Stop ``program`` at its blocking point, as a killed process stops.

        Every later blocking call of the program (in a ``finally`` block, say) raises
        :class:`Killed` again at once: a killed process does not get to wait for anything.
        """
        if not program.finished:
            program._killing = True
        self._inject(program, Killed())

    def kill_process(self, program: Program) -> None:
        """Kill ``program`` as ``kill -9`` kills a process: every node it created crashes
        (no close, no commit, no ack; brokers notice as they would), then it stops at its
        blocking point (:meth:`kill`)."""
        world = self.world
        for node in program.nodes:
            if world.has_node(node) and world.is_up(node):
                world.crash(node)
        self.kill(program)

    def note_node(self, name: str) -> None:
        """Remember that the calling program created node ``name`` (see :attr:`Program.nodes`)."""
        program = self.current()
        if program is not None:
            program.nodes.append(name)

    def interrupt(self, program: Program, error: BaseException) -> None:
        """Raise ``error`` in ``program`` at its blocking point."""
        self._inject(program, error)

    def deliver(self, program: Program, handler: Callable[[], object]) -> None:
        """Call ``handler()`` in ``program``'s thread at its blocking point, as a signal
        handler runs; if it returns, the blocking call returns as on a timeout (False)."""
        self._inject(program, handler)

    def _inject(self, program: Program, error: BaseException | Callable[[], object]) -> None:
        if program.finished:
            return
        program._pending = error
        if program._token is not None:
            program._token = None
            self._ready.append(program)

    def block(
        self, event: simpy.Event | None, timeout: float | None, *, idle: bool = False
    ) -> bool:
        """Wait for ``event`` (or ``timeout`` seconds); True if the event fired.

        ``idle`` says the caller waits for something to happen *to* it (a delivery, a
        record, the end of a sleep) rather than for the answer to its own request. The
        first such wait, or any sleep, marks the program :attr:`Program.settled`.
        """
        program = self.current()
        if program is not None and (idle or event is None) and not program.settled.triggered:
            program.settled.succeed()
        if event is not None and event.processed:
            return True
        if program is None:
            return self._block_direct(event, timeout)
        return self._park(program, event, timeout)

    def _deadline(self, timeout: float | None) -> simpy.Event | None:
        if timeout is None:
            return None
        return self.world.env.timeout(max(0.0, float(timeout)))

    def _block_direct(self, event: simpy.Event | None, timeout: float | None) -> bool:
        env = self.world.env
        deadline = self._deadline(timeout)
        horizon = self.world.horizon
        while True:
            if event is not None and event.processed:
                return True
            if deadline is not None and deadline.processed:
                return False
            upcoming = env.peek()
            if horizon is not None and upcoming > horizon:
                if env.now < horizon:
                    env.run(until=horizon)
                raise Interrupted("horizon", float(env.now))
            if upcoming == math.inf:
                raise Interrupted("idle", float(env.now))
            env.step()

    def _park(self, program: Program, event: simpy.Event | None, timeout: float | None) -> bool:
        if self._closing or program._killing:
            raise Killed()
        token = object()
        program._token = token

        def wake(fired: bool) -> Callable[[Any], None]:
            def callback(_event: Any) -> None:
                if program._token is token:
                    program._token = None
                    program._result = fired
                    self._ready.append(program)

            return callback

        if event is not None:
            event.callbacks.append(wake(True))
        deadline = self._deadline(timeout)
        if deadline is not None:
            deadline.callbacks.append(wake(False))
        self._main_turn.release()
        program._turn.acquire()
        pending, program._pending = program._pending, None
        if isinstance(pending, BaseException):
            raise pending
        if pending is not None:
            pending()
            return False
        return program._result

    def _switch(self, program: Program) -> None:
        if self.on_resume is not None:
            self.on_resume(program)
        program._turn.release()
        self._main_turn.acquire()

    def run(self, stop: simpy.Event | None = None, horizon: float | None = None) -> str:
        """Step the simulation and resume programs until ``stop`` fires (``"done"``),
        nothing can happen (``"idle"``) or the next event lies past ``horizon``
        (``"horizon"``)."""
        env = self.world.env
        while True:
            while self._ready:
                self._switch(self._ready.popleft())
            if stop is not None and stop.processed:
                return "done"
            upcoming = env.peek()
            if upcoming == math.inf:
                return "idle"
            if horizon is not None and upcoming > horizon:
                if env.now < horizon:
                    env.run(until=horizon)
                return "horizon"
            env.step()

    def alive(self) -> list[Program]:
        """Programs that have not finished, in start order."""
        return [p for p in self.programs if not p.finished]

    def shutdown(self) -> None:
        """Kill every program still alive and wait for their threads to unwind."""
        self._closing = True
        for program in self.alive():
            program._pending = Killed()
            program._token = None
            self._switch(program)
            program._thread.join()
        self._closing = False
