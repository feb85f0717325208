"""What every loader shares: the context it loads in, what it returns, and the export date of a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ranking.errors import InputError, Problem
from ranking.load.values import normalise_handle
from ranking.settings import Source


@dataclass(frozen=True)
class LoadContext:
    """What a loader needs to know beyond the file: who may post, and how to read local dates."""

    roster: pl.DataFrame  # executive_id, x_handle, linkedin
    timezone: str
    executive_id: str | None = None  # set when the file sits in exports/<executive_id>/
    sources: tuple[Source, ...] = ()  # the `[[sources]]` column mappings of ranking.toml

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


_DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?!.*\d{4}-?\d{2}-?\d{2})")


def export_date(path: Path) -> datetime:
    """The export's date: the last date in the file name (exports name their end date last), else its mtime."""
    found = _DATE_IN_NAME.search(path.stem)
    if found:
        try:
            y, m, d = (int(g) for g in found.groups())
            return datetime(y, m, d, 23, 59, 59, tzinfo=UTC)
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(microsecond=0)


def resolve_executives(frame: pl.DataFrame, ctx: LoadContext, shown: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Fill `executive_id` from the folder, the column itself, or a `handle` column; unknown ones are problems."""
    known = ctx.roster.get_column("executive_id")
    if ctx.executive_id is not None and "executive_id" not in frame.columns and "handle" not in frame.columns:
        return frame.with_columns(pl.lit(ctx.executive_id).alias("executive_id")), []
    from ranking.load.values import problems_where

    if "executive_id" in frame.columns:
        frame = frame.with_columns(pl.col("executive_id").cast(pl.String).str.strip_chars())
        bad = problems_where(
            frame,
            pl.col("executive_id").is_not_null() & ~pl.col("executive_id").is_in(known.implode()),
            shown,
            pl.format("unknown executive '{}' (not in roster.csv)", pl.col("executive_id")),
        )
        missing = problems_where(frame, pl.col("executive_id").is_null(), shown, "executive_id is missing")
        frame, problems = frame, bad + missing
    elif "handle" in frame.columns:
        handles = ctx.handles()
        frame = frame.with_columns(normalise_handle(pl.col("handle").cast(pl.String)).alias("__handle")).join(
            handles.rename({"handle": "__handle"}), on="__handle", how="left"
        )
        problems = problems_where(
            frame,
            pl.col("executive_id").is_null() & pl.col("handle").is_not_null(),
            shown,
            pl.format("unknown handle '{}' (no roster executive has it)", pl.col("handle")),
        )
        problems += problems_where(frame, pl.col("handle").is_null(), shown, "handle is missing")
    else:
        raise InputError.one(shown, "no executive_id or handle column (or put the file in exports/<executive_id>/)", 1)
    if ctx.executive_id is not None:
        problems += problems_where(
            frame,
            pl.col("executive_id").is_not_null() & (pl.col("executive_id") != ctx.executive_id),
            shown,
            pl.format("post of '{}' in the folder of '{}'", pl.col("executive_id"), pl.lit(ctx.executive_id)),
        )
    return frame, problems
