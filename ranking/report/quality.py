"""The data-quality facts of a document: executives without data or with partial counts, the export files read."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ranking.report.data import ReportData
from ranking.report.rows import Absent, ExportLine, PersonIssue, Quality, rows


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


def _quality(data: ReportData, frame: pl.DataFrame, exports: list[int] | None) -> Quality:
    """The page from the issues of its executives and the indexes of its export files (None: all, with every
    warning of the loaders)."""
    absent = tuple(
        Absent(r["company_name"], tuple(r["name"]))
        for r in frame.filter(pl.col("no_data"))
        .group_by("company_name", maintain_order=True)
        .agg(pl.col("name"))
        .iter_rows(named=True)
    )
    files = data.exports if exports is None else [data.exports[i] for i in exports]
    lines = tuple(ExportLine(e.shown, e.format, e.snapshot, e.posts, e.flags, e.notes) for e in files)
    warnings = (
        data.warnings if exports is None else tuple(w for e in lines for w in (f"{e.shown}: {n}" for n in e.notes))
    )
    return Quality(absent, rows(PersonIssue, frame.filter(~pl.col("no_data"))), lines, warnings)


def quality(data: ReportData, people: set[str] | None = None) -> Quality:
    """Executives with missing data and the export files, for everyone (the leaderboard) or for a set of
    executives (a company report: its executives and the files holding their posts)."""
    frame = _issues(data)
    if people is None:
        return _quality(data, frame, None)
    holding = [i for i, e in enumerate(data.exports) if e.executives & people]
    return _quality(data, frame.filter(pl.col("executive_id").is_in(list(people))), holding)


def quality_by_company(data: ReportData, members: Mapping[str, list[str]]) -> dict[str, Quality]:
    """The appendix of every company report at once, from `members` (company -> its executives): one pass over
    the issues and the export files, however many companies."""
    frame = _issues(data)
    parts = {key[0]: part for key, part in frame.partition_by("company", as_dict=True).items()}
    files_of: dict[str, set[int]] = {}
    for i, export in enumerate(data.exports):
        for executive in export.executives:
            files_of.setdefault(executive, set()).add(i)
    out = {}
    for company, people in members.items():
        holding = sorted(set().union(*(files_of.get(p, set()) for p in people)))
        out[company] = _quality(data, parts.get(company, frame.clear()), holding)
    return out
