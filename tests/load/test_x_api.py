"""Conformance of the X API shapes (v1.1, v2) on hand-made fictional timelines (tests/load/shapes.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranking.load.formats import SCRAPERS, detect, load_file
from tests.load.native_exports import context
from tests.load.shapes import ORIGINAL, OWN, V1_COUNTS, V2_COUNTS, X_API_KINDS, v1_tweets, v2_page
from tests.load.test_loader_fuzz import check, mutated


def _write(path: Path, content: Any, lines: bool = False) -> Path:
    if lines:
        path.write_text("".join(json.dumps(item) + "\n" for item in content), encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _check(path: Path, name: str, counts: dict[str, tuple[int | None, ...]], executive: str | None) -> None:
    assert detect(path, str(path)).name == name
    export = load_file(path, str(path), context(executive))
    posts = export.posts
    assert dict(posts.select("post_id", "kind").iter_rows()) == X_API_KINDS
    assert export.records == 4 and export.skipped == {}
    assert set(posts.get_column("executive_id")) == {"ana"}
    for number, expected in counts.items():
        row = posts.filter(pl.col("post_id") == number).row(0, named=True)
        assert (row["reactions"], row["comments"], row["shares"], row["impressions"]) == expected
    repost = posts.filter(pl.col("kind") == "repost").row(0, named=True)
    # the retweet: the original's id and author, dated when retweeted, none of the original's counts
    assert repost["reposted_from"] == "zed_x" and repost["posted_at"].day == 6
    assert (repost["reactions"], repost["shares"]) == (None, None)
    assert repost["url"] == f"https://x.com/zed_x/status/{ORIGINAL}"
    own = posts.filter(pl.col("post_id") == OWN).row(0, named=True)
    assert own["text"] == "Bonjour & merci"
    assert export.followers == {"ana": 1200}


@pytest.mark.parametrize("executive", [None, "ana"])
@pytest.mark.parametrize("lines", [False, True])
def test_v1_timeline(tmp_path: Path, lines: bool, executive: str | None) -> None:
    path = _write(tmp_path / ("tweets.jsonl" if lines else "tweets.json"), v1_tweets(), lines)
    _check(path, "x-api-v1.1", V1_COUNTS, executive)


def test_v1_search_page(tmp_path: Path) -> None:
    path = _write(tmp_path / "search.json", {"statuses": v1_tweets(), "search_metadata": {"count": 4}})
    _check(path, "x-api-v1.1", V1_COUNTS, None)


@pytest.mark.parametrize("executive", [None, "ana"])
def test_v2_page(tmp_path: Path, executive: str | None) -> None:
    _check(_write(tmp_path / "timeline.json", v2_page()), "x-api-v2", V2_COUNTS, executive)


def test_v2_pages_as_json_lines_and_tweets_flattened_by_twarc(tmp_path: Path) -> None:
    page = v2_page()
    first, second = dict(page), dict(page)
    first["data"], second["data"] = page["data"][:2], page["data"][2:]
    _check(_write(tmp_path / "pages.jsonl", [first, second], lines=True), "x-api-v2", V2_COUNTS, None)
    # twarc's flattened tweets: each with its author (and its references' authors) inline, one per line
    users = {u["id"]: u for u in page["includes"]["users"]}
    flat = []
    for tweet in page["data"]:
        references = [{**r, "author": users["902"]} for r in tweet.get("referenced_tweets", [])]
        flat.append(
            {**tweet, "author": users[tweet["author_id"]], **({"referenced_tweets": references} if references else {})}
        )
    _check(_write(tmp_path / "flat.jsonl", flat, lines=True), "x-api-v2", V2_COUNTS, None)


def test_v2_page_without_tweets_is_no_post_and_no_error(tmp_path: Path) -> None:
    # a month without a tweet: the page is read, and holds nothing
    empty = _write(tmp_path / "v2.json", {**v2_page(), "data": []})
    export = load_file(empty, str(empty), context(None))
    assert export.posts.height == 0 and export.records == 0


def test_an_id_past_2_53_is_never_read_through_a_float(tmp_path: Path) -> None:
    tweets = v1_tweets()[:1]
    assert "id_str" not in tweets[0] and float(int(OWN)) != int(OWN)
    export = load_file(_write(tmp_path / "t.json", tweets), "t.json", context(None))
    assert export.posts.item(0, "post_id") == OWN


@pytest.mark.parametrize("which", ["v1", "v2"])
def test_any_bytes_in_a_page_give_posts_or_an_error(tmp_path_factory: pytest.TempPathFactory, which: str) -> None:
    folder = tmp_path_factory.mktemp("pages")
    page = {"statuses": v1_tweets()} if which == "v1" else v2_page()
    fmt = next(f for f in SCRAPERS if f.name == ("x-api-v1.1" if which == "v1" else "x-api-v2"))
    sample = _write(folder / "sample.json", page).read_bytes()
    path = folder / "page.json"

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        path.write_bytes(data.draw(mutated(sample)))
        check(fmt.load, path, context(None))

    fuzz()


def test_v2_tweets_as_twarc_writes_them_in_csv(tmp_path: Path) -> None:
    page = v2_page()
    users = {u["id"]: u for u in page["includes"]["users"]}
    header = ["id", "created_at", "text", "author_id", "author.username", "author.public_metrics.followers_count",
              "public_metrics.like_count", "public_metrics.reply_count", "public_metrics.retweet_count",
              "public_metrics.impression_count", "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id",
              "referenced_tweets.replied_to.id", "in_reply_to_user_id"]  # fmt: skip
    rows = []
    for tweet in page["data"]:
        refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
        metrics, author = tweet["public_metrics"], users[tweet["author_id"]]
        rows.append([tweet["id"], tweet["created_at"], tweet["text"], tweet["author_id"], author["username"],
                     author["public_metrics"]["followers_count"], metrics["like_count"], metrics["reply_count"],
                     metrics["retweet_count"], metrics.get("impression_count", ""), refs.get("retweeted", ""),
                     refs.get("quoted", ""), refs.get("replied_to", ""), tweet.get("in_reply_to_user_id", "")])  # fmt: skip
    path = tmp_path / "tweets.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    assert detect(path, str(path)).name == "x-api-v2"
    export = load_file(path, str(path), context(None))
    assert dict(export.posts.select("post_id", "kind").iter_rows()) == X_API_KINDS
    counts = {
        n: tuple(r)
        for n, *r in export.posts.select("post_id", "reactions", "comments", "shares", "impressions").iter_rows()
    }
    assert {n: counts[n] for n in V2_COUNTS} == V2_COUNTS
    assert export.followers == {"ana": 1200}


def test_v1_media_entities_and_outside_links_give_the_format(tmp_path: Path) -> None:
    tweets = v1_tweets()
    own = tweets[0]  # its id only as a JSON number
    ids = [str(int(OWN) + k) for k in (1, 2, 3)]
    photo = {**own, "id_str": ids[0], "extended_entities": {"media": [{"type": "photo"}]}}
    linked = {**own, "id_str": ids[1], "entities": {"urls": [{"expanded_url": "https://example.org/report"}]}}
    quoted = {**own, "id_str": ids[2], "entities": {"urls": [{"expanded_url": "https://twitter.com/z/status/1"}]}}
    path = _write(tmp_path / "tweets.json", [own, photo, linked, quoted])
    media = dict(load_file(path, str(path), context("ana")).posts.select("post_id", "media").iter_rows())
    assert media == {OWN: "text", ids[0]: "image", ids[1]: "link", ids[2]: "text"}


def test_v2_media_joined_from_the_page_includes(tmp_path: Path) -> None:
    page = v2_page()
    own = next(t for t in page["data"] if t["id"] == OWN)
    own["attachments"] = {"media_keys": ["3_9"]}
    page["includes"]["media"] = [{"media_key": "3_9", "type": "video"}]
    path = _write(tmp_path / "timeline.json", page)
    media = dict(load_file(path, str(path), context("ana")).posts.select("post_id", "media").iter_rows())
    assert media[OWN] == "video"
    # the page says nothing of the others' attachments: their format stays unknown, never guessed as text
    assert {m for p, m in media.items() if p != OWN} <= {None, "text"}
