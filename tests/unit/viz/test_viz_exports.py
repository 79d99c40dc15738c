"""mqsim.viz's public names, asserted; importing it does not import matplotlib."""

import subprocess
import sys

import mqsim.viz


def test_public_names() -> None:
    """The pictures module exports exactly these names, all real."""
    assert set(mqsim.viz.__all__) == {
        "depth_series",
        "describe",
        "html_report",
        "is_fault",
        "mermaid_escape",
        "plot_depth",
        "sequence_diagram",
        "throughput",
        "timeline",
        "timeline_text",
    }
    for name in mqsim.viz.__all__:
        assert getattr(mqsim.viz, name) is not None


def test_import_leaves_matplotlib_alone() -> None:
    """matplotlib is the optional extra: only plot_depth imports it."""
    code = "import sys, mqsim.viz; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
