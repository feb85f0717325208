"""The contract's tables as written: posts.csv, the local time of a post, cells a spreadsheet cannot misread."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from polars.io.plugins import register_io_source

#: The columns of posts.csv.
POSTS_CSV_COLUMNS = (
    "executive_id", "company", "platform", "post_id", "posted_at", "kind", "influence", "tone", "topics", "compliance",
)  # fmt: skip


def local_time(column: str, timezone: str) -> pl.Expr:
    """An instant as ISO 8601 text in the workspace's time zone, with its offset (2021-10-05T12:00:00+02:00)."""
    return pl.col(column).dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


#: The order of posts.csv's rows.
POSTS_CSV_ORDER = ("posted_at", "executive_id", "platform", "post_id")
#: Rows of posts.csv gathered at a time, in its order, by `posts_query`.
BATCH_ROWS = 200_000


def posts_query(ytd_posts: pl.DataFrame | pl.LazyFrame, timezone: str, batch_rows: int = BATCH_ROWS) -> pl.LazyFrame:
    """posts.csv as a query of the classified posts of the year-to-date window: one row per post,
    POSTS_CSV_COLUMNS, lists `;`-separated (empty when none), `posted_at` in the workspace's time zone with its
    offset, every value as text (the categories of ranking.content.classify.HELD included).

    The rows are not sorted as a copy: their order is computed once (an index), and the query gathers them
    `batch_rows` at a time in that order as its sink asks for them; a sorted copy of the year's posts would be
    the largest frame of the run."""
    frame = ytd_posts.lazy().select(POSTS_CSV_COLUMNS).collect() if isinstance(ytd_posts, pl.LazyFrame) else ytd_posts
    frame = frame.select(POSTS_CSV_COLUMNS)
    order = frame.select(pl.arg_sort_by(POSTS_CSV_ORDER, maintain_order=True)).to_series()

    def batches(
        columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, _size: int | None
    ) -> Iterator[pl.DataFrame]:
        # A predicate filters after the gathering: then every row is read, the engine slicing what it keeps.
        left = order.len() if n_rows is None or predicate is not None else min(n_rows, order.len())
        for start in range(0, left, batch_rows):
            part = frame.select(columns or POSTS_CSV_COLUMNS)[order.slice(start, min(batch_rows, left - start))]
            yield part if predicate is None else part.filter(predicate)

    ordered = register_io_source(batches, schema=frame.schema, explain_name="posts.csv in order")
    return ordered.with_columns(
        local_time("posted_at", timezone),
        pl.col(pl.Categorical).cast(pl.String),
        *[
            pl.when(pl.col(c).list.len() > 0).then(pl.col(c).cast(pl.List(pl.String)).list.join(";")).alias(c)
            for c in ("topics", "compliance")
        ],
    )
