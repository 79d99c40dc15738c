"""RabbitMQ labs; each module registers one lab on import, in the order imported here."""
