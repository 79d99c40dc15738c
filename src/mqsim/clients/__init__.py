"""Client facades (pika, confluent-kafka) and the script runner, over the broker models."""
