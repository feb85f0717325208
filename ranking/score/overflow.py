"""Sums that must stay exact: every total of a run is checked to stay below 2^53 before it is used.

Polars' integer sums wrap around on overflow (a huge score turns negative and reshuffles the ranks) and floats
above 2^53 lose units. Each count is below 2^53 (ranking.load.values), but a sum of many may not be: the sums
of every post of the run are computed once more in floats, where nothing wraps, and checked."""

from __future__ import annotations

import polars as pl

from ranking.errors import InputError
from ranking.load.values import MAX_COUNT

_SUMMED = ("reactions", "comments", "shares", "influence_score")
_PREFIX = "__exact_"


def exact_sums() -> list[pl.Expr]:
    """Aggregations beside the integer sums: the same sums in floats (which saturate instead of wrapping)."""
    return [pl.col(c).cast(pl.Float64).sum().alias(_PREFIX + c) for c in _SUMMED]


def checked_totals(totals: pl.DataFrame) -> pl.DataFrame:
    """`totals` without the float sums, once they show that no sum of any window can reach 2^53.

    Every window's total is a part of the sum over all rows (counts are never negative): checking that sum
    checks them all, the team scores included."""
    names = [c for c in totals.columns if c.startswith(_PREFIX)]
    if totals.height:
        sums = totals.select(pl.col(names).sum()).row(0, named=True)
        for name, total in sums.items():
            if total is not None and not total < MAX_COUNT:  # `not <`: a NaN sum is refused too
                what = name.removeprefix(_PREFIX)
                raise InputError.one(
                    "exports",
                    f"the {what} of the posts add up to {total:.4g}, more than a run can add up exactly (2^53): "
                    "check the counts of the exports (or the weights of ranking.toml)",
                )
    return totals.drop(names)
