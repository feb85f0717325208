"""What both reports draw on, computed once per run whatever the language: the ranked tables with names,
the monthly series since January, the platform split, the best posts and the data-quality facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import polars as pl

from ranking.content.classify import with_texts
from ranking.load.workspace import Workspace
from ranking.period import Period, Scope
from ranking.report.content import ContentFacts, content_facts
from ranking.report.inventory_summary import relative_name, relative_names
from ranking.score.measures import Measured
from ranking.score.monthly import window_posts
from ranking.score.ranks import ScopeScores
from ranking.score.series import (
    best_posts,
    missing_counts,
    monthly_scores,
    movers,
    platform_scores,
    team_best_posts,
    team_monthly_scores,
)
from ranking.score.what_works import WhatWorks
from ranking.settings import Scoring, Settings, logo_file


@dataclass(frozen=True)
class ExportFacts:
    """One export file as the data-quality pages list it."""

    shown: str
    format: str
    snapshot: date
    posts: int
    executives: frozenset[str]
    flags: tuple[str, ...]
    notes: tuple[str, ...]
    dated: str  # how the date was found (ranking.load.base.DATINGS): "modified" when the file states none


@dataclass(frozen=True)
class Moves:
    """The month's climbers and fallers (`report.movers` of each), ranked tables' rows."""

    teams_up: pl.DataFrame
    teams_down: pl.DataFrame
    executives_up: pl.DataFrame  # executives with a score of the month only
    executives_down: pl.DataFrame


@dataclass(frozen=True)
class ReportData:
    """Everything the documents are built from (polars frames keyed by scope, plain facts otherwise)."""

    period: Period
    settings: Settings
    teams: dict[Scope, pl.DataFrame]  # the ranked teams, with the top contributor's name and role, badge, other rank
    executives: dict[Scope, pl.DataFrame]  # the ranked executives, with company name, platform split, other rank
    ceos: dict[Scope, pl.DataFrame]
    executive_months: pl.DataFrame  # executive_id, company, month, score
    team_months: pl.DataFrame  # company, month, score
    best: pl.DataFrame  # the team's best posts of the month (report.team_posts, report.best_posts of one executive)
    missing: pl.DataFrame  # executive_id, no_counts, total_only (year to date)
    without_data: frozenset[str]  # roster executives no export has a post of
    exports: tuple[ExportFacts, ...]
    roster: pl.DataFrame
    companies: pl.DataFrame
    posts: int
    warnings: tuple[str, ...]
    logo: Path | None
    content: ContentFacts  # tone mixes, topics and flagged posts of the year to date (ranking.report.content)
    measured: Measured  # the measures beyond volume of each scope (ranking.score.measures)
    movers: Moves  # the month's climbers and fallers
    works: WhatWorks  # formats, topics and slots of each team against the sector's (ranking.score.what_works)
    window_posts: tuple[int, int]  # posts and reposts of the month and of the year to date (0: an empty month)


def badge(threshold: float) -> pl.Expr:
    """`collective` when the score is spread (collectivity at or above the threshold, and at least two effective
    contributors: in a small team, collectivity alone is high even when one person carries everything),
    `one_voice` otherwise; nothing for a team without score."""
    return (
        pl.when(pl.col("team_score") <= 0)
        .then(pl.lit(None, pl.String))
        .when((pl.col("collectivity") >= threshold) & (pl.col("effective_contributors") >= 2))
        .then(pl.lit("collective"))
        .otherwise(pl.lit("one_voice"))
    )


def _other_rank(frame: pl.DataFrame, other: pl.DataFrame, key: str) -> pl.DataFrame:
    ranks = other.select(key, pl.col("rank").alias("other_rank"), pl.col("rank_change").alias("other_change"))
    return frame.join(ranks, on=key, how="left", maintain_order="left")


def _teams(scores: dict[Scope, ScopeScores], roster: pl.DataFrame, threshold: float) -> dict[Scope, pl.DataFrame]:
    people = roster.select(
        pl.col("executive_id").alias("top_contributor"),
        pl.col("name").alias("top_name"),
        pl.col("role").alias("top_role"),
    )
    out: dict[Scope, pl.DataFrame] = {}
    for scope, s in scores.items():
        other = scores["month" if scope == "ytd" else "ytd"].companies
        frame = s.companies.join(people, on="top_contributor", how="left", maintain_order="left")
        out[scope] = _other_rank(frame.with_columns(badge(threshold).alias("badge")), other, "company")
    return out


def from_totals(weights: Scoring) -> pl.Expr:
    """The part of an executive's score its reactions, comments and shares do not explain: what posts with an
    engagements total only (LinkedIn's creator analytics) add. A table showing the counts beside the score marks a
    row where it is not 0, and its footnote gives it."""
    counted = sum(pl.col(c).fill_null(0) * getattr(weights, c) for c in ("reactions", "comments", "shares"))
    part = pl.col("influence_score") - counted
    return pl.when(part.abs() > 1e-9).then(part).otherwise(0.0).cast(pl.Float64)


def _executives(
    frames: dict[Scope, pl.DataFrame],
    companies: pl.DataFrame,
    split: dict[Scope, pl.DataFrame],
    weights: Scoring,
    without_data: frozenset[str],
) -> dict[Scope, pl.DataFrame]:
    names = companies.select("company", pl.col("name").alias("company_name"))
    out: dict[Scope, pl.DataFrame] = {}
    for scope, frame in frames.items():
        other = frames["month" if scope == "ytd" else "ytd"]
        named = frame.join(names, on="company", how="left", maintain_order="left").join(
            split[scope], on="executive_id", how="left", maintain_order="left"
        )
        out[scope] = _other_rank(named, other, "executive_id").with_columns(
            from_totals(weights).alias("from_totals"),
            pl.col("executive_id").is_in(list(without_data)).alias("no_data"),
        )
    return out


def _export_facts(ws: Workspace) -> tuple[ExportFacts, ...]:
    """The export files as the loading pass counted them (ranking.load.accounting): none is read again."""
    facts = []
    for e, counted in zip(ws.exports, ws.accounting, strict=True):
        # In UTC: a date read from a file name is stored as the end of that day in UTC.
        snapshot = e.snapshot.astimezone(UTC).date()
        shown = relative_name(ws.root, e.shown)  # public documents never show the workspace's own path
        posts = counted.posts + counted.reposts
        facts.append(
            ExportFacts(shown, e.format, snapshot, posts, counted.executives, tuple(e.flags), tuple(e.notes), e.dated)
        )
    return tuple(sorted(facts, key=lambda f: f.shown))


def report_data(
    ws: Workspace,
    scores: dict[Scope, ScopeScores],
    posts: Mapping[Scope, pl.DataFrame],
    period: Period,
    measured: Measured,
    works: WhatWorks,
) -> ReportData:
    """Gather what the leaderboard and the company reports show, once for all documents and languages.

    `posts` are the classified posts of each scope's window (ranking.pipeline reads and classifies them once,
    without their texts: those of the best and flagged posts are read back from `ws.scan`);
    `measured` their measures beyond volume and `works` the cells of what works (ranking.pipeline.compute: the
    one place they are computed)."""
    weights = ws.settings.scoring
    report = ws.settings.report
    split = {scope: platform_scores(posts[scope], ws.roster) for scope in scores}
    executive_months = monthly_scores(posts["ytd"], ws.roster, weights.timezone, period)
    # Whether an executive has any post at all, whatever its date: read from the merged posts, one column only.
    with_posts = set(ws.scan.select("executive_id").unique().collect().get_column("executive_id").drop_nulls())
    # The posts the company reports quote, chosen before their texts are read back: those of these few only.
    quoted = team_best_posts(best_posts(posts["month"], report.best_posts), report.team_posts)
    best = with_texts(quoted, ws.scan).with_columns(
        pl.col("posted_at").dt.convert_time_zone(weights.timezone).dt.date().alias("day")
    )
    teams = _teams(scores, ws.roster, report.collective_threshold)
    without_data = frozenset(set(ws.roster.get_column("executive_id").to_list()) - with_posts)
    executives = _executives({s: v.executives for s, v in scores.items()}, ws.companies, split, weights, without_data)
    month_people = executives["month"].filter(pl.col("influence_score") > 0)
    month_teams = teams["month"].filter(pl.col("team_score") > 0)
    return ReportData(
        period=period,
        settings=ws.settings,
        teams=teams,
        executives=executives,
        ceos=_executives({s: v.ceos for s, v in scores.items()}, ws.companies, split, weights, without_data),
        executive_months=executive_months,
        team_months=team_monthly_scores(executive_months),
        best=best,
        missing=missing_counts(posts["ytd"]),
        without_data=without_data,
        exports=_export_facts(ws),
        roster=ws.roster,
        companies=ws.companies,
        posts=ws.post_count,
        warnings=tuple(relative_names(ws.root, w) for w in ws.warnings),
        logo=logo_file(ws.root, ws.settings),  # the rule `validate` applies (ranking.settings.files)
        content=content_facts(posts["ytd"], ws.settings, ws.scan),
        measured=measured,
        # Only those with a score of the month climb or fall: a rank among the zeros moves as others score.
        movers=Moves(*movers(month_teams, report.movers), *movers(month_people, report.movers)),
        window_posts=(window_posts(scores["month"]), window_posts(scores["ytd"])),
        works=works,
    )
