"""Blocking client code in simulated time: direct mode and several programs in one world."""

import pytest

from mqsim import Interrupted, World


def test_direct_block_advances_simulated_time_to_the_event(world: World) -> None:
    """A blocking call steps the simulation until its event fires."""
    event = world.timeout(3)
    assert world.block(event) is True
    assert world.now == 3.0


def test_direct_block_times_out(world: World) -> None:
    """Without the event, the call returns False after the timeout."""
    assert world.block(world.event(), timeout=2.5) is False
    assert world.now == 2.5


def test_direct_block_with_nothing_to_wait_for_is_interrupted(world: World) -> None:
    """Waiting forever with nothing scheduled raises Interrupted('idle'), a KeyboardInterrupt."""
    with pytest.raises(KeyboardInterrupt) as caught:
        world.block(world.event())
    assert isinstance(caught.value, Interrupted)
    assert caught.value.reason == "idle"


def test_horizon_interrupts_a_poll_loop() -> None:
    """A `while True: poll(1.0)` loop ends at the horizon instead of running forever."""
    world = World(until="10s")
    polls: list[float] = []

    def poll_forever() -> None:
        while True:
            world.block(world.event(), timeout=1.0)
            polls.append(world.now)

    with pytest.raises(Interrupted) as caught:
        poll_forever()
    assert caught.value.reason == "horizon"
    assert polls == [float(t) for t in range(1, 11)]
    assert world.now == 10.0


def test_programs_interleave_in_simulated_time_order(world: World) -> None:
    """Programs sleeping different amounts wake in simulated-time order, deterministically."""
    log: list[tuple[str, float]] = []

    def program(name: str, step: float) -> None:
        for _ in range(3):
            world.sleep(step)
            log.append((name, world.now))

    world.programs.spawn("slow", lambda: program("slow", 1.5))
    world.programs.spawn("fast", lambda: program("fast", 1.0))
    assert world.programs.run() == "idle"
    assert log == [
        ("fast", 1.0),
        ("slow", 1.5),
        ("fast", 2.0),
        ("slow", 3.0),
        ("fast", 3.0),
        ("slow", 4.5),
    ]


def test_program_waiting_on_another_programs_event(world: World) -> None:
    """One program can wake another through a simulated event."""
    ready = world.event()
    log: list[str] = []

    def waiter() -> None:
        world.block(ready)
        log.append(f"woke at {world.now}")

    def trigger() -> None:
        world.sleep(2)
        ready.succeed()
        log.append("triggered")

    world.programs.spawn("waiter", waiter)
    world.programs.spawn("trigger", trigger)
    world.programs.run()
    assert log == ["triggered", "woke at 2.0"]


def test_run_stops_at_horizon_and_interrupt_lets_programs_clean_up(world: World) -> None:
    """At the horizon the driver stops; an interrupt raises KeyboardInterrupt in the program."""
    log: list[str] = []

    def forever() -> None:
        try:
            while True:
                world.sleep(1)
        except KeyboardInterrupt:
            world.sleep(0.5)
            log.append(f"cleaned up at {world.now}")

    program = world.programs.spawn("loop", forever)
    assert world.programs.run(horizon=5) == "horizon"
    world.programs.interrupt(program, KeyboardInterrupt())
    world.programs.run(stop=program.done)
    assert log == ["cleaned up at 5.5"]
    assert program.finished
    assert program.error is None


def test_kill_unwinds_without_running_the_rest(world: World) -> None:
    """A killed program stops at its blocking point; its error is not reported as a failure."""
    log: list[str] = []

    def victim() -> None:
        world.sleep(10)
        log.append("never")

    program = world.programs.spawn("victim", victim)
    world.call_later(1, world.programs.kill, program)
    world.programs.run()
    assert program.killed
    assert program.finished
    assert log == []


def test_program_errors_are_kept_with_their_traceback(world: World) -> None:
    """An exception in a program is stored with its formatted traceback."""

    def broken() -> None:
        world.sleep(1)
        raise ValueError("boom")

    program = world.programs.spawn("broken", broken)
    world.programs.run()
    assert isinstance(program.error, ValueError)
    assert "ValueError: boom" in program.error_text


def test_shutdown_kills_parked_programs(world: World) -> None:
    """shutdown() leaves no thread behind."""
    program = world.programs.spawn("idle", lambda: world.block(world.event()))
    world.programs.run()
    world.programs.shutdown()
    assert program.finished
    assert program.killed
    assert world.programs.alive() == []


def test_a_program_settles_at_its_first_idle_wait(world: World) -> None:
    """Waiting for the reply to its own request does not settle a program; waiting for
    incoming work (idle=True) or sleeping does."""
    log: list[tuple[str, float]] = []

    def consumer() -> None:
        world.block(world.timeout(1))  # a request and its reply
        log.append(("replied", world.now))
        world.block(world.event(), timeout=5, idle=True)  # waits for deliveries

    program = world.programs.spawn("consumer", consumer)
    program.settled.callbacks.append(lambda _e: log.append(("settled", world.now)))
    world.programs.run()
    assert log == [("replied", 1.0), ("settled", 1.0)]


def test_a_program_that_ends_has_settled(world: World) -> None:
    """A script that never waits idly counts as settled when it ends."""
    program = world.programs.spawn("quick", lambda: world.block(world.timeout(2)))
    world.programs.run()
    assert program.settled.triggered
    assert program.done.triggered


def test_exit_node_runs_crash_handlers_but_is_no_fault(world: World) -> None:
    """A process that exits with connections open: the OS closes them, as on a kill."""
    closed: list[float] = []
    world.add_node("app", on_crash=lambda: closed.append(world.now))
    world.exit_node("app")
    assert closed == [0.0]
    assert not world.is_up("app")
    assert [r.kind for r in world.trace.select(actor="app")] == ["node.add", "node.exit"]
