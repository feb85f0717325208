"""What `ranking validate` shows of the exports: per executive, which files were read as what, the dates and
post counts found, and what could not be read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ranking.load.base import export_numbered
from ranking.load.workspace import Workspace


@dataclass(frozen=True)
class Found:
    """Posts and reposts found, and the local dates of the first and the last."""

    posts: int
    reposts: int
    first: date | None
    last: date | None

    def __str__(self) -> str:
        if not self.posts and not self.reposts:
            return "no posts"
        counts = f"{self.posts} post{'s' if self.posts != 1 else ''}"
        if self.reposts:
            counts += f", {self.reposts} repost{'s' if self.reposts != 1 else ''}"
        return f"{counts}, {self.first} to {self.last}"


def found_by_executive(posts: pl.DataFrame | pl.LazyFrame, timezone: str) -> dict[str, Found]:
    """Posts, reposts and date range of each executive in a posts table or query (dates in the workspace's time
    zone). A query is aggregated as it streams, on the three columns it needs: the workspace's merged posts are
    never held, texts and all, to count them."""
    local = pl.col("posted_at").dt.convert_time_zone(timezone).dt.date()
    stats = (
        posts.lazy()
        .select("executive_id", "kind", "posted_at")
        .group_by("executive_id")
        .agg(
            (pl.col("kind") != "repost").sum().alias("posts"),
            (pl.col("kind") == "repost").sum().alias("reposts"),
            local.min().alias("first"),
            local.max().alias("last"),
        )
        .collect(engine="streaming")
    )
    return {row[0]: Found(*row[1:]) for row in stats.iter_rows() if row[0] is not None}


def _relative(ws: Workspace, shown: str) -> str:
    path = Path(shown)
    return str(path.relative_to(ws.root)) if path.is_relative_to(ws.root) else shown


def _described(fmt: str, flags: list[str], followers: dict[str, int], executive: str | None) -> str:
    text = fmt + "".join(f" [{flag}]" for flag in flags)
    if executive is not None and executive in followers:
        text += f", {followers[executive]} followers"
    return text


def inventory(ws: Workspace) -> list[str]:
    """Lines for `validate`: each executive's files, read as what, with dates and counts; then the shared files."""
    tz = ws.settings.scoring.timezone
    names = dict(ws.roster.select("executive_id", "name").iter_rows())
    total = found_by_executive(ws.scan, tz)
    per_file: dict[str, list[str]] = defaultdict(list)
    on_top: list[str] = []
    accounts = {a.file: a for a in ws.accounting}
    for export in ws.exports:
        where = _relative(ws, export.shown)
        # as a query: a lazily read export's `posts` would collect and keep the whole file, texts and all
        found = found_by_executive(export_numbered(export), tz)
        counted = accounts.get(export.shown)
        if export.executive_id is not None:
            executive = export.executive_id
            described = _described(export.format, export.flags, export.followers, executive)
            per_file[executive].append(f"    {where}: {described}, {found.get(executive, Found(0, 0, None, None))}")
            if counted is not None:
                per_file[executive] += [f"      {line}" for line in (str(counted), *counted.examples_lines())]
            continue
        for executive, stats in found.items():
            per_file[executive].append(f"    {where}: {export.format}, {stats}")
        everyone = Found(
            sum(f.posts for f in found.values()),
            sum(f.reposts for f in found.values()),
            min((f.first for f in found.values() if f.first), default=None),
            max((f.last for f in found.values() if f.last), default=None),
        )
        on_top.append(f"  {where}: {export.format}, {everyone}, {len(found)} executives")
        if counted is not None:
            on_top += [f"    {line}" for line in (str(counted), *counted.examples_lines())]
    for unread in ws.unread:
        what = f"read as {unread.format}" if unread.format else "format not recognised"
        count = len(unread.problems)
        line = f"not read: {_relative(ws, unread.shown)} ({what}; {count} problem{'s' if count != 1 else ''})"
        told = [f"  {said}" for said in unread.proposal.lines()] if unread.proposal is not None else []
        if unread.executive_id is not None:
            per_file[unread.executive_id] += [f"    {said}" for said in (line, *told)]
        else:
            on_top += [f"  {said}" for said in (line, *told)]
    lines = ["Exports by executive:"]
    silent = []
    for executive, name in names.items():
        if executive not in per_file and executive not in total:
            silent.append(executive)
            continue
        lines.append(f"  {executive} ({name}): {total.get(executive, Found(0, 0, None, None))}")
        lines += per_file.get(executive, [])
    if silent:
        lines.append(f"  No post found for {len(silent)}: {', '.join(silent)}")
    if on_top:
        lines += ["Files on top of exports/:", *on_top]
    return lines
