"""X analytics exports: the classic `tweet_activity_metrics_…` CSV and the newer `account_analytics_content_…` CSV.

Classic: every field quoted, counts written as floats (`"1777.0"`), `-` in the promoted columns, newlines inside
quoted texts, `time` like `2021-11-30 16:00 +0000`. Content: one date per post (`"Sat, Aug 22, 2026"`), counts
with thousands separators, columns in any order; its `Shares` column (shares by link or message) is not counted,
`Reposts` is. Both name the export's end date last in the file name: that is the export's date.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ranking.errors import InputError
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.sniff import has_columns, named, pick_columns, unescape, whole_number_text
from ranking.load.tabular import read_table
from ranking.text.phrase import Phrase

CLASSIC = "x-analytics-classic"
CLASSIC_DESCRIPTION = "tweet_activity_metrics_<handle>_<start>_<end>_en.csv"
CONTENT = "x-analytics-content"
CONTENT_DESCRIPTION = "account_analytics_content_<start>_<end>.csv"

_CLASSIC_COLUMNS = {
    "Tweet id": "post_id",
    "Tweet permalink": "url",
    "Tweet text": "text",
    "time": "posted_at",
    "likes": "reactions",
    "replies": "comments",
    "retweets": "shares",
    "impressions": "impressions",
}
_CONTENT_COLUMNS = {
    "Post id": "post_id",
    "Post Link": "url",
    "Post text": "text",
    "Date": "posted_at",
    "Likes": "reactions",
    "Replies": "comments",
    "Reposts": "shares",
    "Impressions": "impressions",
}
#: Layouts of the content export's dates, newest first ("Sat, Aug 22, 2026").
_CONTENT_DATES = ("%a, %b %d, %Y", "%b %d, %Y", "%m/%d/%Y", "%Y-%m-%d")


def classic_matches(path: Path, head: bytes) -> bool:
    """The classic export, by its name or by its `Tweet id`, `Tweet permalink` header."""
    if path.suffix.lower() != ".csv":
        return False
    return named(path.name, r"tweet_activity_metrics_.*\.csv") or has_columns(head, "tweet id", "tweet permalink")


def content_matches(path: Path, head: bytes) -> bool:
    """The content export, by its name or by its `Post id`, `Post Link`, `Reposts` header."""
    if path.suffix.lower() != ".csv":
        return False
    return named(path.name, r"account_analytics_content_.*\.csv") or has_columns(
        head, "post id", "post link", "reposts"
    )


def _kind() -> pl.Expr:
    # These exports do not say what a tweet answers: a text that starts with a mention is taken as a reply, as X
    # writes replies; "RT @" marks a retweet, whose counts are the original's.
    text = pl.col("text").fill_null("")
    return (
        pl.when(text.str.starts_with("RT @"))
        .then(pl.lit("repost"))
        .when(text.str.starts_with("@"))
        .then(pl.lit("reply"))
        .otherwise(pl.lit("post"))
        .alias("kind")
    )


def _finish(frame: pl.DataFrame, path: Path, shown: str, ctx: LoadContext, what: str) -> Export:
    counts = [c for c in ("reactions", "comments", "shares", "impressions") if c in frame.columns]
    frame = frame.with_columns(unescape("text"), *[whole_number_text(c) for c in counts]).with_columns(_kind())
    frame = frame.with_columns(
        [pl.when(pl.col("kind") == "repost").then(None).otherwise(pl.col(c)).alias(c) for c in counts]
    )
    if ctx.executive_id is None:
        # On top of exports/, the post links say whose the posts are.
        frame = frame.with_columns(
            pl.col("url").str.extract(r"(?i)(?:twitter|x)\.com/([^/]+)/status", 1).alias("handle")
        )
    when = export_date(path)
    posts, problems = to_canonical(frame.with_columns(pl.lit("x").alias("platform")), ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    posts = posts.unique(subset=["post_id"], keep="first", maintain_order=True)
    return Export(path, shown, what, posts, when, platform="x")


def load_classic(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load a classic X analytics CSV (one month of the account's tweets, with their counts)."""
    frame = pick_columns(read_table(path, shown), _CLASSIC_COLUMNS, shown, "the X analytics export", ("impressions",))
    return _finish(frame, path, shown, ctx, Phrase("X analytics (classic)", "format.x_analytics.classic"))


def load_content(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load an X content analytics CSV (posts with a date and no time: local midnight)."""
    wanted = _CONTENT_COLUMNS
    frame = pick_columns(read_table(path, shown), wanted, shown, "the X content analytics export", ("Impressions",))
    raw = pl.col("posted_at").str.strip_chars()
    dates = [raw.str.to_date(layout, strict=False) for layout in _CONTENT_DATES]
    # A date that fits no layout stays as written, so that the error quotes it.
    frame = frame.with_columns(pl.coalesce(pl.coalesce(dates).dt.to_string("%Y-%m-%d"), raw).alias("posted_at"))
    return _finish(frame, path, shown, ctx, Phrase("X analytics (content)", "format.x_analytics.content"))
