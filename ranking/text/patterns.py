"""Searching many keyword patterns at once without exceeding the regex engine's size limit.

One alternation of every keyword of a topic is the fastest search, but the engine refuses a compiled regex
above 10 MB, and a Unicode `\\w*` costs tens of kilobytes: 250 wildcard keywords made `run` die after
`validate` had passed. The keywords are searched in groups small enough to compile, and `check_patterns`
(called by the settings' validation) tries every group, so what `validate` accepts, `run` can search."""

from __future__ import annotations

import polars as pl

#: Keywords per alternation: far below the size limit for ordinary keywords (a wildcard word is ~40 kB).
GROUP = 32


def groups(patterns: list[str]) -> list[str]:
    """The alternations, of at most GROUP patterns each, that search `patterns`."""
    return ["|".join(f"(?:{p})" for p in patterns[i : i + GROUP]) for i in range(0, len(patterns), GROUP)]


def contains_any(text: pl.Expr, patterns: list[str]) -> pl.Expr:
    """Whether `text` matches any of `patterns`."""
    return pl.any_horizontal([text.str.contains(g) for g in groups(patterns)]) if patterns else pl.lit(False)


def check_patterns(patterns: list[str]) -> str | None:
    """Why `patterns` cannot be searched (a group too big to compile), or None when they can."""
    probe = pl.DataFrame({"t": [""]})
    for number, group in enumerate(groups(patterns)):
        try:
            probe.select(pl.col("t").str.contains(group))
        except pl.exceptions.ComputeError:
            first = number * GROUP
            return (
                f"keywords {first + 1} to {first + GROUP} make a search too big to run (fewer '*', or shorter keywords)"
            )
    return None
