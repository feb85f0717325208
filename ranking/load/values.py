"""Vectorised parsing and checking of exported values (counts, instants, ids), with the row of each problem."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import polars as pl

from ranking.errors import Problem
from ranking.load.tabular import LINE

MAX_PROBLEMS_PER_CHECK = 20

#: Instants with an offset or a Z: converted to UTC.
_ZONED = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%d %H:%M%#z", "%Y-%m-%d %H:%M %#z")
#: Instants without an offset: taken as UTC (exports write UTC unless they say otherwise).
_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
#: Dates without a time: local midnight in the workspace's time zone.
_DATES = ("%Y-%m-%d",)


def problems_where(frame: pl.DataFrame, mask: pl.Expr, path: str, message: pl.Expr | str) -> list[Problem]:
    """One Problem per row of `frame` where `mask` holds (at most MAX_PROBLEMS_PER_CHECK)."""
    # A message quoting an empty cell would be null: say what was checked rather than nothing.
    text = message.fill_null("a value is missing") if isinstance(message, pl.Expr) else pl.lit(message)
    bad = frame.filter(mask).head(MAX_PROBLEMS_PER_CHECK).select(pl.col(LINE), text.alias("__msg"))
    return [Problem(path, msg, line) for line, msg in bad.iter_rows()]


def parse_count(frame: pl.DataFrame, column: str, path: str) -> tuple[pl.Series, list[Problem]]:
    """Parse a count column: empty is null; anything not a whole number >= 0 is a problem."""
    raw = frame.get_column(column)
    if raw.dtype == pl.String:
        squeezed = raw.str.replace_all(r"[\s\u202f\u00a0]", "")
        cleaned = squeezed.set(squeezed == "", None)
        numbers = cleaned.cast(pl.Float64, strict=False)
        given = cleaned.is_not_null()
    else:
        numbers = raw.cast(pl.Float64, strict=False)
        given = raw.is_not_null()
    check = frame.with_columns(numbers.alias("__n"), given.alias("__g"), raw.cast(pl.String).alias("__raw"))
    quoted = pl.format("{} is not a number: '{}'", pl.lit(column), pl.col("__raw"))
    problems = problems_where(check, pl.col("__g") & pl.col("__n").is_null(), path, quoted)
    problems += problems_where(
        check, pl.col("__n") < 0, path, pl.format("{} is negative: {}", pl.lit(column), pl.col("__raw"))
    )
    problems += problems_where(
        check,
        (pl.col("__n") >= 0) & (pl.col("__n") != pl.col("__n").floor()),
        path,
        pl.format("{} is not a whole number: {}", pl.lit(column), pl.col("__raw")),
    )
    return numbers.cast(pl.Int64, strict=False).alias(column), problems


def instant_expr(column: str | pl.Expr, timezone: str) -> pl.Expr:
    """Parse strings into UTC instants, trying the known layouts in turn; null where none fits."""
    col = pl.col(column) if isinstance(column, str) else column
    col = col.str.strip_chars()
    zoned = [col.str.to_datetime(f, strict=False, time_unit="us").dt.convert_time_zone("UTC") for f in _ZONED]
    naive = [col.str.to_datetime(f, strict=False, time_unit="us").dt.replace_time_zone("UTC") for f in _NAIVE]
    dates = [
        col.str.to_datetime(f, strict=False, time_unit="us")
        .dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        for f in _DATES
    ]
    return pl.coalesce([*zoned, *naive, *dates])


def parse_instant(frame: pl.DataFrame, column: str, path: str, timezone: str) -> tuple[pl.Series, list[Problem]]:
    """Parse a date/time column into UTC instants; a missing or unparsable value is a problem."""
    ZoneInfo(timezone)
    raw = frame.get_column(column)
    if raw.dtype == pl.String:
        parsed = frame.select(instant_expr(column, timezone).alias(column)).get_column(column)
    elif raw.dtype == pl.Date:
        parsed = frame.select(
            pl.col(column).cast(pl.Datetime("us")).dt.replace_time_zone(timezone).dt.convert_time_zone("UTC")
        ).get_column(column)
    elif isinstance(raw.dtype, pl.Datetime):
        if raw.dtype.time_zone is None:
            parsed = raw.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        else:
            parsed = raw.dt.convert_time_zone("UTC").cast(pl.Datetime("us", "UTC"))
    else:
        parsed = pl.Series(column, [None] * len(raw), dtype=pl.Datetime("us", "UTC"))
    check = frame.with_columns(parsed.alias("__p"), raw.cast(pl.String).alias("__raw"))
    problems = problems_where(check, pl.col("__raw").is_null(), path, f"{column} is missing")
    problems += problems_where(
        check,
        pl.col("__raw").is_not_null() & pl.col("__p").is_null(),
        path,
        pl.format("{} is not a date: '{}'", pl.lit(column), pl.col("__raw")),
    )
    return parsed.alias(column), problems


# --- identifiers -------------------------------------------------------------------------------------

# A LinkedIn post is named by an activity, share or ugcPost URN (also URL-encoded, as Shares.csv writes them), by
# `activity-<id>` in /posts/ URLs, or by a groupPost URN `groupPost:<group id>-<post id>` (the post id comes last).
_LINKEDIN_ID = r"(?i)(?:urn(?::|%3A)li(?::|%3A)(?:(?:activity|share|ugcPost)(?::|%3A)|groupPost(?::|%3A)\d+-)|activity[-:])(\d{6,})"
_X_ID = r"(?i)(?:twitter\.com|x\.com)/[^/]+/status(?:es)?/(\d+)"


def platform_from_url(url: pl.Expr) -> pl.Expr:
    """`linkedin` or `x` from a post URL, null when the URL is neither's."""
    lowered = url.str.to_lowercase()
    return (
        pl.when(lowered.str.contains(r"linkedin\.com|urn(?::|%3a)li(?::|%3a)"))
        .then(pl.lit("linkedin"))
        .when(lowered.str.contains(r"(?:^|[/.])(?:twitter|x)\.com/"))
        .then(pl.lit("x"))
        .otherwise(None)
    )


def post_id_from_url(url: pl.Expr) -> pl.Expr:
    """The platform's post id in a URL or URN (LinkedIn activity/share/ugcPost, URL-encoded or not; X status)."""
    return pl.coalesce(url.str.extract(_LINKEDIN_ID, 1), url.str.extract(_X_ID, 1))


def normalise_handle(value: pl.Expr) -> pl.Expr:
    """An X handle or LinkedIn slug as it is matched: lower case, without `@`, a profile URL reduced to its slug."""
    lowered = value.str.strip_chars().str.to_lowercase()
    from_url = lowered.str.extract(r"(?:linkedin\.com/in/|(?:twitter|x)\.com/)([^/?#]+)", 1)
    return pl.coalesce(from_url, lowered).str.strip_chars_start("@").str.strip_chars("/ ")
