"""Fixtures of the fault-injection suite (defined in common.py)."""

from tests.faults.common import demo_month, demo_published, month

__all__ = ["demo_month", "demo_published", "month"]
