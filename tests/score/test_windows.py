"""`score` sums every window from one pass over the posts: it must agree with scoring each window on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ranking.period import Period, Scope, window
from ranking.score.overflow import checked_totals
from ranking.score.ranks import (
    ScopeScores,
    _bounds,
    _post_stats,
    _scored,
    _summed,
    ceo_scores,
    company_scores,
    ranked_executives,
    score,
    segment_totals,
    with_influence,
)
from ranking.settings import Scoring
from tests.workspaces import COMPANIES, PEOPLE, ROSTER, post_rows, posts_frame

# from mid-November 2020 to February 2022: every window of the periods below, and posts outside them
posts_strategy = post_rows([*PEOPLE, "stranger"], datetime(2020, 11, 15, tzinfo=UTC), 470 * 24, 300, 60)
periods = st.sampled_from([Period(2021, 1), Period(2021, 2), Period(2021, 3), Period(2021, 10), Period(2021, 12)])
weights = st.sampled_from([Scoring(), Scoring(reactions=2, comments=0, shares=5, engagements=3, timezone="UTC")])


frame = posts_frame


def executive_scores(posts: pl.LazyFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Per roster executive: posts, reposts, counts and influence score over the given posts (with their
    `influence`: `with_influence`), ranked: the sum of section 3 over one window, without segments."""
    stats = posts.select("executive_id", *_post_stats()).group_by("executive_id").agg(_summed())
    return ranked_executives(stats, roster)


def score_scope(
    posts: pl.DataFrame | pl.LazyFrame,
    roster: pl.DataFrame,
    companies: pl.DataFrame,
    weights: Scoring,
    period: Period,
    scope: Scope,
) -> ScopeScores:
    """Rankings of one scope for the period, with rank changes against the previous period, from the segments of
    that scope's windows only (`score` cuts the segments of both scopes); `posts` with their `influence`."""
    bounds = _bounds(period, (scope,), weights.timezone)
    totals = checked_totals(segment_totals(posts.lazy(), bounds))
    return _scored(totals, bounds, roster, companies, weights, period, scope)


def window_by_window(posts: pl.DataFrame, weights_: Scoring, period: Period, scope: str) -> ScopeScores:
    """The windows scored one by one with the building blocks of section 3 (filter, sum, rank)."""

    def scored(when: Period) -> ScopeScores:
        scored = with_influence(posts, weights_).filter(window(when, scope, weights_.timezone).contains())
        executives = executive_scores(scored, ROSTER)
        return ScopeScores(scope, executives, company_scores(executives, COMPANIES), ceo_scores(executives))

    now = scored(period)
    before = None if scope == "ytd" and period.month == 1 else scored(period.previous())

    def change(table: str, key: str) -> pl.DataFrame:
        current = getattr(now, table)
        if before is None:
            return current.with_columns(pl.lit(None, pl.Int64).alias("rank_change"))
        previous = getattr(before, table).select(key, pl.col("rank").alias("__p"))
        return current.join(previous, on=key, how="left", maintain_order="left").with_columns(
            (pl.col("__p") - pl.col("rank")).alias("rank_change")
        )

    return ScopeScores(
        scope, change("executives", "executive_id"), change("companies", "company"), change("ceos", "executive_id")
    )


@given(posts_strategy, periods, weights)
def test_one_pass_agrees_with_each_window_on_its_own(rows: list[dict], period: Period, weights_: Scoring) -> None:
    posts = frame(rows)
    together = score(with_influence(posts, weights_), ROSTER, COMPANIES, weights_, period)
    for scope in ("month", "ytd"):
        alone = score_scope(with_influence(posts, weights_), ROSTER, COMPANIES, weights_, period, scope)
        expected = window_by_window(posts, weights_, period, scope)
        for table in ("executives", "companies", "ceos"):
            expect = getattr(expected, table).drop("__p", strict=False)
            assert_frame_equal(getattr(together[scope], table), expect, check_column_order=False)
            assert_frame_equal(getattr(alone, table), expect, check_column_order=False)
