"""Failure labs: each shows a classic message-queue failure, why it happens, and the fix.

``mqsim lab list`` lists them; :func:`all_labs` and :func:`get_lab` give them to code.
"""

from mqsim.labs.base import Lab, LabResult, run_lab
from mqsim.labs.registry import all_labs, get_lab, register

__all__ = ["Lab", "LabResult", "all_labs", "get_lab", "register", "run_lab"]
