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
from ranking.period import Period, Scope
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


def window_posts(scores: ScopeScores) -> int:
    """Posts and reposts of the roster in one scope's window."""
    return int(scores.executives.select(pl.col("posts") + pl.col("reposts")).sum().item())


def month_warnings(
    root: Path, scores: Mapping[Scope, ScopeScores], period: Period, chosen: bool, allow_empty: bool = False
) -> list[str]:
    """The run's warnings about the month's posts, or an InputError naming the exports folder when the month must
    not be ranked.

    A month without any post is an error when the month was `chosen` (the monthly job: its exports are not there
    yet) and, for a month given with `--period`, when its year to date has none either (a ranking of zeros must
    not be published); `allow_empty` turns both into a warning. A given month without posts after earlier posts of
    its year is ranked, with a warning (its year-to-date ranking stands). With a month of posts, the monthly job
    warns of each executive without any post or repost in it."""
    month, ytd = window_posts(scores["month"]), window_posts(scores["ytd"])
    if month == 0:
        if not allow_empty and chosen:
            raise InputError.one(
                root / "exports",
                f"no post of {period} in any export: are the month's exports there yet? (or give --period YYYY-MM)",
            )
        if not allow_empty and ytd == 0:
            raise InputError.one(
                root / "exports",
                f"no post of {period} nor of any earlier month of {period.year} in any export: nothing to rank "
                "(--allow-empty ranks it all the same)",
            )
        if ytd == 0:
            return [f"no post of {period} nor of any earlier month of {period.year} in any export: every score is 0"]
        return [f"no post of {period} in any export: the month's ranking is all zeros (the year to date stands)"]
    if not chosen:
        return []
    quiet = scores["month"].executives.filter((pl.col("posts") + pl.col("reposts")) == 0).sort("executive_id")
    return [
        f"{r['executive_id']} ({r['name']}): no post of {period} in the exports"
        for r in quiet.select("executive_id", "name").iter_rows(named=True)
    ]
