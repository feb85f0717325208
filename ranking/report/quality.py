"""The data-quality facts of a document: executives without data or with partial counts, the export files read."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import fields, replace
from datetime import date

import polars as pl

from ranking.report.data import ReportData
from ranking.report.inventory_summary import format_counts
from ranking.report.rows import Absent, ExportLine, PersonIssue, Quality

PERSON_FIELDS = [f.name for f in fields(PersonIssue)]
#: The most executives the leaderboard names per team in each list of its data-quality page, the others counted
#: ("and 49,980 more"): a team of 50,000 executives without data made a 180-page leaderboard. Company reports list
#: all of their own.
NAMED_PER_TEAM = 20


def _issues(data: ReportData) -> pl.DataFrame:
    """Every roster executive without data or with missing or partial counts, with name, role and company."""
    missing = data.missing.join(
        data.roster.select("executive_id"), on="executive_id", how="right", maintain_order="right"
    ).with_columns(pl.col("no_counts", "total_only").fill_null(0))
    return (
        missing.join(data.roster.select("executive_id", "name", "role", "company"), on="executive_id")
        .join(data.companies.select("company", pl.col("name").alias("company_name")), on="company", how="left")
        .with_columns(pl.col("executive_id").is_in(list(data.without_data)).alias("no_data"))
        .filter(pl.col("no_data") | (pl.col("no_counts") > 0) | (pl.col("total_only") > 0))
        .sort("company_name", "name", "executive_id")
    )


def _quality(data: ReportData, issues: list[dict], exports: list[int] | None, unlisted: int = 0) -> Quality:
    """The page from the issue rows of its executives (in `_issues` order) and the indexes of its export files
    (None: all, with every warning of the loaders). Plain Python over a few rows: a company's page is built
    without any query."""
    absent: dict[str, list[str]] = {}
    for r in issues:
        if r["no_data"]:
            absent.setdefault(r["company_name"], []).append(r["name"])
    people = tuple(PersonIssue(**{n: r[n] for n in PERSON_FIELDS}) for r in issues if not r["no_data"])
    files = data.exports if exports is None else [data.exports[i] for i in exports]
    after = data.period.next()
    first_after = date(after.year, after.month, 1)
    read = tuple(
        ExportLine(e.shown, e.format, e.snapshot, e.posts, e.flags, e.notes, e.dated, e.snapshot >= first_after)
        for e in files
    )
    # A summary, not the inventory: 10,000 files made a 250-page leaderboard (the manifest lists them all).
    lines = tuple(e for e in read if e.flags or e.notes)
    warnings = (
        data.warnings if exports is None else tuple(w for e in lines for w in (f"{e.shown}: {n}" for n in e.notes))
    )
    absent_rows = tuple(Absent(c, tuple(names), 0) for c, names in absent.items())
    return Quality(absent_rows, people, lines, warnings, format_counts(read), unlisted, 0)


def quality(data: ReportData, people: set[str] | None = None, companies: Collection[str] | None = None) -> Quality:
    """Executives with missing data and the export files, for everyone (the leaderboard) or for a set of
    executives (a company report: its executives and the files holding their posts).

    With `companies` (the leaderboard's, the teams it shows), only their executives are listed, `NAMED_PER_TEAM`
    at most per team, with every file: the others are counted (`Quality.unlisted`, `Absent.more`,
    `Quality.people_more`), for a list of every executive of a large sector ran to 40 pages at 2,000 executives,
    and each company report lists its own."""
    frame = _issues(data)
    if people is None:
        if companies is None:
            return _quality(data, frame.to_dicts(), None)
        shown = frame.filter(pl.col("company").is_in(list(companies)))
        # Only the rows that will be named become Python objects (and one count per company the rest): the
        # page is as long, and as quick, for 100,000 executives as for 100.
        named = shown.filter(pl.int_range(pl.len()).over("company", "no_data") < NAMED_PER_TEAM)
        rest = shown.height - named.height
        page = _quality(data, named.to_dicts(), None, frame.height - shown.height)
        more = dict(shown.filter(pl.col("no_data")).group_by("company_name").agg(pl.len()).iter_rows())
        absent = tuple(replace(a, more=more.get(a.company_name, 0) - len(a.names)) for a in page.absent)
        return replace(page, absent=absent, people_more=rest - sum(a.more for a in absent))
    holding = [i for i, e in enumerate(data.exports) if e.executives & people]
    return _quality(data, frame.filter(pl.col("executive_id").is_in(list(people))).to_dicts(), holding)


def quality_by_company(data: ReportData, members: Mapping[str, list[str]]) -> dict[str, Quality]:
    """The appendix of every company report at once, from `members` (company -> its executives): one pass over
    the issues and the export files, however many companies."""
    parts: dict[str, list[dict]] = {}
    for r in _issues(data).iter_rows(named=True):
        parts.setdefault(r["company"], []).append(r)
    files_of: dict[str, set[int]] = {}
    for i, export in enumerate(data.exports):
        for executive in export.executives:
            files_of.setdefault(executive, set()).add(i)
    out = {}
    for company, people in members.items():
        holding = sorted(set().union(*(files_of.get(p, set()) for p in people)))
        out[company] = _quality(data, parts.get(company, []), holding)
    return out
