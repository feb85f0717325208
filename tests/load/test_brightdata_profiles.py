"""Conformance of Bright Data's profile datasets (posts nested in each profile) on hand-made fictional records
(tests/load/shapes.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranking.errors import InputError
from ranking.load.accounting import ERROR_RECORDS, OFF_ROSTER
from ranking.load.formats import SCRAPERS, detect, load_file
from tests.load.native_exports import context
from tests.load.shapes import OWN, QUOTE, RETWEETED, brightdata_linkedin_profiles, brightdata_x_profiles
from tests.load.test_loader_fuzz import check, mutated


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_x_profiles_each_nested_post_read_the_profile_giving_author_and_followers(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path / f"profiles{suffix}", brightdata_x_profiles())
    assert detect(path, str(path)).name == "brightdata-x-profiles"
    export = load_file(path, str(path), context(None))
    assert export.records == 5 and export.skipped == {OFF_ROSTER: 1, ERROR_RECORDS: 1}
    posts = export.posts
    assert set(posts.get_column("executive_id")) == {"ana"}
    assert dict(posts.select("post_id", "kind").iter_rows()) == {OWN: "post", QUOTE: "post", RETWEETED: "repost"}
    own = posts.filter(pl.col("post_id") == OWN).row(0, named=True)
    assert (own["reactions"], own["comments"], own["shares"], own["impressions"]) == (10, 1, 2, 1000)
    repost = posts.filter(pl.col("kind") == "repost").row(0, named=True)
    assert repost["reposted_from"] == "zed_x" and repost["reactions"] is None
    assert export.followers == {"ana": 1200}


def test_linkedin_company_page_and_person_profile(tmp_path: Path) -> None:
    path = _write(tmp_path / "linkedin.json", brightdata_linkedin_profiles())
    assert detect(path, str(path)).name == "brightdata-linkedin-profiles"
    ctx = context(None)
    roster = pl.DataFrame({"executive_id": ["ana", "acme"], "x_handle": ["@ana_x", None],
                           "linkedin": ["https://www.linkedin.com/in/ana-lopez/", "https://www.linkedin.com/company/acme-page/"]})  # fmt: skip
    export = load_file(path, str(path), replace(ctx, roster=roster))
    assert export.records == 3 and export.skipped == {}
    posts = export.posts.sort("post_id")
    assert posts.get_column("executive_id").to_list() == ["acme", "acme", "ana"]
    assert posts.get_column("reactions").to_list() == [30, 12, None]  # a person's posts carry no counts
    assert posts.get_column("shares").null_count() == 3  # no share count on LinkedIn: unknown, never 0
    assert "7100000000000000999" not in posts.get_column("post_id").to_list()
    assert export.followers == {"acme": 5000, "ana": 800}


def test_a_profile_dataset_in_another_executive_s_folder_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "profiles.json", brightdata_x_profiles()[1:2])  # zed_x's only
    export = load_file(path, str(path), context("ana"))
    assert export.posts.height == 0 and sum(export.skipped.values()) == 1


def test_a_csv_download_of_a_profile_dataset_is_not_taken_for_it(tmp_path: Path) -> None:
    # a CSV flattens the nested posts (the first few only): never read as if it held them all
    path = tmp_path / "profiles.csv"
    path.write_text("x_id,id,followers,posts/0/post_id,posts/0/date_posted\n901,ana_x,1200,1,2021-10-05\n")
    with pytest.raises(InputError, match="unknown export format"):
        detect(path, str(path))


@pytest.mark.parametrize("name", ["brightdata-x-profiles", "brightdata-linkedin-profiles"])
def test_any_bytes_give_posts_or_an_error_naming_the_file(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    folder = tmp_path_factory.mktemp("profiles")
    fmt = next(f for f in SCRAPERS if f.name == name)
    records = brightdata_x_profiles() if "x-" in name else brightdata_linkedin_profiles()
    sample = _write(folder / "sample.json", records).read_bytes()
    path = folder / "dataset.json"

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        path.write_bytes(data.draw(mutated(sample)))
        check(fmt.load, path, context(None))
        check(fmt.load, path, context("ana"))

    fuzz()
