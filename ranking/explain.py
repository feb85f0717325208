"""`ranking explain`: how one executive's score and tone were made, post by post (from the run's own computation,
ranking.pipeline.compute, so that it shows exactly what `run` publishes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ranking.content.tone import TONE_COLUMNS, TONES
from ranking.errors import InputError
from ranking.load.workspace import load_workspace
from ranking.outputs.tables import local_time
from ranking.period import SCOPES, Period
from ranking.pipeline import compute
from ranking.settings import Scoring


@dataclass(frozen=True)
class Explanation:
    """One executive's scores of both scopes and the classified posts they were made from."""

    period: Period
    executive: dict[str, Any]  # the roster row, with `company_name`
    weights: Scoring
    scores: dict[str, dict[str, Any]]  # scope -> row of executives.csv (tone shares included)
    posts: pl.DataFrame  # the year-to-date window's posts, oldest first, classified, with `in_month` and `local_time`


def explain(root: Path, period: Period, executive_id: str) -> Explanation:
    """Load the workspace at `root` and explain `executive_id`'s scores for `period`.

    Raises InputError naming roster.csv when the executive is not in it.
    """
    ws = load_workspace(root)
    person = ws.roster.filter(pl.col("executive_id") == executive_id)
    if person.height == 0:
        raise InputError.one(root / "roster.csv", f"unknown executive '{executive_id}' (not in roster.csv)")
    timezone = ws.settings.scoring.timezone
    names = ws.companies.select("company", pl.col("name").alias("company_name"))
    executive = person.join(names, on="company", how="left").row(0, named=True)
    data = compute(ws, period)
    own = {scope: frame.filter(pl.col("executive_id") == executive_id) for scope, frame in data.posts.items()}
    # the kind is part of the key: one's own post and one's repost of it share their post_id
    month = own["month"].select("platform", "post_id", "kind")
    posts = (
        own["ytd"]
        .join(month.with_columns(pl.lit(True).alias("in_month")), on=["platform", "post_id", "kind"], how="left")
        .with_columns(pl.col("in_month").fill_null(False), local_time("posted_at", timezone).alias("local_time"))
        .sort(["posted_at", "platform", "post_id"])
    )
    rows = data.executives.filter(pl.col("executive_id") == executive_id)
    by_scope = {r["scope"]: r for r in rows.iter_rows(named=True)}
    return Explanation(period, executive, ws.settings.scoring, by_scope, posts)


def _count(value: Any) -> Text:
    return Text("–" if value is None else f"{value:,}")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _weight(value: float) -> str:
    return f"{value:g}"


def render(explanation: Explanation) -> list[RenderableType]:
    """The explanation as rich renderables: who, the scores of both scopes, the formula, then each post.

    Third-party text (URLs, handles) goes into `Text` cells: it is never read as rich markup.
    """
    e, w = explanation.executive, explanation.weights
    who = Text.assemble(
        (e["name"], "bold"), f" ({e['executive_id']}), {e['role']}, {e['company_name']} — {explanation.period}"
    )
    scores = Table(title="Scores", title_justify="left")
    heads = ["scope", "rank", "posts", "reposts", "reactions", "comments", "shares", "influence", "index", "change"]
    for head in [*heads, *TONES]:
        scores.add_column(head, justify="left" if head == "scope" else "right")
    for scope in SCOPES:
        r = explanation.scores[scope]
        change = r["rank_change"]
        scores.add_row(
            scope,
            str(r["rank"]),
            *[_count(r[c]) for c in ("posts", "reposts", "reactions", "comments", "shares", "influence_score")],
            f"{r['index']:.1f}",
            "–" if change is None else ("=" if change == 0 else f"{change:+d}"),
            *[_share(r[c]) for c in TONE_COLUMNS],
        )
    formula = Text(
        f"influence = {_weight(w.reactions)} × reactions + {_weight(w.comments)} × comments + "
        f"{_weight(w.shares)} × shares; {_weight(w.engagements)} × engagements where the export gives only "
        "a total; a repost adds 0. Tone: the first of corporate, sector, curation, personal that applies."
    )
    posts = Table(title=f"Posts since 1 January {explanation.period.year}", title_justify="left")
    columns = ["date", "month", "platform", "post_id", "kind", "reactions", "comments", "shares", "engagements"]
    for head in [*columns, "influence", "tone", "why"]:
        right = head in ("reactions", "comments", "shares", "engagements", "influence")
        posts.add_column(head, justify="right" if right else "left", overflow="fold")
    for p in explanation.posts.iter_rows(named=True):
        posts.add_row(
            p["local_time"][:16].replace("T", " "),
            "•" if p["in_month"] else "",
            p["platform"],
            Text(p["post_id"]),
            p["kind"],
            *[_count(p[c]) for c in ("reactions", "comments", "shares", "engagements", "influence")],
            p["tone"],
            Text(p["tone_reason"]),
        )
    total = explanation.posts.get_column("influence").sum()
    posts.add_section()
    posts.add_row("total", "", "", "", "", "", "", "", "", _count(total), "", "")
    parts: list[RenderableType] = [who, scores, formula, posts]
    flagged = explanation.posts.filter(pl.col("compliance").list.len() > 0)
    for p in flagged.iter_rows(named=True):
        parts.append(Text(f"Watchlist: post {p['post_id']} names {', '.join(p['compliance'])}", style="yellow"))
    return [Group(*parts)]
