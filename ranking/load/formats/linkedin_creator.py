"""LinkedIn creator analytics XLSX (`Content_<start>_<end>.xlsx`): TOP POSTS and the FOLLOWERS total.

Sheets DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, DEMOGRAPHICS; dates are text `M/D/YYYY`, numbers often text.
TOP POSTS: a banner, a blank row, then two tables side by side, `Post URL, Post publish date, Engagements` and
`Post URL, Post publish date, Impressions`; a post may stand in both and is one post. Engagements are a total with
no split, so every post of the file is flagged "total only". FOLLOWERS: `Total followers on M/D/YYYY:` and the total.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError, Problem
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.sniff import owner, whole_number_text
from ranking.load.tabular import LINE, refuse_long_fields
from ranking.load.values import post_id_from_url
from ranking.load.xlsx import open_workbook
from ranking.text.phrase import Phrase

NAME = "linkedin-creator"
DESCRIPTION = "LinkedIn creator analytics .xlsx"
CREATOR_FORMAT = Phrase("LinkedIn creator analytics", "format.linkedin_creator")
TOTAL_ONLY = "total only"

_SHEETS = ("DISCOVERY", "ENGAGEMENT", "TOP POSTS", "FOLLOWERS", "DEMOGRAPHICS")
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_TOTAL = re.compile(rf"(?i)total followers on {_DATE}")
_RANGE = re.compile(rf"{_DATE}\s*-\s*{_DATE}")
_METRICS = {"engagements": "engagements", "impressions": "impressions"}


def matches(path: Path, head: bytes) -> bool:
    """An `.xlsx` workbook (a zip file); whether it is LinkedIn's is checked when it is read."""
    return path.suffix.lower() == ".xlsx" and head.startswith(b"PK\x03\x04")


class _Workbook:
    """The sheets of a workbook as string cells, every failure of the reader turned into an InputError."""

    def __init__(self, path: Path, shown: str):
        self.shown = shown
        self.reader = open_workbook(path, shown)  # its limits checked before any cell is read
        try:
            names = list(self.reader.sheet_names)
        except Exception as exc:  # fastexcel raises its own kinds, and OSError/ValueError, for a damaged file
            raise InputError.one(
                shown, f"not a readable XLSX workbook ({type(exc).__name__}); is it truncated?"
            ) from None
        self.sheets = {name.strip().upper(): name for name in names}

    def rows(self, name: str) -> list[list[str | None]]:
        """The sheet's cells row by row (row i is the sheet's row i + 1), [] when the sheet is absent or empty."""
        if name not in self.sheets:
            return []
        try:
            frame = self.reader.load_sheet(self.sheets[name], header_row=None, dtypes="string").to_polars()
        except Exception as exc:  # as above: a damaged sheet
            raise InputError.one(self.shown, f"sheet {name} is not readable ({type(exc).__name__})") from None
        refuse_long_fields(frame.with_row_index(LINE, offset=1), f"{self.shown}, sheet {name}")
        return [[None if c is None or not c.strip() else c.strip() for c in row] for row in frame.iter_rows()]


def _day(found: re.Match[str], at: int = 1) -> datetime | None:
    month, day, year = (int(found.group(at + i)) for i in range(3))
    try:
        return datetime(year, month, day, 23, 59, 59, tzinfo=UTC)
    except ValueError:
        return None


def _whole(raw: str | None) -> int | None:
    """A whole number >= 0 as a cell writes it ("54448", "54,448", "54448.0"), else None."""
    try:
        value = float(re.sub(r"[,\s\u00a0\u202f]", "", raw or ""))
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value >= 0 and value.is_integer() else None


def _followers(rows: list[list[str | None]], shown: str) -> tuple[int | None, datetime | None, list[Problem]]:
    """The FOLLOWERS sheet's total and the date it is given on."""
    for number, row in enumerate(rows[:10], start=1):
        for col, cell in enumerate(row):
            found = _TOTAL.search(cell or "")
            if not found:
                continue
            raw = next((c for c in row[col + 1 :] if c), None)
            total = _whole(raw)
            if total is None:
                return (
                    None,
                    _day(found),
                    [Problem(shown, f"FOLLOWERS: the total is not a whole number: '{raw}'", number)],
                )
            return total, _day(found), []
    return None, None, []


def _range_end(rows: list[list[str | None]]) -> datetime | None:
    """The end of the `M/D/YYYY - M/D/YYYY` range the DISCOVERY sheet states."""
    for row in rows[:10]:
        for cell in row:
            found = _RANGE.search(cell or "")
            if found:
                return _day(found, 4)
    return None


def _top_posts(rows: list[list[str | None]]) -> pl.DataFrame | None:
    """The TOP POSTS tables as url, posted_at, engagements, impressions (+ LINE); None without a `Post URL` header."""
    header_at = next(
        (i for i, row in enumerate(rows) if any((c or "").lower() == "post url" for c in row)),
        None,
    )
    if header_at is None:
        return None
    header = [(c or "").lower() for c in rows[header_at]]
    parts = []
    for col, name in enumerate(header):
        metric = _METRICS.get(header[col + 2]) if name == "post url" and col + 2 < len(header) else None
        if metric is None:
            continue
        body = [(number, row[col : col + 3]) for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2)]
        parts.append(
            pl.DataFrame(
                {
                    LINE: [n for n, cells in body if cells[0]],
                    "url": [cells[0] for _n, cells in body if cells[0]],
                    "posted_at": [cells[1] for _n, cells in body if cells[0]],
                    metric: [cells[2] for _n, cells in body if cells[0]],
                },
                schema={LINE: pl.Int64, "url": pl.String, "posted_at": pl.String, metric: pl.String},
            )
        )
    if not parts:
        return None
    return pl.concat(parts, how="diagonal_relaxed")


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load a LinkedIn creator analytics workbook: its top posts (engagements total only) and follower total."""
    book = _Workbook(path, shown)
    if not any(name in book.sheets for name in _SHEETS):
        found = ", ".join(book.sheets.values()) or "none"
        raise InputError.one(
            shown, f"not a LinkedIn creator analytics workbook: no TOP POSTS or FOLLOWERS sheet ({found})"
        )
    executive = owner(ctx, shown, "a LinkedIn creator analytics export")
    total, on, problems = _followers(book.rows("FOLLOWERS"), shown)
    if problems:
        raise InputError(problems)
    when = on or _range_end(book.rows("DISCOVERY")) or export_date(path)
    notes: list[str] = []
    followers = {executive: total} if total is not None else {}
    table = _top_posts(book.rows("TOP POSTS"))
    if table is None or table.height == 0:
        notes.append(
            Phrase("no TOP POSTS table: only the follower total was read", "note.creator_total_only")
            if total is not None
            else Phrase("no posts", "note.no_posts")
        )
        return Export(path, shown, CREATOR_FORMAT, schema.empty_posts(), when, notes, followers, platform="linkedin")
    for column in ("engagements", "impressions"):
        if column not in table.columns:
            table = table.with_columns(pl.lit(None, pl.String).alias(column))
    raw = pl.col("posted_at").str.strip_chars()
    day = pl.coalesce(raw.str.to_date("%m/%d/%Y", strict=False), raw.str.to_date("%Y-%m-%d %H:%M:%S", strict=False))
    table = table.with_columns(
        pl.coalesce(day.dt.to_string("%Y-%m-%d"), raw).alias("posted_at"),
        whole_number_text("engagements"),
        whole_number_text("impressions"),
        pl.coalesce(post_id_from_url(pl.col("url")), pl.format("line {}", pl.col(LINE))).alias("__key"),
    )
    # The same post in both tables is one post: its engagements from the one, its impressions from the other.
    table = (
        table.sort(LINE)
        .group_by("__key", maintain_order=True)
        .agg(
            pl.col(LINE).first(),
            *[pl.col(c).drop_nulls().first() for c in ("url", "posted_at", "engagements", "impressions")],
        )
        .drop("__key")
        .with_columns(pl.lit("linkedin").alias("platform"), pl.lit("post").alias("kind"))
    )
    posts, problems = to_canonical(table, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return Export(path, shown, CREATOR_FORMAT, posts, when, notes, followers, [TOTAL_ONLY], platform="linkedin")
