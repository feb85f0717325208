"""What both documents share: the documented-field helper, the header every document carries, the rows of the
ranking tables, the methodology, the series, the data-quality facts and the safe rendering of a post's text and
address.

Contexts hold data only (numbers, names, dates); every label and every number format comes from the templates
and the catalogues, so one context renders in any language. Every field says what it holds (`help`): the
reference docs/templates.md is generated from them (ranking.report.reference)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlparse

import polars as pl

from ranking.period import Period

T = TypeVar("T")

#: Characters of a post's text the company report quotes.
EXCERPT_CHARS = 200
#: Characters of a post's address shown under it (the link itself is whole).
LINK_CHARS = 70


def described(help: str) -> Any:
    """A dataclass field that says what it holds (shown in docs/templates.md; every context field has one)."""
    return field(metadata={"help": help})


def rows(cls: type[T], frame: pl.DataFrame) -> tuple[T, ...]:
    """The rows of `frame` as instances of the dataclass `cls` (columns it does not declare are ignored)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return tuple(cls(**{n: r[n] for n in names}) for r in frame.select(names).iter_rows(named=True))


@dataclass(frozen=True)
class ByScope(Generic[T]):
    """One value per scope, named; iterating gives them in the documents' order (year to date first)."""

    ytd: T = described("the year to date: 1 January to the end of the month (the headline ranking)")
    month: T = described("the calendar month")

    def __iter__(self) -> Iterator[T]:
        yield self.ytd
        yield self.month


@dataclass(frozen=True)
class Header:
    """What every document states on its cover and running header (declared once, shared by both contexts)."""

    lang: str = described("the document's language, `fr` or `en`")
    title: str = described("the ranking's title in the document's language (settings report.title)")
    subtitle: str = described("a line under the title, or empty (settings report.subtitle)")
    sector: str = described("the sector ranked (settings report.sector)")
    publisher: str = described("who publishes the ranking (settings report.publisher)")
    period: str = described("the month ranked, `YYYY-MM`")
    year: int = described("the year of the month ranked")
    month: int = described("the month ranked, 1 to 12")
    logo: str | None = described("file URL of the publisher's logo (settings report.logo), or none")
    created: str = described("the document's date (W3C), fixed by the period so that re-renders are identical")
    month_posts: int = described("posts and reposts of the month in the exports (0: the cover says the month is empty)")
    ytd_posts: int = described("posts and reposts of the year to date (0: the cover says the year is empty)")


def header(
    period: Period, lang: str, settings: Any, logo: str | None, month_posts: int, ytd_posts: int
) -> dict[str, Any]:
    """The header fields of a document of `period` (a mapping, spread into a context's constructor)."""
    report = settings.report
    return {
        "lang": lang,
        "title": report.title.get(lang),
        "subtitle": report.subtitle.get(lang),
        "sector": report.sector.get(lang),
        "publisher": report.publisher.get(lang),
        "period": str(period),
        "year": period.year,
        "month": period.month,
        "logo": logo,
        "created": created(period),
        "month_posts": month_posts,
        "ytd_posts": ytd_posts,
    }


def created(period: Period) -> str:
    """The document date: the first instant after the period (fixed, so re-renders are byte-identical)."""
    after = period.next()
    return datetime(after.year, after.month, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TeamRow:
    """A team in a ranking table."""

    rank: int = described("rank in its scope (1, 2, 2, 4 on ties)")
    company: str = described("company id")
    name: str = described("company name")
    team_score: float = described("the team's influence score: the sum of its executives'")
    index: float = described("100 × team score / the leader's")
    members: int = described("executives of the team in the roster")
    active_members: int = described("those with at least one post or repost in the window")
    effective_contributors: float = described("how many executives carry the score, evenly (inverse Herfindahl)")
    collectivity: float = described("effective contributors / members, 0..1")
    top_name: str | None = described("name of the executive with the highest score")
    top_role: str | None = described("role of that executive")
    top_contributor_share: float = described("that executive's share of the team score, 0..1")
    rank_change: int | None = described("places gained since the previous period (none: no previous period)")
    badge: str | None = described('"collective", "one_voice", or none for a team without score')
    other_rank: int = described("the rank in the other scope (the month beside the year to date)")


@dataclass(frozen=True)
class ExecutiveRow:
    """An executive in a ranking table."""

    rank: int = described("rank in its scope, among all executives (or all CEOs)")
    executive_id: str = described("executive id")
    name: str = described("the executive's name")
    company: str = described("company id")
    company_name: str = described("company name")
    role: str = described("role in the company")
    posts: int = described("own posts in the window (posts, replies, quotes)")
    reposts: int = described("reposts in the window")
    reactions: int = described("reactions to the own posts")
    comments: int = described("comments on the own posts")
    shares: int = described("shares of the own posts")
    influence_score: float = described("the influence score of the window")
    index: float = described("100 × score / the leader's")
    rank_change: int | None = described("places gained since the previous period")
    linkedin: float = described("the part of the influence score made on LinkedIn")
    x: float = described("the part made on X")
    other_rank: int = described("the rank in the other scope")
    from_totals: float = described(
        "the part of the score its reactions, comments and shares do not explain: posts whose export gives an "
        "engagements total only (the row is marked and a footnote on its page gives it; 0: none)"
    )
    no_data: bool = described("no export holds any post of theirs: no rank nor movement is shown, only a dash")


@dataclass(frozen=True)
class Methodology:
    """The settings actually used, as the methodology page states them."""

    reactions: float = described("weight of a reaction")
    comments: float = described("weight of a comment")
    shares: float = described("weight of a share")
    engagements: float = described("weight of an engagement, where an export gives only a total")
    timezone: str = described("the time zone months are cut in")
    collective_threshold: float = described("collectivity from which a team is called collective")
    top_executives: int = described("executives listed in the leaderboard")
    best_posts: int = described("at most this many of one executive among the team's best posts of a company report")
    team_posts: int = described("the team's best posts of the month quoted in a company report")
    min_posts: int = described("own posts with a count a median influence needs ([measures] min_posts)")


def methodology(settings: Any) -> Methodology:
    """The methodology page's facts from the settings."""
    w, r = settings.scoring, settings.report
    return Methodology(
        w.reactions, w.comments, w.shares, w.engagements, w.timezone, r.collective_threshold, r.top_executives,
        r.best_posts, r.team_posts, settings.measures.min_posts,
    )  # fmt: skip


@dataclass(frozen=True)
class Series:
    """A monthly score series since January (a team's or an executive's)."""

    key: str = described("company or executive id")
    name: str = described("its name")
    values: tuple[float, ...] = described("the score of each month, January first")
    total: float = described("the sum of the months")


def series(months: pl.DataFrame, key: str, names: pl.DataFrame, order: list[str]) -> tuple[Series, ...]:
    """The monthly series of each `key` of `order` (in that order) from a frame of key, month, score."""
    grouped = months.group_by(key).agg(pl.col("score").sort_by("month").alias("values"), pl.col("score").sum())
    named = grouped.join(names, on=key, how="left")
    by_key = {r[key]: r for r in named.iter_rows(named=True)}
    return tuple(
        Series(k, by_key[k]["name"], tuple(by_key[k]["values"]), by_key[k]["score"]) for k in order if k in by_key
    )


@dataclass(frozen=True)
class ExportLine:
    """An export file on the data-quality page: its date, size and what was noticed reading it."""

    shown: str = described("the file, as named in the workspace")
    format: str = described("what it was read as")
    snapshot: date = described("the export's date (UTC), or the file's modification date when it states none")
    posts: int = described("posts it holds")
    flags: tuple[str, ...] = described("what it lacks (`no_counts`, `total_only`, …)")
    notes: tuple[str, ...] = described("what was noticed reading it")
    dated: str = described(
        "how the date was found: `run` (the service's run time in its name), `name` (a date in its name), `content` "
        "(its content), `modified` (the file's modification time: the export states no date)"
    )
    after: bool = described("the date is after the month ranked (its counts are those of that later day)")


@dataclass(frozen=True)
class FormatCount:
    """The export files of one format on the data-quality page (the full list is in the manifest)."""

    format: str = described("what the files were read as")
    files: int = described("how many files")
    posts: int = described("the posts they hold")


@dataclass(frozen=True)
class PersonIssue:
    """An executive whose data is missing or partial."""

    executive_id: str = described("executive id")
    name: str = described("the executive's name")
    role: str = described("role")
    company_name: str = described("company name")
    no_data: bool = described("no export holds any post of theirs")
    no_counts: int = described("year-to-date posts without any count")
    total_only: int = described("year-to-date posts with an engagements total only")


@dataclass(frozen=True)
class Absent:
    """The executives of one company that no export has a post of."""

    company_name: str = described("company name")
    names: tuple[str, ...] = described("the executives' names")
    more: int = described(
        "the company's other executives without data, counted, not named (the leaderboard names "
        "`NAMED_PER_TEAM` at most per team; a company report names all of its own)"
    )


@dataclass(frozen=True)
class Quality:
    """The data-quality page (the leaderboard's) or appendix (a company report's)."""

    absent: tuple[Absent, ...] = described("executives without any data, by company")
    people: tuple[PersonIssue, ...] = described("executives with posts whose counts are missing or partial")
    exports: tuple[ExportLine, ...] = described("the export files with flags or notes (every file is in the manifest)")
    warnings: tuple[str, ...] = described("what the loaders noticed")
    formats: tuple[FormatCount, ...] = described("the export files read, counted by format")
    unlisted: int = described(
        "executives with missing or partial data left out of these lists: the leaderboard lists those of the teams "
        "it shows (`report.top_teams` of each scope), and each company report lists its own"
    )
    people_more: int = described(
        "executives of the teams shown with missing counts left out of `people` (the leaderboard lists "
        "`NAMED_PER_TEAM` at most per team; a company report lists all of its own)"
    )


@dataclass(frozen=True)
class PostLine:
    """One of an executive's best posts, quoted in the company report."""

    platform: str = described("`linkedin` or `x`")
    kind: str = described("`post`, `reply` or `quote`")
    day: date = described("the day it was posted (workspace time zone)")
    excerpt: str = described("its text on one line, cut at a word")
    link_text: str = described("its address as shown (shortened)")
    href: str | None = described("the link target: http(s) addresses only")
    reactions: int | None = described("reactions (none: the export gives none)")
    comments: int | None = described("comments")
    shares: int | None = described("shares")
    engagements: int | None = described("engagements total, where that is all the export gives")
    influence: float = described("the post's influence")


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The post's text on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",;:.!?") + "…"


def link(url: str | None) -> tuple[str, str | None]:
    """What the report shows of a post's address, and the link target: only http(s) addresses are links
    (a `javascript:` or `file:` address is shown as text, never followed)."""
    text = url or ""
    parsed = urlparse(text)
    href = text if parsed.scheme in ("http", "https") and parsed.netloc else None
    shown = text.split("://", 1)[1] if href else text
    if len(shown) > LINK_CHARS:
        shown = shown[: LINK_CHARS - 1] + "…"
    return shown, href
