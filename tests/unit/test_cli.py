"""The command line: version, help, and one-line errors with exit code 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from mqsim import World, __version__
from mqsim.cli import main


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    """`mqsim --version` prints the package version."""
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"mqsim {__version__}"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a subcommand, mqsim shows its help and succeeds."""
    assert main([]) == 0
    assert "usage: mqsim" in capsys.readouterr().out


def test_trace_summary_counts_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`mqsim trace FILE` counts records per kind."""
    world = World()
    world.trace.emit("msg.publish", "p", "m1")
    world.trace.emit("msg.publish", "p", "m2")
    world.advance(2)
    world.trace.emit("msg.ack", "b", "m1")
    path = tmp_path / "t.jsonl"
    world.trace.write_jsonl(path)
    assert main(["trace", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 records" in out
    assert "msg.publish" in out
    assert "from t=0s to t=2s" in out


def test_missing_trace_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad file is one line on stderr, exit code 2, no traceback."""
    assert main(["trace", str(tmp_path / "nope.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mqsim: error: trace: cannot read")
    assert err.count("\n") == 1


def test_console_script_runs_as_module() -> None:
    """`python -m mqsim --help` works like the installed `mqsim` command."""
    done = subprocess.run(
        [sys.executable, "-m", "mqsim", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "usage: mqsim" in done.stdout
