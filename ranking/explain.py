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
from ranking.errors import InputError, UsageError
from ranking.interrupt import abandonable, interruptible
from ranking.load.workspace import load_workspace
from ranking.outputs.tables import local_time
from ranking.period import SCOPES, Period
from ranking.pipeline import compute, explained_posts
from ranking.score import catalogue
from ranking.score.catalogue import Measure
from ranking.score.measures import post_measures
from ranking.score.what_works import DIMENSIONS, cell_posts
from ranking.settings import Scoring
from ranking.text.phrase import plural


@dataclass(frozen=True)
class Explanation:
    """One executive's scores of both scopes and the classified posts they were made from."""

    period: Period
    executive: dict[str, Any]  # the roster row, with `company_name`
    weights: Scoring
    scores: dict[str, dict[str, Any]]  # scope -> row of executives.csv (tone shares included)
    posts: pl.DataFrame  # the year-to-date window's posts, oldest first, classified, with `in_month` and `local_time`
    # and what each adds to the measures beyond volume (ranking.score.measures.post_measures)
    team: dict[str, dict[str, Any]]  # scope -> row of companies.csv (measures included) of the executive's team
    teams_total: dict[str, float]  # scope -> sum of every team's score (the share of voice's denominator)
    min_posts: int  # [measures] min_posts


def explain(root: Path, period: Period, executive_id: str) -> Explanation:
    """Load the workspace at `root` and explain `executive_id`'s scores for `period`.

    Raises InputError naming roster.csv when the executive is not in it, and `Interrupted` at once on Ctrl-C or
    SIGTERM, even in the middle of a long polars query (as `run` does: ranking.interrupt).
    """
    with interruptible():
        return abandonable(lambda: _explain(root, period, executive_id))


def _explain(root: Path, period: Period, executive_id: str) -> Explanation:
    ws = load_workspace(root)
    person = ws.roster.filter(pl.col("executive_id") == executive_id)
    if person.height == 0:
        raise InputError.one(root / "roster.csv", f"unknown executive '{executive_id}' (not in roster.csv)")
    timezone = ws.settings.scoring.timezone
    names = ws.companies.select("company", pl.col("name").alias("company_name"))
    executive = person.join(names, on="company", how="left").row(0, named=True)
    data = compute(ws, period)
    own = explained_posts(ws, period, executive_id)  # the run holds no texts nor reasons: classified again, whole
    # the kind is part of the key: one's own post and one's repost of it share their post_id
    month = own["month"].select("platform", "post_id", "kind")
    posts = (
        post_measures(own["ytd"], ws.roster)
        .join(month.with_columns(pl.lit(True).alias("in_month")), on=["platform", "post_id", "kind"], how="left")
        .with_columns(pl.col("in_month").fill_null(False), local_time("posted_at", timezone).alias("local_time"))
        .sort(["posted_at", "platform", "post_id"])
    )
    rows = data.executives.filter(pl.col("executive_id") == executive_id)
    by_scope = {r["scope"]: r for r in rows.iter_rows(named=True)}
    teams = data.companies.filter(pl.col("company") == executive["company"])
    team = {r["scope"]: r for r in teams.iter_rows(named=True)}
    totals: dict[str, float] = {
        scope: float(data.scores[scope].companies.get_column("team_score").sum()) for scope in SCOPES
    }
    return Explanation(
        period, executive, ws.settings.scoring, by_scope, posts, team, totals, ws.settings.measures.min_posts
    )


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
    for head in [*columns, "influence", "impr.", "in", "tone", "why"]:
        right = head in ("reactions", "comments", "shares", "engagements", "influence", "impr.")
        posts.add_column(head, justify="right" if right else "left", overflow="fold")
    for p in explanation.posts.iter_rows(named=True):
        posts.add_row(
            p["local_time"][:16].replace("T", " "),
            "•" if p["in_month"] else "",
            p["platform"],
            Text(p["post_id"]),
            p["kind"],
            *[_count(p[c]) for c in ("reactions", "comments", "shares", "engagements", "influence", "impressions")],
            _counted_in(p),
            p["tone"],
            Text(p["tone_reason"]),
        )
    total = explanation.posts.get_column("influence").sum()
    posts.add_section()
    posts.add_row("total", "", "", "", "", "", "", "", "", _count(total), "", "", "", "")
    parts: list[RenderableType] = [who, scores, formula, posts, *render_measures(explanation)]
    flagged = explanation.posts.filter(pl.col("compliance").list.len() > 0)
    for p in flagged.iter_rows(named=True):
        parts.append(Text(f"Watchlist: post {p['post_id']} names {', '.join(p['compliance'])}", style="yellow"))
    return [Group(*parts)]


def _counted_in(post: dict[str, Any]) -> str:
    """Which measures a post enters: M (the medians), R (the engagement rate), F (per 1,000 followers); none for a
    repost or a post without any count."""
    if not post["measured"]:
        return "–"
    return " ".join(flag for flag, on in (("M", True), ("R", post["rated"]), ("F", post["per_1k_followers"])) if on)


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"p{value:.0f}"


def _ids(frame: pl.DataFrame) -> str:
    return ", ".join(f"{r['post_id']} ({r['influence']:,})" for r in frame.iter_rows(named=True))


def _measure_lines(explanation: Explanation, scope: str) -> list[Text]:
    """How each measure of one scope is made, naming its posts (third-party ids as Text, never markup)."""
    e, row = explanation, explanation.scores[scope]
    posts = e.posts if scope == "ytd" else e.posts.filter(pl.col("in_month"))
    measured = posts.filter(pl.col("measured")).sort(["influence", "posted_at", "post_id"])
    n = measured.height
    if n < e.min_posts:
        median = f"{plural(n, 'own post')} with a count, fewer than the minimum {e.min_posts}: no median"
    else:
        middle = measured.slice((n - 1) // 2, 2 - n % 2)
        median = f"median influence {_number(row['median_influence'])} of {n} own posts with a count: the middle "
        median += f"{'post' if middle.height == 1 else 'posts'} {_ids(middle)}"
    rated = measured.filter(pl.col("rated"))
    if rated.height:
        sums = rated.select(pl.col("interactions", "impressions").sum()).row(0)
        rate = f"engagement rate {_rate(row['engagement_rate'])} = {sums[0]:,} interactions / {sums[1]:,} impressions"
        rate += f" over {plural(rated.height, 'post')}: {', '.join(rated.get_column('post_id'))}"
    else:
        rate = "engagement rate: no own post with a count has impressions: none"
    reached = measured.filter(pl.col("per_1k_followers").is_not_null())
    platforms = reached.group_by("platform").agg(
        pl.len().alias("n"), pl.col("interactions").sum().alias("i"), pl.col("followers").first().alias("f")
    )
    # One value, as the tables keep it (catalogue decimals): each platform's figure and their weighted mean are
    # printed to those decimals too, so that no line shows two roundings of one number (13.56 … → 13.57).
    kept = catalogue.decimals()["interactions_per_1k_followers"]
    if platforms.height:
        parts = [
            f"{p['platform']} {plural(p['n'], 'post')}, {p['i']:,} interactions, {p['f']:,} followers "
            f"→ {1000 * p['i'] / p['n'] / p['f']:,.{kept}f}"
            for p in platforms.sort("platform").iter_rows(named=True)
        ]
        reach = f"per 1,000 followers {_number(row['interactions_per_1k_followers'], kept)} (weighted by posts): "
        reach += "; ".join(parts)
    else:
        reach = "per 1,000 followers: no follower count known for the platforms posted on: none"
    team = e.team[scope]
    voice = (
        f"team {e.executive['company_name']}: share of voice {_rate(team['share_of_voice'])} = team score "
        f"{team['team_score']:,} / {e.teams_total[scope]:,.0f} (all teams); median {_number(team['median_influence'])}"
        f" ({_pct(team['percentile_median_influence'])}), engagement rate {_rate(team['engagement_rate'])}, "
        f"per 1,000 followers {_number(team['interactions_per_1k_followers'], kept)}"
    )
    return [Text(f"{scope}: {line}") for line in (median, rate, reach, voice)]


def _shown(measure: Measure, value: Any) -> str:
    """A value as the tables keep it (ranking.score.catalogue: its decimals, else its printed digits), `–`
    without one: the figure explain's lines derive, never a second rounding of it."""
    if value is None:
        return "–"
    if measure.shown == "count":
        return str(value)
    if measure.shown == "percent":
        digits = measure.digits if measure.decimals is None else max(measure.decimals - 2, 0)
        return f"{100 * value:.{digits}f}%"
    return _number(value, measure.digits if measure.decimals is None else measure.decimals)


def _columns(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The beyond-volume table's (heading, cell) pairs of one row of executives.csv: each declared measure shown in
    explain, with its percentile, then the percentiles of the contract's scores (their values are in the scores)."""
    shown = catalogue.placed("executives", "explain")
    cells: list[tuple[str, str]] = []
    for m in (m for m in shown if m.appended):
        cells.append((m.short, _shown(m, row[m.name])))
        cells += [("pct", _pct(row[f"percentile_{m.name}"]))] if m.percentile else []
    return cells + [(f"{m.short} pct", _pct(row[f"percentile_{m.name}"])) for m in shown if not m.appended]


def render_measures(explanation: Explanation) -> list[RenderableType]:
    """The measures beyond volume of both scopes (with their percentiles among the roster) and the posts each is
    made of."""
    table = Table(title="Beyond volume", title_justify="left")
    rows = {scope: _columns(explanation.scores[scope]) for scope in SCOPES}
    for head in ["scope", *(head for head, _ in rows[SCOPES[0]])]:
        table.add_column(head, justify="left" if head == "scope" else "right")
    for scope in SCOPES:
        table.add_row(scope, *(cell for _, cell in rows[scope]))
    note = Text(
        "Counted: own posts (not reposts) with at least one count. In: M in the medians; R: in the engagement rate "
        "(impressions known); F: in the rate per 1,000 followers (follower count known). Percentiles among the "
        "roster's executives with a value (ties count half)."
    )
    return [table, note, *[line for scope in SCOPES for line in _measure_lines(explanation, scope)]]


@dataclass(frozen=True)
class CellExplanation:
    """One team's cell of what works (ranking.score.what_works) and the posts behind it."""

    period: Period
    company: str
    company_name: str
    row: dict[str, Any] | None  # the cell's row of what_works.csv (none: the team has no post there)
    posts: pl.DataFrame  # local_time, executive_id, name, platform, post_id, influence: the team's posts of the cell
    sector_posts: int  # every team's posts in the cell
    min_posts: int


def parse_cell(text: str) -> tuple[str, str, str]:
    """`COMPANY:DIMENSION:VALUE` (the first three columns of what_works.csv) as its three parts; UsageError when
    it is not of that form or names another dimension."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise UsageError(f"--cell {text!r}: expected COMPANY:DIMENSION:VALUE, e.g. acme:media:video")
    if parts[1] not in DIMENSIONS:
        raise UsageError(f"--cell {text!r}: the dimension is one of {', '.join(DIMENSIONS)}, not {parts[1]!r}")
    return parts[0], parts[1], parts[2]


def explain_cell(root: Path, period: Period, cell: str) -> CellExplanation:
    """Load the workspace at `root` and show the year-to-date posts behind one cell of what_works.csv
    (`COMPANY:DIMENSION:VALUE`); InputError naming companies.csv for an unknown company."""
    company, dimension, value = parse_cell(cell)
    with interruptible():
        return abandonable(lambda: _explain_cell(root, period, company, dimension, value))


def _explain_cell(root: Path, period: Period, company: str, dimension: str, value: str) -> CellExplanation:
    ws = load_workspace(root)
    named = ws.companies.filter(pl.col("company") == company)
    if named.height == 0:
        raise InputError.one(root / "companies.csv", f"unknown company '{company}' (not in companies.csv)")
    data = compute(ws, period)
    timezone = ws.settings.scoring.timezone
    in_cell = cell_posts(data.posts["ytd"], timezone).filter(
        (pl.col("dimension") == dimension) & (pl.col("value") == value)
    )
    people = ws.roster.lazy().select("executive_id", "name")
    posts = (
        in_cell.filter(pl.col("company") == company)
        .join(people, on="executive_id", how="left")
        .sort(["posted_at", "platform", "post_id"])
        .select(
            local_time("posted_at", timezone).alias("local_time"),
            "executive_id",
            "name",
            "platform",
            "post_id",
            "influence",
        )
        .collect()
    )
    sector = in_cell.select(pl.len()).collect().item()
    rows = data.works.cells.filter(
        (pl.col("company") == company) & (pl.col("dimension") == dimension) & (pl.col("value") == value)
    )
    row = rows.row(0, named=True) if rows.height else None
    name = str(named.get_column("name").item())
    return CellExplanation(period, company, name, row, posts, sector, ws.settings.measures.min_posts)


def render_cell(explanation: CellExplanation) -> list[RenderableType]:
    """The cell's figures, then each post behind it (names and ids as `Text`: never read as markup)."""
    e, r = explanation, explanation.row
    head = Text.assemble((e.company_name, "bold"), f" ({e.company}) — {e.period}, year to date")
    if r is None:
        line = Text(f"No own post with a count in this cell ({e.sector_posts:,} in the sector).")
        return [Group(head, line)]
    interval = "–" if r["ratio_low"] is None else f"{r['ratio_low']:.2f}–{r['ratio_high']:.2f}×"
    ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
    figures = Text(
        f"{r['dimension']} = {r['value']}: {r['posts']:,} posts, median influence {_number(r['median_influence'])}; "
        f"sector {r['sector_posts']:,} posts, median {_number(r['sector_median_influence'])}; ratio {ratio}, "
        f"90 % interval {interval}; verdict {r['verdict']} (from {e.min_posts} posts; better or worse only when "
        "the interval excludes 1)."
    )
    table = Table(title="The team's posts in the cell", title_justify="left")
    for column in ("date", "executive", "platform", "post_id", "influence"):
        table.add_column(column, justify="right" if column == "influence" else "left", overflow="fold")
    for p in e.posts.iter_rows(named=True):
        table.add_row(
            p["local_time"][:16].replace("T", " "), Text(p["name"] or p["executive_id"]), p["platform"],
            Text(p["post_id"]), _number(p["influence"], 0),
        )  # fmt: skip
    return [Group(head, figures, table)]
