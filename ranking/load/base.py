"""What every loader shares: the context it loads in, what it returns, and the export date of a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ranking import schema
from ranking.load.values import normalise_handle
from ranking.settings import Source


@dataclass(frozen=True)
class LoadContext:
    """What a loader needs to know beyond the file: who may post, and how to read local dates."""

    roster: pl.DataFrame  # executive_id, x_handle, linkedin
    timezone: str
    executive_id: str | None = None  # set when the file sits in exports/<executive_id>/
    sources: tuple[Source, ...] = ()  # the `[[sources]]` column mappings of ranking.toml
    strict: bool = False  # posts of accounts not in the roster are errors, not skipped (`[inputs] strict`)

    def handles(self) -> pl.DataFrame:
        """handle -> executive_id for every X handle and LinkedIn slug of the roster (normalised)."""
        parts = [
            self.roster.select(normalise_handle(pl.col(col)).alias("handle"), pl.col("executive_id"))
            for col in ("x_handle", "linkedin")
            if col in self.roster.columns
        ]
        if not parts:
            return pl.DataFrame(schema={"handle": pl.String, "executive_id": pl.String})
        return pl.concat(parts).drop_nulls().unique(subset="handle", keep="first")


@dataclass
class Export:
    """One export file, loaded: its posts in canonical form plus what was noticed reading it."""

    path: Path
    shown: str  # the path as messages name it
    format: str
    posts: pl.DataFrame
    snapshot: datetime
    notes: list[str] = field(default_factory=list)  # what was noticed reading the file, for the data-quality report
    followers: dict[str, int] = field(default_factory=dict)  # executive_id -> follower count read
    #: Data-quality flags of the whole file: "total only" (engagements without a split), "no counts" (activity only).
    flags: list[str] = field(default_factory=list)
    #: The platform of the file's posts and follower counts; None when it may hold both.
    platform: str | None = None
    #: The executive whose folder holds the file (exports/<executive_id>/); None for the files on top.
    executive_id: str | None = None
    #: How many records the file holds, where a loader counts them (None: one per post read).
    records: int | None = None
    #: Records not taken, by reason ("not in the roster": 6): with the posts read, they add up to `records`.
    skipped: dict[str, int] = field(default_factory=dict)
    #: LinkedIn numbers of a post -> the number it is keyed by (a share or ugcPost URN -> its activity).
    aliases: dict[str, str] = field(default_factory=dict)
    #: Characters that were not valid Unicode (a lone surrogate, bytes not UTF-8), read as U+FFFD.
    replaced: int = 0
    #: One record of each reason of `skipped`, as the file shows it (a few fields), for `validate`.
    examples: dict[str, str] = field(default_factory=dict)
    #: How `snapshot` was found (one of DATINGS); found from the file when a loader leaves it empty.
    dated: str = ""

    def __post_init__(self) -> None:
        if not self.dated:
            self.dated = dating(self.path, self.snapshot)


_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?!.*\d{4}-?\d{2}-?\d{2})")


#: The run time Apify writes in the names of its downloads: `dataset_<actor>_<YYYY-MM-DD_HH-MM-SS-mmm>` (UTC).
_APIFY_RUN = re.compile(r"_(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})-(\d{3})(?:\D|$)")


def _run_time(path: Path) -> datetime | None:
    run = _APIFY_RUN.search(path.stem)
    if run:
        try:
            y, mo, d, h, mi, s, ms = (int(g) for g in run.groups())
            return datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=UTC)
        except ValueError:
            pass
    return None


def _name_date(path: Path) -> datetime | None:
    found = _DATE_IN_NAME.search(path.stem)
    if found:
        try:
            y, m, d = (int(g) for g in found.groups())
            return datetime(y, m, d, 23, 59, 59, tzinfo=UTC)
        except ValueError:
            pass
    return None


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(microsecond=0)


def export_date(path: Path) -> datetime:
    """The export's date: an Apify download's run time, else the last date in the file name (exports name their
    end date last), else its mtime. Two downloads of one day from the same actor are told apart by the time."""
    return _run_time(path) or _name_date(path) or _modified(path)


#: How an export's date was found (`Export.dated`): the service's run time or a date in the file's name, the
#: file's content (a workbook's range, an archive's manifest), or, when the file states none, its modification
#: time, which says when the file was last copied (a clone, a download), not when the export was made.
DATINGS = ("run", "name", "content", "modified")


def dating(path: Path, snapshot: datetime) -> str:
    """How `snapshot`, the date a loader gave the export at `path`, was found (one of DATINGS)."""
    if snapshot == _run_time(path):
        return "run"
    if snapshot == _name_date(path):
        return "name"
    try:
        return "modified" if snapshot == _modified(path) else "content"
    except OSError:  # not a file of the disk (a test's export): the date came with it
        return "content"


#: The column of a lazily read export that numbers its rows (from 0), to tell a row from another in the merge.
ROW = "__row"


class ScannedExport(Export):
    """An export read lazily (canonical Parquet): its posts are a query over the file, which `scan()` returns
    and `rows` counts without loading anything; `posts` collects the query the first time it is asked for."""

    def __init__(self, path: Path, shown: str, format: str, numbered: pl.LazyFrame, snapshot: datetime, rows: int):
        super().__init__(path, shown, format, pl.DataFrame(), snapshot)
        self._numbered = numbered  # the canonical columns and ROW
        self._rows = rows
        self._posts: pl.DataFrame | None = None

    @property
    def posts(self) -> pl.DataFrame:
        if self._posts is None:
            self._posts = self.scan().collect()
        return self._posts

    @posts.setter
    def posts(self, value: pl.DataFrame) -> None:
        self._posts = value

    @property
    def rows(self) -> int:
        return self._rows

    def scan(self) -> pl.LazyFrame:
        """The posts, as a query over the file."""
        return self._numbered.drop(ROW)

    def numbered(self) -> pl.LazyFrame:
        """The posts with ROW, as a query over the file."""
        return self._numbered

    def __repr__(self) -> str:
        return f"ScannedExport({self.shown!r}, {self.format!r}, rows={self._rows})"


def export_rows(export: Export) -> int:
    """How many posts an export holds, without loading a lazily read one."""
    return export.rows if isinstance(export, ScannedExport) else export.posts.height


def export_numbered(export: Export) -> pl.LazyFrame:
    """An export's posts with ROW, as a lazy query (a lazily read export stays unread until the query runs)."""
    if isinstance(export, ScannedExport):
        return export.numbered()
    return schema.conform(export.posts).with_row_index(ROW).select([*schema.POSTS, ROW])
