"""Program driver hooks a script runner needs: node ownership, resume hook, kill, signals."""

from mqsim import World
from mqsim.sim import Program


def test_nodes_added_by_a_program_are_listed_on_it(world: World) -> None:
    """World.add_node called from a program's thread records the node on that program."""
    world.add_node("broker")

    def client() -> None:
        world.add_node("client-1")
        world.sleep(1)
        world.add_node("client-2")

    program = world.programs.spawn("client", client)
    world.programs.run()
    assert program.nodes == ["client-1", "client-2"]


def test_on_resume_is_called_before_each_turn(world: World) -> None:
    """The hook sees each program just before its thread runs, in simulated-time order."""
    turns: list[tuple[str, float]] = []
    world.programs.on_resume = lambda program: turns.append((program.name, world.now))

    def sleeper(step: float) -> None:
        world.sleep(step)
        world.sleep(step)

    world.programs.spawn("a", lambda: sleeper(2))
    world.programs.spawn("b", lambda: sleeper(3))
    world.programs.run()
    assert turns == [("a", 0.0), ("b", 0.0), ("a", 2.0), ("b", 3.0), ("a", 4.0), ("b", 6.0)]


def test_a_killed_program_cannot_block_again_in_its_finally_block(world: World) -> None:
    """After kill, every blocking call raises Killed at once: a dead process waits for nothing."""
    log: list[str] = []

    def victim() -> None:
        try:
            world.sleep(10)
        finally:
            log.append("finally")
            world.sleep(1)
            log.append("after the sleep")

    program = world.programs.spawn("victim", victim)
    world.call_later(2, world.programs.kill, program)
    world.programs.run(stop=program.done)
    assert log == ["finally"]
    assert program.killed
    assert world.now == 2.0


def test_deliver_runs_a_handler_in_the_program_and_the_block_returns(world: World) -> None:
    """A delivered handler runs in the program's thread; the blocking call returns False."""
    log: list[object] = []
    box: list[Program] = []

    def waiter() -> None:
        log.append(world.block(world.event(), timeout=100))
        log.append(world.now)

    box.append(world.programs.spawn("waiter", waiter))
    world.call_later(5, lambda: world.programs.deliver(box[0], lambda: log.append("handler")))
    world.programs.run()
    assert log == ["handler", False, 5.0]
