"""What each document's template receives: one frozen context per document, built from the scores.

Contexts hold data only (numbers, names, dates); every label and every number format comes from the
templates and the catalogues, so one context renders in any language."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlparse

import polars as pl

from ranking.content_report import BoardContent, CompanyContent, board_content, company_content
from ranking.inventory_summary import FormatCount, format_counts
from ranking.report_data import ReportData
from ranking.scoring import movers

T = TypeVar("T")

#: Characters of a post's text the company report quotes.
EXCERPT_CHARS = 200
#: Characters of a post's address shown under it (the link itself is whole).
LINK_CHARS = 70


def rows(cls: type[T], frame: pl.DataFrame) -> tuple[T, ...]:
    """The rows of `frame` as instances of the dataclass `cls` (columns it does not declare are ignored)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return tuple(cls(**{n: r[n] for n in names}) for r in frame.select(names).iter_rows(named=True))


@dataclass(frozen=True)
class TeamRow:
    rank: int
    company: str
    name: str
    team_score: float
    index: float
    members: int
    active_members: int
    effective_contributors: float
    collectivity: float
    top_name: str | None
    top_role: str | None
    top_contributor_share: float
    rank_change: int | None
    badge: str | None  # "collective", "one_voice", or None without score
    other_rank: int  # the rank in the other scope (month beside year to date)


@dataclass(frozen=True)
class ExecutiveRow:
    rank: int
    executive_id: str
    name: str
    company: str
    company_name: str
    role: str
    posts: int
    reposts: int
    reactions: int
    comments: int
    shares: int
    influence_score: float
    index: float
    rank_change: int | None
    linkedin: float  # the influence score made on LinkedIn
    x: float  # … and on X
    other_rank: int


@dataclass(frozen=True)
class ScopeTables:
    """One scope's rankings as the leaderboard shows them."""

    scope: str
    teams: tuple[TeamRow, ...]  # the first `report.top_teams`
    ceos: tuple[ExecutiveRow, ...]  # the first `report.top_ceos`
    executives: tuple[ExecutiveRow, ...]  # the top N only
    teams_ranked: int  # how many teams and CEOs the full ranking holds (companies.csv, ranking.xlsx)
    ceos_ranked: int


@dataclass(frozen=True)
class Methodology:
    """The settings actually used, as the methodology page states them."""

    reactions: float
    comments: float
    shares: float
    engagements: float
    timezone: str
    collective_threshold: float
    top_executives: int
    best_posts: int


@dataclass(frozen=True)
class Series:
    """A monthly score series since January (a team's or an executive's)."""

    key: str
    name: str
    values: tuple[float, ...]
    total: float


@dataclass(frozen=True)
class Movers:
    """The climbers and fallers of the month."""

    teams_up: tuple[TeamRow, ...]
    teams_down: tuple[TeamRow, ...]
    executives_up: tuple[ExecutiveRow, ...]
    executives_down: tuple[ExecutiveRow, ...]


@dataclass(frozen=True)
class ExportLine:
    """An export file on the data-quality page: its date, size and what was noticed reading it."""

    shown: str
    format: str
    snapshot: date
    posts: int
    flags: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PersonIssue:
    """An executive whose data is missing or partial."""

    executive_id: str
    name: str
    role: str
    company_name: str
    no_data: bool  # no export holds any post of theirs
    no_counts: int  # year-to-date posts without any count
    total_only: int  # year-to-date posts with an engagements total only


@dataclass(frozen=True)
class Absent:
    """The executives of one company that no export has a post of."""

    company_name: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Quality:
    absent: tuple[Absent, ...]  # executives without any data, by company
    people: tuple[PersonIssue, ...]  # executives with posts whose counts are missing or partial
    exports: tuple[ExportLine, ...]  # the files with flags or notes only (every file is in the manifest)
    warnings: tuple[str, ...]
    formats: tuple[FormatCount, ...] = ()  # the files read, counted by format


@dataclass(frozen=True)
class LeaderboardContext:
    """Everything `leaderboard.html` shows."""

    lang: str
    title: str
    sector: str
    publisher: str
    period: str
    year: int
    month: int
    scopes: tuple[ScopeTables, ...]  # year to date first
    methodology: Methodology
    posts: int
    executives: int
    companies: int
    warnings: tuple[str, ...]
    logo: str | None  # file URL of the publisher's logo
    created: str  # the document's date (W3C), fixed by the period
    podium: tuple[TeamRow, ...]
    trends: tuple[Series, ...]  # one per team, in year-to-date order
    movers: Movers
    quality: Quality
    content: BoardContent  # tones and topics only: the compliance flags never reach the public leaderboard


@dataclass(frozen=True)
class PostLine:
    """One of an executive's best posts, quoted in the company report."""

    platform: str
    kind: str
    day: date
    excerpt: str
    link_text: str
    href: str | None  # only http(s) addresses become links
    reactions: int | None
    comments: int | None
    shares: int | None
    engagements: int | None
    influence: float


@dataclass(frozen=True)
class CompanyExecutive:
    """One executive of the company, both scopes, with the trend and the best posts of the month."""

    executive_id: str
    name: str
    role: str
    is_ceo: bool
    rank: int  # year to date, among all executives
    rank_change: int | None
    month_rank: int
    month_change: int | None
    posts: int  # year to date
    month_posts: int
    reposts: int
    influence_score: float
    month_score: float
    linkedin: float
    x: float
    trend: tuple[float, ...]
    best: tuple[PostLine, ...]
    no_data: bool


@dataclass(frozen=True)
class Standing:
    """The company's place in one scope."""

    scope: str
    rank: int
    rank_change: int | None
    of: int
    team_score: float
    index: float
    members: int
    active_members: int
    effective_contributors: float
    collectivity: float
    badge: str | None
    top_name: str | None
    top_role: str | None
    top_contributor_share: float


@dataclass(frozen=True)
class Peer:
    rank: int
    name: str
    team_score: float
    index: float
    own: bool


@dataclass(frozen=True)
class PeerChart:
    scope: str
    peers: tuple[Peer, ...]


@dataclass(frozen=True)
class CompanyContext:
    """Everything `company.html` shows: the report for one company's communications director."""

    lang: str
    title: str
    sector: str
    publisher: str
    period: str
    year: int
    month: int
    logo: str | None
    created: str
    company: str
    name: str
    standings: tuple[Standing, ...]  # year to date first
    peers: tuple[PeerChart, ...]
    trend: tuple[float, ...]  # the team score of each month since January
    executives: tuple[CompanyExecutive, ...]  # in year-to-date order
    executive_trend_max: float
    issues: Quality  # restricted to the company's executives and the files holding their posts
    methodology: Methodology
    content: CompanyContent  # tone mix against the sector, topics, the team's posts the watchlist flags


def created(data: ReportData) -> str:
    """The document date: the first instant after the period (fixed, so re-renders are byte-identical)."""
    after = data.period.next()
    return datetime(after.year, after.month, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _methodology(data: ReportData) -> Methodology:
    w, r = data.settings.scoring, data.settings.report
    return Methodology(
        w.reactions, w.comments, w.shares, w.engagements, w.timezone, r.collective_threshold, r.top_executives,
        r.best_posts,
    )  # fmt: skip


def _series(months: pl.DataFrame, key: str, names: pl.DataFrame, order: list[str]) -> tuple[Series, ...]:
    grouped = months.group_by(key).agg(pl.col("score").sort_by("month").alias("values"), pl.col("score").sum())
    named = grouped.join(names, on=key, how="left")
    by_key = {r[key]: r for r in named.iter_rows(named=True)}
    return tuple(
        Series(k, by_key[k]["name"], tuple(by_key[k]["values"]), by_key[k]["score"]) for k in order if k in by_key
    )


def _quality(data: ReportData, people: set[str] | None = None) -> Quality:
    """Executives with missing data and the export files, for everyone or for a set of executives."""
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


def leaderboard_context(data: ReportData, lang: str) -> LeaderboardContext:
    """The leaderboard's context, for one language."""
    report = data.settings.report
    tables = tuple(
        ScopeTables(
            scope=scope,
            teams=rows(TeamRow, data.teams[scope].head(report.top_teams)),
            ceos=rows(ExecutiveRow, data.ceos[scope].head(report.top_ceos)),
            executives=rows(ExecutiveRow, data.executives[scope].head(report.top_executives)),
            teams_ranked=data.teams[scope].height,
            ceos_ranked=data.ceos[scope].height,
        )
        for scope in data.scopes
    )
    ytd = data.teams["ytd"].head(report.top_teams)
    trends = _series(
        data.team_months, "company", data.companies.select("company", "name"), ytd.get_column("company").to_list()
    )
    teams_up, teams_down = movers(data.teams["month"], report.movers)
    people_up, people_down = movers(data.executives["month"].filter(pl.col("influence_score") > 0), report.movers)
    return LeaderboardContext(
        lang=lang,
        title=report.title,
        sector=report.sector,
        publisher=report.publisher,
        period=str(data.period),
        year=data.period.year,
        month=data.period.month,
        scopes=tables,
        methodology=_methodology(data),
        posts=data.posts,
        executives=data.roster.height,
        companies=data.companies.height,
        warnings=data.warnings,
        logo=data.logo.as_uri() if data.logo else None,
        created=created(data),
        podium=rows(TeamRow, data.teams["ytd"].filter(pl.col("team_score") > 0).head(3)),
        trends=trends,
        movers=Movers(
            rows(TeamRow, teams_up),
            rows(TeamRow, teams_down),
            rows(ExecutiveRow, people_up),
            rows(ExecutiveRow, people_down),
        ),
        quality=_quality(data),
        content=board_content(data.content, ytd),
    )


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


def _posts(best: pl.DataFrame) -> dict[str, tuple[PostLine, ...]]:
    out: dict[str, list[PostLine]] = {}
    for r in best.iter_rows(named=True):
        shown, href = link(r["url"])
        line = PostLine(
            r["platform"], r["kind"], r["day"], excerpt(r["text"]), shown, href,
            r["reactions"], r["comments"], r["shares"], r["engagements"], r["influence"],
        )  # fmt: skip
        out.setdefault(r["executive_id"], []).append(line)
    return {k: tuple(v) for k, v in out.items()}


def _company_executives(data: ReportData) -> pl.DataFrame:
    """Every executive's year-to-date row with the month's rank, posts and score beside it."""
    month = data.executives["month"].select(
        "executive_id",
        pl.col("rank").alias("month_rank"),
        pl.col("rank_change").alias("month_change"),
        pl.col("posts").alias("month_posts"),
        pl.col("influence_score").alias("month_score"),
    )
    return data.executives["ytd"].join(month, on="executive_id", how="left", maintain_order="left")


def _all_series(months: pl.DataFrame, key: str, names: pl.DataFrame) -> dict[str, tuple[float, ...]]:
    return {s.key: s.values for s in _series(months, key, names, names.get_column(key).to_list())}


def company_contexts(data: ReportData, lang: str) -> tuple[CompanyContext, ...]:
    """One context per company (in year-to-date order), for one language."""
    report = data.settings.report
    tables = {scope: data.teams[scope] for scope in data.scopes}
    people = _company_executives(data)
    trends = _all_series(data.executive_months, "executive_id", data.roster.select("executive_id", "name"))
    team_trends = _all_series(data.team_months, "company", data.companies.select("company", "name"))
    best = _posts(data.best)
    computed = {"trend", "best", "no_data"}
    copied = [f.name for f in fields(CompanyExecutive) if f.name not in computed]
    standing_fields = [f.name for f in fields(Standing) if f.name not in ("scope", "of")]
    contexts = []
    for company in tables["ytd"].get_column("company").to_list():
        executives = tuple(
            CompanyExecutive(
                **{n: r[n] for n in copied},
                trend=trends.get(r["executive_id"], ()),
                best=best.get(r["executive_id"], ()),
                no_data=r["executive_id"] in data.without_data,
            )
            for r in people.filter(pl.col("company") == company).iter_rows(named=True)
        )
        own = {scope: frame.filter(pl.col("company") == company).row(0, named=True) for scope, frame in tables.items()}
        contexts.append(
            CompanyContext(
                lang=lang,
                title=report.title,
                sector=report.sector,
                publisher=report.publisher,
                period=str(data.period),
                year=data.period.year,
                month=data.period.month,
                logo=data.logo.as_uri() if data.logo else None,
                created=created(data),
                company=company,
                name=own["ytd"]["name"],
                standings=tuple(
                    Standing(scope=scope, of=data.companies.height, **{n: own[scope][n] for n in standing_fields})
                    for scope in data.scopes
                ),
                peers=tuple(
                    PeerChart(
                        scope,
                        tuple(
                            Peer(r["rank"], r["name"], r["team_score"], r["index"], r["company"] == company)
                            for r in frame.iter_rows(named=True)
                        ),
                    )
                    for scope, frame in tables.items()
                ),
                trend=team_trends.get(company, ()),
                executives=executives,
                executive_trend_max=max((max(e.trend, default=0) for e in executives), default=0),
                issues=_quality(data, {e.executive_id for e in executives}),
                methodology=_methodology(data),
                content=company_content(
                    data.content,
                    company,
                    people.filter(pl.col("company") == company).select("executive_id", "name", "role"),
                    data.roster,
                ),
            )
        )
    return tuple(contexts)


def as_plain(value: Any) -> Any:
    """A context as plain data (for debugging and tests)."""
    from dataclasses import asdict, is_dataclass

    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
