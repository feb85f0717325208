"""What works (ranking.score.what_works): cells, minimums, slots in the workspace's zone, intervals and verdicts."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ranking.pipeline import write_tables
from ranking.score.what_works import COLUMNS, median_resamples, what_works
from tests.workspaces import what_works_workspace


def _cell(data, company: str, dimension: str, value: str) -> dict:
    found = data.works.cells.filter(
        (pl.col("company") == company) & (pl.col("dimension") == dimension) & (pl.col("value") == value)
    )
    assert found.height == 1, (company, dimension, value)
    return found.row(0, named=True)


def test_clearly_better_videos_and_videos_within_noise_get_different_verdicts(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    vid, noisy = _cell(data, "vid", "media", "video"), _cell(data, "noisy", "media", "video")
    sector = data.works.sector.filter((pl.col("dimension") == "media") & (pl.col("value") == "video")).row(
        0, named=True
    )
    videos = [8 + i % 5 for i in range(60)] + [50 + (i * 7) % 21 for i in range(15)]
    videos += [2, 30, 5, 25, 12, 40, 3, 20, 14, 100, 100]
    assert sector["posts"] == len(videos) and sector["median_influence"] == float(np.median(videos))
    assert vid["posts"] == 15 and vid["median_influence"] == float(np.median([50 + (i * 7) % 21 for i in range(15)]))
    assert vid["ratio"] == round(vid["median_influence"] / sector["median_influence"], 3)
    assert vid["verdict"] == "better" and vid["ratio_low"] > 1
    assert noisy["verdict"] == "same" and noisy["ratio_low"] < 1 < noisy["ratio_high"]
    for row in (vid, noisy):
        assert row["ratio_low"] <= row["ratio"] <= row["ratio_high"]


def test_a_cell_under_the_minimum_is_too_few_without_an_interval(tmp_path: Path, pipeline) -> None:
    few = _cell(pipeline(what_works_workspace(tmp_path)), "few", "media", "video")
    assert few["posts"] == 2 and few["verdict"] == "too_few"
    assert few["ratio"] is not None and few["ratio_low"] is None and few["ratio_high"] is None
    lower = _cell(
        pipeline(what_works_workspace(tmp_path / "two", "[measures]\nmin_posts = 2\n")), "few", "media", "video"
    )
    assert lower["verdict"] != "too_few" and lower["ratio_low"] is not None


def test_a_post_at_23_30_utc_lands_in_the_slot_of_the_workspace_s_time_zone(tmp_path: Path, pipeline) -> None:
    paris = pipeline(what_works_workspace(tmp_path))  # Europe/Paris by default
    utc = pipeline(what_works_workspace(tmp_path / "utc", '[scoring]\ntimezone = "UTC"\n'))
    slots = {
        name: set(d.works.cells.filter((pl.col("company") == "zone") & (pl.col("dimension") == "slot"))
                  .get_column("value").to_list())
        for name, d in (("paris", paris), ("utc", utc))
    }  # fmt: skip
    assert slots["paris"] == {"wed-night", "wed-afternoon"}  # 23:30 UTC Tuesday is 01:30 Wednesday in Paris
    assert slots["utc"] == {"tue-evening", "wed-morning"}


def test_a_post_without_a_stated_format_is_counted_apart(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    media = data.works.cells.filter((pl.col("company") == "zone") & (pl.col("dimension") == "media"))
    assert media.select("value", "posts").rows() == [("text", 1)]
    assert data.works.unknown_media == {"zone": 1}


def test_what_works_csv_and_its_sheet(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    write_tables(data, out, "en")
    with (out / "what_works.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:10] == list(COLUMNS[:10])
    assert {r["dimension"] for r in rows} == {"media", "slot"}  # the workspace names no topic
    assert all(int(r["posts"]) >= 1 for r in rows)
    assert {r["verdict"] for r in rows} <= {"better", "worse", "same", "too_few"}
    vid = next(r for r in rows if (r["company"], r["dimension"], r["value"]) == ("vid", "media", "video"))
    assert vid["verdict"] == "better" and int(vid["posts"]) == 15
    from fastexcel import read_excel

    book = read_excel(out / "ranking.xlsx")
    assert "What works" in book.sheet_names
    sheet = book.load_sheet_by_name("What works").to_polars()
    assert sheet.height == len(rows)


def _posts(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    """Classified posts as the run holds them: (company, media, hour offset, reactions)."""
    start = datetime(2021, 3, 1, 9, tzinfo=UTC)
    return pl.DataFrame(
        {
            "company": [r[0] for r in rows],
            "platform": ["linkedin"] * len(rows),
            "post_id": [str(i) for i in range(len(rows))],
            "executive_id": [r[0] + "1" for r in rows],
            "posted_at": [start + timedelta(hours=r[2]) for r in rows],
            "kind": ["post"] * len(rows),
            "media": [r[1] for r in rows],
            "topics": [[] for _ in rows],
            "reactions": [r[3] for r in rows],
            "comments": [0] * len(rows),
            "shares": [0] * len(rows),
            "engagements": [None] * len(rows),
            "influence": [r[3] for r in rows],
        },
        schema_overrides={"posted_at": pl.Datetime("us", "UTC"), "engagements": pl.Int64, "topics": pl.List(pl.String)},
    )


_row = st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["video", "image", "text"]), st.integers(0, 2000),
                 st.integers(0, 300))  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(_row, min_size=1, max_size=60), st.lists(_row, max_size=30))
def test_a_cell_depends_on_its_own_posts_only(rows: list, others: list) -> None:
    """A team's video cell (its figures, interval and verdict) stays the same whatever the posts of other
    formats: the medians are per cell, and each cell draws from its own seeded generator."""
    videos = [r for r in rows if r[1] == "video"]
    changed = videos + [r for r in others if r[1] != "video"]
    before = what_works(_posts(rows), "Europe/Paris", 3).cells
    after = what_works(_posts(changed), "Europe/Paris", 3).cells
    video = (pl.col("dimension") == "media") & (pl.col("value") == "video")
    assert before.filter(video).equals(after.filter(video))


@settings(max_examples=60, deadline=None)
@given(st.lists(_row, min_size=1, max_size=80), st.integers(1, 5))
def test_intervals_hold_their_ratio_and_verdicts_follow_them(rows: list, min_posts: int) -> None:
    cells = what_works(_posts(rows), "UTC", min_posts).cells
    for r in cells.iter_rows(named=True):
        if r["posts"] < min_posts:
            assert r["verdict"] == "too_few" and r["ratio_low"] is None
            continue
        if r["ratio"] is None:
            assert r["verdict"] == "same"
            continue
        assert r["ratio_low"] <= r["ratio"] <= r["ratio_high"]
        expected = "better" if r["ratio_low"] > 1 else "worse" if r["ratio_high"] < 1 else "same"
        assert r["verdict"] == expected


def test_re_runs_give_the_same_bytes() -> None:
    rows = [(c, m, i * 7 % 500, (i * 37) % 101) for i, (c, m) in enumerate([("a", "video"), ("b", "text")] * 40)]
    first = what_works(_posts(rows), "Europe/Paris", 3).cells.write_csv()
    assert first == what_works(_posts(rows), "Europe/Paris", 3).cells.write_csv()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=9), st.integers(0, 2**32))
def test_order_statistic_resampling_draws_what_resampling_posts_gives(values: list[int], seed: int) -> None:
    """The shortcut draws the medians of resamples: each is a value (or the mean of two) a resample of the posts
    can have, and their spread matches plain resampling's."""
    data = np.sort(np.asarray(values, dtype=np.float64))
    fast = median_resamples(data, np.random.default_rng(seed), 4000)
    rng = np.random.default_rng(seed + 1)
    slow = np.median(data[rng.integers(0, data.size, (4000, data.size))], axis=1)
    possible = {(a + b) / 2 for a in data for b in data} | set(data)
    assert set(np.unique(fast)) <= possible
    for q in (0.1, 0.5, 0.9):
        assert abs(np.quantile(fast, q) - np.quantile(slow, q)) <= (data.max() - data.min()) * 0.35 + 1e-9
