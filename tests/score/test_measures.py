"""The measures beyond volume (ranking.score.measures): each definition on a hand-made workspace, then properties."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ranking.cli import cli
from ranking.errors import InputError
from ranking.period import SCOPES, window
from ranking.score.measures import measures, percentile
from ranking.score.ranks import score, with_influence
from ranking.settings import Scoring, load_settings
from tests.workspaces import COMPANIES, PERIOD, ROSTER, measures_workspace, post_rows, posts_frame


def rows_of(frame: pl.DataFrame, scope: str, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in frame.filter(pl.col("scope") == scope).iter_rows(named=True)}


@pytest.fixture
def measured(tmp_path: Path, pipeline) -> Any:
    return pipeline(measures_workspace(tmp_path))


def test_median_influence_of_own_posts_with_a_count(measured) -> None:
    people = rows_of(measured.executives, "month", "executive_id")
    # ana: 10, 30 and 4; the repost (99) and the post without any count are left out
    assert people["ana"]["measured_posts"] == 3 and people["ana"]["median_influence"] == 10.0
    # bob: two posts, under the minimum of 3: no median (not 0), no percentile
    assert people["bob"]["measured_posts"] == 2
    assert people["bob"]["median_influence"] is None and people["bob"]["percentile_median_influence"] is None
    # cleo: 3, 5, 7 and a viral 1,000: the mean of the two middle ones
    assert people["cleo"]["median_influence"] == 6.0
    # dan: an engagements total only counts too
    assert people["dan"]["median_influence"] == 8.0
    assert rows_of(measured.executives, "ytd", "executive_id")["dan"]["median_influence"] == 8.0  # 8, 8, 8, 100


def test_a_team_median_is_over_all_its_members_posts(measured) -> None:
    teams = rows_of(measured.companies, "month", "company")
    assert teams["acme"]["measured_posts"] == 5 and teams["acme"]["median_influence"] == 6.0  # 4, 6, 6, 10, 30
    assert teams["beta"]["median_influence"] == 6.0


def test_one_viral_post_makes_the_share_of_voice_not_the_resonance(measured) -> None:
    teams = rows_of(measured.companies, "month", "company")
    assert [teams[c]["team_score"] for c in ("acme", "beta", "gamma")] == [56, 1015, 24]
    assert teams["beta"]["share_of_voice"] == round(1015 / 1095, 4)
    assert teams["acme"]["share_of_voice"] == round(56 / 1095, 4)
    assert teams["beta"]["percentile_share_of_voice"] == teams["beta"]["percentile_team_score"] == 83.3
    # its median is that of its ordinary posts, tied with acme's and below gamma's
    assert teams["beta"]["percentile_median_influence"] == teams["acme"]["percentile_median_influence"] == 33.3
    assert teams["gamma"]["percentile_median_influence"] == 83.3


def test_engagement_rate_over_own_posts_with_impressions(measured) -> None:
    people = rows_of(measured.executives, "month", "executive_id")
    # a1 (10 / 1,000) and a2 (25 / 500); a3 has no impressions, the repost and the post without counts are out
    assert people["ana"]["engagement_rate"] == round(35 / 1500, 6)
    assert people["bob"]["engagement_rate"] is None  # 0 impressions, or none: no rate (not 0)
    assert people["cleo"]["engagement_rate"] is None and people["cleo"]["percentile_engagement_rate"] is None
    assert people["ana"]["percentile_engagement_rate"] == 50.0  # the only one with a value
    assert rows_of(measured.companies, "month", "company")["acme"]["engagement_rate"] == round(35 / 1500, 6)


def test_interactions_per_1k_followers_per_platform(measured) -> None:
    people = rows_of(measured.executives, "month", "executive_id")
    # LinkedIn: 10 and 25 per 1,000 followers; X: 4 per 500 followers = 8; weighted by posts
    assert people["ana"]["interactions_per_1k_followers"] == round((10 + 25 + 8) / 3, 3)
    assert people["bob"]["interactions_per_1k_followers"] is None  # no follower count known
    assert people["cleo"]["interactions_per_1k_followers"] == (5000 + 15 + 25 + 35) / 4
    teams = rows_of(measured.companies, "month", "company")
    assert teams["acme"]["interactions_per_1k_followers"] == round(43 / 3, 3)  # bob's posts have no followers
    assert teams["gamma"]["interactions_per_1k_followers"] is None


def test_percentiles_count_ties_as_half(measured) -> None:
    people = rows_of(measured.executives, "month", "executive_id")
    assert {p: people[p]["percentile_median_influence"] for p in people} == {
        "ana": 83.3, "bob": None, "cleo": 16.7, "dan": 50.0,
    }  # fmt: skip
    assert {p: people[p]["percentile_influence_score"] for p in people} == {
        "ana": 62.5, "bob": 12.5, "cleo": 87.5, "dan": 37.5,
    }  # fmt: skip


def test_the_minimum_is_a_setting(tmp_path: Path, pipeline) -> None:
    data = pipeline(measures_workspace(tmp_path, toml="[measures]\nmin_posts = 2\n"))
    assert rows_of(data.executives, "month", "executive_id")["bob"]["median_influence"] == 6.0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[measures]\nmin_posts = 0\n", "measures.min_posts must be at least 1, not 0"),
        ('[measures]\nmin_posts = "3"\n', "measures.min_posts must be a whole number"),
        ("[measures]\nminimum = 3\n", "unknown setting 'measures.minimum'"),
    ],
)
def test_bad_measures_settings_are_named(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "ranking.toml").write_text(toml)
    with pytest.raises(InputError, match=f"ranking.toml: {message}"):
        load_settings(tmp_path / "ranking.toml")


def test_no_score_at_all_gives_no_share_of_voice(tmp_path: Path, pipeline) -> None:
    root = measures_workspace(tmp_path)
    (root / "exports" / "posts.csv").unlink()
    teams = rows_of(pipeline(root).companies, "month", "company")
    assert {t["share_of_voice"] for t in teams.values()} == {0.0}
    assert {t["median_influence"] for t in teams.values()} == {None}


def test_explain_shows_each_measure_and_the_posts_that_make_it(tmp_path: Path) -> None:
    root = measures_workspace(tmp_path)
    out = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "ana"]).output
    assert "month: median influence 10.0 of 3 own posts with a count: the middle post a1 (10)" in out
    assert "month: engagement rate 2.33% = 35 interactions / 1,500 impressions over 2 posts: a1, a2" in out
    assert "linkedin 2 posts, 35 interactions, 1,000 followers → 17.500; x 1 post, 4 interactions" in out
    assert "share of voice 5.11% = team score 56 / 1,095 (all teams)" in out
    lines = {line.split("│")[4].strip(): line for line in out.splitlines() if line.count("│") > 10}
    assert [lines[p].split("│")[12].strip() for p in ("a1", "a3", "a4", "a5")] == ["M R F", "M F", "–", "–"]
    cleo = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "cleo"]).output
    assert "the middle posts c2 (3), c3 (5)" not in cleo and "the middle posts c3 (5), c4 (7)" in cleo
    bob = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "bob"]).output
    assert "month: 2 own posts with a count, fewer than the minimum 3: no median" in bob
    assert "no own post with a count has impressions" in bob and "no follower count known" in bob


def test_explain_prints_one_rounding_of_each_figure(tmp_path: Path) -> None:
    """A figure made of one platform's posts is that platform's figure: printed once, to the decimals the tables
    keep, never 13.56 beside its own 13.57."""
    root = measures_workspace(tmp_path)
    line = re.compile(r"per 1,000 followers (\S+) \(weighted by posts\): ((?:\w+ \d+ posts?, [^→]+→ [\d,.]+;? ?)+)")
    single = 0
    for who in ("ana", "cleo"):
        out = " ".join(CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", who]).output.split())
        for head, platforms in line.findall(out):
            figures = re.findall(r"→ ([\d,.]+)", platforms)
            assert len(head.split(".")[1]) == 3 and all(len(f.split(".")[1]) == 3 for f in figures)
            if len(figures) == 1:
                assert head == figures[0]
                single += 1
    assert single == 2  # cleo's month and year to date: X only


# Properties, on the conftest's roster with follower counts (0 is unknown, as is a missing one)
FOLLOWED = ROSTER.with_columns(
    pl.Series("linkedin_followers", [1000, None, 250, 40, 7], pl.Int64),
    pl.Series("x_followers", [None, 300, 5, 0, 80], pl.Int64),
)
COUNTS = ("reactions", "comments", "shares", "engagements")
impressions = st.one_of(st.none(), st.integers(0, 100_000))


def measured_of(rows: list[dict], roster: pl.DataFrame = FOLLOWED, min_posts: int = 3) -> Any:
    frame = with_influence(posts_frame(rows), Scoring()).collect()  # as a run gives them: with their influence
    scores = score(frame, roster, COMPANIES, Scoring(), PERIOD)
    posts = {s: frame.filter(window(PERIOD, s, "Europe/Paris").contains()) for s in SCOPES}
    return measures(scores, posts, roster, min_posts)


def median_bound(values: list[float]) -> float:
    """The median the same rule gives when one value is raised as far as it goes: the neighbouring post's value
    (or the mean of the two neighbouring middle ones)."""
    ordered = sorted(values)
    n = len(ordered)
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return middle


@given(post_rows(max_size=25), st.data())
def test_raising_one_post_moves_a_median_at_most_to_its_neighbour(rows: list[dict], data) -> None:
    measurable = [
        i for i, r in enumerate(rows) if r["kind"] != "repost" and any(r[c] is not None for c in COUNTS)
    ]  # fmt: skip
    if not measurable:
        return
    i = data.draw(st.sampled_from(measurable))
    raised = [dict(r) for r in rows]
    raised[i].update({c: 100 * raised[i][c] for c in COUNTS if raised[i][c] is not None})
    before, after = measured_of(rows, min_posts=1), measured_of(raised, min_posts=1)
    values = post_influences(rows)
    who, team = rows[i]["executive_id"], ROSTER.row(by_predicate=pl.col("executive_id") == rows[i]["executive_id"])[2]
    for scope in SCOPES:
        if not in_scope(rows[i], scope):
            continue
        for table, key, members in (("executives", "executive_id", {who}), ("companies", "company", team_of(team))):
            old = rows_of(getattr(before, table), scope, key)[who if key == "executive_id" else team]
            new = rows_of(getattr(after, table), scope, key)[who if key == "executive_id" else team]
            others = [
                v
                for j, v in values.items()
                if j != i and rows[j]["executive_id"] in members and in_scope(rows[j], scope)
            ]
            bound = median_bound([*others, math.inf])
            assert old["median_influence"] <= new["median_influence"] <= bound + 0.05


def team_of(company: str) -> set[str]:
    return set(ROSTER.filter(pl.col("company") == company).get_column("executive_id"))


def in_scope(row: dict, scope: str) -> bool:
    frame = posts_frame([row])
    return frame.filter(window(PERIOD, scope, "Europe/Paris").contains()).height == 1


def post_influences(rows: list[dict]) -> dict[int, float]:
    """Influence of each measured post (an own post with a count), by its position."""
    found = {}
    for i, r in enumerate(rows):
        if r["kind"] == "repost" or all(r[c] is None for c in COUNTS):
            continue
        split = [r[c] for c in ("reactions", "comments", "shares")]
        weighted = (r["reactions"] or 0) + 2 * (r["comments"] or 0) + 3 * (r["shares"] or 0)
        found[i] = float(weighted if any(v is not None for v in split) else r["engagements"])
    return found


@given(post_rows(max_size=25), st.data(), st.integers(2, 50))
def test_rates_do_not_change_when_every_count_is_scaled(rows: list[dict], data, factor: int) -> None:
    rows = [{**r, "impressions": data.draw(impressions)} for r in rows]
    scaled = [{**r, **{c: r[c] * factor for c in (*COUNTS, "impressions") if r[c] is not None}} for r in rows]
    followed = FOLLOWED.with_columns(pl.col("linkedin_followers", "x_followers") * factor)
    before, rate_after, reach_after = measured_of(rows), measured_of(scaled), measured_of(scaled, followed)
    for scope in SCOPES:
        for table, key in (("executives", "executive_id"), ("companies", "company")):
            b = rows_of(getattr(before, table), scope, key)
            rate = rows_of(getattr(rate_after, table), scope, key)
            reach = rows_of(getattr(reach_after, table), scope, key)
            for k, row in b.items():
                assert close(row["engagement_rate"], rate[k]["engagement_rate"], 1e-6)
                assert close(row["interactions_per_1k_followers"], reach[k]["interactions_per_1k_followers"], 1e-3)


def close(a: float | None, b: float | None, unit: float) -> bool:
    """Equal, or within one rounding unit of the tables (and both empty or both not)."""
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= unit * 1.01)


@given(st.lists(st.one_of(st.none(), st.integers(-5, 5), st.floats(-1e6, 1e6, allow_nan=False)), max_size=30))
def test_percentiles_lie_in_0_100_and_follow_the_values(values: list[float | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64}).with_columns(percentile("v"))
    pairs = [(v, p) for v, p in frame.iter_rows() if v is not None]
    assert all(p is None for v, p in frame.iter_rows() if v is None)
    assert all(0 <= p <= 100 for _, p in pairs)
    for v, p in pairs:
        for w, q in pairs:
            if v < w:
                assert p < q
            elif v == w:
                assert p == q


@given(post_rows(max_size=30))
def test_percentiles_of_every_measure_follow_its_values(rows: list[dict]) -> None:
    result = measured_of(rows)
    for frame in (result.executives, result.companies):
        for scope in SCOPES:
            scoped = frame.filter(pl.col("scope") == scope)
            for column in [c for c in frame.columns if c.startswith("percentile_")]:
                source = column.removeprefix("percentile_")
                if source not in scoped.columns:  # influence_score / team_score live in the score tables
                    continue
                pairs = [(v, p) for v, p in scoped.select(source, column).iter_rows() if v is not None]
                assert all(0 <= p <= 100 for _, p in pairs)
                assert all(p < q for v, p in pairs for w, q in pairs if v < w)
