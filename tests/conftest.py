from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED_FORMATS = REPO.parent / "shared" / "formats"


@pytest.fixture
def formats_dir() -> Path:
    """The real export samples of ../shared/formats/ (tests using it skip when it is absent)."""
    if not SHARED_FORMATS.is_dir():
        pytest.skip("../shared/formats is not here")
    return SHARED_FORMATS
