"""Benchmarks: scripts run on purpose, not tests (see README, Performance)."""
