"""The month being ranked and the windows of time its two scopes cover, in the workspace's time zone.

Every stage receives its posts already windowed (ranking.pipeline applies each window once); the windows are
computed here and nowhere else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl

from ranking.errors import UsageError

#: The two scopes of the ranking: the calendar month, and 1 January to the end of the month.
Scope = Literal["month", "ytd"]
#: The scopes in the order the tables list them (the contract's CSVs).
SCOPES: tuple[Scope, ...] = ("month", "ytd")
#: The order the documents show them in: the year to date is the headline ranking.
SCOPE_ORDER: tuple[Scope, ...] = ("ytd", "month")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, the unit of the monthly ranking."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        # the calendar's ends are out: the windows and the previous period need the year before and after
        if not found or not 1 <= int(found.group(2)) <= 12 or not 1900 <= int(found.group(1)) <= 9998:
            raise UsageError(f"period must be YYYY-MM from 1900-01 to 9998-12 (e.g. 2021-10), not {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    def contains(self, column: str = "posted_at") -> pl.Expr:
        """True for the rows whose instant falls in the window."""
        return (pl.col(column) >= self.start) & (pl.col(column) < self.end)

    def within(self, outer: Window) -> bool:
        return outer.start <= self.start and self.end <= outer.end


def window(period: Period, scope: Scope, timezone: str) -> Window:
    """A scope's window: the calendar month, or 1 January to the end of the month (ytd), local midnights."""
    zone = ZoneInfo(timezone)
    first = Period(period.year, 1) if scope == "ytd" else period
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    after = period.next()
    end = datetime(after.year, after.month, 1, tzinfo=zone)
    return Window(start.astimezone(UTC), end.astimezone(UTC))


def previous_window(period: Period, scope: Scope, timezone: str) -> Window | None:
    """The same scope in the previous period, that rank changes compare with (None for ytd in January)."""
    if scope == "ytd" and period.month == 1:
        return None
    return window(period.previous(), scope, timezone)
