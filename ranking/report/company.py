"""The company report's context: everything `company.html` shows one company's communications director."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields

import polars as pl

from ranking.period import Scope
from ranking.report.beyond import CompanyBeyond, beyond_frames, company_beyond
from ranking.report.content import CompanyContent, company_content, content_index
from ranking.report.data import ReportData
from ranking.report.quality import quality_by_company
from ranking.report.rows import (
    ByScope,
    Header,
    Methodology,
    PostLine,
    Quality,
    described,
    excerpt,
    header,
    link,
    methodology,
    series,
)
from ranking.report.works import CompanyWorks, company_works_builder


@dataclass(frozen=True)
class CompanyExecutive:
    """One executive of the company, both scopes, with the trend of the year."""

    executive_id: str = described("executive id")
    name: str = described("the executive's name")
    role: str = described("role")
    is_ceo: bool = described("true for the CEO")
    rank: int = described("year-to-date rank among all executives")
    rank_change: int | None = described("year-to-date places gained since the previous month")
    month_rank: int = described("the month's rank among all executives")
    month_change: int | None = described("the month's places gained")
    posts: int = described("own posts of the year to date")
    month_posts: int = described("own posts of the month")
    reposts: int = described("reposts of the year to date")
    influence_score: float = described("year-to-date influence score")
    month_score: float = described("the month's influence score")
    linkedin: float = described("the part of the year-to-date score made on LinkedIn")
    x: float = described("the part made on X")
    trend: tuple[float, ...] = described("the score of each month since January")
    no_data: bool = described("no export holds any post of theirs")
    from_totals: float = described(
        "the part of the year-to-date score owed to posts with an engagements total only (marked, with a footnote)"
    )


@dataclass(frozen=True)
class TeamPost:
    """One of the team's best posts of the month, with its author."""

    executive_id: str = described("its author's executive id")
    name: str = described("its author's name")
    role: str = described("its author's role")
    post: PostLine = described("the post")


@dataclass(frozen=True)
class Standing:
    """The company's place in one scope."""

    scope: str = described("`ytd` or `month`")
    rank: int = described("the team's rank")
    rank_change: int | None = described("places gained since the previous period")
    of: int = described("teams ranked")
    team_score: float = described("the team's influence score")
    index: float = described("100 × team score / the leader's")
    members: int = described("executives of the team")
    active_members: int = described("those with a post or repost in the window")
    effective_contributors: float = described("how many executives carry the score, evenly")
    collectivity: float = described("effective contributors / members, 0..1")
    badge: str | None = described('"collective", "one_voice", or none without score')
    top_name: str | None = described("the executive with the highest score")
    top_role: str | None = described("that executive's role")
    top_contributor_share: float = described("that executive's share of the team score")


@dataclass(frozen=True)
class Peer:
    """A team of the peers chart."""

    rank: int = described("its rank")
    name: str = described("company name")
    team_score: float = described("its team score")
    index: float = described("100 × team score / the leader's")
    own: bool = described("true for the report's own company")
    gap: bool = described("true when teams ranked between the row above and this one are left out")


@dataclass(frozen=True)
class SectorAverage:
    """The average team of the sector, a row of the peers chart."""

    teams: int = described("teams ranked (the average is over all of them)")
    team_score: float = described("their average team score")
    index: float = described("their average index")


@dataclass(frozen=True)
class PeerChart:
    """The peers chart of one scope: the leaders, the company's neighbours in the ranking and the sector's
    average, the same few rows for any number of companies (the full ranking is in the leaderboard and tables)."""

    scope: str = described("`ytd` or `month`")
    peers: tuple[Peer, ...] = described(
        "the first `report.peer_leaders` teams and the `report.peer_neighbours` ranked either side of the company, "
        "in rank order"
    )
    average: SectorAverage = described("the sector's average team")


@dataclass(frozen=True)
class CompanyContext(Header):
    """Everything `company.html` shows: the report for one company's communications director."""

    company: str = described("company id (the report is `companies/<company>.pdf`)")
    name: str = described("company name")
    standings: ByScope[Standing] = described("the company's place in each scope")
    peers: ByScope[PeerChart] = described("the peers chart of each scope")
    trend: tuple[float, ...] = described("the team score of each month since January")
    executives: tuple[CompanyExecutive, ...] = described(
        "the company's executives, in year-to-date order (empty when `executives` is not in `sections`)"
    )
    posts: tuple[TeamPost, ...] = described(
        "the team's best posts of the month, most influential first: `report.team_posts` at most, and at most "
        "`report.best_posts` of one executive"
    )
    quiet: tuple[str, ...] = described(
        "the names of the executives without an own post of the month, `QUIET_NAMED` at most (the executives' "
        "table lists everyone)"
    )
    quiet_more: int = described("the executives without an own post of the month beyond those named")
    executive_trend_max: float = described("the highest monthly score of any of them (the charts' common scale)")
    issues: Quality = described(
        "data quality, restricted to the company's executives and the files of their posts (empty when "
        "`data_quality` is not in `sections`)"
    )
    methodology: Methodology = described("the settings used")
    content: CompanyContent = described(
        "tone mix against the sector, topics, the team's posts the watchlist flags (no executive's tones when "
        "`executive_tones` is not in `sections`)"
    )
    beyond: CompanyBeyond = described(
        "the team and each executive against the sector on the measures beyond volume (no executive when "
        "`beyond_volume` is not in `sections`)"
    )
    works: CompanyWorks = described("the page what works for your team: formats, topics and slots against the sector")
    sections: frozenset[str] = described(
        "the parts printed after the first page (`report.sections`: executives, posts, beyond_volume, tone, "
        "executive_tones, topics, what_works, data_quality, compliance)"
    )


#: The data-quality appendix of a report that does not print it.
NOT_PRINTED = Quality((), (), (), (), (), 0, 0)

#: The most names in the sentence under the team's best posts ("No post this month: …, and 49,900 more"): a team
#: of 50,000 made it 70 pages; the table of executives and executives.csv list everyone.
QUIET_NAMED = 100


def team_posts(best: pl.DataFrame, roster: pl.DataFrame) -> dict[str, tuple[TeamPost, ...]]:
    """The quoted posts of each company (`ReportData.best`, chosen and ordered by score.series.team_best_posts),
    with their authors' names and roles."""
    ranked = best.join(roster.select("executive_id", "name", "role"), on="executive_id", maintain_order="left")
    out: dict[str, list[TeamPost]] = {}
    for r in ranked.iter_rows(named=True):
        shown, href = link(r["url"])
        line = PostLine(
            r["platform"], r["kind"], r["day"], excerpt(r["text"]), shown, href,
            r["reactions"], r["comments"], r["shares"], r["engagements"], r["influence"],
        )  # fmt: skip
        out.setdefault(r["company"], []).append(TeamPost(r["executive_id"], r["name"], r["role"] or "", line))
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
    return {s.key: s.values for s in series(months, key, names, names.get_column(key).to_list())}


def peer_positions(position: int, teams: int, leaders: int, neighbours: int) -> list[int]:
    """The rows of a peers chart, as 0-based places in the ranking of `teams`: the first `leaders` and the
    `neighbours` either side of the company's `position`."""
    near = range(max(0, position - neighbours), min(teams, position + neighbours + 1))
    return sorted(set(range(min(leaders, teams))) | set(near))


def _peer_charts(scope: Scope, frame: pl.DataFrame, leaders: int, neighbours: int) -> Callable[[str], PeerChart]:
    """The peers chart of any company in one scope: the ranking is read once, each chart takes a few rows of it."""
    ranked = frame.select("rank", "name", "team_score", "index").rows()
    position = {c: i for i, c in enumerate(frame.get_column("company").to_list())}
    means = frame.select(pl.col("team_score", "index").mean().fill_null(0.0)).row(0)
    average = SectorAverage(frame.height, float(means[0]), float(means[1]))

    def chart(company: str) -> PeerChart:
        at = position[company]
        chosen = peer_positions(at, len(ranked), leaders, neighbours)
        peers = []
        for k, i in enumerate(chosen):
            rank, name, team_score, index = ranked[i]
            peers.append(Peer(rank, name, team_score, index, own=i == at, gap=i > (chosen[k - 1] + 1 if k else 0)))
        return PeerChart(scope, tuple(peers), average)

    return chart


def report_sizes(data: ReportData) -> dict[str, int]:
    """A rough size of each company's report (its executives: each is a row of several tables), from the run's
    tables: the longest documents are rendered first, before their contexts are built."""
    sized = data.executives["ytd"].group_by("company").agg(pl.len().alias("size"))
    return dict(sized.iter_rows())


def iter_company_contexts(
    data: ReportData, lang: str, companies: Iterable[str] | None = None
) -> Iterator[CompanyContext]:
    """The context of each company of `companies` (default: every company, in year-to-date order), for one
    language, built as they are asked for. Every figure is grouped by company once, up front: a context is then
    a few lookups, whatever the number of companies."""
    people = _company_executives(data)
    members: dict[str, list[dict]] = {c: [] for c in data.teams["ytd"].get_column("company").to_list()}
    for r in people.iter_rows(named=True):
        members.setdefault(r["company"], []).append(r)
    report = data.settings.report
    sections = frozenset(report.sections)
    # The parts a report does not print are not built (left empty): at 100,000 executives each is 100,000
    # objects to make, and to send to the render worker.
    listed = "executives" in sections
    trends = (
        _all_series(data.executive_months, "executive_id", data.roster.select("executive_id", "name")) if listed else {}
    )
    team_trends = _all_series(data.team_months, "company", data.companies.select("company", "name"))
    best = team_posts(data.best, data.roster)
    issues = (
        quality_by_company(data, {c: [r["executive_id"] for r in rs] for c, rs in members.items()})
        if "data_quality" in sections
        else {}
    )
    content = content_index(data.content, data.roster)
    charts = {s: _peer_charts(s, data.teams[s], report.peer_leaders, report.peer_neighbours) for s in data.teams}
    teams = {s: {r["company"]: r for r in data.teams[s].iter_rows(named=True)} for s in data.teams}
    computed = {"trend", "no_data"}  # from_totals is the executives table's (ranking.report.data.from_totals)
    copied = [f.name for f in fields(CompanyExecutive) if f.name not in computed]
    standing_fields = [f.name for f in fields(Standing) if f.name not in ("scope", "of")]
    frames = beyond_frames(
        data.measured, data.teams["ytd"], data.executives["ytd"], data.roster, data.settings.measures.min_posts
    )
    shared = header(data.period, lang, data.settings, data.logo.as_uri() if data.logo else None, *data.window_posts)
    settings_used = methodology(data.settings)
    works = company_works_builder(data.works, lang)

    def standing(scope: Scope, own: dict) -> Standing:
        return Standing(scope=scope, of=data.companies.height, **{n: own[n] for n in standing_fields})

    for company in companies if companies is not None else data.teams["ytd"].get_column("company").to_list():
        rows = members[company]
        executives = tuple(
            CompanyExecutive(
                **{n: r[n] for n in copied},
                trend=trends.get(r["executive_id"], ()),
                no_data=r["executive_id"] in data.without_data,
            )
            for r in (rows if listed else ())
        )
        own = {scope: teams[scope][company] for scope in teams}
        quiet = [r["name"] for r in rows if not r["month_posts"]]
        yield CompanyContext(
            **shared,
            company=company,
            name=own["ytd"]["name"],
            standings=ByScope(ytd=standing("ytd", own["ytd"]), month=standing("month", own["month"])),
            peers=ByScope(ytd=charts["ytd"](company), month=charts["month"](company)),
            trend=team_trends.get(company, ()),
            executives=executives,
            posts=best.get(company, ()),
            quiet=tuple(quiet[:QUIET_NAMED]),
            quiet_more=max(len(quiet) - QUIET_NAMED, 0),
            executive_trend_max=max((max(e.trend, default=0) for e in executives), default=0),
            issues=issues.get(company, NOT_PRINTED),
            methodology=settings_used,
            content=company_content(content, company, rows if "executive_tones" in sections else []),
            beyond=company_beyond(
                frames, company, [r["executive_id"] for r in rows] if "beyond_volume" in sections else []
            ),
            works=works(company, own["ytd"]["name"]),
            sections=sections,
        )


def company_contexts(data: ReportData, lang: str) -> tuple[CompanyContext, ...]:
    """One context per company (in year-to-date order), for one language."""
    return tuple(iter_company_contexts(data, lang))
