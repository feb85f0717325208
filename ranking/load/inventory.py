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
from ranking.text.phrase import Phrase, plural


@dataclass(frozen=True)
class Found:
    """Posts and reposts found, and the local dates of the first and the last."""

    posts: int
    reposts: int
    first: date | None
    last: date | None

    def __str__(self) -> str:
        return str(self.phrase)

    @property
    def phrase(self) -> Phrase:
        """`3 posts, 1 repost, 2021-01-04 to 2021-10-28` (in the terminal's language: ranking.cli.terminal)."""
        if not self.posts and not self.reposts:
            return Phrase("no posts", "inventory.no_posts")
        posts = Phrase(plural(self.posts, "post"), "inventory.posts", self.posts)
        first, last = str(self.first), str(self.last)
        if self.reposts:
            reposts = Phrase(plural(self.reposts, "repost"), "inventory.reposts", self.reposts)
            english = f"{posts}, {reposts}, {self.first} to {self.last}"
            return Phrase(english, "inventory.found.reposts", posts=posts, reposts=reposts, first=first, last=last)
        return Phrase(f"{posts}, {first} to {last}", "inventory.found", posts=posts, first=first, last=last)


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
    marks = "".join(f" [{flag}]" for flag in flags)
    if executive is not None and executive in followers:
        count = followers[executive]
        many = Phrase(plural(count, "follower"), "inventory.followers", count)
        return Phrase(f"{fmt}{marks}, {many}", "inventory.described.followers", format=fmt, flags=marks, followers=many)
    return Phrase(f"{fmt}{marks}", "inventory.described", format=fmt, flags=marks) if marks else fmt


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
            stats = found.get(executive, Found(0, 0, None, None)).phrase
            per_file[executive].append(
                _line(4, f"{where}: {described}, {stats}", where=where, what=described, found=stats)
            )
            if counted is not None:
                per_file[executive] += [
                    _line(6, line, line.key, line.n, **line.values)
                    for line in (counted.phrase, *counted.examples_lines())
                ]
            continue
        for executive, each in found.items():
            line = _line(4, f"{where}: {export.format}, {each}", where=where, what=export.format, found=each.phrase)
            per_file[executive].append(line)
        everyone = Found(
            sum(f.posts for f in found.values()),
            sum(f.reposts for f in found.values()),
            min((f.first for f in found.values() if f.first), default=None),
            max((f.last for f in found.values() if f.last), default=None),
        )
        executives = Phrase(plural(len(found), "executive"), "inventory.executives", len(found))
        english = f"{where}: {export.format}, {everyone}, {executives}"
        on_top.append(
            _line(
                2,
                english,
                "inventory.file.shared",
                where=where,
                what=export.format,
                found=everyone.phrase,
                executives=executives,
            )
        )
        if counted is not None:
            on_top += [
                _line(4, line, line.key, line.n, **line.values) for line in (counted.phrase, *counted.examples_lines())
            ]
    for unread in ws.unread:
        what = (
            Phrase(f"read as {unread.format}", "inventory.read_as", format=unread.format)
            if unread.format
            else Phrase("format not recognised", "inventory.unknown_format")
        )
        count = len(unread.problems)
        problems = Phrase(plural(count, "problem"), "inventory.problems", count)
        shown = _relative(ws, unread.shown)
        line = Phrase(f"not read: {shown} ({what}; {problems})", "inventory.not_read", file=shown, what=what,
                      problems=problems)  # fmt: skip
        # the proposal of a [[sources]] block is TOML to paste: told as it is, in no language
        told = list(unread.proposal.lines()) if unread.proposal is not None else []
        if unread.executive_id is not None:
            per_file[unread.executive_id] += [
                Phrase(f"    {line}", line.key, **line.values),
                *(f"      {x}" for x in told),
            ]
        else:
            on_top += [Phrase(f"  {line}", line.key, **line.values), *(f"    {x}" for x in told)]
    lines: list[str] = [Phrase("Exports by executive:", "inventory.by_executive")]
    silent = []
    for executive, name in names.items():
        if executive not in per_file and executive not in total:
            silent.append(executive)
            continue
        stats = total.get(executive, Found(0, 0, None, None)).phrase
        lines.append(_line(2, f"{executive} ({name}): {stats}", "inventory.executive", id=executive, name=name,
                           found=stats))  # fmt: skip
        lines += per_file.get(executive, [])
    if silent:
        english = f"No post found for {len(silent)}: {', '.join(silent)}"
        lines.append(_line(2, english, "inventory.silent", n=len(silent), ids=", ".join(silent)))
    if on_top:
        lines += [Phrase("Files on top of exports/:", "inventory.on_top"), *on_top]
    return lines


def _line(indent: int, english: str, key: str = "inventory.file", n: int | None = None, **values: object) -> Phrase:
    """One line of the inventory, indented (the terminal keeps the indent of the English text)."""
    return Phrase(" " * indent + english, key, n, **values)
