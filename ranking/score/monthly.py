"""The monthly job without a date: which month `--period` means when it is left out, and whether the month's
exports are there yet."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from ranking.errors import InputError, UsageError
from ranking.period import Period
from ranking.score.ranks import ScopeScores
from ranking.settings import load_settings

#: A date (YYYY-MM-DD) that stands for today in the workspace's time zone: the tests' clock, and a way to
#: re-run a month's job as it ran on its day.
TODAY_VARIABLE = "RANKING_TODAY"


def today(timezone: str, environ: Mapping[str, str] = os.environ) -> date:
    """Today in `timezone`, or the date of RANKING_TODAY when it is set."""
    given = environ.get(TODAY_VARIABLE, "").strip()
    if not given:
        return datetime.now(ZoneInfo(timezone)).date()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise UsageError(f"{TODAY_VARIABLE} must be a date YYYY-MM-DD, not {given!r}") from None


def last_complete_month(day: date) -> Period:
    """The last calendar month that has ended by `day` (a local date): the month before `day`'s."""
    return Period(day.year, day.month).previous()


def default_period(root: Path, environ: Mapping[str, str] = os.environ) -> tuple[Period, str]:
    """The month a run without `--period` ranks, and the time zone it was decided in (settings scoring.timezone).

    Reads only the workspace's settings; raises InputError when they are bad."""
    timezone = load_settings(root / "ranking.toml").scoring.timezone
    return last_complete_month(today(timezone, environ)), timezone


def month_warnings(root: Path, month: ScopeScores, period: Period) -> list[str]:
    """One warning per executive without any post or repost in the month.

    Raises InputError naming the exports folder when nobody has one: the month's exports are not there yet, and a
    ranking of zeros must not be published."""
    quiet = month.executives.filter((pl.col("posts") + pl.col("reposts")) == 0).sort("executive_id")
    if quiet.height == month.executives.height:
        raise InputError.one(
            root / "exports",
            f"no post of {period} in any export: are the month's exports there yet? (or give --period YYYY-MM)",
        )
    return [
        f"{r['executive_id']} ({r['name']}): no post of {period} in the exports"
        for r in quiet.select("executive_id", "name").iter_rows(named=True)
    ]
