import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})


def report(err, msg):
    print(
        f"delivered offset {msg.offset()}: key={msg.key()!r} value={msg.value()!r} "
        f"headers={msg.headers()!r} len={len(msg)} error={msg.error()} err={err}"
    )


producer.produce("profiles", key="ali", value=b'{"city": "Lahore"}', callback=report)
producer.produce("profiles", key="ali", value=None, callback=report)  # tombstone
producer.produce("profiles", key=b"", value=b"", callback=report)
producer.produce(
    "profiles", value="no key", headers={"trace-id": "abc", "retry": b"1"}, callback=report
)
producer.produce(
    "profiles",
    value="list headers",
    headers=[("a", b"1"), ("a", b"2"), ("empty", None)],
    callback=report,
)
producer.flush()
