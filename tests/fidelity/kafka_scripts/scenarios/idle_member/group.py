"""Three consumers of one group (range) in one process on a 2-partition topic."""

import os

from confluent_kafka import Consumer

log = {}


def member(name):
    consumer = Consumer(
        {
            "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
            "group.id": "alert_handlers",
            "client.id": name,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 1000,
        }
    )
    log[name] = []
    subscribe(consumer, name)
    return consumer


def subscribe(consumer, name):
    consumer.subscribe(
        ["alerts"],
        on_assign=lambda c, ps: log[name].append(f"assign {sorted(p.partition for p in ps)}"),
        on_revoke=lambda c, ps: log[name].append(f"revoke {sorted(p.partition for p in ps)}"),
    )


def settle(consumers, waiting_for):
    """Poll all in turn until each consumer named in waiting_for has had an on_assign
    callback in this phase, then a little longer."""
    for _ in range(300):
        for consumer in consumers.values():
            consumer.poll(0.1)
        if all(any(e.startswith("assign") for e in log[name]) for name in waiting_for):
            break
    for _ in range(10):
        for consumer in consumers.values():
            consumer.poll(0.1)


def report(phase, consumers, detail=True):
    print(
        f"{phase}: assignments "
        f"{sorted(sorted(tp.partition for tp in c.assignment()) for c in consumers.values())}"
    )
    if detail:
        print(f"{phase}: callbacks {sorted(log.values())}")
    else:  # which member ends up idle depends on the order of member ids: totals only
        calls = [event.split()[0] for events in log.values() for event in events]
        print(
            f"{phase}: {calls.count('assign')} assign and {calls.count('revoke')} revoke callbacks"
        )
    for name in log:
        log[name] = []


consumers = {name: member(name) for name in ("handler-1", "handler-2", "handler-3")}
settle(consumers, list(consumers))
report("three members, two partitions", consumers)

# The idle member unsubscribes: the other two keep their partitions (eager: revoke, assign).
idle = next(name for name, c in consumers.items() if not c.assignment())
busy = [name for name in consumers if name != idle]
consumers[idle].unsubscribe()
settle(consumers, busy)
report("idle one unsubscribed", consumers)
print(f"unsubscribed member's assignment: {consumers[idle].assignment()}")

subscribe(consumers[idle], idle)
settle(consumers, list(consumers))
report("subscribed again", consumers, detail=False)

# Close the idle member first, then the others (they keep their partitions until closed).
idle = next(name for name, c in consumers.items() if not c.assignment())
consumers[idle].close()
for name, consumer in consumers.items():
    if name != idle:
        consumer.close()
print(f"closed, idle one first: callbacks {sorted(log.values())}")
