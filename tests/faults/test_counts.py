"""Issue 14: every count is a whole number in [0, 2^53) or one error line naming the file, the row and the field;
sums that could overflow are checked; a JSON object naming a key twice is an error."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ranking.load.tabular import LINE
from ranking.load.values import MAX_COUNT, check_problems, count_value
from tests.faults.common import one_error, run_args, small_workspace
from tests.workspaces import POST_FIELDS, ROSTER_FIELDS, person, post, write_csv

BAD_COUNTS = {
    "10^30": ("1e30", "reactions is too large: 1e30"),
    "10^30 in digits": ("1" + "0" * 30, "reactions is too large: 1" + "0" * 30),
    "NaN": ("NaN", "reactions is not a number: 'NaN'"),
    "inf": ("inf", "reactions is not a finite number: 'inf'"),
    "UInt64 max": (str(2**64 - 1), f"reactions is too large: {2**64 - 1}"),
    "2^53 + 1 (would lose precision)": (str(2**53 + 1), f"reactions is too large: {2**53 + 1}"),
    "negative": ("-3", "reactions is negative: -3"),
    "a fraction": ("2.5", "reactions is not a whole number: 2.5"),
}


@pytest.mark.parametrize("case", list(BAD_COUNTS))
def test_a_bad_count_in_a_csv_is_one_error_naming_file_row_and_field(tmp_path: Path, case: str) -> None:
    value, message = BAD_COUNTS[case]
    root = small_workspace(tmp_path / "ws")
    rows = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=1), post("2", "bob", "2021-10-06T10:00:00Z", value)]
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, rows)
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line.startswith(f"Error: {root}/exports/posts.csv:3: {message}"), line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("literal", "message"),
    [("1e30", "too large: 1e+30"), ("NaN", "not a number: 'nan'"), ("Infinity", "not a finite number: 'inf'")],
)
def test_a_bad_count_in_json_is_an_error(tmp_path: Path, literal: str, message: str) -> None:
    root = small_workspace(tmp_path / "ws")
    record = '{"executive_id": "ana", "platform": "x", "post_id": "9", "posted_at": "2021-10-05T10:00:00Z", '
    (root / "exports" / "x.json").write_text(f'[{record}"reactions": {literal}}}]')
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line.startswith(f"Error: {root}/exports/x.json:1: reactions is {message}"), line


def test_uint64_max_in_parquet_is_an_error(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    pl.DataFrame(
        {
            "executive_id": ["ana", "bob"],
            "platform": ["x", "x"],
            "post_id": ["8", "9"],
            "posted_at": ["2021-10-05T10:00:00Z", "2021-10-06T10:00:00Z"],
            "reactions": pl.Series([1, 2**64 - 1], dtype=pl.UInt64),
        }
    ).write_parquet(root / "exports" / "more.parquet")
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line.startswith(f"Error: {root}/exports/more.parquet:2: reactions is too large: {2**64 - 1}"), line


def test_a_follower_count_of_the_roster_is_checked_the_same_way(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    people = [person("ana", "acme", ceo=True, linkedin_followers="1e30"), person("bob", "beta", ceo=True)]
    write_csv(root / "roster.csv", ROSTER_FIELDS, people)
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line.startswith(f"Error: {root}/roster.csv:2: linkedin_followers is too large: 1e30"), line


def test_sums_that_would_overflow_are_an_error_not_a_wrapped_score(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    big = str(MAX_COUNT - 1)  # each count is fine, their sum is not
    rows = [post(str(i), "ana", "2021-10-05T10:00:00Z", reactions=big, shares=big) for i in range(1, 5)]
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, rows)
    line = one_error(*run_args(root, tmp_path / "out"))
    assert "add up to" in line and "2^53" in line, line


def test_a_json_object_with_a_key_twice_is_an_error(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    (root / "exports" / "x.jsonl").write_text(
        '{"executive_id": "ana", "platform": "x", "post_id": "9", "posted_at": "2021-10-05T10:00:00Z", '
        '"reactions": 5, "reactions": 500}\n'
    )
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line == f"Error: {root}/exports/x.jsonl:1: not valid JSON (key 'reactions' appears twice in one object)"


@given(st.integers(min_value=0, max_value=MAX_COUNT - 1))
def test_every_whole_count_below_2_53_is_read_exactly(n: int) -> None:
    for text in (str(n), f" {n} "):
        frame = pl.DataFrame({"c": [text], LINE: [1]})
        value, checks = count_value(pl.col("c"), pl.String, "c")
        assert frame.select(value).item() == n and check_problems(frame, checks, "f") == []


@given(
    st.one_of(
        st.integers(min_value=MAX_COUNT, max_value=2**70).map(str),
        st.integers(max_value=-1).map(str),
        st.floats(allow_nan=True, allow_infinity=True)
        .filter(lambda f: not (0 <= f < MAX_COUNT and f.is_integer()))
        .map(repr),
    )
)
def test_every_other_number_is_a_problem_never_a_value(text: str) -> None:
    frame = pl.DataFrame({"c": [text], LINE: [1]})
    value, checks = count_value(pl.col("c"), pl.String, "c")
    assert frame.select(value).item() is None
    assert len(check_problems(frame, checks, "f")) >= 1


def test_json_nested_10000_deep_is_one_error(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    deep = "[" * 10_000 + "]" * 10_000
    (root / "exports" / "deep.json").write_text('[{"posted_at": "2021-10-05", "x": ' + deep + "}]")
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line == f"Error: {root}/exports/deep.json: not valid JSON (nested too deep)", line
