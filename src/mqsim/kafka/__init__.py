"""Kafka cluster model."""
