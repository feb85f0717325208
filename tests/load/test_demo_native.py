"""The demo workspace delivers some executives in the platforms' native formats: all of them load together."""

from __future__ import annotations

import polars as pl

from ranking.load.workspace import load_workspace
from tests.workspaces import DEMO


def test_the_demo_holds_every_native_format_and_loads_clean() -> None:
    ws = load_workspace(DEMO)
    formats = {e.format.split(" (")[0] for e in ws.exports}
    assert {
        "X archive tweets",
        "X analytics",
        "LinkedIn creator analytics",
        "LinkedIn member export",
        "mapped",
    } <= formats
    assert {e.format for e in ws.exports if e.format.startswith("mapped")} == {
        "mapped (LinkedIn activity extractor)",
        "mapped (veille X)",
    }
    folders = [e for e in ws.exports if e.executive_id is not None]
    native = [e for e in folders if not e.format.startswith("apify-")]
    assert len({e.executive_id for e in native}) == 5
    # and a team delivered as Apify results (fixtures/demo_scraped.py): the CFO's repost of the CEO's post and
    # the CEO's repost of her own are theirs, the search's accounts outside the roster skipped and counted
    scraped = {e.executive_id: e for e in folders if e.format.startswith("apify-")}
    assert set(scraped) == {"maelle-corbineau", "anselme-queru"}
    vireo = ws.posts.filter(pl.col("executive_id").is_in(["maelle-corbineau", "anselme-queru", "soizic-le-bihan"]))
    assert vireo.group_by("executive_id", "kind").len().sort("executive_id", "kind").rows() == [
        ("anselme-queru", "post", 4), ("anselme-queru", "repost", 1), ("maelle-corbineau", "post", 10),
        ("maelle-corbineau", "repost", 1), ("soizic-le-bihan", "post", 3)]  # fmt: skip
    search = next(a for a in ws.accounting if "tweet-scraper" in a.file)
    assert (search.records, search.posts, search.skipped) == (6, 3, {"not in the roster": 3})
    # the creator workbook's follower total stands in for the roster's empty count
    (creator,) = [e for e in native if e.format == "LinkedIn creator analytics"]
    assert creator.executive_id is not None and creator.flags == ["total only"]
    followers = ws.roster.filter(pl.col("executive_id") == creator.executive_id).get_column("linkedin_followers")
    assert followers.to_list() == [creator.followers[creator.executive_id]]
    # every post is one post, and the Shares.csv posts got their counts from the scraper's newer export
    # (a repost is keyed by its reposter too: the CFO's repost of the CEO's post is not her post)
    reposter = pl.when(pl.col("kind") == "repost").then(pl.col("executive_id"))
    assert ws.posts.select(pl.struct("platform", "post_id", reposter).is_unique().all()).item()
    (shares,) = [e for e in native if e.flags == ["no counts"]]
    ids = shares.posts.filter(pl.col("kind") == "post").get_column("post_id")
    counted = ws.posts.filter(pl.col("post_id").is_in(ids.implode()) & pl.col("reactions").is_not_null())
    assert 0 < counted.height < ids.len()
