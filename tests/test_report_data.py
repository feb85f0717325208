"""What the reports add to the scores: monthly series, platform split, best posts, movers, missing counts,
and ranking.xlsx (the tables for Excel users, formula-like texts stored as text)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from ranking.excel import write_workbook
from ranking.scoring import (
    Period,
    best_posts,
    missing_counts,
    monthly_scores,
    movers,
    platform_scores,
    score,
    team_monthly_scores,
)
from ranking.settings import Scoring
from ranking.workspace import load_workspace
from tests.helpers import person, post, workspace

PERIOD = Period(2021, 10)


def loaded(root: Path):
    ws, _ = load_workspace(root)
    assert ws is not None
    return ws


def small(tmp_path: Path) -> Path:
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name='=HYPERLINK("http://evil","x")', role="+33 1 23"),
        person("cleo", "beta", ceo=True, name="@Cleo", role="-CFO"),
    ]
    posts = [
        post("1", "ana", "2021-01-31T23:30:00Z", reactions=10),  # 1 February in Paris
        post("2", "ana", "2021-10-05T10:00:00Z", reactions=7, comments=1, platform="x"),
        post("3", "ana", "2021-10-06T10:00:00Z", reactions=20, shares=1),
        post("4", "ana", "2021-10-07T10:00:00Z", reactions=20, shares=1),
        post("5", "ana", "2021-10-08T10:00:00Z", reactions=1),
        post("6", "bob", "2021-10-09T10:00:00Z", reactions="", comments="", shares="", engagements=50),
        post("7", "bob", "2021-10-10T10:00:00Z", reactions="", comments="", shares=""),
        post("8", "bob", "2021-10-11T10:00:00Z", reactions=99, kind="repost"),
        post("9", "cleo", "2021-09-11T10:00:00Z", reactions=500),
        post("10", "cleo", "2021-10-11T10:00:00Z", reactions=2),
    ]
    return workspace(tmp_path / "ws", people, posts)


def test_monthly_series_add_up_to_the_year_to_date(tmp_path: Path) -> None:
    ws = loaded(small(tmp_path))
    months = monthly_scores(ws.posts, ws.roster, ws.settings.scoring, PERIOD)
    assert months.height == 3 * 10
    ana = months.filter(pl.col("executive_id") == "ana").get_column("score").to_list()
    assert ana[:3] == [0, 10, 0] and ana[9] == 9 + 23 + 23 + 1  # the late January post is February's in Paris
    ytd = score(ws.posts, ws.roster, ws.companies, ws.settings.scoring, PERIOD)["ytd"]
    totals = months.group_by("executive_id").agg(pl.col("score").sum())
    joined = ytd.executives.join(totals, on="executive_id")
    assert (joined["score"] == joined["influence_score"]).all()
    teams = team_monthly_scores(months).group_by("company").agg(pl.col("score").sum())
    assert dict(teams.iter_rows()) == dict(ytd.companies.select("company", "team_score").iter_rows())


def test_demo_series_match_the_scores() -> None:
    ws = loaded(Path(__file__).resolve().parent.parent / "fixtures" / "demo")
    months = monthly_scores(ws.posts, ws.roster, ws.settings.scoring, PERIOD)
    scores = score(ws.posts, ws.roster, ws.companies, ws.settings.scoring, PERIOD)
    october = months.filter(pl.col("month") == 10).select("executive_id", "score")
    joined = scores["month"].executives.join(october, on="executive_id")
    assert joined.height == ws.roster.height and (joined["score"] == joined["influence_score"]).all()


def test_platform_split_and_best_posts(tmp_path: Path) -> None:
    ws = loaded(small(tmp_path))
    split = platform_scores(ws.posts, ws.roster, ws.settings.scoring, PERIOD, "month")
    assert split.filter(pl.col("executive_id") == "ana").row(0, named=True) == {
        "executive_id": "ana",
        "linkedin": 47,
        "x": 9,
    }
    best = best_posts(ws.posts, ws.settings.scoring, PERIOD, "month", 2)
    ana = best.filter(pl.col("executive_id") == "ana")
    assert ana.get_column("post_id").to_list() == ["4", "3"]  # equal influence: the most recent first
    assert "8" not in best.get_column("post_id").to_list()  # a repost is never a best post
    assert best.filter(pl.col("executive_id") == "bob").get_column("influence").to_list() == [50, 0]


def test_missing_counts_are_reported_per_executive(tmp_path: Path) -> None:
    ws = loaded(small(tmp_path))
    missing = missing_counts(ws.posts, PERIOD, "Europe/Paris")
    assert missing.rows(named=True) == [{"executive_id": "bob", "no_counts": 1, "total_only": 1}]


def test_movers_are_ordered_by_the_size_of_the_move() -> None:
    ranked = pl.DataFrame(
        {"name": list("abcde"), "rank": [1, 2, 3, 4, 5], "rank_change": [3, None, -1, 5, -4]},
    )
    up, down = movers(ranked, 3)
    assert up["name"].to_list() == ["d", "a"] and down["name"].to_list() == ["e", "c"]


def test_xlsx_tables_read_back_with_formulas_stored_as_text(tmp_path: Path) -> None:
    ws = loaded(small(tmp_path))
    scores = score(ws.posts, ws.roster, ws.companies, Scoring(), PERIOD)
    target = tmp_path / "ranking.xlsx"
    write_workbook(scores, target, "en", PERIOD)
    book = fastexcel.read_excel(str(target))
    assert book.sheet_names == ["Teams", "Executives", "CEOs"]
    executives = book.load_sheet_by_name("Executives").to_polars()
    assert executives.height == 2 * 3 and executives.columns[:3] == ["Period", "Rank", "Id"]
    assert executives.get_column("Period").to_list()[:3] == ["Year to date"] * 3
    names = executives.get_column("Name").to_list()
    assert '=HYPERLINK("http://evil","x")' in names and "@Cleo" in names
    assert "+33 1 23" in executives.get_column("Role").to_list()
    teams = book.load_sheet_by_name("Teams").to_polars()
    assert teams.height == 2 * 2 and teams.get_column("Team score").dtype == pl.Float64
    ceos = book.load_sheet_by_name("CEOs").to_polars()
    assert sorted(ceos.get_column("Id").to_list()) == ["ana", "ana", "cleo", "cleo"]
    with zipfile.ZipFile(target) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        styles = archive.read("xl/styles.xml").decode()
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    assert 'quotePrefix="1"' in styles


def test_xlsx_labels_follow_the_language(tmp_path: Path) -> None:
    ws = loaded(small(tmp_path))
    scores = score(ws.posts, ws.roster, ws.companies, Scoring(), PERIOD)
    write_workbook(scores, tmp_path / "fr.xlsx", "fr", PERIOD)
    book = fastexcel.read_excel(str(tmp_path / "fr.xlsx"))
    assert book.sheet_names == ["Équipes", "Dirigeants", "PDG"]
    frame = book.load_sheet_by_name("Équipes").to_polars()
    assert frame.columns[:4] == ["Période", "Rang", "Entreprise (id)", "Nom"]
    assert re.fullmatch(r"Cumul depuis janvier", frame.get_column("Période")[0])


def test_badge_needs_collectivity_and_two_effective_voices() -> None:
    from ranking.report_data import badge

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
