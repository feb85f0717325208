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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from ranking.period import Scope
from ranking.score.ranks import ScopeScores, influence
from ranking.settings import Scoring

#: The measures of an executive and of a team (both), before their percentiles.
MEASURES = ("median_influence", "engagement_rate", "interactions_per_1k_followers")
#: Columns appended to executives.csv (after the tone shares).
EXECUTIVE_MEASURES = (
    "measured_posts", *MEASURES, "percentile_influence_score", *(f"percentile_{m}" for m in MEASURES),
)  # fmt: skip
#: Columns appended to companies.csv (after the tone shares).
COMPANY_MEASURES = (
    "share_of_voice", "measured_posts", *MEASURES, "percentile_team_score", "percentile_share_of_voice",
    *(f"percentile_{m}" for m in MEASURES),
)  # fmt: skip
#: Decimals the tables keep; percentiles are taken over the rounded values, so that equal-looking values tie.
DECIMALS = {"share_of_voice": 4, "median_influence": 1, "engagement_rate": 6, "interactions_per_1k_followers": 3}
_SPLIT = ("reactions", "comments", "shares")
_FOLLOWERS = {"linkedin": "linkedin_followers", "x": "x_followers"}


def interactions() -> pl.Expr:
    """Interactions of a post: reactions + comments + shares (a missing one adds 0), or the engagements total where
    that is the only count; null for a post without any count."""
    has_split = pl.any_horizontal([pl.col(c).is_not_null() for c in _SPLIT])
    split = pl.sum_horizontal([pl.col(c).fill_null(0) for c in _SPLIT])
    return pl.when(has_split).then(split).otherwise(pl.col("engagements")).cast(pl.Int64)


def post_measures(posts: pl.DataFrame | pl.LazyFrame, roster: pl.DataFrame, weights: Scoring) -> pl.DataFrame:
    """The posts with what each adds to the measures: `company` (the roster's), `influence`, `interactions`,
    `measured` (an own post with a count: it enters the medians and rates), `rated` (measured with impressions > 0:
    it enters the engagement rate), `followers` (of its author on its platform, where known) and
    `per_1k_followers` (1,000 × interactions / followers, where both are known)."""
    return _post_measures(posts.lazy(), _people(roster), weights).collect()


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


def _post_measures(posts: pl.LazyFrame, people: pl.DataFrame, weights: Scoring) -> pl.LazyFrame:
    """`post_measures` as a query (`people`: `_people` of the roster)."""
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
        .with_columns(
            influence(weights).alias("influence"), interactions().alias("interactions"), followers.alias("followers")
        )
        .drop(*_FOLLOWERS.values())
        .with_columns(measured.alias("measured"))
        .with_columns(
            (pl.col("measured") & (pl.col("impressions") > 0).fill_null(False)).alias("rated"),
            pl.when(pl.col("measured") & known)
            .then(1000.0 * pl.col("interactions") / pl.col("followers"))
            .alias("per_1k_followers"),
        )
    )


def _aggregated(measured: pl.LazyFrame, by: str, min_posts: int) -> pl.DataFrame:
    """Per `by` value: the measures over its measured posts (a streamed query: in memory, it would copy the
    columns it reads for every post)."""
    rated = pl.col("rated")
    impressions = pl.col("impressions").filter(rated).sum()
    return (
        measured.group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias("measured_posts"),
            pl.when(pl.len() >= min_posts)
            .then(pl.col("influence").cast(pl.Float64).median())
            .alias("median_influence"),
            pl.when(rated.any())
            .then(pl.col("interactions").filter(rated).sum() / impressions)
            .cast(pl.Float64)
            .alias("engagement_rate"),
            pl.col("per_1k_followers").mean().cast(pl.Float64).alias("interactions_per_1k_followers"),
        )
        .collect(engine="streaming")
    )


def percentile(column: str) -> pl.Expr:
    """100 × (B + T / 2) / N over the column's non-null values: B strictly below, T equal (itself included), N with
    a value; null for a null value. With 1-based ranks, B = min rank − 1 and B + T = max rank."""
    value = pl.col(column)
    below_or_equal = value.rank("min") + value.rank("max") - 1
    return (100.0 * below_or_equal / (2 * value.count())).round(1).alias(f"percentile_{column}")


def _rounded(names: tuple[str, ...]) -> list[pl.Expr]:
    return [pl.col(c).round(DECIMALS[c]) for c in names if c in DECIMALS]


@dataclass(frozen=True)
class Measured:
    """The measures of both scopes: one row per scope and roster executive, and per scope and team."""

    executives: pl.DataFrame  # scope, executive_id, EXECUTIVE_MEASURES
    companies: pl.DataFrame  # scope, company, COMPANY_MEASURES


def _scope_measures(
    scope: str, scores: ScopeScores, posts: pl.DataFrame, roster: pl.DataFrame, weights: Scoring, min_posts: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    measured = _post_measures(posts.lazy(), _people(roster), weights).filter(pl.col("measured"))
    zero = pl.col("measured_posts").fill_null(0)
    executives = (
        scores.executives.select("executive_id", "influence_score")
        .join(_aggregated(measured, "executive_id", min_posts), on="executive_id", how="left", maintain_order="left")
        .with_columns(zero, *_rounded(MEASURES))
        .with_columns(percentile("influence_score"), *[percentile(m) for m in MEASURES])
        .select(pl.lit(scope).alias("scope"), "executive_id", *EXECUTIVE_MEASURES)
    )
    total = pl.col("team_score").sum()
    companies = (
        scores.companies.select("company", "team_score")
        .join(_aggregated(measured, "company", min_posts), on="company", how="left", maintain_order="left")
        .with_columns(
            zero,
            pl.when(total > 0).then(pl.col("team_score") / total).otherwise(0.0).alias("share_of_voice"),
        )
        .with_columns(*_rounded(("share_of_voice", *MEASURES)))
        .with_columns(percentile("team_score"), percentile("share_of_voice"), *[percentile(m) for m in MEASURES])
        .select(pl.lit(scope).alias("scope"), "company", *COMPANY_MEASURES)
    )
    return executives, companies


def measures(
    scores: Mapping[Scope, ScopeScores],
    posts: Mapping[Scope, pl.DataFrame],
    roster: pl.DataFrame,
    weights: Scoring,
    min_posts: int,
) -> Measured:
    """The measures beyond volume of each scope, from its scores (team scores, influence scores) and the posts of
    its window (canonical columns; ranking.pipeline.windowed_posts), with the roster's follower counts."""
    parts = [_scope_measures(s, scores[s], posts[s], roster, weights, min_posts) for s in scores]
    return Measured(pl.concat([e for e, _ in parts]), pl.concat([c for _, c in parts]))


def with_measures(table: pl.DataFrame, measured: pl.DataFrame, by: str) -> pl.DataFrame:
    """A table of both scopes (executives.csv or companies.csv) with the measures of `measured` appended at the end."""
    return table.join(measured, on=["scope", by], how="left", maintain_order="left")
