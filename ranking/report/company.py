"""The company report's context: everything `company.html` shows one company's communications director."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from ranking.period import Scope
from ranking.report.beyond import CompanyBeyond, beyond_frames, company_beyond
from ranking.report.content import CompanyContent, company_content
from ranking.report.data import ReportData
from ranking.report.quality import quality
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


@dataclass(frozen=True)
class CompanyExecutive:
    """One executive of the company, both scopes, with the trend and the best posts of the month."""

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
    best: tuple[PostLine, ...] = described("the best posts of the month (`report.best_posts` at most)")
    no_data: bool = described("no export holds any post of theirs")


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


@dataclass(frozen=True)
class PeerChart:
    """The peers chart of one scope."""

    scope: str = described("`ytd` or `month`")
    peers: tuple[Peer, ...] = described("the teams, in rank order")


@dataclass(frozen=True)
class CompanyContext(Header):
    """Everything `company.html` shows: the report for one company's communications director."""

    company: str = described("company id (the report is `companies/<company>.pdf`)")
    name: str = described("company name")
    standings: ByScope[Standing] = described("the company's place in each scope")
    peers: ByScope[PeerChart] = described("the peers chart of each scope")
    trend: tuple[float, ...] = described("the team score of each month since January")
    executives: tuple[CompanyExecutive, ...] = described("the company's executives, in year-to-date order")
    executive_trend_max: float = described("the highest monthly score of any of them (the charts' common scale)")
    issues: Quality = described("data quality, restricted to the company's executives and the files of their posts")
    methodology: Methodology = described("the settings used")
    content: CompanyContent = described("tone mix against the sector, topics, the team's posts the watchlist flags")
    beyond: CompanyBeyond = described("the team and each executive against the sector on the measures beyond volume")


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
    return {s.key: s.values for s in series(months, key, names, names.get_column(key).to_list())}


def company_contexts(data: ReportData, lang: str) -> tuple[CompanyContext, ...]:
    """One context per company (in year-to-date order), for one language."""
    people = _company_executives(data)
    trends = _all_series(data.executive_months, "executive_id", data.roster.select("executive_id", "name"))
    team_trends = _all_series(data.team_months, "company", data.companies.select("company", "name"))
    best = _posts(data.best)
    computed = {"trend", "best", "no_data"}
    copied = [f.name for f in fields(CompanyExecutive) if f.name not in computed]
    standing_fields = [f.name for f in fields(Standing) if f.name not in ("scope", "of")]
    frames = beyond_frames(
        data.measured, data.teams["ytd"], data.executives["ytd"], data.roster, data.settings.measures.min_posts
    )
    shared = header(data.period, lang, data.settings, data.logo.as_uri() if data.logo else None)

    def standing(scope: Scope, own: dict) -> Standing:
        return Standing(scope=scope, of=data.companies.height, **{n: own[n] for n in standing_fields})

    def chart(scope: Scope, company: str) -> PeerChart:
        frame = data.teams[scope]
        return PeerChart(
            scope,
            tuple(
                Peer(r["rank"], r["name"], r["team_score"], r["index"], r["company"] == company)
                for r in frame.iter_rows(named=True)
            ),
        )

    contexts = []
    for company in data.teams["ytd"].get_column("company").to_list():
        executives = tuple(
            CompanyExecutive(
                **{n: r[n] for n in copied},
                trend=trends.get(r["executive_id"], ()),
                best=best.get(r["executive_id"], ()),
                no_data=r["executive_id"] in data.without_data,
            )
            for r in people.filter(pl.col("company") == company).iter_rows(named=True)
        )
        own = {scope: data.teams[scope].filter(pl.col("company") == company).row(0, named=True) for scope in data.teams}
        contexts.append(
            CompanyContext(
                **shared,
                company=company,
                name=own["ytd"]["name"],
                standings=ByScope(ytd=standing("ytd", own["ytd"]), month=standing("month", own["month"])),
                peers=ByScope(ytd=chart("ytd", company), month=chart("month", company)),
                trend=team_trends.get(company, ()),
                executives=executives,
                executive_trend_max=max((max(e.trend, default=0) for e in executives), default=0),
                issues=quality(data, {e.executive_id for e in executives}),
                methodology=methodology(data.settings),
                content=company_content(
                    data.content,
                    company,
                    people.filter(pl.col("company") == company).select("executive_id", "name", "role"),
                    data.roster,
                ),
                beyond=company_beyond(frames, company, [e.executive_id for e in executives]),
            )
        )
    return tuple(contexts)
