"""Reposts never take a post from its author, LinkedIn numbers link across exports, and overlapping downloads of
one actor keep the newest counts: hand-made scraper results of fictional accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from click.testing import CliRunner

from ranking.cli import cli
from ranking.load.workspace import load_workspace
from ranking.period import Period
from ranking.score.ranks import score, with_influence
from tests.load.native_exports import SHARES_HEADER, write_rows
from tests.workspaces import person, workspace

CEO_POST = "7390000000000000001"
CEO_SECOND = "7390000000000000002"
CFO_POST = "7390000000000000003"


def ms(day: str) -> int:
    return int(pl.Series([day]).str.to_datetime(time_zone="UTC").dt.epoch("ms")[0])


def harvest(post: str, author: str, day: str, likes: int, comments: int, shares: int, share_urn: str = "",
            reposter: str = "", reposted_on: str = "", own_id: str = "") -> dict[str, Any]:  # fmt: skip
    """A record of harvestapi/linkedin-profile-posts: on a repost, the original's URL and author, and when and by
    whom it was reposted (the record's own id is the repost's activity)."""
    record: dict[str, Any] = {
        "type": "post",
        "id": own_id or post,
        "entityId": own_id or post,
        "linkedinUrl": f"https://www.linkedin.com/posts/{author}_texte-activity-{post}-AbCd",
        "content": f"Texte de {author}",
        "author": {"publicIdentifier": author, "name": author.title()},
        "postedAt": {"timestamp": ms(day), "date": day},
        "header": {"text": None},
        "shareUrn": f"urn:li:share:{share_urn}" if share_urn else None,
        "engagement": {"likes": likes, "comments": comments, "shares": shares},
    }
    if reposter:
        record["header"] = {"text": f"{reposter.title()} reposted this"}
        record["repostedBy"] = {"publicIdentifier": reposter}
        record["repostedAt"] = {"timestamp": ms(reposted_on), "date": reposted_on}
    return record


def write_json(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def team(tmp_path: Path) -> Path:
    people = [
        person("paul", "acme", ceo=True, linkedin="https://www.linkedin.com/in/paul-ceo/"),
        person("clara", "acme", linkedin="clara-cfo"),
    ]
    return workspace(tmp_path / "ws", people)


def test_a_repost_is_the_reposter_s_and_never_takes_the_post_from_its_author(tmp_path: Path) -> None:
    root = team(tmp_path)
    # the CEO's download: his two posts, and his own repost of the first, a week later
    write_json(root / "exports" / "paul" / "dataset_linkedin-profile-posts_2026-03-31_08-00-00-000.json", [
        harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 100, 10, 5),
        harvest(CEO_SECOND, "paul-ceo", "2026-03-05T09:00:00Z", 20, 2, 1),
        harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 100, 10, 5, reposter="paul-ceo",
                reposted_on="2026-03-09T09:00:00Z", own_id="7392000000000000009"),
    ])  # fmt: skip
    # the CFO's download: her own post, and her repost of the CEO's first post (under its URL)
    write_json(root / "exports" / "clara" / "dataset_linkedin-profile-posts_2026-03-31_09-00-00-000.json", [
        harvest(CFO_POST, "clara-cfo", "2026-03-03T09:00:00Z", 7, 1, 0),
        harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 140, 12, 6, reposter="clara-cfo",
                reposted_on="2026-03-04T09:00:00Z", own_id="7391000000000000008"),
    ])  # fmt: skip
    ws = load_workspace(root)
    posts = ws.posts.sort("executive_id", "kind", "post_id")
    assert posts.select("executive_id", "kind", "post_id").rows() == [
        ("clara", "post", CFO_POST),
        ("clara", "repost", CEO_POST),
        ("paul", "post", CEO_POST),
        ("paul", "post", CEO_SECOND),
        ("paul", "repost", CEO_POST),
    ]
    # dated when reposted; the original keeps its author's counts (a repost's are not the reposter's)
    reposts = posts.filter(pl.col("kind") == "repost")
    assert [str(d.date()) for d in reposts.get_column("posted_at")] == ["2026-03-04", "2026-03-09"]
    assert reposts.get_column("reactions").to_list() == [None, None]
    assert reposts.get_column("reposted_from").to_list() == ["paul-ceo", "paul-ceo"]
    scores = score(
        with_influence(ws.posts, ws.settings.scoring),
        ws.roster,
        ws.companies,
        ws.settings.scoring,
        Period.parse("2026-03"),
    )
    rows = {r["executive_id"]: r for r in scores["month"].executives.iter_rows(named=True)}
    # influence = reactions + 2 comments + 3 shares over own posts; a repost adds 0 and counts as a repost
    assert [rows["paul"][c] for c in ("posts", "reposts", "reactions", "comments", "shares", "influence_score")] == [
        2, 1, 120, 12, 6, 120 + 2 * 12 + 3 * 6]  # fmt: skip
    assert [rows["clara"][c] for c in ("posts", "reposts", "reactions", "comments", "shares", "influence_score")] == [
        1, 1, 7, 1, 0, 9]  # fmt: skip
    assert [(a.records, a.posts, a.reposts, a.merged) for a in ws.accounting] == [(2, 1, 1, 0), (3, 2, 1, 0)]


def test_a_post_known_under_two_numbers_is_one_post(tmp_path: Path) -> None:
    root = team(tmp_path)
    share = "7389999999999999999"
    write_json(root / "exports" / "paul" / "dataset_linkedin-profile-posts_2026-03-31_08-00-00-000.json",
               [harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 100, 10, 5, share_urn=share)])  # fmt: skip
    # the member export names the same post by its share URN only
    write_rows(root / "exports" / "paul" / "Shares.csv", SHARES_HEADER,
               [["2026-03-02 09:00:00", f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{share}", "Texte",
                 "", "", "PUBLIC"]])  # fmt: skip
    ws = load_workspace(root)
    assert ws.posts.select("post_id", "reactions").rows() == [(CEO_POST, 100)]
    assert sorted(a.merged for a in ws.accounting) == [1, 1]


def test_two_downloads_of_one_actor_keep_the_newest_counts_by_the_run_time_in_their_names(tmp_path: Path) -> None:
    root = team(tmp_path)
    folder = root / "exports" / "paul"
    # same day, the later run second in name order but not in mtime
    write_json(folder / "dataset_linkedin-profile-posts_2026-03-31_18-00-00-000.json",
               [harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 150, 10, 5)])  # fmt: skip
    write_json(folder / "dataset_linkedin-profile-posts_2026-03-31_08-00-00-000.json",
               [harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 100, 10, 5)])  # fmt: skip
    ws = load_workspace(root)
    assert ws.posts.select("reactions").rows() == [(150,)]


def test_validate_accounts_for_every_record(tmp_path: Path) -> None:
    root = team(tmp_path)
    write_json(root / "exports" / "feed.json", [
        harvest(CEO_POST, "paul-ceo", "2026-03-02T09:00:00Z", 100, 10, 5),
        harvest(CFO_POST, "someone-else", "2026-03-03T09:00:00Z", 7, 1, 0),
        harvest(CEO_SECOND, "another-one", "2026-03-03T09:00:00Z", 7, 1, 0),
    ])  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "    3 records = 1 post + 2 skipped: not in the roster" in result.output.splitlines()
    assert f"Warning: {root}/exports/feed.json: 2 records skipped: not in the roster" in result.output
