"""Scores of section 3 of the contract: executives, teams, CEOs, ranks, index and rank changes.

The scores read the posts once, lazily: the windows of both scopes and of their previous periods are unions of a
few segments of time, summed in one streaming pass (`segment_totals`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from ranking.period import SCOPES, Period, Scope, Window, previous_window, window
from ranking.score.overflow import checked_totals, exact_sums
from ranking.settings import Scoring

EXECUTIVE_COLUMNS = (
    "scope", "rank", "executive_id", "name", "company", "role", "is_ceo", "posts", "reposts",
    "reactions", "comments", "shares", "influence_score", "index", "rank_change",
)  # fmt: skip
COMPANY_COLUMNS = (
    "scope", "rank", "company", "name", "team_score", "members", "active_members", "effective_contributors",
    "collectivity", "top_contributor", "top_contributor_share", "index", "rank_change",
)  # fmt: skip


def _weights_are_whole(weights: Scoring) -> bool:
    return all(
        float(w).is_integer() for w in (weights.reactions, weights.comments, weights.shares, weights.engagements)
    )


def influence(weights: Scoring) -> pl.Expr:
    """Influence of a post: weighted reactions, comments and shares; the engagements total where that is all
    the export gives; 0 for a repost (its counts belong to the original author)."""
    split = ("reactions", "comments", "shares")
    # whole weights (the default) keep the arithmetic in integers: exact, and cheaper than floats
    kind: type[int] | type[float] = int if _weights_are_whole(weights) else float
    has_split = pl.any_horizontal([pl.col(c).is_not_null() for c in split])
    weighted = sum((pl.col(c).fill_null(0) * kind(getattr(weights, c)) for c in split), start=pl.lit(kind(0)))
    total = pl.col("engagements").fill_null(0) * kind(weights.engagements)
    score = pl.when(pl.col("kind") == "repost").then(kind(0)).when(has_split).then(weighted).otherwise(total)
    return score.cast(pl.Int64 if kind is int else pl.Float64)


def with_influence(posts: pl.DataFrame | pl.LazyFrame, weights: Scoring) -> pl.LazyFrame:
    """The posts (canonical columns) with their `influence` column, as a query: the one place a run computes it
    (ranking.pipeline.compute). The scores, the classified posts and every series and measure read that column."""
    return posts.lazy().with_columns(influence(weights).alias("influence"))


def rank_expr(score: str) -> pl.Expr:
    """Competition ranking (1, 2, 2, 4) by score descending."""
    return pl.col(score).rank("min", descending=True).cast(pl.Int64)


def index_expr(score: str) -> pl.Expr:
    """100 × score / leader's score, one decimal; 0 when the leader has 0."""
    leader = pl.col(score).max()
    return pl.when(leader > 0).then((100.0 * pl.col(score) / leader).round(1)).otherwise(0.0)


_STATS = ("posts", "reposts", "reactions", "comments", "shares", "influence_score")


def _post_stats() -> list[pl.Expr]:
    """Per post: what it adds to each of its author's totals (summed per executive, and window)."""
    is_repost = pl.col("kind") == "repost"
    return [
        (~is_repost).cast(pl.Int64).alias("posts"),
        is_repost.cast(pl.Int64).alias("reposts"),
        *[pl.when(~is_repost).then(pl.col(c)).alias(c) for c in ("reactions", "comments", "shares")],
        pl.col("influence").alias("influence_score"),
    ]


def _summed() -> list[pl.Expr]:
    return [pl.col(c).sum().cast(pl.Int64) for c in _STATS[:-1]] + [pl.col("influence_score").sum()]


def ranked_executives(stats: pl.LazyFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Every roster executive with its totals (`executive_id` + the stats columns; none for 0), ranked."""
    columns = ["executive_id", "name", "company", "role", "is_ceo"]
    table = roster.lazy().select(columns).join(stats, on="executive_id", how="left")
    return (
        table.with_columns(pl.col(_STATS).fill_null(0))
        .with_columns(rank_expr("influence_score").alias("rank"), index_expr("influence_score").alias("index"))
        .sort(["rank", "name", "executive_id"])
        .collect()
    )


def segment_totals(posts: pl.LazyFrame, bounds: list[datetime]) -> pl.DataFrame:
    """Per executive and segment `i` = [bounds[i], bounds[i + 1]) of the sorted instants `bounds`: the totals of
    `ranked_executives`. One streaming pass over the posts between the first and last bound (that filter reaches
    the files' statistics), from which the totals of any window made of whole segments are summed."""
    posted = pl.col("posted_at")
    later = [(posted >= bound).cast(pl.Int8) for bound in bounds[1:-1]]
    segment = pl.sum_horizontal(later) if later else pl.lit(0)
    return (
        posts.filter((posted >= bounds[0]) & (posted < bounds[-1]))
        .select("executive_id", segment.cast(pl.Int8).alias("segment"), *_post_stats())
        .group_by("executive_id", "segment")
        .agg(_summed() + exact_sums())
        .collect(engine="streaming")
    )


def company_scores(executives: pl.DataFrame, companies: pl.DataFrame) -> pl.DataFrame:
    """The collective team score of each company, with how evenly its executives carry it."""
    s = pl.col("influence_score")
    top = (
        executives.sort(["influence_score", "name"], descending=[True, False])
        .group_by("company", maintain_order=True)
        .agg(pl.col("executive_id").first().alias("top_contributor"), s.first().alias("__top"))
    )
    teams = executives.group_by("company").agg(
        s.sum().alias("team_score"),
        pl.len().cast(pl.Int64).alias("members"),
        ((pl.col("posts") + pl.col("reposts")) > 0).sum().cast(pl.Int64).alias("active_members"),
        (s.cast(pl.Float64).pow(2).sum()).alias("__squares"),
    )
    team_score = pl.col("team_score")
    return (
        companies.select("company", "name")
        .join(teams, on="company", how="left")
        .join(top, on="company", how="left")
        .with_columns(
            team_score.fill_null(0).cast(executives.schema["influence_score"]),
            pl.col("members", "active_members").fill_null(0),
        )
        .with_columns(
            pl.when(team_score > 0)
            .then(team_score.cast(pl.Float64).pow(2) / pl.col("__squares"))
            .otherwise(0.0)
            .alias("effective_contributors"),
            pl.when(team_score > 0).then(pl.col("__top") / team_score).otherwise(0.0).alias("top_contributor_share"),
        )
        .with_columns(
            pl.when(pl.col("members") > 0)
            .then(pl.col("effective_contributors") / pl.col("members"))
            .otherwise(0.0)
            .alias("collectivity"),
            rank_expr("team_score").alias("rank"),
            index_expr("team_score").alias("index"),
        )
        .drop("__squares", "__top")
        .sort(["rank", "name", "company"])
    )


def ceo_scores(executives: pl.DataFrame) -> pl.DataFrame:
    """The executive ranking restricted to CEOs, ranked afresh."""
    return (
        executives.filter(pl.col("is_ceo"))
        .with_columns(rank_expr("influence_score").alias("rank"), index_expr("influence_score").alias("index"))
        .sort(["rank", "name", "executive_id"])
    )


def _with_change(now: pl.DataFrame, before: pl.DataFrame | None, key: str) -> pl.DataFrame:
    if before is None:
        return now.with_columns(pl.lit(None, pl.Int64).alias("rank_change"))
    previous = before.select(pl.col(key), pl.col("rank").alias("__previous"))
    return (
        now.join(previous, on=key, how="left", maintain_order="left")
        .with_columns((pl.col("__previous") - pl.col("rank")).alias("rank_change"))
        .drop("__previous")
    )


@dataclass(frozen=True)
class ScopeScores:
    """The rankings of one scope."""

    scope: Scope | str  # "" while a window is being summed
    executives: pl.DataFrame
    companies: pl.DataFrame
    ceos: pl.DataFrame


def _scores_from(
    totals: pl.DataFrame, bounds: list[datetime], wanted: Window, roster: pl.DataFrame, companies: pl.DataFrame
) -> ScopeScores:
    segments = [i for i in range(len(bounds) - 1) if wanted.start <= bounds[i] and bounds[i + 1] <= wanted.end]
    stats = totals.lazy().filter(pl.col("segment").is_in(segments)).group_by("executive_id").agg(_summed())
    executives = ranked_executives(stats, roster)
    return ScopeScores("", executives, company_scores(executives, companies), ceo_scores(executives))


def _scored(
    totals: pl.DataFrame,
    bounds: list[datetime],
    roster: pl.DataFrame,
    companies: pl.DataFrame,
    weights: Scoring,
    period: Period,
    scope: Scope,
) -> ScopeScores:
    wanted_now, wanted_before = (
        window(period, scope, weights.timezone),
        previous_window(period, scope, weights.timezone),
    )
    now = _scores_from(totals, bounds, wanted_now, roster, companies)
    before = _scores_from(totals, bounds, wanted_before, roster, companies) if wanted_before else None
    return ScopeScores(
        scope,
        _with_change(now.executives, before.executives if before else None, "executive_id"),
        _with_change(now.companies, before.companies if before else None, "company"),
        _with_change(now.ceos, before.ceos if before else None, "executive_id"),
    )


def _bounds(period: Period, scopes: tuple[Scope, ...], timezone: str) -> list[datetime]:
    """Every start and end of the scopes' windows and of their previous periods', sorted: the segments that the
    windows are unions of."""
    windows = [window(period, scope, timezone) for scope in scopes]
    windows += [w for scope in scopes if (w := previous_window(period, scope, timezone))]
    return sorted({instant for w in windows for instant in (w.start, w.end)})


def score(
    posts: pl.DataFrame | pl.LazyFrame,
    roster: pl.DataFrame,
    companies: pl.DataFrame,
    weights: Scoring,
    period: Period,
) -> dict[Scope, ScopeScores]:
    """Both scopes of the monthly ranking, keyed by scope, from posts with their `influence` (`with_influence`).

    Month, year to date and their previous periods are unions of at most four segments of time (January to the
    month before last, the month before, the month): one streaming pass sums the posts per executive and segment,
    and every window is summed from those few rows.
    """
    bounds = _bounds(period, SCOPES, weights.timezone)
    totals = checked_totals(segment_totals(posts.lazy(), bounds))
    return {scope: _scored(totals, bounds, roster, companies, weights, period, scope) for scope in SCOPES}


def table(scores: dict[Scope, ScopeScores], which: str) -> pl.DataFrame:
    """The executives or companies table of the contract: both scopes, columns and order as promised."""
    columns = EXECUTIVE_COLUMNS if which == "executives" else COMPANY_COLUMNS
    frames = [getattr(s, which).with_columns(pl.lit(s.scope).alias("scope")) for s in scores.values()]
    rounded = [
        pl.col(c).round(3) for c in ("effective_contributors", "collectivity", "top_contributor_share") if c in columns
    ]
    return pl.concat(frames, how="vertical_relaxed").select(columns).with_columns(rounded)
