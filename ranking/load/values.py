"""Vectorised parsing and checking of exported values (counts, instants, ids), with the row of each problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

import polars as pl

from ranking.errors import Problem
from ranking.load.tabular import LINE
from ranking.schema import MEDIA, UTC_INSTANT

if TYPE_CHECKING:
    from polars._typing import EngineType

MAX_PROBLEMS_PER_CHECK = 20

#: Instants with an offset or a Z: converted to UTC.
_ZONED = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",  # ISO 8601 allows the seconds out: 2021-10-05T10:00Z
    "%Y-%m-%d %H:%M%#z",
    "%Y-%m-%d %H:%M %#z",
    "%a %b %d %H:%M:%S %z %Y",  # X's own layout, as scrapers of X copy it (`Fri Nov 21 20:20:00 +0000 2025`)
)
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


@dataclass(frozen=True)
class Check:
    """A row-level check: the rows where `mask` holds are problems, each told by `message`."""

    mask: pl.Expr
    message: pl.Expr | str


def check_problems(
    frame: pl.DataFrame | pl.LazyFrame, checks: list[Check], path: str, engine: EngineType = "auto"
) -> list[Problem]:
    """The problems of every check, in the order of `checks`, each its first MAX_PROBLEMS_PER_CHECK rows by LINE
    (what `problems_where` gives check by check on a frame in line order).

    One pass computes the masks only; messages are made for the few rows reported. On a LazyFrame (a scanned
    file) both passes stream, so a file is checked without holding it in memory.
    """
    if not checks:
        return []
    lazy = frame.lazy()
    flags = [f"__bad{i}" for i in range(len(checks))]
    bad = (
        lazy.select(pl.col(LINE), *[c.mask.fill_null(False).alias(f) for c, f in zip(checks, flags, strict=True)])
        .filter(pl.any_horizontal(flags))
        .collect(engine=engine)
    )
    if bad.height == 0:
        return []
    bad = bad.sort(LINE)
    lines = [bad.filter(pl.col(f)).head(MAX_PROBLEMS_PER_CHECK).get_column(LINE).to_list() for f in flags]
    wanted = sorted({line for found in lines for line in found})
    texts = [c.message if isinstance(c.message, pl.Expr) else pl.lit(c.message) for c in checks]
    told = (
        lazy.filter(pl.col(LINE).is_in(wanted))
        .select(pl.col(LINE), *[t.cast(pl.String).alias(f) for t, f in zip(texts, flags, strict=True)])
        .collect(engine=engine)
    )
    by_line = {row[0]: row[1:] for row in told.iter_rows()}
    return [Problem(path, by_line[line][i], line) for i, found in enumerate(lines) for line in found]


#: Counts are whole numbers below 2^53: what a float (JSON, spreadsheets, the scores' sums) holds exactly.
MAX_COUNT = 2**53


def count_value(raw: pl.Expr, dtype: pl.DataType, column: str) -> tuple[pl.Expr, list[Check]]:
    """A count from a raw column of `dtype`: empty is null; anything not a whole number in [0, 2^53) is a
    problem (never a null, a zero or a wrapped value in its place)."""
    shown = raw.cast(pl.String)
    too_large = pl.format("{} is too large: {} (a count must be below 2^53)", pl.lit(column), shown)
    negative = pl.format("{} is negative: {}", pl.lit(column), shown)
    if dtype.is_integer():
        # whole by construction (and no detour through floats): only the sign and the size can be wrong
        checks = [Check(raw < 0, negative), Check(raw >= MAX_COUNT, too_large)]
        return pl.when(raw < MAX_COUNT).then(raw).cast(pl.Int64, strict=False), checks
    if dtype == pl.String:
        squeezed = raw.str.replace_all(r"[\s\u202f\u00a0]", "")
        # "1,234" as scrapers write counts (a decimal comma never has three digits after it in a count)
        squeezed = (
            pl.when(squeezed.str.contains(r"^\d{1,3}(?:,\d{3})+$"))
            .then(squeezed.str.replace_all(",", ""))
            .otherwise(squeezed)
        )
        cleaned = pl.when(squeezed != "").then(squeezed)
        # digits are read as an integer, exactly; only other notations (1.0, 1e3) go through a float
        exact = cleaned.cast(pl.Int64, strict=False)
        digits = cleaned.str.contains(r"^[+-]?\d+$")
        number = cleaned.cast(pl.Float64, strict=False)
        given = cleaned.is_not_null()
    else:
        exact = pl.lit(None, pl.Int64)
        digits = pl.lit(False)
        number = raw.cast(pl.Float64, strict=False)
        given = raw.is_not_null()
    finite = number.is_finite()
    checks = [
        Check(
            given & (number.is_null() | number.is_nan()),
            pl.format("{} is not a number: '{}'", pl.lit(column), shown),
        ),
        Check(number.is_infinite(), pl.format("{} is not a finite number: '{}'", pl.lit(column), shown)),
        Check(finite & (number < 0), negative),
        Check(
            finite & (number >= 0) & (number != number.floor()),
            pl.format("{} is not a whole number: {}", pl.lit(column), shown),
        ),
        Check(digits & ((exact.is_null() & (number >= 0)) | (exact >= MAX_COUNT)), too_large),
        Check(~digits & finite & (number >= MAX_COUNT), too_large),
    ]
    value = (
        pl.when(digits & (exact >= 0) & (exact < MAX_COUNT))
        .then(exact)
        .when(~digits & finite & (number >= 0) & (number < MAX_COUNT) & (number == number.floor()))
        .then(number.cast(pl.Int64, strict=False))
    )
    return value, checks


def parse_count(frame: pl.DataFrame, column: str, path: str) -> tuple[pl.Series, list[Problem]]:
    """Parse a count column: empty is null; anything not a whole number >= 0 is a problem."""
    value, checks = count_value(pl.col(column), frame.schema[column], column)
    return frame.select(value.alias(column)).get_column(column), check_problems(frame, checks, path)


def epoch_instant(number: pl.Expr) -> pl.Expr:
    """UTC instants from epoch numbers: milliseconds from 10^11 on (after 1973 in ms, before 5138 in s), else
    seconds, as scrapers write them."""
    number = number.cast(pl.Float64, strict=False)
    micros = (
        pl.when(number.abs() >= 1e14)
        .then(None)  # no date a scraper writes: left unread (a problem), never an overflow
        .when(number.abs() >= 1e11)
        .then(number * 1_000)
        .otherwise(number * 1_000_000)
    )
    return micros.round(0).cast(pl.Int64, strict=False).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def instant_expr(column: str | pl.Expr, timezone: str, naive_zone: str = "UTC") -> pl.Expr:
    """Parse strings into UTC instants, trying the known layouts in turn (epoch seconds or milliseconds too);
    null where none fits. Times without an offset are in `naive_zone` (UTC unless a mapping says otherwise)."""
    col = pl.col(column) if isinstance(column, str) else column
    col = col.str.strip_chars()
    zoned = [col.str.to_datetime(f, strict=False, time_unit="us").dt.convert_time_zone("UTC") for f in _ZONED]
    naive = [
        col.str.to_datetime(f, strict=False, time_unit="us")
        .dt.replace_time_zone(naive_zone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        for f in _NAIVE
    ]
    epoch = pl.when(col.str.contains(r"^\d{9,13}(?:\.\d+)?$")).then(epoch_instant(col))
    dates = [
        col.str.to_datetime(f, strict=False, time_unit="us")
        .dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        for f in _DATES
    ]
    return pl.coalesce([*zoned, *naive, epoch, *dates])


def instant_value(
    raw: pl.Expr, dtype: pl.DataType, column: str, timezone: str, naive_zone: str = "UTC"
) -> tuple[pl.Expr, list[Check]]:
    """UTC instants from a raw column of `dtype`; a missing or unparsable value is a problem."""
    ZoneInfo(timezone)
    ZoneInfo(naive_zone)
    if dtype == UTC_INSTANT:
        parsed = raw  # already what every stage reads: left as is, so that filters reach the file's statistics
    elif dtype == pl.String:
        parsed = instant_expr(raw, timezone, naive_zone)
    elif dtype.is_numeric():
        parsed = epoch_instant(raw)
    elif dtype == pl.Date:
        parsed = raw.cast(pl.Datetime("us")).dt.replace_time_zone(timezone).dt.convert_time_zone("UTC")
    elif isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            parsed = raw.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        else:
            parsed = raw.dt.convert_time_zone("UTC").cast(UTC_INSTANT)
    else:
        parsed = pl.lit(None, dtype=UTC_INSTANT)
    checks = [
        Check(raw.is_null(), f"{column} is missing"),
        Check(
            raw.is_not_null() & parsed.is_null(),
            pl.format("{} is not a date: '{}'", pl.lit(column), raw.cast(pl.String)),
        ),
    ]
    return parsed, checks


# --- identifiers -------------------------------------------------------------------------------------

# A LinkedIn post is named by an activity, share or ugcPost URN (also URL-encoded, once or twice, as Shares.csv
# and feed URLs write them), by `activity-<id>` or `ugcPost-<id>` in /posts/ URLs, or by a groupPost URN
# `groupPost:<group id>-<post id>` (the post id comes last).
_COLON = r"(?::|%3A|%253A)"
_LINKEDIN_ID = (
    rf"(?i)(?:urn{_COLON}li{_COLON}(?:(?:activity|share|ugcPost){_COLON}|groupPost{_COLON}\d+-)"
    r"|(?:activity|ugcPost|share)[-:])(\d{6,})"
)
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


def reduce_post_id(value: pl.Expr) -> pl.Expr:
    """A post id column as the contract keys it: a URN or post URL written there (`urn:li:activity:741…`, a
    /posts/ or status URL) reduces to its number, so that it merges with the same post read elsewhere."""
    text = value.str.strip_chars()
    return pl.coalesce(post_id_from_url(text), text)


#: Letters with accents as a URL writes them (`jos%C3%A9` for `josé`), lower-cased: a profile URL copied from a
#: browser and the slug a scraper gives are the same account (Latin-1 and Latin Extended-A cover Europe's names).
_PERCENT = {quote(chr(c)).lower(): chr(c).lower() for c in range(0xC0, 0x180) if c not in (0xD7, 0xF7)}
_PERCENT_KEYS, _PERCENT_VALUES = list(_PERCENT), list(_PERCENT.values())


def normalise_handle(value: pl.Expr) -> pl.Expr:
    """An X handle or LinkedIn slug as it is matched: lower case, without `@`, a profile URL reduced to its slug
    (a company page's `/company/<slug>/` as a member's `/in/<slug>/`: a page can be followed as an account)."""
    lowered = value.str.strip_chars().str.to_lowercase().str.replace_many(_PERCENT_KEYS, _PERCENT_VALUES)
    from_url = lowered.str.extract(
        r"(?:linkedin\.com/(?:in|company|school|showcase)/|^/?(?:in|company)/|(?:twitter|x)\.com/)([^/?#]+)", 1
    )
    return pl.coalesce(from_url, lowered).str.strip_chars_start("@").str.strip_chars("/ ")


#: The words exports use for a post's format, folded to lower case, and the canonical value each means
#: (ranking.schema.MEDIA, themselves included): a word not listed says nothing, and the post's format stays unknown.
MEDIA_WORDS: dict[str, str] = {
    **{m: m for m in MEDIA},
    # the English words of the platforms and services, and the French ones of listening tools' exports
    **dict.fromkeys(("images", "photo", "photos", "picture", "multi_image", "multiimage"), "image"),
    **dict.fromkeys(
        ("videos", "animated_gif", "gif", "native_video", "linkedin_video", "linkedinvideo", "vidéo", "vidéos"), "video"
    ),
    **dict.fromkeys(("documents", "pdf", "carousel", "carrousel"), "document"),
    **dict.fromkeys(("articles", "newsletter", "pulse"), "article"),
    **dict.fromkeys(("polls", "sondage"), "poll"),
    **dict.fromkeys(("events", "événement", "evenement"), "event"),
    **dict.fromkeys(("url", "card", "external", "link_card", "summary_large_image", "summary", "lien"), "link"),
    **dict.fromkeys(("text_only", "textonly", "none", "plain", "texte"), "text"),
}


def media_value(word: pl.Expr) -> pl.Expr:
    """The canonical format (ranking.schema.MEDIA) an export's word for it means (`MEDIA_WORDS`: `Images`,
    `photo`, `animated_gif`, …), null for an empty or unknown word."""
    folded = word.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s-]+", "_")
    return folded.replace_strict(MEDIA_WORDS, default=None, return_dtype=pl.String)


def link_media(url: pl.Expr) -> pl.Expr:
    """The format of a post sharing `url`: `article` for an article written on LinkedIn (linkedin.com/pulse/),
    `link` for any other page; null without a URL."""
    found = url.cast(pl.String).str.strip_chars()
    article = found.str.contains(r"(?i)linkedin\.com/pulse/").fill_null(False)
    return (
        pl.when(found.is_null() | (found == ""))
        .then(None)
        .when(article)
        .then(pl.lit("article"))
        .otherwise(pl.lit("link"))
    )
