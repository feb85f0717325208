"""What the reports show beyond the tables: monthly series since January, platform split, best posts, movers and
the posts whose counts are missing. Each function receives the posts of its window (ranking.pipeline windows
them once), with their `influence` (ranking.score.ranks.with_influence), and only aggregates them."""

from __future__ import annotations

import polars as pl

from ranking.period import Period
from ranking.schema import PLATFORMS


def monthly_scores(
    ytd_posts: pl.DataFrame | pl.LazyFrame, roster: pl.DataFrame, timezone: str, period: Period
) -> pl.DataFrame:
    """Each roster executive's influence score of every month from January to `period` (zeros included), from the
    posts of the year to date, months taken in `timezone`: columns executive_id, company, month (1…period.month),
    score; ordered by executive then month."""
    local_month = pl.col("posted_at").dt.convert_time_zone(timezone).dt.month().cast(pl.Int64)
    per_month = (
        ytd_posts.lazy()
        .with_columns(pl.col("influence").alias("score"), local_month.alias("month"))
        .group_by("executive_id", "month")
        .agg(pl.col("score").sum())
        .collect(engine="streaming")  # streamed: in memory, the query would copy its columns for every post
        .lazy()
    )
    months = pl.LazyFrame({"month": list(range(1, period.month + 1))}, schema={"month": pl.Int64})
    grid = roster.lazy().select("executive_id", "company").join(months, how="cross")
    return (
        grid.join(per_month, on=["executive_id", "month"], how="left")
        .with_columns(pl.col("score").fill_null(0))
        .sort("executive_id", "month")
        .collect()
    )


def team_monthly_scores(executive_months: pl.DataFrame) -> pl.DataFrame:
    """Each company's team score of every month (the sum of its executives'): company, month, score."""
    return executive_months.group_by("company", "month").agg(pl.col("score").sum()).sort("company", "month")


def platform_scores(posts: pl.DataFrame | pl.LazyFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Each roster executive's influence score by platform over the posts of one window: executive_id, linkedin, x."""
    split = (
        posts.lazy()
        .group_by("executive_id")
        .agg([pl.col("influence").filter(pl.col("platform") == p).sum().alias(p) for p in PLATFORMS])
        .collect(engine="streaming")  # streamed, as in monthly_scores
        .lazy()
    )
    return (
        roster.lazy()
        .select("executive_id")
        .join(split, on="executive_id", how="left")
        .with_columns(pl.col(PLATFORMS).fill_null(0))
        .collect()
    )


def best_posts(posts: pl.DataFrame | pl.LazyFrame, n: int) -> pl.DataFrame:
    """The `n` most influential posts (reposts excluded) of each executive among the posts of one window; ties go
    to the most recent post, then the post id, so that the choice is stable."""
    return (
        posts.lazy()
        .filter(pl.col("kind") != "repost")
        .sort(["executive_id", "influence", "posted_at", "post_id"], descending=[False, True, True, False])
        .group_by("executive_id", maintain_order=True)
        .head(n)
        .collect()
    )


def team_best_posts(best: pl.DataFrame, n: int) -> pl.DataFrame:
    """The `n` best posts of each company's team among `best` (`best_posts` of posts with their `company`), in
    company order, most influential first; ties broken as `best_posts` breaks them."""
    return (
        best.sort(["company", "influence", "posted_at", "post_id"], descending=[False, True, True, False])
        .group_by("company", maintain_order=True)
        .head(n)
    )


def movers(ranked: pl.DataFrame, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `n` biggest climbers and fallers of a ranked table (by `rank_change`; ties by the new rank)."""
    moved = ranked.filter(pl.col("rank_change").is_not_null())
    climbers = moved.filter(pl.col("rank_change") > 0).sort(["rank_change", "rank"], descending=[True, False])
    fallers = moved.filter(pl.col("rank_change") < 0).sort(["rank_change", "rank"], descending=[False, False])
    return climbers.head(n), fallers.head(n)


def missing_counts(ytd_posts: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per executive, the year-to-date posts (reposts excluded) whose exports give no count at all
    (`no_counts`) or only an engagements total (`total_only`); executives with neither are left out."""
    split = pl.any_horizontal([pl.col(c).is_not_null() for c in ("reactions", "comments", "shares")])
    total = pl.col("engagements").is_not_null()
    return (
        ytd_posts.lazy()
        .filter(pl.col("kind") != "repost")
        .group_by("executive_id")
        .agg(
            (~split & ~total).sum().cast(pl.Int64).alias("no_counts"),
            (~split & total).sum().cast(pl.Int64).alias("total_only"),
        )
        .filter((pl.col("no_counts") > 0) | (pl.col("total_only") > 0))
        .sort("executive_id")
        .collect(engine="streaming")
    )
