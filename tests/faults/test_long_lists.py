"""Lists in documents stay bounded (issue 23, item 3): the leaderboard names `NAMED_PER_TEAM` executives without
data (or with missing counts) per team at most and counts the rest, with the language's plural; a company report
lists all of its own; the sentence of the quiet executives names `QUIET_NAMED` at most."""

from __future__ import annotations

from pathlib import Path

import pytest

from ranking.render.environment import render
from ranking.report.company import QUIET_NAMED, company_contexts
from ranking.report.leaderboard import leaderboard_context
from ranking.report.quality import NAMED_PER_TEAM
from tests.workspaces import person, post, workspace

#: Executives without any post, and with one post without counts, in each team (big: beyond every bound).
SIZES = {"big": (NAMED_PER_TEAM + 37, NAMED_PER_TEAM + 5), "small": (NAMED_PER_TEAM + 1, 3)}


def _two_teams(root: Path, lang: str) -> Path:
    people, posts = [], []
    for company, (absent, gaps) in SIZES.items():
        people.append(person(f"{company}-ceo", company, ceo=True))
        posts.append(post(f"{company}-p", f"{company}-ceo", "2021-10-05T10:00:00Z", reactions=10))
        people += [person(f"{company}-none{i:03d}", company) for i in range(absent)]
        for i in range(gaps):
            people.append(person(f"{company}-gap{i:03d}", company))
            posts.append(post(f"{company}-g{i}", f"{company}-gap{i:03d}", "2021-10-06T10:00:00Z", reactions="", comments="", shares=""))  # fmt: skip
    return workspace(root, people, posts, toml=f'[report]\nlang = "{lang}"\n')


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_leaderboard_names_a_bounded_number_per_team_and_counts_the_rest(
    tmp_path: Path, pipeline, lang: str
) -> None:
    data = pipeline(_two_teams(tmp_path / "ws", lang)).report
    board = leaderboard_context(data, lang)
    q = board.quality
    absent = {a.company_name: a for a in q.absent}
    assert {name: (len(a.names), a.more) for name, a in absent.items()} == {
        "Big": (NAMED_PER_TEAM, SIZES["big"][0] - NAMED_PER_TEAM),
        "Small": (NAMED_PER_TEAM, 1),
    }
    assert len(q.people) == NAMED_PER_TEAM + SIZES["small"][1]  # the big team's first ones, all of the small one's
    assert q.people_more == SIZES["big"][1] - NAMED_PER_TEAM
    html = render("leaderboard.html", board, lang)
    more = {"en": ("and 37 more", "and 1 more", "And 5 more executives"), "fr": ("et 37 autres", "et 1 autre", "Et 5 autres dirigeants")}  # fmt: skip
    for text in more[lang]:
        assert text in html
    # each company report lists all of its own
    for context in company_contexts(data, lang):
        absent_own, gaps_own = SIZES[context.company]
        assert sum(len(a.names) + a.more for a in context.issues.absent) == absent_own
        assert [a.more for a in context.issues.absent] == [0]
        assert len(context.issues.people) == gaps_own and context.issues.people_more == 0


def test_the_quiet_executives_are_named_up_to_a_bound(tmp_path: Path, pipeline) -> None:
    people = [person("ceo", "acme", ceo=True)] + [person(f"q{i:04d}", "acme") for i in range(QUIET_NAMED + 12)]
    posts = [post("p", "ceo", "2021-10-05T10:00:00Z", reactions=10)]
    data = pipeline(workspace(tmp_path / "ws", people, posts, toml='[report]\nlang = "en"\n')).report
    (context,) = company_contexts(data, "en")
    assert len(context.quiet) == QUIET_NAMED and context.quiet_more == 12
    assert "and 12 more (see the table of executives" in render("company.html", context, "en")
