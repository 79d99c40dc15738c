"""Testing helpers for users of mqsim: hypothesis strategies and a pytest fixture.

``mqsim_world`` (a fresh, seeded default world per test) is available in any pytest run
once mqsim is installed, through the ``pytest11`` entry point. The strategies need
hypothesis (``pip install 'mqsim[testing]'``) and are imported on first use, so the
pytest plugin works without it.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "FAULT_KINDS": "mqsim.testing.faults",
    "fault_plans": "mqsim.testing.faults",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mqsim.testing' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
