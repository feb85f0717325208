"""Canonical Parquet files are checked and read lazily: the same posts and the same problems as the eager path,
and the merge of duplicates gives what the contract says whatever the files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ranking import schema
from ranking.errors import InputError
from ranking.load.base import ScannedExport, export_date
from ranking.load.convert import to_canonical
from ranking.load.formats import LoadContext, load_file, merge_posts
from ranking.load.tabular import LINE
from ranking.load.workspace import check_workspace, load_workspace
from ranking.period import Period
from ranking.score.ranks import score, with_influence
from tests.workspaces import POST_FIELDS, person, post, workspace, write_csv

ROSTER = pl.DataFrame(
    {"executive_id": ["ana", "bob"], "x_handle": ["@ana", "@bob"], "linkedin": ["ana-l", "bob-l"]},
)
CTX = LoadContext(ROSTER, "Europe/Paris")
EXPORTED = datetime(2021, 11, 1, tzinfo=UTC)

messy_text = st.one_of(st.none(), st.sampled_from(["", " ", "x", "X ", " linkedin", "LinkedIn", "twitter", "li"]))
rows = st.lists(
    st.fixed_dictionaries(
        {
            "executive_id": st.sampled_from(["ana", "bob", " ana", "zed", None]),
            "platform": st.sampled_from(["linkedin", "x", "X", " linkedin", "twitter", "myspace", None]),
            "post_id": st.sampled_from(["1", "2", " 3", "44", None]),
            "posted_at": st.one_of(
                st.none(),
                st.integers(0, 400).map(lambda d: datetime(2021, 1, 1, tzinfo=UTC).replace(day=1 + d % 28)),
            ),
            "kind": st.sampled_from(["post", "repost", " Reply", "QUOTE", "story", None]),
            "reactions": st.one_of(st.none(), st.integers(-3, 50)),
            "comments": st.one_of(st.none(), st.integers(0, 9)),
            "text": messy_text,
            "url": st.sampled_from([None, "https://x.com/ana/status/77", "https://www.linkedin.com/feed/x"]),
        }
    ),
    min_size=1,
    max_size=25,
)


def frame(records: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        records,
        schema={
            "executive_id": pl.String,
            "platform": pl.String,
            "post_id": pl.String,
            "posted_at": schema.UTC_INSTANT,
            "kind": pl.String,
            "reactions": pl.Int64,
            "comments": pl.Int64,
            "text": pl.String,
            "url": pl.String,
        },
    )


def eager(data: pl.DataFrame, path: Path) -> tuple[pl.DataFrame | None, list]:
    """What the eager path makes of the same rows (LINE = the row's number from 1, as for Parquet)."""
    numbered = data.with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    posts, problems = to_canonical(numbered, CTX, str(path), export_date(path))
    return posts, sorted(problems, key=lambda p: p.line or 0)


@given(rows)
def test_parquet_gives_the_posts_and_problems_of_the_eager_path(tmp_path_factory, records: list[dict]) -> None:
    path = tmp_path_factory.mktemp("p") / "posts_2021-11-01.parquet"
    data = frame(records)
    data.write_parquet(path)
    expected_posts, expected_problems = eager(data, path)
    try:
        export = load_file(path, str(path), CTX)
    except InputError as exc:
        assert exc.problems == expected_problems
        return
    assert expected_problems == []
    assert isinstance(export, ScannedExport)
    assert export.rows == data.height
    assert_frame_equal(export.posts, expected_posts)


def test_clean_columns_are_read_as_they_are_and_messy_ones_converted(tmp_path: Path) -> None:
    clean = frame([{"executive_id": "ana", "platform": "x", "post_id": "1", "kind": "post",
                    "posted_at": datetime(2021, 10, 3, tzinfo=UTC), "reactions": 4}])  # fmt: skip
    messy = clean.with_columns(
        pl.lit(" X").alias("platform"), pl.lit("Repost ").alias("kind"), pl.lit(" 1").alias("post_id")
    )
    for name, data in (("clean", clean), ("messy", messy)):
        data.write_parquet(tmp_path / f"{name}.parquet")
    read = {n: load_file(tmp_path / f"{n}.parquet", n, CTX).posts for n in ("clean", "messy")}
    assert read["clean"].select("platform", "post_id", "kind").row(0) == ("x", "1", "post")
    assert read["messy"].select("platform", "post_id", "kind").row(0) == ("x", "1", "repost")


def test_a_damaged_or_empty_parquet_file_is_one_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    frame([{"executive_id": "ana", "platform": "x", "post_id": "1", "posted_at": EXPORTED}] * 200).write_parquet(good)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match="not a readable Parquet file"):
        load_file(broken, "broken.parquet", CTX)
    empty = tmp_path / "empty.parquet"
    frame([]).write_parquet(empty)
    with pytest.raises(InputError, match="no posts in the file"):
        load_file(empty, "empty.parquet", CTX)


def test_bad_rows_of_a_parquet_file_are_reported_by_row(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)])
    (root / "exports").mkdir()
    good = {"executive_id": "ana", "platform": "linkedin", "post_id": "1", "posted_at": EXPORTED, "reactions": 1}
    data = frame([good, {**good, "post_id": "2", "executive_id": "zed"}, {**good, "post_id": "3", "reactions": -2}])
    data.write_parquet(root / "exports" / "posts.parquet")
    problems = check_workspace(root).problems
    assert [str(p) for p in problems] == [
        f"{root}/exports/posts.parquet:2: unknown executive 'zed' (not in roster.csv)",
        f"{root}/exports/posts.parquet:3: reactions is negative: -2",
    ]


# --- the merge -----------------------------------------------------------------------------------------------


def merged_the_plain_way(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The contract's merge written the obvious way: every row in memory, sorted by export date, first value."""
    posts = pl.concat([schema.conform(f) for f in frames]).collect()
    others = [c for c in schema.POSTS if c not in ("platform", "post_id")]
    return (
        posts.with_row_index("__order")
        .sort(["snapshot", "__order"], descending=[True, False], nulls_last=True)
        .group_by(["platform", "post_id"], maintain_order=True)
        .agg([pl.col(c).drop_nulls().first() for c in others])
        .select(list(schema.POSTS))
    )


export_rows = st.lists(
    st.fixed_dictionaries(
        {
            "platform": st.sampled_from(["linkedin", "x"]),
            "post_id": st.sampled_from([str(i) for i in range(8)]),
            "executive_id": st.just("ana"),
            "posted_at": st.just(EXPORTED),
            "reactions": st.one_of(st.none(), st.integers(0, 100)),
            "text": st.one_of(st.none(), st.sampled_from(["a", "b"])),
            "snapshot": st.sampled_from([datetime(2021, m, 1, tzinfo=UTC) for m in (3, 5, 9)]),
        }
    ),
    max_size=12,
)


@given(st.lists(export_rows, min_size=1, max_size=4))
def test_merge_takes_each_field_from_the_newest_export_that_has_it(exports: list[list[dict]]) -> None:
    frames = [schema.conform(pl.DataFrame(rows, schema_overrides={"reactions": pl.Int64})).collect()
              if rows else schema.empty_posts() for rows in exports]  # fmt: skip
    found = merge_posts(frames)
    expected = merged_the_plain_way(frames)
    key = ["platform", "post_id"]
    assert_frame_equal(found.sort(key), expected.sort(key))


def test_workspace_scan_posts_and_count_agree_across_parquet_and_csv(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)])
    old = [post("1", "ana", "2021-10-03T10:00:00Z", reactions=10, snapshot="2021-10-10"),
           post("2", "bob", "2021-10-04T10:00:00Z", reactions=5, snapshot="2021-10-10")]  # fmt: skip
    write_csv(root / "exports" / "old.csv", POST_FIELDS, old)
    newer = frame([{"executive_id": "ana", "platform": "linkedin", "post_id": "1", "reactions": 50,
                    "posted_at": datetime(2021, 10, 3, 10, tzinfo=UTC)},
                   {"executive_id": "bob", "platform": "x", "post_id": "9", "reactions": 1,
                    "posted_at": datetime(2021, 9, 4, 10, tzinfo=UTC)}])  # fmt: skip
    newer.write_parquet(root / "exports" / "posts_2021-11-01.parquet")
    ws = load_workspace(root)
    assert ws is not None
    assert ws.post_count == ws.posts.height == 3
    assert_frame_equal(ws.scan.collect().sort("post_id"), ws.posts.sort("post_id"))
    assert ws.posts.filter(pl.col("post_id") == "1").get_column("reactions").to_list() == [50]
    lazy = score(
        with_influence(ws.scan, ws.settings.scoring), ws.roster, ws.companies, ws.settings.scoring, Period(2021, 10)
    )
    eager_ = score(
        with_influence(ws.posts, ws.settings.scoring), ws.roster, ws.companies, ws.settings.scoring, Period(2021, 10)
    )
    for scope in ("month", "ytd"):
        assert_frame_equal(lazy[scope].executives, eager_[scope].executives)
        assert lazy[scope].executives.filter(pl.col("executive_id") == "ana").get_column("reactions").item() == 50


def test_each_check_reports_its_first_twenty_rows_in_line_order(tmp_path: Path) -> None:
    good = {"executive_id": "ana", "platform": "x", "post_id": "1", "posted_at": EXPORTED, "kind": "post"}
    records = [{**good, "post_id": str(i), "reactions": -1} for i in range(30)]
    records += [{**good, "post_id": str(100 + i), "kind": "story"} for i in range(30)]
    data = frame(records)
    path = tmp_path / "many.parquet"
    data.write_parquet(path)
    _, expected = eager(data, path)
    assert [p.line for p in expected] == [*range(1, 21), *range(31, 51)]
    assert {p.message for p in expected} == {"reactions is negative: -1",
                                            "kind must be one of post, reply, quote, repost, not 'story'"}  # fmt: skip
    with pytest.raises(InputError) as found:
        load_file(path, str(path), CTX)
    assert found.value.problems == expected


def test_the_loading_pass_lists_each_exports_executives_without_keeping_a_parquet_file_read(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)])
    rows = [post("1", "ana", "2021-10-03T10:00:00Z", reactions=10, snapshot="2021-10-10"),
            post("2", "ana", "2021-10-04T10:00:00Z", kind="repost", snapshot="2021-10-10")]  # fmt: skip
    write_csv(root / "exports" / "old.csv", POST_FIELDS, rows)
    frame([{"executive_id": "bob", "platform": "x", "post_id": "9", "kind": "repost",
            "posted_at": datetime(2021, 9, 4, 10, tzinfo=UTC)},
           {"executive_id": "ana", "platform": "x", "post_id": "8", "kind": "post",
            "posted_at": datetime(2021, 9, 5, 10, tzinfo=UTC)}]).write_parquet(root / "exports" / "p_2021-11-01.parquet")  # fmt: skip
    ws = load_workspace(root)
    scanned = [e for e in ws.exports if isinstance(e, ScannedExport)]
    assert len(scanned) == 1 and scanned[0]._posts is None  # counted by a query: the file's texts were not kept
    for export, counted in zip(ws.exports, ws.accounting, strict=True):
        again = export.posts  # read the file again, the old way
        assert counted.executives == frozenset(again.get_column("executive_id").drop_nulls().unique().to_list())
        assert counted.reposts == again.filter(pl.col("kind") == "repost").height
        assert counted.posts + counted.reposts == again.height
    assert sorted(sorted(a.executives) for a in ws.accounting) == [["ana"], ["ana", "bob"]]


def test_validate_counts_the_merged_posts_without_holding_them(tmp_path: Path, monkeypatch) -> None:
    from ranking.load import inventory as inventory_module
    from ranking.load.workspace import Workspace

    people = [person("ann", "acme"), person("bob", "acme")]
    posts = [post("1", "ann", "2021-03-01T23:30:00Z"), post("2", "ann", "2021-10-02T08:00:00Z")]
    posts += [post("3", "bob", "2021-05-05T10:00:00Z", kind="repost")]
    ws = check_workspace(workspace(tmp_path / "ws", people, posts)).workspace
    held = inventory_module.found_by_executive(ws.posts, "Europe/Paris")
    del ws.__dict__["posts"]  # the cached frame: from here, asking for it fails

    def whole(_self: Workspace) -> pl.DataFrame:
        raise AssertionError("validate collected every post")

    monkeypatch.setattr(Workspace, "posts", property(whole))
    streamed = inventory_module.found_by_executive(ws.scan, "Europe/Paris")
    assert streamed == held
    # Paris time: 23:30 UTC on 1 March is 2 March there
    assert str(streamed["ann"]) == "2 posts, 2021-03-02 to 2021-10-02"
    assert (streamed["bob"].posts, streamed["bob"].reposts) == (0, 1)
    lines = inventory_module.inventory(ws)
    assert any(line.startswith("  ann (") and "2 posts, 2021-03-02 to 2021-10-02" in line for line in lines)


def test_validate_counts_a_parquet_export_without_reading_it_whole(tmp_path: Path) -> None:
    from ranking.load.inventory import inventory

    root = workspace(tmp_path / "ws", [person("ann", "acme")], [post("1", "ann", "2021-03-01T10:00:00Z")])
    at = datetime(2021, 10, 5, 9, tzinfo=UTC)
    pl.DataFrame(
        {"executive_id": ["ann", "ann"], "platform": ["x", "x"], "post_id": ["p1", "p2"], "posted_at": [at, at],
         "kind": ["post", "repost"], "reactions": [3, None], "text": ["a long text", ""]},
        schema_overrides={"posted_at": schema.UTC_INSTANT},
    ).write_parquet(root / "exports" / "feed_2021-10-31.parquet")  # fmt: skip
    ws = check_workspace(root).workspace
    (scanned,) = [e for e in ws.exports if isinstance(e, ScannedExport)]
    lines = inventory(ws)
    assert scanned._posts is None  # counted by a query over the file: its posts (and texts) never held
    assert (
        "  exports/feed_2021-10-31.parquet: canonical parquet, 1 post, 1 repost, 2021-10-05 to 2021-10-05, 1 executive"
        in lines
    )
