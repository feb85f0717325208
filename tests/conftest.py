"""The tests' fixtures and hypothesis profiles. What they share besides fixtures (the period, the demo, the small
roster of the properties, the one strategy of posts, workspace builders) is in tests/workspaces.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ranking.period import Period
from ranking.pipeline import RunData
from tests.workspaces import DEMO, PERIOD, SHARED_FORMATS, Pipeline

# `make test` (and so CI) draws the same examples on every run: a property that fails, fails on every machine, never
# by chance. `make fuzz` (`--hypothesis-profile=fuzz`) draws new ones, more of them, and keeps what it finds.
settings.register_profile(
    "test",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fuzz", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("test")


@pytest.fixture
def period() -> Period:
    """The month the tests rank."""
    return PERIOD


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """`pipeline(root, period=PERIOD)`: the run's own computation on a workspace (ranking.pipeline.compute), shared
    for the session while the workspace's files are unchanged (tests.workspaces.Pipeline). Do not change the
    RunData it returns; tests.workspaces.computed gives a fresh one."""
    return Pipeline()


@pytest.fixture(scope="session")
def demo_data(pipeline: Pipeline) -> RunData:
    """The demo's run of PERIOD (fixtures/demo), computed once for the session: do not change it."""
    return pipeline(DEMO)


@pytest.fixture
def formats_dir() -> Path:
    """The real export samples of ../shared/formats/ (tests using it skip when it is absent)."""
    if not SHARED_FORMATS.is_dir():
        pytest.skip("../shared/formats is not here")
    return SHARED_FORMATS
