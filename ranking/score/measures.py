"""Beyond volume: share of voice, resonance (median influence per post), engagement rates and percentiles.

The contract's scores add up every reaction of the window, so they follow audience size and a single viral post
can carry them. The measures here answer the questions a comms director asks next, as published methods do
(medians per post, rates per impression or per follower, a minimum of activity, percentiles within the group):

- interactions of a post = reactions + comments + shares (a missing one adds 0), or the engagements total where
  that is the only count; a post with no count at all has none (it is left out, never read as 0);
- own posts = posts, replies and quotes (a repost's counts belong to its original author);
- `share_of_voice` of a team = its team score / the sum of every team's (0 when that sum is 0);
- `median_influence` = the median influence of the own posts that have a count (the mean of the two middle ones
  when their number is even), empty below `[measures] min_posts` such posts; a team's: over all its members' posts;
- `engagement_rate` = Σ interactions / Σ impressions over the own posts that have both (impressions > 0);
- `interactions_per_1k_followers` = 1,000 × interactions / followers of the post's platform, averaged over the own
  posts with a count whose platform's follower count is known (that is: per platform, 1,000 × interactions per
  post / followers, weighted by posts across platforms);
- `percentile_<measure>` = 100 × (B + T / 2) / N within the group (roster executives, or teams) among those with a
  value: B below, T equal (itself included), N with a value.

Each measure is declared once, in ranking.score.catalogue: the tables' columns, the decimals they keep and the
aggregations below are read from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from ranking.period import Scope
from ranking.score import catalogue
from ranking.score.catalogue import Table
from ranking.score.ranks import ScopeScores

_SPLIT = ("reactions", "comments", "shares")
_FOLLOWERS = {"linkedin": "linkedin_followers", "x": "x_followers"}


def interactions() -> pl.Expr:
    """Interactions of a post: reactions + comments + shares (a missing one adds 0), or the engagements total where
    that is the only count; null for a post without any count."""
    has_split = pl.any_horizontal([pl.col(c).is_not_null() for c in _SPLIT])
    split = pl.sum_horizontal([pl.col(c).fill_null(0) for c in _SPLIT])
    return pl.when(has_split).then(split).otherwise(pl.col("engagements")).cast(pl.Int64)


def post_measures(posts: pl.DataFrame | pl.LazyFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """The posts with what each adds to the measures: `company` (the roster's), `influence`, `interactions`,
    `measured` (an own post with a count: it enters the medians and rates), `rated` (measured with impressions > 0:
    it enters the engagement rate), `followers` (of its author on its platform, where known) and
    `per_1k_followers` (1,000 × interactions / followers, where both are known)."""
    return _post_measures(posts.lazy(), _people(roster)).collect()


def _people(roster: pl.DataFrame) -> pl.DataFrame:
    """The roster's columns `post_measures` joins: company (as `__company`) and follower counts."""
    return roster.select(
        "executive_id",
        pl.col("company").alias("__company"),
        *[
            (pl.col(c).cast(pl.Int64) if c in roster.columns else pl.lit(None, pl.Int64)).alias(c)
            for c in _FOLLOWERS.values()
        ],
    )


def _post_measures(posts: pl.LazyFrame, people: pl.DataFrame) -> pl.LazyFrame:
    """`post_measures` as a query (`people`: `_people` of the roster); the posts carry their `influence`
    (ranking.score.ranks.with_influence, computed once per run)."""
    platform = pl.col("platform")
    followers = (
        pl.when(platform == "linkedin")
        .then(pl.col("linkedin_followers"))
        .when(platform == "x")
        .then(pl.col("x_followers"))
    )
    measured = (pl.col("kind") != "repost") & pl.col("interactions").is_not_null()
    known = pl.col("followers") > 0
    names = posts.collect_schema().names()
    return (
        posts.drop([c for c in ("company", "interactions") if c in names])
        .join(people.lazy(), on="executive_id", how="left", maintain_order="left")
        .rename({"__company": "company"})
        .with_columns(interactions().alias("interactions"), followers.alias("followers"))
        .drop(*_FOLLOWERS.values())
        .with_columns(measured.alias("measured"))
        .with_columns(
            (pl.col("measured") & (pl.col("impressions") > 0).fill_null(False)).alias("rated"),
            pl.when(pl.col("measured") & known)
            .then(1000.0 * pl.col("interactions") / pl.col("followers"))
            .alias("per_1k_followers"),
        )
    )


def _aggregated(measured: pl.LazyFrame, by: str, table: Table, min_posts: int) -> pl.DataFrame:
    """Per `by` value: the declared aggregations of `table`'s measures over its measured posts (a streamed query: in
    memory, it would copy the columns it reads for every post)."""
    return (
        measured.group_by(by)
        .agg(m.per_post(min_posts).alias(m.name) for m in catalogue.declared(table) if m.per_post is not None)
        .collect(engine="streaming")
    )


def percentile(column: str) -> pl.Expr:
    """100 × (B + T / 2) / N over the column's non-null values: B strictly below, T equal (itself included), N with
    a value; null for a null value. With 1-based ranks, B = min rank − 1 and B + T = max rank."""
    value = pl.col(column)
    below_or_equal = value.rank("min") + value.rank("max") - 1
    return (100.0 * below_or_equal / (2 * value.count())).round(1).alias(f"percentile_{column}")


def _completed(frame: pl.DataFrame, table: Table, scope: str, key: str) -> pl.DataFrame:
    """A scope's table (`key` and the contract's score) with the aggregations joined: the declared measures of
    `table` completed, rounded (percentiles are taken over the rounded values, so that equal-looking values tie) and
    ranked, as the columns appended to the table."""
    measures = catalogue.declared(table)
    kept = catalogue.decimals()
    return (
        frame.with_columns(m.per_table().alias(m.name) for m in measures if m.per_table is not None)
        .with_columns(pl.col(m.name).round(kept[m.name]) for m in measures if m.appended and m.name in kept)
        .with_columns(percentile(m.name) for m in measures if m.percentile)
        .select(pl.lit(scope).alias("scope"), key, *catalogue.columns(table))
    )


@dataclass(frozen=True)
class Measured:
    """The measures of both scopes: one row per scope and roster executive, and per scope and team."""

    executives: pl.DataFrame  # scope, executive_id, catalogue.columns("executives")
    companies: pl.DataFrame  # scope, company, catalogue.columns("companies")


def _scope_measures(
    scope: str, scores: ScopeScores, posts: pl.DataFrame, roster: pl.DataFrame, min_posts: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    measured = _post_measures(posts.lazy(), _people(roster)).filter(pl.col("measured"))
    executives = scores.executives.select("executive_id", "influence_score").join(
        _aggregated(measured, "executive_id", "executives", min_posts),
        on="executive_id",
        how="left",
        maintain_order="left",
    )
    companies = scores.companies.select("company", "team_score").join(
        _aggregated(measured, "company", "companies", min_posts), on="company", how="left", maintain_order="left"
    )
    return (
        _completed(executives, "executives", scope, "executive_id"),
        _completed(companies, "companies", scope, "company"),
    )


def measures(
    scores: Mapping[Scope, ScopeScores],
    posts: Mapping[Scope, pl.DataFrame],
    roster: pl.DataFrame,
    min_posts: int,
) -> Measured:
    """The measures beyond volume of each scope, from its scores (team scores, influence scores) and the posts of
    its window (classified, with their `influence`: ranking.pipeline.windowed_posts), with the roster's follower
    counts."""
    parts = [_scope_measures(s, scores[s], posts[s], roster, min_posts) for s in scores]
    return Measured(pl.concat([e for e, _ in parts]), pl.concat([c for _, c in parts]))


def with_measures(table: pl.DataFrame, measured: pl.DataFrame, by: str) -> pl.DataFrame:
    """A table of both scopes (executives.csv or companies.csv) with the measures of `measured` appended at the end."""
    return table.join(measured, on=["scope", by], how="left", maintain_order="left")
