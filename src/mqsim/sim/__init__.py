"""The simulation kernel: world, clock, RNG, trace, network and faults.

Knows nothing about brokers; the models build on what this package exports.
"""

from mqsim.sim.duration import Duration, parse_duration
from mqsim.sim.errors import InvalidArgument, ModelError, SimulationBug
from mqsim.sim.faults import Fault, FaultPlan, crash, heal, partition, restart, slow
from mqsim.sim.net import Latency, Link, Network
from mqsim.sim.programs import Interrupted, Killed, Program, ProgramDriver
from mqsim.sim.trace import Trace, TraceLevel, TraceRecord, TraceStatistics, read_jsonl, select
from mqsim.sim.world import Timer, World, WorldStatistics

__all__ = [
    "Duration",
    "Fault",
    "FaultPlan",
    "Interrupted",
    "InvalidArgument",
    "Killed",
    "Latency",
    "Link",
    "ModelError",
    "Network",
    "Program",
    "ProgramDriver",
    "SimulationBug",
    "Timer",
    "Trace",
    "TraceLevel",
    "TraceRecord",
    "TraceStatistics",
    "World",
    "WorldStatistics",
    "crash",
    "heal",
    "parse_duration",
    "partition",
    "read_jsonl",
    "restart",
    "select",
    "slow",
]
