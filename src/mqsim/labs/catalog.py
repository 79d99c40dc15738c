"""Imports every lab module, so each registers itself; the order here is the listed order."""
