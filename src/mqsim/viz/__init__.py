"""Pictures of a trace: timeline, Mermaid sequence diagram, plots and an HTML page.

All are functions of trace records (a live ``world.trace`` or :func:`mqsim.read_jsonl`)
and deterministic: the same records give the same text. Plots need the optional extra
``mqsim[viz]`` (matplotlib), imported only by :func:`plot_depth`.
"""

from mqsim.viz.describe import describe, is_fault
from mqsim.viz.html import html_report
from mqsim.viz.mermaid import escape as mermaid_escape
from mqsim.viz.mermaid import sequence_diagram
from mqsim.viz.plots import depth_series, plot_depth, throughput
from mqsim.viz.timeline import timeline, timeline_text

__all__ = [
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
]
