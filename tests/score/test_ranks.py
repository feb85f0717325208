"""Each rule of section 3 of the contract, on small hand-made workspaces."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ranking.load.workspace import load_workspace
from ranking.period import Period
from ranking.score.ranks import score, table, with_influence
from tests.workspaces import POST_FIELDS, person, post, workspace, write_csv


def scores_of(root: Path, period: str = "2021-10"):
    ws = load_workspace(root)
    assert ws is not None
    return score(
        with_influence(ws.posts, ws.settings.scoring),
        ws.roster,
        ws.companies,
        ws.settings.scoring,
        Period.parse(period),
    )


def executive(scores, scope: str, pid: str) -> dict:
    frame = scores[scope].executives.filter(pl.col("executive_id") == pid)
    assert frame.height == 1
    return frame.row(0, named=True)


def company(scores, scope: str, cid: str) -> dict:
    return scores[scope].companies.filter(pl.col("company") == cid).row(0, named=True)


def test_influence_weights_reposts_and_engagements_only(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        [person("ana", "acme", ceo=True), person("bob", "acme")],
        [
            post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1),  # 10 + 4 + 3
            post("2", "ana", "2021-10-06T10:00:00Z", reactions=100, comments=9, shares=9, kind="repost"),
            post("3", "bob", "2021-10-07T10:00:00Z", reactions="", comments="", shares="", engagements=40),
            post("4", "bob", "2021-10-08T10:00:00Z", reactions=5, comments="", shares=""),  # nulls add 0
            post("5", "bob", "2021-10-09T10:00:00Z", kind="reply", reactions=1, comments=1, shares=0),
        ],
    )
    s = scores_of(root)
    ana = executive(s, "month", "ana")
    assert (ana["posts"], ana["reposts"], ana["reactions"], ana["influence_score"]) == (1, 1, 10, 17)
    bob = executive(s, "month", "bob")
    assert (bob["posts"], bob["reposts"], bob["influence_score"]) == (3, 0, 40 + 5 + 3)


def test_custom_weights_from_settings(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        [person("ana", "acme", ceo=True)],
        [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1)],
        toml="[scoring]\nreactions = 2\ncomments = 0\nshares = 10\n",
    )
    assert executive(scores_of(root), "month", "ana")["influence_score"] == 30


def test_competition_ranks_ties_by_name_and_index(tmp_path: Path) -> None:
    people = [
        person(p, "acme", name=n) for p, n in [("a", "Zoé Ax"), ("b", "Anne By"), ("c", "Marc Cy"), ("d", "Luc Dy")]
    ]
    posts = [
        post("1", "a", "2021-10-01T10:00:00Z", reactions=30),
        post("2", "b", "2021-10-01T10:00:00Z", reactions=20),
        post("3", "c", "2021-10-01T10:00:00Z", reactions=20),
        post("4", "d", "2021-10-01T10:00:00Z", reactions=5),
    ]
    s = scores_of(workspace(tmp_path, people, posts))
    ranked = s["month"].executives.select("rank", "name", "index").rows()
    assert ranked == [(1, "Zoé Ax", 100.0), (2, "Anne By", 66.7), (2, "Marc Cy", 66.7), (4, "Luc Dy", 16.7)]


def test_zero_teams_are_ranked_and_zero_leader_gives_zero_index(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)],
        [post("1", "ana", "2021-09-05T10:00:00Z", reactions=10)],
        companies=["acme", "beta", "gamma"],
    )
    s = scores_of(root)
    month = s["month"].companies
    assert month.get_column("rank").to_list() == [1, 1, 1]
    assert month.get_column("name").to_list() == ["Acme", "Beta", "Gamma"]
    assert month.get_column("index").to_list() == [0.0, 0.0, 0.0]
    gamma = company(s, "month", "gamma")
    assert (
        gamma["members"],
        gamma["team_score"],
        gamma["effective_contributors"],
        gamma["collectivity"],
    ) == (0, 0, 0.0, 0.0)
    assert gamma["top_contributor"] is None and gamma["top_contributor_share"] == 0.0
    ytd = s["ytd"].companies
    assert ytd.select("company", "rank").rows() == [("acme", 1), ("beta", 2), ("gamma", 2)]


def test_team_collectivity_and_top_contributor(tmp_path: Path) -> None:
    people = [
        person("a", "acme", name="Bea"),
        person("b", "acme", name="Abe"),
        person("c", "acme", name="Cy"),
        person("d", "acme", name="Di"),
    ]
    posts = [
        post("1", "a", "2021-10-01T10:00:00Z", reactions=30),
        post("2", "b", "2021-10-01T10:00:00Z", reactions=30),
        post("3", "c", "2021-10-01T10:00:00Z", reactions=0),
        post("4", "d", "2021-10-02T10:00:00Z", kind="repost"),
    ]
    acme = company(scores_of(workspace(tmp_path, people, posts)), "month", "acme")
    assert acme["team_score"] == 60
    assert (acme["members"], acme["active_members"]) == (4, 4)
    assert acme["effective_contributors"] == pytest.approx(60**2 / (30**2 + 30**2))
    assert acme["collectivity"] == pytest.approx(2 / 4)
    assert acme["top_contributor"] == "b"  # tie at 30: by name, Abe before Bea
    assert acme["top_contributor_share"] == pytest.approx(0.5)


def test_ceo_ranking_is_ranked_afresh(tmp_path: Path) -> None:
    people = [person("boss1", "acme", ceo=True), person("cfo", "acme"), person("boss2", "beta", ceo=True)]
    posts = [
        post("1", "cfo", "2021-10-01T10:00:00Z", reactions=99),
        post("2", "boss2", "2021-10-01T10:00:00Z", reactions=9),
        post("3", "boss1", "2021-10-01T10:00:00Z", reactions=3),
    ]
    s = scores_of(workspace(tmp_path, people, posts))
    assert s["month"].ceos.select("executive_id", "rank", "index").rows() == [
        ("boss2", 1, 100.0),
        ("boss1", 2, 33.3),
    ]
    assert executive(s, "month", "boss2")["rank"] == 2


def test_last_evening_of_the_month_belongs_to_the_local_month(tmp_path: Path) -> None:
    # 31 Oct 2021 23:30 UTC is 1 Nov 00:30 in Paris; 30 Sep 22:30 UTC is 1 Oct 00:30 in Paris.
    posts = [
        post("late", "ana", "2021-10-31T23:30:00Z", reactions=7),
        post("early", "ana", "2021-09-30T22:30:00Z", reactions=5),
    ]
    root = workspace(tmp_path, [person("ana", "acme", ceo=True)], posts)
    assert executive(scores_of(root, "2021-10"), "month", "ana")["influence_score"] == 5
    assert executive(scores_of(root, "2021-11"), "month", "ana")["influence_score"] == 7
    assert executive(scores_of(root, "2021-09"), "month", "ana")["influence_score"] == 0


def test_time_zone_is_a_setting(tmp_path: Path) -> None:
    posts = [post("late", "ana", "2021-10-31T23:30:00Z", reactions=7)]
    root = workspace(tmp_path, [person("ana", "acme", ceo=True)], posts, toml='[scoring]\ntimezone = "UTC"\n')
    assert executive(scores_of(root, "2021-10"), "month", "ana")["influence_score"] == 7


def test_year_boundary_of_ytd(tmp_path: Path) -> None:
    posts = [
        post("new-year", "ana", "2020-12-31T23:30:00Z", reactions=4),  # 00:30 on 1 Jan in Paris
        post("old-year", "ana", "2020-12-31T22:30:00Z", reactions=100),  # 23:30 on 31 Dec in Paris
        post("feb", "ana", "2021-02-03T10:00:00Z", reactions=1),
    ]
    root = workspace(tmp_path, [person("ana", "acme", ceo=True), person("bob", "acme")], posts)
    jan = scores_of(root, "2021-01")
    assert executive(jan, "ytd", "ana")["influence_score"] == 4
    assert executive(jan, "ytd", "ana")["rank_change"] is None  # no previous period for ytd in January
    assert executive(jan, "month", "ana")["rank_change"] == 0  # month of January compares with December
    assert executive(scores_of(root, "2021-03"), "ytd", "ana")["influence_score"] == 5


def test_rank_change_against_the_previous_period(tmp_path: Path) -> None:
    posts = [
        post("1", "ana", "2021-09-03T10:00:00Z", reactions=10),
        post("2", "bob", "2021-10-03T10:00:00Z", reactions=20),
    ]
    root = workspace(tmp_path, [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)], posts)
    s = scores_of(root)
    assert executive(s, "month", "bob")["rank_change"] == 1  # 2nd in September, 1st in October
    assert executive(s, "month", "ana")["rank_change"] == -1
    assert executive(s, "ytd", "bob")["rank_change"] == 1
    assert company(s, "ytd", "beta")["rank_change"] == 1


def test_duplicated_post_takes_each_count_from_the_newest_export(tmp_path: Path) -> None:
    root = workspace(tmp_path, [person("ana", "acme", ceo=True)])
    old = post("1", "ana", "2021-10-03T10:00:00Z", reactions=10, comments=1, shares=5, snapshot="2021-10-10")
    new = post("1", "ana", "2021-10-03T10:00:00Z", reactions=50, comments=4, shares="", snapshot="2021-11-01")
    write_csv(root / "exports" / "b_new.csv", POST_FIELDS, [new])
    write_csv(root / "exports" / "a_old.csv", POST_FIELDS, [old])
    s = scores_of(root)
    ana = executive(s, "month", "ana")
    assert (ana["posts"], ana["reactions"], ana["comments"], ana["shares"]) == (1, 50, 4, 5)
    assert ana["influence_score"] == 50 + 8 + 15


def test_tables_have_the_contract_columns_and_order(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)],
        [post("1", "bob", "2021-10-03T10:00:00Z", reactions=20)],
    )
    s = scores_of(root)
    ex = table(s, "executives")
    assert ex.columns[:3] == ["scope", "rank", "executive_id"]
    assert ex.select("scope", "executive_id").rows() == [
        ("month", "bob"),
        ("month", "ana"),
        ("ytd", "bob"),
        ("ytd", "ana"),
    ]
    co = table(s, "companies")
    assert co.columns == [
        "scope",
        "rank",
        "company",
        "name",
        "team_score",
        "members",
        "active_members",
        "effective_contributors",
        "collectivity",
        "top_contributor",
        "top_contributor_share",
        "index",
        "rank_change",
    ]
