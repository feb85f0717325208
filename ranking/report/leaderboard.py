"""The leaderboard's context: everything `leaderboard.html` shows, for one language."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ranking.period import Scope
from ranking.report.beyond import BeyondVolume, beyond_volume
from ranking.report.content import BoardContent, board_content
from ranking.report.data import ReportData
from ranking.report.quality import quality
from ranking.report.rows import (
    ByScope,
    ExecutiveRow,
    Header,
    Methodology,
    Quality,
    Series,
    TeamRow,
    described,
    header,
    methodology,
    rows,
    series,
)
from ranking.report.works import SectorWorks, sector_works


@dataclass(frozen=True)
class ScopeTables:
    """One scope's rankings as the leaderboard shows them."""

    scope: str = described("`ytd` or `month`")
    teams: tuple[TeamRow, ...] = described("the first `report.top_teams` teams")
    ceos: tuple[ExecutiveRow, ...] = described("the first `report.top_ceos` CEOs")
    executives: tuple[ExecutiveRow, ...] = described("the first `report.top_executives` executives")
    teams_ranked: int = described("how many teams the full ranking holds (companies.csv, ranking.xlsx)")
    ceos_ranked: int = described("how many CEOs it holds")


@dataclass(frozen=True)
class Movers:
    """The climbers and fallers of the month."""

    teams_up: tuple[TeamRow, ...] = described("the teams that gained most places (`report.movers` at most)")
    teams_down: tuple[TeamRow, ...] = described("the teams that lost most places")
    executives_up: tuple[ExecutiveRow, ...] = described("the executives with a score that gained most places")
    executives_down: tuple[ExecutiveRow, ...] = described("the executives with a score that lost most places")


@dataclass(frozen=True)
class LeaderboardContext(Header):
    """Everything `leaderboard.html` shows: the public ranking of every team, CEO and top executive."""

    scopes: ByScope[ScopeTables] = described("the rankings of each scope (`doc.scopes.ytd`, `doc.scopes.month`)")
    methodology: Methodology = described("the settings used, for the methodology page")
    posts: int = described("posts the workspace holds")
    executives: int = described("executives in the roster")
    companies: int = described("companies ranked")
    warnings: tuple[str, ...] = described("what the loaders noticed")
    podium: tuple[TeamRow, ...] = described("the first three teams of the year to date with a score")
    trends: tuple[Series, ...] = described("one monthly series per team shown, in year-to-date order")
    movers: Movers = described("the month's climbers and fallers")
    quality: Quality = described("the data-quality page")
    content: BoardContent = described("tones and topics only: the compliance flags never reach the public leaderboard")
    beyond: BeyondVolume = described("the page beyond volume: teams by share of voice, resonance, engagement rate")
    works: SectorWorks = described("the sector page of what works: formats and topics by median influence")


def _tables(data: ReportData, scope: Scope) -> ScopeTables:
    report = data.settings.report
    return ScopeTables(
        scope=scope,
        teams=rows(TeamRow, data.teams[scope].head(report.top_teams)),
        ceos=rows(ExecutiveRow, data.ceos[scope].head(report.top_ceos)),
        executives=rows(ExecutiveRow, data.executives[scope].head(report.top_executives)),
        teams_ranked=data.teams[scope].height,
        ceos_ranked=data.ceos[scope].height,
    )


def leaderboard_context(data: ReportData, lang: str) -> LeaderboardContext:
    """The leaderboard's context, for one language."""
    report = data.settings.report
    ytd = data.teams["ytd"].head(report.top_teams)
    trends = series(
        data.team_months, "company", data.companies.select("company", "name"), ytd.get_column("company").to_list()
    )
    shown_teams = {c for scope in data.teams for c in data.teams[scope].head(report.top_teams).get_column("company")}
    return LeaderboardContext(
        **header(data.period, lang, data.settings, data.logo.as_uri() if data.logo else None, *data.window_posts),
        scopes=ByScope(ytd=_tables(data, "ytd"), month=_tables(data, "month")),
        methodology=methodology(data.settings),
        posts=data.posts,
        executives=data.roster.height,
        companies=data.companies.height,
        warnings=data.warnings,
        podium=rows(TeamRow, data.teams["ytd"].filter(pl.col("team_score") > 0).head(3)),
        trends=trends,
        movers=Movers(
            rows(TeamRow, data.movers.teams_up),
            rows(TeamRow, data.movers.teams_down),
            rows(ExecutiveRow, data.movers.executives_up),
            rows(ExecutiveRow, data.movers.executives_down),
        ),
        quality=quality(data, companies=shown_teams),
        content=board_content(data.content, ytd),
        beyond=beyond_volume(data.measured, data.companies, data.settings.measures.min_posts, report.top_teams),
        works=sector_works(data.works, lang),
    )
