"""The leaderboard's data-quality page lists the executives of the teams it shows, counts the others, and keeps
every export file; each company report lists its own executives, whatever the teams shown."""

from __future__ import annotations

from pathlib import Path

from ranking.render.environment import render
from ranking.report.company import company_contexts
from ranking.report.leaderboard import leaderboard_context
from tests.workspaces import person, post, workspace


def _sector(root: Path, top_teams: int) -> Path:
    people = []
    posts = []
    for i in range(4):
        people += [person(f"ceo{i}", f"co{i}", ceo=True), person(f"gap{i}", f"co{i}"), person(f"none{i}", f"co{i}")]
        posts.append(post(f"p{i}", f"ceo{i}", "2021-10-05T10:00:00Z", reactions=10 * (i + 1)))
        # a post without any count: the executive is on the data-quality page; `none{i}` has no post at all
        posts.append(post(f"g{i}", f"gap{i}", "2021-10-06T10:00:00Z", reactions="", comments="", shares=""))
    return workspace(root, people, posts, toml=f'[report]\nlang = "en"\ntop_teams = {top_teams}\n')


def test_the_leaderboard_lists_the_shown_teams_executives_and_counts_the_others(tmp_path: Path, pipeline) -> None:
    data = pipeline(_sector(tmp_path / "ws", top_teams=2)).report
    q = leaderboard_context(data, "en").quality
    assert {p.executive_id for p in q.people} == {"gap3", "gap2"}  # the two best teams, in both scopes
    assert {a.company_name for a in q.absent} == {"Co3", "Co2"}
    assert q.unlisted == 4  # gap0, gap1, none0, none1
    assert q.formats and sum(f.files for f in q.formats) == len(data.exports)  # every file still counted
    html = render("leaderboard.html", leaderboard_context(data, "en"), "en")
    assert "4 executives of the other teams also lack data or counts" in html
    # a company the leaderboard does not show lists its own executives in its report
    co0 = next(c for c in company_contexts(data, "en") if c.company == "co0")
    assert [p.executive_id for p in co0.issues.people] == ["gap0"] and co0.issues.unlisted == 0
    assert [(a.company_name, len(a.names)) for a in co0.issues.absent] == [("Co0", 1)]


def test_every_executive_is_listed_when_every_team_is_shown(tmp_path: Path, pipeline) -> None:
    data = pipeline(_sector(tmp_path / "ws", top_teams=50)).report
    q = leaderboard_context(data, "en").quality
    assert {p.executive_id for p in q.people} == {f"gap{i}" for i in range(4)} and q.unlisted == 0
    assert "other teams" not in render("leaderboard.html", leaderboard_context(data, "en"), "en")
