"""``mqsim run``: ordinary scripts as simulated processes in one world, one thread at a time."""

from __future__ import annotations

import os
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from mqsim.clients.runner import RunResult, parse_fault, parse_step, run
from mqsim.clients.sandbox import ALIASES, EPOCH
from mqsim.sim import InvalidArgument, World


def write(folder: Path, name: str, code: str) -> Path:
    """A script file with ``code`` (dedented) in ``folder``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def lines(result: RunResult) -> list[str]:
    """The formatted console lines of a run."""
    return result.text().splitlines()


# -- steps --------------------------------------------------------------------------------


def test_steps_are_split_as_a_shell_splits_words() -> None:
    """Quotes group words, a trailing & means background, NAME=value words set the env."""
    step = parse_step("""GREETING='hi there' python3 send.py "a b" 'c' d &""")
    assert step.kind == "script"
    assert step.script == "send.py"
    assert step.args == ("a b", "c", "d")
    assert step.env == (("GREETING", "hi there"),)
    assert step.background
    glued = parse_step("receive.py x&")
    assert (glued.args, glued.background) == (("x",), True)
    assert not parse_step("send.py").background


def test_sleep_steps_take_a_duration() -> None:
    """sleep:2s and sleep:250ms are sleeps of 2 and 0.25 simulated seconds."""
    assert parse_step("sleep:2s").duration == 2.0
    assert parse_step("sleep:250ms").duration == 0.25
    with pytest.raises(InvalidArgument, match=r"step 3 \('sleep:soon'\)"):
        parse_step("sleep:soon", number=3)


def test_a_missing_script_is_an_error_naming_the_step(tmp_path: Path) -> None:
    """A step naming a file that does not exist fails before anything runs."""
    with pytest.raises(InvalidArgument, match=r"step 1 .*no such script: 'nope.py'"):
        run(["nope.py"], cwd=tmp_path)


def test_faults_are_read_as_action_target_at_time() -> None:
    """'crash receive.py@3s' is a crash of receive.py at 3 simulated seconds."""
    fault = parse_fault("crash receive.py@3s")
    assert (fault.action, fault.target, fault.at) == ("crash", "receive.py", 3.0)
    assert parse_fault("restart localhost:5672@1m").target == "localhost:5672"
    for bad in ("crash receive.py", "explode x.py@1s", "crash x.py@soon", "crash@1s"):
        with pytest.raises(InvalidArgument, match="fault"):
            parse_fault(bad)


def test_a_fault_on_an_unknown_target_is_an_error(tmp_path: Path) -> None:
    """A fault must name a script of the run or a node of the world."""
    write(tmp_path, "a.py", "pass\n")
    with pytest.raises(InvalidArgument, match=r"no script or node named 'b\.py'"):
        run(["a.py"], cwd=tmp_path, faults=["crash b.py@1s"])


# -- what a script sees -------------------------------------------------------------------


def test_each_script_sees_its_own_argv_path_name_cwd_and_environment(tmp_path: Path) -> None:
    """As with `python script.py`: argv[0] is the script path, sys.path[0] its folder."""
    write(
        tmp_path,
        "tools/show.py",
        """\
        import os, sys
        print(sys.argv, __name__, os.path.basename(__file__))
        print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
        print(os.getcwd() == os.environ["EXPECTED_CWD"], os.environ.get("COLOUR"))
        """,
    )
    result = run(
        ["COLOUR=red tools/show.py one 'two words' &", "tools/show.py three"],
        cwd=tmp_path,
        env={"EXPECTED_CWD": str(tmp_path)},
    )
    assert result.output("show.py#1") == [
        "['tools/show.py', 'one', 'two words'] __main__ show.py",
        "True",
        "True red",
    ]
    assert result.output("show.py#2") == [
        "['tools/show.py', 'three'] __main__ show.py",
        "True",
        "True None",
    ]


def test_changes_a_script_makes_to_its_process_state_stay_its_own(tmp_path: Path) -> None:
    """One script's chdir, environment change and argv change do not leak into another."""
    (tmp_path / "sub").mkdir()
    write(
        tmp_path,
        "changer.py",
        """\
        import os, sys, time
        os.chdir("sub"); os.environ["MINE"] = "1"; sys.argv.append("extra")
        time.sleep(2)
        print(os.path.basename(os.getcwd()), os.environ.get("MINE"), sys.argv)
        """,
    )
    write(
        tmp_path,
        "observer.py",
        """\
        import os, sys, time
        time.sleep(1)
        print(os.path.basename(os.getcwd()), os.environ.get("MINE"), sys.argv)
        """,
    )
    result = run(["changer.py &", "observer.py"], cwd=tmp_path)
    assert result.output("changer.py") == ["sub 1 ['changer.py', 'extra']"]
    assert result.output("observer.py") == [f"{tmp_path.name} None ['observer.py']"]


def test_modules_from_a_scripts_folder_are_its_own(tmp_path: Path) -> None:
    """Two scripts importing the same helper get separate copies, as two processes would."""
    write(tmp_path, "counter.py", "count = 0\n")
    write(
        tmp_path,
        "bump.py",
        """\
        import sys, time
        import counter
        for _ in range(3):
            counter.count += 1
            time.sleep(1)
        print(sys.argv[1], counter.count)
        """,
    )
    result = run(["bump.py a &", "bump.py b &"], cwd=tmp_path)
    assert result.output("bump.py#1") == ["a 3"]
    assert result.output("bump.py#2") == ["b 3"]
    assert "counter" not in sys.modules


def test_time_follows_simulated_time(tmp_path: Path) -> None:
    """time.sleep lets simulated time pass; time.time is a fixed epoch plus simulated time."""
    write(
        tmp_path,
        "clock.py",
        """\
        import time
        from time import monotonic, sleep
        start, wall, ns = monotonic(), time.time(), time.time_ns()
        sleep(2.5)
        print(monotonic() - start, time.time() - wall, time.perf_counter())
        print(wall, ns, time.monotonic_ns(), time.perf_counter_ns())
        print(time.strftime("%Y-%m-%d", time.gmtime()))
        """,
    )
    result = run(["sleep:1s", "clock.py"], cwd=tmp_path)
    assert result.output("clock.py") == [
        "2.5 2.5 3.5",
        f"{float(EPOCH + 1)} {(EPOCH + 1) * 10**9} {3_500_000_000} {3_500_000_000}",
        "2024-01-01",
    ]
    assert result.time == 3.5
    assert time.time() > EPOCH + 10**7, "the real clock is back after the run"


def test_a_negative_sleep_is_a_value_error(tmp_path: Path) -> None:
    """time.sleep(-1) fails as it does in CPython."""
    write(tmp_path, "neg.py", "import time\ntime.sleep(-1)\n")
    result = run(["neg.py"], cwd=tmp_path)
    assert result.output("neg.py")[-1] == "ValueError: sleep length must be non-negative"


# -- ordering -----------------------------------------------------------------------------


def test_foreground_steps_wait_and_background_steps_do_not(tmp_path: Path) -> None:
    """A foreground script holds the next step until it exits; & starts the next at once."""
    write(
        tmp_path,
        "work.py",
        """\
        import sys, time
        print("start", sys.argv[1])
        time.sleep(float(sys.argv[2]))
        print("end", sys.argv[1])
        """,
    )
    result = run(["work.py bg 5 &", "work.py fg1 2", "sleep:1s", "work.py fg2 1"], cwd=tmp_path)
    assert lines(result) == [
        "[  0.000s work.py#1] start bg",
        "[  0.000s work.py#2] start fg1",
        "[  2.000s work.py#2] end fg1",
        "[  3.000s work.py#3] start fg2",
        "[  4.000s work.py#3] end fg2",
        "[  5.000s work.py#1] end bg",
    ]
    assert result.ended == "done"
    assert result.time == 5.0
    assert [s.status for s in result.steps] == ["exited", "exited", "slept", "exited"]


def test_the_run_waits_for_background_scripts(tmp_path: Path) -> None:
    """After the last step, the run goes on until every background script has exited."""
    write(tmp_path, "late.py", "import time\ntime.sleep(30)\nprint('done')\n")
    result = run(["late.py &"], cwd=tmp_path)
    assert lines(result) == ["[ 30.000s late.py] done"]
    assert result.ended == "done"


# -- the end of a run ---------------------------------------------------------------------


def test_the_horizon_interrupts_scripts_which_may_clean_up(tmp_path: Path) -> None:
    """At the horizon a script gets KeyboardInterrupt, as on Ctrl+C, and can clean up."""
    write(
        tmp_path,
        "loop.py",
        """\
        import time
        try:
            while True:
                time.sleep(4)
        except KeyboardInterrupt:
            print("cleaning up")
            time.sleep(0.25)
            print("bye")
        """,
    )
    write(tmp_path, "plain.py", "import time\nwhile True:\n    time.sleep(1)\n")
    result = run(["loop.py &", "plain.py"], cwd=tmp_path, until="10s")
    assert lines(result) == [
        "[ 10.000s loop.py] cleaning up",
        "[ 10.000s mqsim] plain.py: interrupted at the horizon (KeyboardInterrupt)",
        "[ 10.250s loop.py] bye",
    ]
    assert result.ended == "horizon"
    assert [s.status for s in result.steps] == ["exited", "interrupted"]
    assert result.exit_code == 0


def test_scripts_still_running_after_the_grace_period_are_killed(tmp_path: Path) -> None:
    """A script that ignores the interrupt for longer than the grace period is killed."""
    write(
        tmp_path,
        "stubborn.py",
        """\
        import time
        try:
            time.sleep(100)
        except KeyboardInterrupt:
            print("not yet")
            time.sleep(100)
        """,
    )
    result = run(["stubborn.py"], cwd=tmp_path, until="5s", grace="2s")
    assert lines(result) == [
        "[  5.000s stubborn.py] not yet",
        "[  7.000s mqsim] stubborn.py: killed after the 2s grace period",
    ]
    assert result.steps[0].status == "killed"
    assert result.time == 7.0


def test_a_scripts_own_sigint_handler_runs_instead_of_keyboard_interrupt(tmp_path: Path) -> None:
    """signal.signal(SIGINT, handler) works in scripts; the simulated Ctrl+C calls it."""
    write(
        tmp_path,
        "graceful.py",
        """\
        import signal, time
        running = True
        def stop(signum, frame):
            global running
            print("got signal", signum)
            running = False
        signal.signal(signal.SIGINT, stop)
        while running:
            time.sleep(3)
        print("stopped cleanly")
        """,
    )
    result = run(["graceful.py"], cwd=tmp_path, until="4s")
    assert lines(result) == [
        "[  4.000s graceful.py] got signal 2",
        "[  4.000s graceful.py] stopped cleanly",
    ]
    assert result.steps[0].status == "exited"


def test_when_nothing_can_happen_any_more_the_run_ends(tmp_path: Path) -> None:
    """A script waiting for an event that can never fire is interrupted at once."""
    write(
        tmp_path,
        "stuck.py",
        """\
        from mqsim.clients.default import default_world
        world = default_world()
        world.block(world.event())
        """,
    )
    result = run(["sleep:3s", "stuck.py", "stuck.py"], cwd=tmp_path)
    assert result.ended == "idle"
    assert lines(result) == [
        "[  3.000s mqsim] stuck.py#1: interrupted as nothing can happen any more"
        " (KeyboardInterrupt)"
    ]
    assert [s.status for s in result.steps] == ["slept", "interrupted", "not started"]


# -- failures and exit codes --------------------------------------------------------------


def test_a_failing_script_shows_its_own_traceback_and_fails_the_run(tmp_path: Path) -> None:
    """The traceback has the script's frames only; a foreground failure means exit code 1."""
    write(
        tmp_path,
        "broken.py",
        """\
        import time
        def divide():
            time.sleep(1)
            return 1 / 0
        divide()
        """,
    )
    result = run(["broken.py"], cwd=tmp_path)
    carets = ["[  1.000s broken.py]            ~~^~~"] if sys.version_info >= (3, 11) else []
    assert lines(result) == [
        "[  1.000s broken.py] Traceback (most recent call last):",
        '[  1.000s broken.py]   File "broken.py", line 5, in <module>',
        "[  1.000s broken.py]     divide()",
        '[  1.000s broken.py]   File "broken.py", line 4, in divide',
        "[  1.000s broken.py]     return 1 / 0",
        *carets,
        "[  1.000s broken.py] ZeroDivisionError: division by zero",
        "[  1.000s mqsim] broken.py: exited with status 1",
    ]
    assert result.output("broken.py")[-1] == "ZeroDivisionError: division by zero"
    assert result.steps[0].status == "failed"
    assert result.steps[0].exit_code == 1
    assert result.exit_code == 1


def test_exit_statuses_follow_sys_exit_and_os_exit(tmp_path: Path) -> None:
    """sys.exit(n) and os._exit(n) end the script (not the process) with status n."""
    write(tmp_path, "quit.py", "import sys\nsys.exit(int(sys.argv[1]))\n")
    write(tmp_path, "hard.py", "import os\nprint('going')\nos._exit(4)\n")
    write(tmp_path, "message.py", "import sys\nsys.exit('cannot go on')\n")
    result = run(["quit.py 0", "quit.py 3 &", "hard.py &", "message.py &"], cwd=tmp_path)
    assert [(s.status, s.exit_code) for s in result.steps] == [
        ("exited", 0),
        ("failed", 3),
        ("failed", 4),
        ("failed", 1),
    ]
    assert result.output("message.py") == ["cannot go on"]
    assert result.exit_code == 0, "background failures do not set the exit code"


def test_the_run_goes_on_after_a_failed_foreground_step(tmp_path: Path) -> None:
    """As in a shell without `set -e`, the next step still runs; the exit code is 1."""
    write(tmp_path, "fail.py", "raise SystemExit(2)\n")
    write(tmp_path, "ok.py", "print('still here')\n")
    result = run(["fail.py", "ok.py"], cwd=tmp_path)
    assert result.output("ok.py") == ["still here"]
    assert result.exit_code == 1


# -- faults -------------------------------------------------------------------------------


CLIENT = """\
import time
import types
from mqsim.clients.default import default_world
world = default_world()
name = world.unique_name("client")
world.add_node(name)
print("up as", name)
try:
    while True:
        time.sleep(1)
finally:
    print("finally ran")
    time.sleep(1)
    print("never printed")
"""


def test_crashing_a_script_crashes_its_nodes_and_kills_it(tmp_path: Path) -> None:
    """A crash fault is SIGKILL: the script's client nodes crash and it stops at once."""
    write(tmp_path, "client.py", CLIENT)
    result = run(["client.py &", "sleep:5s"], cwd=tmp_path, faults=["crash client.py@2.5s"])
    assert lines(result) == [
        "[  0.000s client.py] up as client",
        "[  2.500s mqsim] crash client.py",
    ]
    assert [(r.time, r.actor) for r in result.world.trace.select("fault.crash")] == [
        (2.5, "client")
    ]
    assert not result.world.is_up("client")
    assert result.steps[0].status == "killed"
    assert result.time == 5.0


def test_restarting_a_script_runs_it_again_from_the_top(tmp_path: Path) -> None:
    """A restart fault kills the script if it runs and starts it again as a new process."""
    write(tmp_path, "client.py", CLIENT)
    result = run(
        ["client.py &"],
        cwd=tmp_path,
        until="6s",
        faults=["crash client.py@1s", "restart client.py@3s"],
    )
    assert lines(result)[:4] == [
        "[  0.000s client.py] up as client",
        "[  1.000s mqsim] crash client.py",
        "[  3.000s mqsim] restart client.py",
        "[  3.000s client.py] up as client-2",
    ]
    assert result.steps[0].runs == 2
    assert result.steps[0].status == "interrupted"


def test_the_run_waits_for_a_scheduled_restart(tmp_path: Path) -> None:
    """A script crashed and due to restart keeps the run going until it has run again."""
    write(tmp_path, "short.py", "import time\nprint('hello')\ntime.sleep(2)\n")
    result = run(["short.py &"], cwd=tmp_path, faults=["crash short.py@1s", "restart short.py@10s"])
    assert lines(result) == [
        "[  0.000s short.py] hello",
        "[  1.000s mqsim] crash short.py",
        "[ 10.000s mqsim] restart short.py",
        "[ 10.000s short.py] hello",
    ]
    assert result.time == 12.0
    assert result.ended == "done"


def test_faults_can_name_a_step_number_or_a_numbered_label(tmp_path: Path) -> None:
    """With two steps running one file, 'crash 2@..' or 'crash w.py#2@..' picks one."""
    write(tmp_path, "w.py", "import time\nwhile True:\n    time.sleep(1)\n")
    result = run(
        ["w.py &", "w.py &", "w.py &"],
        cwd=tmp_path,
        until="3s",
        faults=["crash 2@1s", "crash w.py#3@1s"],
    )
    assert [s.status for s in result.steps] == ["interrupted", "killed", "killed"]


# -- output, logs, determinism ------------------------------------------------------------


def test_partial_lines_and_stderr_become_lines(tmp_path: Path) -> None:
    """print(end='') pieces join into one line; stderr lines are kept with their stream."""
    write(
        tmp_path,
        "pieces.py",
        """\
        import sys
        print("a", end="")
        print("b", end="", flush=True)
        sys.stdout.write("c\\nd")
        print("oops", file=sys.stderr)
        """,
    )
    result = run(["pieces.py"], cwd=tmp_path)
    assert [(line.stream, line.text) for line in result.lines] == [
        ("stdout", "abc"),
        ("stderr", "oops"),
        ("stdout", "d"),
    ]


def test_log_dir_gets_each_steps_own_output(tmp_path: Path) -> None:
    """DIR/<step>-<script>.log holds that step's stdout and stderr, unprefixed."""
    write(tmp_path, "say.py", "import sys\nprint('hi', sys.argv[1])\nprint('e', file=sys.stderr)\n")
    run(["say.py one", "sleep:1s", "say.py two &"], cwd=tmp_path, log_dir=tmp_path / "logs")
    assert sorted(os.listdir(tmp_path / "logs")) == ["1-say.py.log", "3-say.py.log"]
    assert (tmp_path / "logs" / "3-say.py.log").read_text() == "hi two\ne\n"


def test_same_seed_same_output_even_with_random_and_uuid(tmp_path: Path) -> None:
    """Scripts using random and uuid4 print the same with the same seed, not another seed."""
    write(
        tmp_path,
        "dice.py",
        """\
        import random, time, uuid
        for _ in range(5):
            time.sleep(random.random())
            print(random.randint(1, 6), uuid.uuid4())
        """,
    )
    steps = ["dice.py &", "dice.py &", "dice.py"]
    first = run(steps, cwd=tmp_path, seed=7)
    again = run(steps, cwd=tmp_path, seed=7)
    other = run(steps, cwd=tmp_path, seed=8)
    assert first.text() == again.text()
    assert first.text() != other.text()
    assert len(first.lines) == 15


def test_the_process_is_restored_after_a_run(tmp_path: Path) -> None:
    """sys.argv, sys.path, cwd, stdout and the time functions are back after the run."""
    write(tmp_path, "noop.py", "import os\nos.chdir('/')\n")
    before = (list(sys.argv), list(sys.path), os.getcwd(), sys.stdout, time.sleep)
    run(["noop.py"], cwd=tmp_path)
    assert (list(sys.argv), list(sys.path), os.getcwd(), sys.stdout, time.sleep) == before


def test_imports_of_client_libraries_get_the_facades_never_the_real_ones(tmp_path: Path) -> None:
    """`import pika` / `from confluent_kafka import ...` in a script are mqsim's facades;
    the real libraries (installed for differential tests) are not imported by the run."""
    write(
        tmp_path,
        "which.py",
        """\
        import pika
        import pika.exceptions
        from confluent_kafka import Producer
        from confluent_kafka.admin import AdminClient
        for thing in (pika, pika.exceptions, Producer, AdminClient):
            print(getattr(thing, "__module__", None) or thing.__name__)
        """,
    )
    before = {name: module for name, module in sys.modules.items() if "pika" in name}
    result = run(["which.py"], cwd=tmp_path)
    assert [line.split(".")[0] for line in result.output("which.py")] == ["mqsim"] * 4
    after = {name: module for name, module in sys.modules.items() if "pika" in name}
    assert {n: m for n, m in after.items() if not n.startswith("mqsim")} == {
        n: m for n, m in before.items() if not n.startswith("mqsim")
    }


def test_a_bug_in_mqsim_keeps_mqsims_frames_in_the_traceback(tmp_path: Path) -> None:
    """A SimulationBug raised under a script is shown with mqsim's frames, for the report."""
    write(
        tmp_path,
        "unlucky.py",
        """\
        from mqsim.sim import SimulationBug
        raise SimulationBug("queue length went negative")
        """,
    )
    result = run(["unlucky.py"], cwd=tmp_path)
    assert result.output("unlucky.py")[-1].startswith("mqsim.sim.errors.SimulationBug: queue")
    assert any("sandbox.py" in line for line in result.output("unlucky.py"))


def test_client_library_imports_resolve_to_the_stand_in_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`import pika`, `pika.exceptions` and `from pika.spec import ...` give the stand-ins
    (a package rather than a flat module, so submodules import), whatever was imported under
    those names before; the old entries are back afterwards."""
    write(tmp_path, "lib/standin/__init__.py", "NAME = 'stand-in'\n")
    write(tmp_path, "lib/standin/exceptions.py", "class AMQPError(Exception):\n    pass\n")
    write(tmp_path, "lib/standin/spec.py", "PERSISTENT = 2\n")
    write(
        tmp_path,
        "client.py",
        """\
        import pika
        import pika.exceptions
        from pika.spec import PERSISTENT
        print(pika.NAME, pika.exceptions.AMQPError.__module__, PERSISTENT)
        try:
            import pika.nothing
        except ModuleNotFoundError as error:
            print(error.name)
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    write(tmp_path, "lib/flat.py", "NAME = 'flat module'\n")
    monkeypatch.setitem(ALIASES, "pika", ("no_such_module", "flat", "standin"))
    sentinel = types.ModuleType("pika")
    monkeypatch.setitem(sys.modules, "pika", sentinel)
    exceptions_before = sys.modules.get("pika.exceptions")
    write(tmp_path, "fail.py", "import pika.exceptions\nraise pika.exceptions.AMQPError('gone')\n")
    result = run(["client.py", "fail.py"], cwd=tmp_path)
    assert result.output("client.py") == ["stand-in standin.exceptions 2", "pika.nothing"]
    assert result.output("fail.py")[-1] == "pika.exceptions.AMQPError: gone", "the imported name"
    assert sys.modules["pika"] is sentinel
    assert sys.modules.get("pika.exceptions") is exceptions_before


def test_statistics_count_steps_lines_and_turns(tmp_path: Path) -> None:
    """A run's statistics: how it ended, steps per status, lines and script turns."""
    write(tmp_path, "nap.py", "import time\nfor _ in range(3):\n    time.sleep(1)\nprint('up')\n")
    result = run(["nap.py &", "nap.py", "sleep:1s"], cwd=tmp_path)
    stats = result.statistics()
    assert (stats.ended, stats.time, stats.lines, stats.exit_code) == ("done", 4.0, 2, 0)
    assert stats.steps == (("exited", 2), ("slept", 1))
    assert stats.turns == 8, "each script: a start and three sleeps"


def test_a_real_ctrl_c_of_the_run_restores_the_process(tmp_path: Path) -> None:
    """A KeyboardInterrupt in the driver (the user's own Ctrl+C) ends the run at once."""
    write(tmp_path, "loop.py", "import time\nwhile True:\n    time.sleep(1)\n")
    world = World(seed=0)

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    world.call_later(2.5, ctrl_c)
    before = (sys.stdout, time.sleep, os.getcwd())
    with pytest.raises(KeyboardInterrupt):
        run(["loop.py"], cwd=tmp_path, world=world)
    assert (sys.stdout, time.sleep, os.getcwd()) == before
    assert world.now == 2.5
