"""Topics and watched terms: which of the settings' keywords a post's text names (ignoring case and accents, on
word boundaries, `*` ending a word, ranking.text), and the most frequent topics of a group of posts."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ranking.content.matching import grouped
from ranking.text.keywords import keyword_pattern
from ranking.text.patterns import contains_any


def hits(folded: pl.Expr, names: Mapping[str, tuple[str, ...]]) -> pl.Expr:
    """The names (in settings order) any of whose keywords occurs in the folded text."""
    if not names:
        return pl.lit([], dtype=pl.List(pl.String))
    found = [
        pl.when(contains_any(folded, [keyword_pattern(k) for k in keywords])).then(pl.lit(name))
        for name, keywords in names.items()
    ]
    return pl.concat_list(found).list.drop_nulls()


def top_topics(classified: pl.DataFrame, by: str | None = "company", limit: int | None = 3) -> pl.DataFrame:
    """The most frequent topics of windowed classified posts, per `by` value (None: over all posts given).

    Columns: `by`, `rank` (1 = most posts; ties by influence, then name), `topic`, `posts` (posts naming it),
    `share` (of the group's posts, reposts excluded: they carry no text), `influence` (of those posts).
    At most `limit` topics per group (None: all); groups and topics without posts have no row.
    """
    # Streamed: exploded in memory, the topics of the year's posts would be copied whole, once per topic named.
    read = classified.lazy().select(*([by] if by else []), "kind", "topics", "influence")
    frame, key = grouped(read.filter(pl.col("kind") != "repost"), by)
    totals = frame.group_by(key).agg(pl.len().alias("__total"))
    counted = (
        frame.select(key, "topics", "influence")
        .explode("topics")
        .filter(pl.col("topics").is_not_null())
        .with_columns(pl.col("topics").cast(pl.String))  # held as categories (ranking.content.classify.HELD)
        .group_by(key, "topics")
        .agg(pl.len().cast(pl.Int64).alias("posts"), pl.col("influence").sum().alias("influence"))
        .join(totals, on=key)
        .sort([key, "posts", "influence", "topics"], descending=[False, True, True, False])
        .with_columns(
            (pl.int_range(pl.len()).over(key) + 1).cast(pl.Int64).alias("rank"),
            (pl.col("posts") / pl.col("__total")).alias("share"),
        )
    )
    if limit is not None:
        counted = counted.filter(pl.col("rank") <= limit)
    return (
        counted.select(key, "rank", pl.col("topics").alias("topic"), "posts", "share", "influence")
        .drop("__all", strict=False)
        .collect(engine="streaming")
    )
