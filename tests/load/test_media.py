"""The post's format (`media`, ranking.schema.MEDIA): read from every format that states it, null otherwise."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ranking.errors import InputError
from ranking.load.formats import detect
from ranking.load.workspace import load_workspace
from ranking.schema import MEDIA
from tests.load.native_exports import context, tweet, tweets_js
from tests.workspaces import POST_FIELDS, person, workspace, write_csv


def _load(path: Path, executive: str | None = "ana") -> pl.DataFrame:
    export = detect(path, str(path)).load(path, str(path), context(executive))
    posts = export.posts
    return posts.collect() if isinstance(posts, pl.LazyFrame) else posts


def _row(pid: str, media: str) -> dict:
    return {"executive_id": "ana", "platform": "linkedin", "post_id": pid, "posted_at": "2021-10-04T10:00:00Z", "kind": "post",
            "reactions": 1, "media": media}  # fmt: skip


def test_canonical_csv_reads_media_in_any_case_and_empty_as_unknown(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exports" / "ana" / "p.csv", [*POST_FIELDS, "media"],
                     [_row("1", "Video"), _row("2", " image "), _row("3", ""), _row("4", "DOCUMENT")])  # fmt: skip
    posts = _load(path).sort("post_id")
    assert posts.get_column("media").to_list() == ["video", "image", None, "document"]


def test_canonical_without_media_leaves_it_null(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", POST_FIELDS, [_row("1", "video")])
    assert _load(path).get_column("media").to_list() == [None]


def test_an_unknown_format_is_an_error_naming_the_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [*POST_FIELDS, "media"], [_row("1", "video"), _row("2", "hologram")])
    with pytest.raises(InputError) as raised:
        _load(path)
    problem = raised.value.problems[0]
    assert problem.line == 3 and "media must be one of" in problem.message and "hologram" in problem.message


def test_canonical_parquet_and_jsonl_carry_media(tmp_path: Path) -> None:
    frame = pl.DataFrame([_row("1", "poll"), _row("2", "")])
    frame.write_parquet(tmp_path / "p.parquet")
    frame.write_ndjson(tmp_path / "p.jsonl")
    for name in ("p.parquet", "p.jsonl"):
        assert _load(tmp_path / name).sort("post_id").get_column("media").to_list() == ["poll", None], name


def test_x_archive_media_entities(tmp_path: Path) -> None:
    tweets = [tweet(str(i), text=f"tweet {i}") for i in range(1, 6)]
    tweets[0]["extended_entities"] = {"media": [{"type": "video"}]}
    tweets[1]["extended_entities"] = {"media": [{"type": "animated_gif"}]}
    tweets[2]["entities"]["media"] = [{"type": "photo"}]
    tweets[3]["entities"]["urls"] = [{"url": "https://t.co/x", "expanded_url": "https://news.example/a"}]
    path = tweets_js(tmp_path / "exports" / "ana" / "data" / "tweets.js", tweets)
    media = dict(_load(path).select("post_id", "media").iter_rows())
    assert media == {"1": "video", "2": "video", "3": "image", "4": "link", "5": "text"}


def test_real_samples_state_their_formats(formats_dir: Path) -> None:
    """Each reader of a real sample gives only the schema's values; the ones that state a format give it for every
    post, a repost keeping its original's (apimaestro: a reposted video), and an export that never says gives
    none."""
    samples = {
        "scrapers/apify_linkedin_profile_posts_apimaestro/dataset_linkedin-profile-posts_2025-12-06_11-28-56-790.json": True,
        "scrapers/apify_linkedin_profile_posts_harvestapi/dataset_linkedin-profile-posts_2026-06-08_10-29-48-888.json": True,
        "scrapers/apify_linkedin_post_supremecoder/dataset_linkedin-post_2026-02-16_17-09-37-178.csv": True,
        "scrapers/apify_tweet_scraper_apidojo/dataset_tweet-scraper_2025-11-21_21-51-32-246.json": True,
        "scrapers/brightdata_x_posts/twitter_date_range_posts.json": True,
        "x_archive/tweets.js": True,
        "x_analytics_content/account_analytics_content_2026-05-25_2026-08-22.csv": False,
    }  # fmt: skip
    found = {}
    for name, states in samples.items():
        posts = _load(formats_dir / name)
        values = set(posts.get_column("media").to_list())
        assert values - {None} <= set(MEDIA), name
        assert (None not in values) if states else (values == {None}), (name, values)
        found[name.split("/")[-2]] = posts
    apimaestro = found["apify_linkedin_profile_posts_apimaestro"]
    reposts = apimaestro.filter(pl.col("kind") == "repost").get_column("media").to_list()
    assert "video" in reposts and "document" in reposts
    supreme = found["apify_linkedin_post_supremecoder"].filter(pl.col("kind") != "repost")
    assert set(supreme.get_column("media").to_list()) <= {"text", "image", "document", "video", "article", "poll"}


def test_a_mapping_reads_a_tool_s_words_for_the_format(tmp_path: Path) -> None:
    toml = """
[[sources]]
pattern = "veille_*.csv"
platform = "linkedin"
columns = { lien = "url", date = "posted_at", jaime = "reactions", Type = "media" }
"""
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)], toml=toml)
    url = "https://www.linkedin.com/feed/update/urn:li:activity:710000000000000000{}/"
    words = ["Vidéo", "Carrousel", "Photo", "hologramme", ""]
    write_csv(root / "exports" / "ana" / "veille_1.csv", ["lien", "date", "jaime", "Type"], [
        {"lien": url.format(i), "date": "2021-10-05T08:00:00Z", "jaime": "1", "Type": w} for i, w in enumerate(words)
    ])  # fmt: skip
    posts = load_workspace(root).posts.sort("post_id")
    assert posts.get_column("media").to_list() == ["video", "document", "image", None, None]
