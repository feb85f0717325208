"""What the reports add to the scores: monthly series, platform split, best posts, movers, missing counts,
and ranking.xlsx (the tables for Excel users, formula-like texts stored as text)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ranking.score.series import (
    best_posts,
    missing_counts,
    monthly_scores,
    movers,
    platform_scores,
    team_monthly_scores,
)
from tests.workspaces import DEMO, PERIOD, small_workspace


def test_monthly_series_add_up_to_the_year_to_date(tmp_path: Path, pipeline) -> None:
    run = pipeline(small_workspace(tmp_path))
    ws = run.workspace
    months = monthly_scores(run.posts["ytd"], ws.roster, ws.settings.scoring.timezone, PERIOD)
    assert months.height == 3 * 10
    ana = months.filter(pl.col("executive_id") == "ana").get_column("score").to_list()
    assert ana[:3] == [0, 10, 0] and ana[9] == 9 + 23 + 23 + 1  # the late January post is February's in Paris
    ytd = run.scores["ytd"]
    totals = months.group_by("executive_id").agg(pl.col("score").sum())
    joined = ytd.executives.join(totals, on="executive_id")
    assert (joined["score"] == joined["influence_score"]).all()
    teams = team_monthly_scores(months).group_by("company").agg(pl.col("score").sum())
    assert dict(teams.iter_rows()) == dict(ytd.companies.select("company", "team_score").iter_rows())


def test_demo_series_match_the_scores(pipeline) -> None:
    run = pipeline(DEMO)
    ws, scores = run.workspace, run.scores
    months = monthly_scores(run.posts["ytd"], ws.roster, ws.settings.scoring.timezone, PERIOD)
    october = months.filter(pl.col("month") == 10).select("executive_id", "score")
    joined = scores["month"].executives.join(october, on="executive_id")
    assert joined.height == ws.roster.height and (joined["score"] == joined["influence_score"]).all()


def test_platform_split_and_best_posts(tmp_path: Path, pipeline) -> None:
    run = pipeline(small_workspace(tmp_path))
    ws = run.workspace
    split = platform_scores(run.posts["month"], ws.roster)
    assert split.filter(pl.col("executive_id") == "ana").row(0, named=True) == {
        "executive_id": "ana",
        "linkedin": 47,
        "x": 9,
    }
    best = best_posts(run.posts["month"], 2)
    ana = best.filter(pl.col("executive_id") == "ana")
    assert ana.get_column("post_id").to_list() == ["4", "3"]  # equal influence: the most recent first
    assert "8" not in best.get_column("post_id").to_list()  # a repost is never a best post
    assert best.filter(pl.col("executive_id") == "bob").get_column("influence").to_list() == [50, 0]


def test_missing_counts_are_reported_per_executive(tmp_path: Path, pipeline) -> None:
    missing = missing_counts(pipeline(small_workspace(tmp_path)).posts["ytd"])
    assert missing.rows(named=True) == [{"executive_id": "bob", "no_counts": 1, "total_only": 1}]


def test_movers_are_ordered_by_the_size_of_the_move() -> None:
    ranked = pl.DataFrame(
        {"name": list("abcde"), "rank": [1, 2, 3, 4, 5], "rank_change": [3, None, -1, 5, -4]},
    )
    up, down = movers(ranked, 3)
    assert up["name"].to_list() == ["d", "a"] and down["name"].to_list() == ["e", "c"]


def test_badge_needs_collectivity_and_two_effective_voices() -> None:
    from ranking.report.data import badge

    teams = pl.DataFrame(
        {
            "team_score": [100, 100, 0, 100, 100],
            "collectivity": [0.5, 1.0, 0.0, 0.3, 0.45],
            "effective_contributors": [1.0, 2.0, 0.0, 3.0, 3.6],
            "members": [2, 2, 3, 10, 8],
        }
    )
    assert teams.select(badge(0.4)).to_series().to_list() == [
        "one_voice",  # two members, one carries all: collectivity 50 % but one voice
        "collective",
        None,  # no score, no badge
        "one_voice",
        "collective",
    ]
