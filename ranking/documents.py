"""What each document's template receives: one frozen context per document, built from the scores."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

import polars as pl

from ranking.scoring import Period, ScopeScores
from ranking.settings import Settings

T = TypeVar("T")


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


@dataclass(frozen=True)
class ExecutiveRow:
    rank: int
    executive_id: str
    name: str
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


@dataclass(frozen=True)
class ScopeTables:
    """One scope's rankings as the leaderboard shows them."""

    scope: str
    teams: tuple[TeamRow, ...]
    ceos: tuple[ExecutiveRow, ...]
    executives: tuple[ExecutiveRow, ...]  # the top N only


@dataclass(frozen=True)
class Methodology:
    """The settings actually used, as the methodology page states them."""

    reactions: float
    comments: float
    shares: float
    engagements: float
    timezone: str


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
    scopes: tuple[ScopeTables, ...]
    methodology: Methodology
    posts: int
    executives: int
    companies: int
    warnings: tuple[str, ...]


def _team_frame(scope: ScopeScores, roster: pl.DataFrame) -> pl.DataFrame:
    people = roster.select(
        pl.col("executive_id").alias("top_contributor"),
        pl.col("name").alias("top_name"),
        pl.col("role").alias("top_role"),
    )
    return scope.companies.join(people, on="top_contributor", how="left", maintain_order="left")


def _executive_frame(frame: pl.DataFrame, companies: pl.DataFrame) -> pl.DataFrame:
    names = companies.select("company", pl.col("name").alias("company_name"))
    return frame.join(names, on="company", how="left", maintain_order="left")


def leaderboard_context(
    scores: dict[str, ScopeScores],
    settings: Settings,
    period: Period,
    roster: pl.DataFrame,
    companies: pl.DataFrame,
    posts: int,
    warnings: list[str],
    lang: str,
) -> LeaderboardContext:
    """The leaderboard's context, for one language."""
    tables = tuple(
        ScopeTables(
            scope=name,
            teams=rows(TeamRow, _team_frame(s, roster)),
            ceos=rows(ExecutiveRow, _executive_frame(s.ceos, companies)),
            executives=rows(
                ExecutiveRow, _executive_frame(s.executives.head(settings.report.top_executives), companies)
            ),
        )
        for name, s in scores.items()
    )
    w = settings.scoring
    return LeaderboardContext(
        lang=lang,
        title=settings.report.title,
        sector=settings.report.sector,
        publisher=settings.report.publisher,
        period=str(period),
        year=period.year,
        month=period.month,
        scopes=tables,
        methodology=Methodology(w.reactions, w.comments, w.shares, w.engagements, w.timezone),
        posts=posts,
        executives=roster.height,
        companies=companies.height,
        warnings=tuple(warnings),
    )


def as_plain(value: Any) -> Any:
    """A context as plain data (for debugging and tests)."""
    from dataclasses import asdict, is_dataclass

    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
