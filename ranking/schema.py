"""The canonical tables, declared once: every loader produces POSTS, every stage reads it."""

from __future__ import annotations

from typing import Literal, get_args

import polars as pl

UTC_INSTANT = pl.Datetime("us", "UTC")

#: One row per post, whatever export it came from (section 2 of the contract).
POSTS: dict[str, pl.DataType] = {
    "platform": pl.String(),  # "linkedin" | "x"
    "post_id": pl.String(),
    "executive_id": pl.String(),
    "posted_at": UTC_INSTANT,
    "kind": pl.String(),  # "post" | "reply" | "quote" | "repost"
    "media": pl.String(),  # a `Media` value, null when the export does not say; a repost: its original's
    "text": pl.String(),
    "url": pl.String(),
    "reactions": pl.Int64(),
    "comments": pl.Int64(),
    "shares": pl.Int64(),
    "engagements": pl.Int64(),
    "impressions": pl.Int64(),
    "links": pl.List(pl.String()),  # expanded URLs found by the export (content analysis)
    "mentions": pl.List(pl.String()),  # handles mentioned, without "@"
    "reposted_from": pl.String(),  # author handle of the reposted or quoted post, where known
    "source": pl.String(),  # the export file, relative to the workspace
    "snapshot": UTC_INSTANT,  # the export's date: the most recent export wins a count
}

PLATFORMS = ("linkedin", "x")
KINDS = ("post", "reply", "quote", "repost")
#: A post's format (issue 24): what it shows beside its text. `document` is a carousel or a PDF, `article` a
#: long-form article written on the platform (a LinkedIn article or newsletter), `link` a card of an outside page.
Media = Literal["text", "image", "video", "document", "article", "poll", "link", "event"]
MEDIA: tuple[str, ...] = get_args(Media)
COUNTS = ("reactions", "comments", "shares", "engagements", "impressions")


def empty_posts() -> pl.DataFrame:
    """A posts table with no rows."""
    return pl.DataFrame(schema=POSTS)


def conforming(have: set[str] | None = None) -> list[pl.Expr]:
    """The canonical columns, in order, as expressions over a frame holding the columns `have` (all by default):
    the missing ones are nulls."""
    return [
        (pl.col(name) if have is None or name in have else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in POSTS.items()
    ]


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Give a frame exactly the canonical columns, in order, adding the missing ones as nulls."""
    lazy = frame.lazy()
    return lazy.select(conforming(set(lazy.collect_schema().names())))
