"""pika.adapters: only the blocking adapter exists in mqsim."""

from mqsim.clients.pika.adapters.blocking_connection import BlockingConnection

__all__ = ["BlockingConnection"]
