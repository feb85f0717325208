"""What the tests share: the period, the small roster of the properties, the one hypothesis strategy of posts, the
real export samples, and `pipeline`, the run's own computation on a workspace (ranking.pipeline.compute)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ranking import schema
from ranking.load.workspace import load_workspace
from ranking.period import Period
from ranking.pipeline import RunData, compute

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED_FORMATS = REPO.parent / "shared" / "formats"
DEMO = REPO / "fixtures" / "demo"

#: The month the tests rank, as the demo does.
PERIOD = Period(2021, 10)

#: A small roster for the properties: three companies (and a fourth without anyone), five executives.
PEOPLE = ["a", "b", "c", "d", "e"]
ROSTER = pl.DataFrame(
    {
        "executive_id": PEOPLE,
        "name": ["Ann", "Bob", "Cid", "Dee", "Eve"],
        "company": ["x", "x", "y", "y", "z"],
        "role": [""] * 5,
        "is_ceo": [True, False, True, False, True],
    }
)
COMPANIES = pl.DataFrame({"company": ["x", "y", "z", "w"], "name": ["X", "Y", "Z", "W"]})


def post_rows(
    people: list[str] = PEOPLE,
    start: datetime = datetime(2021, 1, 1, tzinfo=UTC),
    hours: int = 330 * 24,
    max_count: int = 500,
    max_size: int = 40,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of canonical posts by `people`, posted hourly from `start` over `hours`, with any counts (or none),
    numbered 0, 1, …: the one strategy of posts every property draws from."""
    count = st.one_of(st.none(), st.integers(0, max_count))
    row = st.fixed_dictionaries(
        {
            "executive_id": st.sampled_from(people),
            "platform": st.sampled_from(["linkedin", "x"]),
            "kind": st.sampled_from(["post", "reply", "quote", "repost"]),
            "posted_at": st.integers(0, hours).map(lambda h: start + timedelta(hours=h)),
            "reactions": count,
            "comments": count,
            "shares": count,
            "engagements": count,
        }
    )
    return st.lists(row, max_size=max_size).map(lambda rows: [{**r, "post_id": str(i)} for i, r in enumerate(rows)])


def posts_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Drawn posts as the canonical posts table."""
    if not rows:
        return schema.empty_posts()
    return schema.conform(pl.DataFrame(rows, schema_overrides={"posted_at": schema.UTC_INSTANT})).collect()


@pytest.fixture
def period() -> Period:
    """The month the tests rank."""
    return PERIOD


def computed(root: Path, period: Period = PERIOD) -> RunData:
    """Load the workspace at `root` and compute the run of `period`, as `ranking run` does before it writes
    anything (scores, classified posts of each window, tables, report data)."""
    return compute(load_workspace(root), period)


@pytest.fixture(scope="session")
def pipeline() -> Callable[..., RunData]:
    """`pipeline(root, period=PERIOD)`: the run's own computation on a workspace (see `computed`)."""
    return computed


@pytest.fixture
def formats_dir() -> Path:
    """The real export samples of ../shared/formats/ (tests using it skip when it is absent)."""
    if not SHARED_FORMATS.is_dir():
        pytest.skip("../shared/formats is not here")
    return SHARED_FORMATS
