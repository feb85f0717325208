"""What to give a scraping service to collect the roster's posts: the LinkedIn profile URLs and X handles of the
roster, as plain lines or as the input of the Apify actors whose results `ranking` reads, with the date range
of the year to date that the ranking of a month covers."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ranking.collect.inputs import ACTORS, Window, actor_input
from ranking.errors import InputError
from ranking.load.values import normalise_handle
from ranking.load.workspace import load_companies, load_roster
from ranking.period import Period


@dataclass(frozen=True)
class Targets:
    """The accounts to collect, and the roster executives without any."""

    linkedin: list[str]  # profile URLs, https://www.linkedin.com/in/<slug>/
    x: list[str]  # handles, without @
    without: list[str]  # executive ids with neither
    #: (executive id, platform, account) of each account, in roster order: whose posts a run collects
    accounts: tuple[tuple[str, str, str], ...] = ()


def roster_targets(root: Path) -> Targets:
    """The LinkedIn profiles and X handles of the roster of the workspace at `root`, in roster order."""
    companies, problems = load_companies(root / "companies.csv")
    roster, found = load_roster(root / "roster.csv", companies)
    if problems + found:
        raise InputError(problems + found)
    accounts = roster.select(
        "executive_id",
        normalise_handle(pl.col("linkedin")).alias("slug"),
        normalise_handle(pl.col("x_handle")).alias("handle"),
    ).with_columns(pl.col("slug", "handle").replace("", None))
    linkedin = [
        f"https://www.linkedin.com/in/{s}/"
        for s in accounts.get_column("slug").drop_nulls().unique(maintain_order=True)
    ]
    x = accounts.get_column("handle").drop_nulls().unique(maintain_order=True).to_list()
    without = accounts.filter(pl.col("slug").is_null() & pl.col("handle").is_null()).get_column("executive_id")
    each: list[tuple[str, str, str]] = []
    for row in accounts.iter_rows(named=True):
        if row["slug"]:
            each.append((row["executive_id"], "linkedin", f"https://www.linkedin.com/in/{row['slug']}/"))
        if row["handle"]:
            each.append((row["executive_id"], "x", row["handle"]))
    return Targets(linkedin, x, without.to_list(), tuple(each))


def date_range(period: Period) -> tuple[date, date]:
    """1 January of the period's year to the last day of its month: what the year-to-date ranking reads."""
    return date(period.year, 1, 1), date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def plain_lines(targets: Targets, period: Period) -> list[str]:
    """The accounts as lines to paste into a service's form, under `#` headings that say what each block is."""
    start, end = date_range(period)
    lines = [f"# Posts from {start} to {end}"]
    lines += [f"# LinkedIn profiles ({len(targets.linkedin)})", *targets.linkedin]
    lines += [f"# X accounts ({len(targets.x)})", *targets.x]
    if targets.without:
        lines.append(f"# No LinkedIn profile nor X handle in roster.csv ({len(targets.without)}): "
                     + ", ".join(targets.without))  # fmt: skip
    return lines


def apify_inputs(targets: Targets, period: Period, timezone: str = "UTC", max_items: int = 400) -> dict[str, Any]:
    """The input JSON of each Apify actor whose results `ranking` reads, by actor (paste one into its Input tab,
    JSON view), for the year to date: the builder `ranking collect` sends (ranking.collect.inputs). Reposts and
    quotes are asked for: a repost counts as one (it adds no influence)."""
    start, end = date_range(period)
    window = Window(start, end, timezone)
    inputs: dict[str, Any] = {}
    for name, actor in ACTORS.items():
        accounts = targets.linkedin if actor.platform == "linkedin" else targets.x
        if not accounts:
            continue
        if actor.takes_list:
            inputs[name] = actor_input(name, accounts, window, max_items)
        else:  # one run per profile
            inputs[name] = [actor_input(name, [a], window, max_items) for a in accounts]
    return inputs
