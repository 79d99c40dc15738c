"""Delivery checking: what the trace says happened to every message.

:func:`check` turns any trace (``world.trace`` or :func:`mqsim.read_jsonl`) into a
:class:`Report` of lost, duplicated, reordered, unexpected, redelivered, dropped and
still-stored messages; the rules per system are in :mod:`mqsim.check.delivery`.
"""

from mqsim.check.delivery import check
from mqsim.check.history import DELIBERATE_DROPS, delivery_histories
from mqsim.check.report import Finding, Reordering, Report

__all__ = ["DELIBERATE_DROPS", "Finding", "Reordering", "Report", "check", "delivery_histories"]
