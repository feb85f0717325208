"""The data-quality facts of a document: executives without data or with partial counts, the export files read."""

from __future__ import annotations

import polars as pl

from ranking.report.data import ReportData
from ranking.report.inventory_summary import format_counts
from ranking.report.rows import Absent, ExportLine, PersonIssue, Quality, rows


def quality(data: ReportData, people: set[str] | None = None) -> Quality:
    """Executives with missing data and the export files, for everyone (the leaderboard) or for a set of
    executives (a company report: its executives and the files holding their posts)."""
    missing = data.missing.join(
        data.roster.select("executive_id"), on="executive_id", how="right", maintain_order="right"
    ).with_columns(pl.col("no_counts", "total_only").fill_null(0))
    frame = (
        missing.join(data.roster.select("executive_id", "name", "role", "company"), on="executive_id")
        .join(data.companies.select("company", pl.col("name").alias("company_name")), on="company", how="left")
        .with_columns(pl.col("executive_id").is_in(list(data.without_data)).alias("no_data"))
        .filter(pl.col("no_data") | (pl.col("no_counts") > 0) | (pl.col("total_only") > 0))
        .sort("company_name", "name", "executive_id")
    )
    if people is not None:
        frame = frame.filter(pl.col("executive_id").is_in(list(people)))
    absent = tuple(
        Absent(r["company_name"], tuple(r["name"]))
        for r in frame.filter(pl.col("no_data"))
        .group_by("company_name", maintain_order=True)
        .agg(pl.col("name"))
        .iter_rows(named=True)
    )
    read = tuple(
        ExportLine(e.shown, e.format, e.snapshot, e.posts, e.flags, e.notes)
        for e in data.exports
        if people is None or e.executives & people
    )
    # A summary, not the inventory: 10,000 files made a 250-page leaderboard (the manifest lists them all).
    exports = tuple(e for e in read if e.flags or e.notes)
    warnings = (
        data.warnings if people is None else tuple(w for e in exports for w in (f"{e.shown}: {n}" for n in e.notes))
    )
    people_rows = rows(PersonIssue, frame.filter(~pl.col("no_data")))
    return Quality(absent, people_rows, exports, warnings, format_counts(read))
