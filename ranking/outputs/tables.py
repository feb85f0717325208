"""The contract's tables as written: posts.csv, the local time of a post, cells a spreadsheet cannot misread."""

from __future__ import annotations

import polars as pl

#: The columns of posts.csv.
POSTS_CSV_COLUMNS = (
    "executive_id", "company", "platform", "post_id", "posted_at", "kind", "influence", "tone", "topics", "compliance",
)  # fmt: skip


def local_time(column: str, timezone: str) -> pl.Expr:
    """An instant as ISO 8601 text in the workspace's time zone, with its offset (2021-10-05T12:00:00+02:00)."""
    return pl.col(column).dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


def posts_query(ytd_posts: pl.DataFrame | pl.LazyFrame, timezone: str) -> pl.LazyFrame:
    """posts.csv as a query of the classified posts of the year-to-date window: one row per post,
    POSTS_CSV_COLUMNS, lists `;`-separated (empty when none), `posted_at` in the workspace's time zone with its
    offset. Its columns are chosen first: the sort never copies the posts' texts."""
    return (
        ytd_posts.lazy()
        .select(POSTS_CSV_COLUMNS)
        .sort(["posted_at", "executive_id", "platform", "post_id"])
        .with_columns(
            local_time("posted_at", timezone),
            *[
                pl.when(pl.col(c).list.len() > 0).then(pl.col(c).list.join(";")).alias(c)
                for c in ("topics", "compliance")
            ],
        )
    )
