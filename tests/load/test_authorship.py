"""Authorship in a folder: a record whose author is known and is not the folder's executive is never that
executive's own post (their repost, in their feed; else skipped with its reason). A LinkedIn company page is an
account like a member: its `/company/<slug>/` URL matches records on top of exports/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from ranking.load.accounting import OTHER_AUTHOR
from ranking.load.base import LoadContext
from ranking.load.formats import load_file
from ranking.load.values import normalise_handle
from ranking.load.workspace import load_workspace
from ranking.settings import Source
from tests.load.test_scraper_fuzz import RECORDS, write_download
from tests.workspaces import person, workspace

PAGE = "https://www.linkedin.com/company/acme-page/"


def _page_post(number: int, author: dict[str, str], likes: int, day: int = 5) -> dict[str, Any]:
    """A harvestapi record of a company page's feed (fictional page `acme-page`)."""
    url = f"https://www.linkedin.com/posts/x_activity-71000000000000001{number:02d}-Ab"
    return {
        "type": "post", "id": f"71000000000000001{number:02d}", "linkedinUrl": url, "content": f"Texte {number}",
        "author": author, "postedAt": {"timestamp": 1633420800000 + (day - 5) * 86_400_000},
        "engagement": {"likes": likes, "comments": 1, "shares": 0},
        "query": {"targetUrl": PAGE},
    }  # fmt: skip


def _ctx(executive: str | None) -> LoadContext:
    roster = pl.DataFrame({"executive_id": ["acme", "ana"], "x_handle": [None, "@ana_x"], "linkedin": [PAGE, None]})
    return LoadContext(roster, "Europe/Paris", executive)


def test_a_company_page_feed_holds_its_posts_and_reposts_of_people_s_posts(tmp_path: Path) -> None:
    page = {"universalName": "acme-page", "name": "Acme"}
    records = [
        _page_post(1, page, 10),
        _page_post(2, {"publicIdentifier": "jane-doe", "name": "Jane Doe"}, 500, day=6),
        _page_post(3, page, 20),
    ]
    path = write_download(tmp_path / "feed.json", records)
    export = load_file(path, str(path), _ctx("acme"))
    posts = export.posts.sort("post_id")
    assert posts.get_column("kind").to_list() == ["post", "repost", "post"]
    repost = posts.row(1, named=True)
    assert repost["reposted_from"] == "jane-doe" and repost["post_id"] == "7100000000000000102"
    assert (repost["reactions"], repost["comments"], repost["shares"]) == (None, None, None)
    assert repost["posted_at"].day == 6  # dated as the record says
    assert posts.filter(pl.col("kind") == "post").get_column("reactions").sum() == 30


def test_replies_of_others_and_a_file_that_is_not_the_executive_s_feed_are_skipped(tmp_path: Path) -> None:
    mine = RECORDS["apify-tweet-scraper (apidojo)"]
    other = {**mine, "id": "1445000000000000009", "url": "https://x.com/zed_x/status/1445000000000000009",
             "author": {"userName": "zed_x"}, "isReply": "true"}  # fmt: skip
    feed = write_download(tmp_path / "feed.json", [mine, other])
    export = load_file(feed, str(feed), _ctx("ana"))
    assert export.posts.height == 1 and export.skipped == {OTHER_AUTHOR: 1}
    # a search saved in the folder: no tweet of the executive, so no repost of theirs either
    search = write_download(tmp_path / "search.json", [{**other, "isReply": "false"}])
    export = load_file(search, str(search), _ctx("ana"))
    assert export.posts.height == 0 and export.skipped == {OTHER_AUTHOR: 1}


def test_an_executive_without_a_handle_on_the_platform_keeps_every_record(tmp_path: Path) -> None:
    path = write_download(tmp_path / "feed.json", [_page_post(1, {"publicIdentifier": "jane-doe"}, 5)])
    export = load_file(path, str(path), _ctx("ana"))  # ana has no LinkedIn in the roster: nothing to compare
    assert export.posts.get_column("kind").to_list() == ["post"]


@pytest.mark.parametrize(
    "value",
    [
        PAGE,
        "https://linkedin.com/company/Acme-Page",
        "linkedin.com/company/acme-page/about/",
        "acme-page",
        "/company/acme-page",
    ],
)
def test_a_company_page_url_or_slug_is_reduced_as_a_profile_is(value: str) -> None:
    assert pl.select(normalise_handle(pl.lit(value))).item() == "acme-page"


def test_a_company_page_on_top_of_exports_is_matched_by_its_slug(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("acme", "acme", ceo=True, linkedin=PAGE)])
    (root / "exports").mkdir()
    page = {"universalName": "acme-page", "linkedinUrl": PAGE}
    write_download(root / "exports" / "pages.json", [_page_post(1, page, 10), _page_post(2, page, 20)])
    ws = load_workspace(root)
    [counted] = ws.accounting
    assert (counted.records, counted.posts, counted.skipped) == (2, 2, {})


def test_a_profile_url_with_accents_written_as_a_browser_does_matches_the_scraper_s_slug() -> None:
    url = pl.lit("https://www.linkedin.com/in/Jos%C3%A9-Garc%C3%ADa/")
    assert pl.select(normalise_handle(url)).item() == pl.select(normalise_handle(pl.lit("josé-garcía"))).item()


def test_a_mapped_file_in_a_folder_tells_the_executive_s_posts_from_others(tmp_path: Path) -> None:
    source = Source(pattern="veille_*.csv", columns={"Lien": "url", "Quand": "posted_at", "Aime": "reactions",
                                                      "Auteur": "handle"})  # fmt: skip
    rows = [("ana_x", 1, 5), ("zed_x", 2, 900), ("ana_x", 3, 7)]
    lines = ["Lien,Quand,Aime,Auteur"] + [
        f"https://x.com/{who}/status/{n},2021-10-0{n}T08:00:00Z,{likes},{who}" for who, n, likes in rows
    ]
    path = tmp_path / "veille_1.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = replace(_ctx("ana"), sources=(source,))
    export = load_file(path, str(path), ctx)
    assert export.posts.sort("post_id").get_column("kind").to_list() == ["post", "repost", "post"]
    repost = export.posts.filter(pl.col("kind") == "repost").row(0, named=True)
    assert repost["reposted_from"] == "zed_x" and repost["reactions"] is None
    path.write_text("\n".join(lines[:1] + lines[2:3]) + "\n", encoding="utf-8")  # zed_x's only: not her feed
    export = load_file(path, str(path), ctx)
    assert export.posts.height == 0 and export.skipped == {OTHER_AUTHOR: 1}
