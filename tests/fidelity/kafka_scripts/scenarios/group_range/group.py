"""Consumers of one group in one process, polled in turn: two join, a third joins, the third
leaves, the other two close. Prints, per phase, the group's assignments and each member's
rebalance callbacks.

Which member gets which partitions depends on the order of member ids (pointer-like on the
mock, client.id-based on a real broker), so both are printed as sorted lists, which do not
depend on that order. The number of rebalance rounds a membership change takes depends on
timing (a member that rejoins late causes another round), so each member's callbacks are
summarised: callbacks with an empty list (cooperative rounds that give a member nothing)
are left out, and a revoke followed by the assignment of the very same partitions (an extra
eager round) is dropped.

Usage: group.py STRATEGY (range, roundrobin or cooperative-sticky)
"""

import os
import sys

from confluent_kafka import Consumer

strategy = sys.argv[1]
ALL = sorted([f"o{p}" for p in range(6)] + [f"r{p}" for p in range(3)])
log = {}


def short(partitions):
    return sorted(f"{tp.topic[0]}{tp.partition}" for tp in partitions)


def member(name):
    consumer = Consumer(
        {
            "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
            "group.id": f"group-{strategy}",
            "client.id": name,
            "partition.assignment.strategy": strategy,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 1000,
        }
    )
    log[name] = []

    def on_assign(consumer, partitions):
        log[name].append(("assign", short(partitions)))

    def on_revoke(consumer, partitions):
        log[name].append(("revoke", short(partitions)))

    def on_lost(consumer, partitions):
        log[name].append(("lost", short(partitions)))

    consumer.subscribe(
        ["orders", "refunds"], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost
    )
    return consumer


def summary(events):
    kept = []
    for kind, partitions in events:
        if not partitions:
            continue
        if kind == "assign" and kept and kept[-1] == ("revoke", partitions):
            kept.pop()
            continue
        kept.append((kind, partitions))
    return [f"{kind} {len(partitions)}" for kind, partitions in kept]


def report(phase, members):
    if members:
        print(f"{phase}: assignments {sorted(short(c.assignment()) for c in members.values())}")
    print(f"{phase}: callbacks {sorted(summary(events) for events in log.values())}")
    for name in log:
        log[name] = []


def settle(members):
    """Poll every member in turn until each owns something and together they own every
    partition exactly once, then a little longer."""
    for _ in range(600):
        for consumer in members.values():
            msg = consumer.poll(0.1)
            if msg is not None and msg.error():
                print(f"error: {msg.error()}")
        owned = [short(c.assignment()) for c in members.values()]
        if all(owned) and sorted(p for ps in owned for p in ps) == ALL:
            break
    for _ in range(10):
        for consumer in members.values():
            consumer.poll(0.1)


members = {name: member(name) for name in ("consumer-1", "consumer-2")}
settle(members)
report("two members", members)
members["consumer-3"] = member("consumer-3")
settle(members)
report("third joins", members)
members.pop("consumer-3").close()
settle(members)
report("third leaves", members)
del log["consumer-3"]
for consumer in members.values():
    consumer.close()
report("both close", {})
