"""Properties of the scoring that must hold for any posts."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ranking.score.ranks import score, with_influence
from ranking.settings import Scoring
from tests.workspaces import COMPANIES, PEOPLE, PERIOD, ROSTER, post_rows, posts_frame

posts_strategy = post_rows()
frame = posts_frame


def run(rows: list[dict]):
    return score(with_influence(frame(rows), Scoring()), ROSTER, COMPANIES, Scoring(), PERIOD)


def as_dict(scores, scope: str, which: str, key: str) -> dict:
    table = getattr(scores[scope], which)
    return {r[key]: r for r in table.iter_rows(named=True)}


@given(posts_strategy, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rows: list[dict], rng) -> None:
    shuffled = list(rows)
    rng.shuffle(shuffled)
    a, b = run(rows), run(shuffled)
    for scope in ("month", "ytd"):
        for which in ("executives", "companies", "ceos"):
            assert getattr(a[scope], which).equals(getattr(b[scope], which))


@given(posts_strategy, st.data())
def test_adding_a_reaction_never_lowers_a_score(rows: list[dict], data) -> None:
    # A post that carries only an engagements total has no reaction count to add to: giving it one would
    # turn it into another kind of record (split counts), which the contract scores differently.
    open_to_more = [i for i, r in enumerate(rows) if r["reactions"] is not None or r["engagements"] is None]
    if not open_to_more:
        return
    i = data.draw(st.sampled_from(open_to_more))
    more = [dict(r) for r in rows]
    more[i]["reactions"] = (more[i]["reactions"] or 0) + 1
    before, after = run(rows), run(more)
    for scope in ("month", "ytd"):
        b = as_dict(before, scope, "executives", "executive_id")
        a = as_dict(after, scope, "executives", "executive_id")
        assert all(a[p]["influence_score"] >= b[p]["influence_score"] for p in PEOPLE)
        bt = as_dict(before, scope, "companies", "company")
        at = as_dict(after, scope, "companies", "company")
        assert all(at[c]["team_score"] >= bt[c]["team_score"] for c in bt)


@given(posts_strategy)
def test_team_score_is_the_sum_of_its_members(rows: list[dict]) -> None:
    scores = run(rows)
    for scope in ("month", "ytd"):
        executives = scores[scope].executives
        for team in scores[scope].companies.iter_rows(named=True):
            members = executives.filter(pl.col("company") == team["company"])
            assert team["team_score"] == members.get_column("influence_score").sum()
            assert team["members"] == members.height
            assert 0 <= team["collectivity"] <= 1 + 1e-9
            if team["team_score"] > 0:
                assert 1 - 1e-9 <= team["effective_contributors"] <= team["members"] + 1e-9


@given(posts_strategy)
def test_every_roster_executive_and_company_is_ranked(rows: list[dict]) -> None:
    scores = run(rows)
    for scope in ("month", "ytd"):
        assert sorted(scores[scope].executives.get_column("executive_id")) == PEOPLE
        assert scores[scope].companies.height == COMPANIES.height
        ranks = scores[scope].executives.get_column("rank").to_list()
        assert ranks == sorted(ranks) and ranks[0] == 1
