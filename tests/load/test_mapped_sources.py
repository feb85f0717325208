"""`[[sources]]` mappings reach what the built-in readers need: nested fields, epoch dates, local times with a
time zone, a repost marker, counts and booleans written as strings, posts of accounts not in the roster."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from ranking.cli import cli
from ranking.load.workspace import load_workspace
from tests.workspaces import person, workspace, write_csv

NESTED = """
[[sources]]
name = "next service"
pattern = "next_*.json"
platform = "linkedin"
timezone = "America/New_York"
repost_field = "header.text"
repost_pattern = "reposted this"
columns = { "link" = "url", "when.local" = "posted_at", "stats.total_reactions" = "reactions", "stats/comments" = "comments", "who.slug" = "handle" }
"""


def record(number: str, who: str, local: str, reactions: object, header: str | None = None) -> dict[str, object]:
    return {
        "link": f"https://www.linkedin.com/posts/{who}_x-ugcPost-{number}-Ab1c",
        "when": {"local": local},
        "stats": {"total_reactions": reactions, "comments": 2},
        "who": {"slug": who},
        "header": {"text": header},
    }


def test_a_mapping_reaches_nested_fields_local_times_a_repost_marker_and_skips_other_accounts(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True, linkedin="ana-lopez")], toml=NESTED)
    (root / "exports").mkdir()
    (root / "exports" / "next_1.json").write_text(json.dumps([
        record("7100000000000000001", "ana-lopez", "2021-10-05 08:00:00", "1,234"),
        record("7100000000000000002", "ana-lopez", "2021-10-06 08:00:00", 5, "Ana Lopez reposted this"),
        record("7100000000000000003", "someone-else", "2021-10-06 08:00:00", 5),
    ]), encoding="utf-8")  # fmt: skip
    ws = load_workspace(root)
    posts = ws.posts.sort("post_id")
    assert posts.select("post_id", "kind", "reactions", "comments").rows() == [
        ("7100000000000000001", "post", 1234, 2),
        ("7100000000000000002", "repost", None, None),
    ]
    # 08:00 in New York (EDT) is 12:00 UTC
    assert posts.item(0, "posted_at").isoformat() == "2021-10-05T12:00:00+00:00"
    [counted] = ws.accounting
    assert (counted.records, counted.posts, counted.reposts, counted.skipped) == (3, 1, 1, {"not in the roster": 1})


def test_a_mapping_reads_epoch_milliseconds_and_seconds_and_boolean_strings(tmp_path: Path) -> None:
    toml = """
[[sources]]
pattern = "tweets_*.csv"
platform = "x"
repost_field = "isRetweet"
columns = { tweetUrl = "url", created = "posted_at", "likes" = "reactions" }
"""
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True, x_handle="ana_x")], toml=toml)
    write_csv(root / "exports" / "ana" / "tweets_1.csv", ["tweetUrl", "created", "likes", "isRetweet"], [
        {"tweetUrl": "https://x.com/ana_x/status/11", "created": "1633420800000", "likes": "3", "isRetweet": "False"},
        {"tweetUrl": "https://x.com/ana_x/status/12", "created": "1633420800", "likes": "1", "isRetweet": "True"},
    ])  # fmt: skip
    ws = load_workspace(root)
    rows = ws.posts.sort("post_id").select("post_id", "kind", pl.col("posted_at").dt.to_string("%FT%T")).rows()
    assert rows == [("11", "post", "2021-10-05T08:00:00"), ("12", "repost", "2021-10-05T08:00:00")]


def test_validate_and_run_read_epoch_millisecond_dates(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)])
    write_csv(root / "exports" / "posts.csv", ["executive_id", "url", "posted_at", "reactions"], [
        {"executive_id": "ana", "url": "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000001/",
         "posted_at": "1633420800000", "reactions": "7"}])  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "ana (Ana): 1 post, 2021-10-05 to 2021-10-05" in result.output


def test_a_urn_in_a_mapped_id_column_is_reduced_to_its_number(tmp_path: Path) -> None:
    toml = """
[[sources]]
pattern = "ids_*.csv"
platform = "linkedin"
columns = { urn = "post_id", date = "posted_at", likes = "reactions" }
"""
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)], toml=toml)
    write_csv(root / "exports" / "ana" / "ids_1.csv", ["urn", "date", "likes"], [
        {"urn": "urn:li:activity:7100000000000000001", "date": "2021-10-05T08:00:00Z", "likes": "3"},
        {"urn": "https://www.linkedin.com/feed/update/urn%253Ali%253AugcPost%253A7100000000000000002", "date": "2021-10-05T08:00:00Z", "likes": "3"},
    ])  # fmt: skip
    ws = load_workspace(root)
    assert sorted(ws.posts.get_column("post_id")) == ["7100000000000000001", "7100000000000000002"]
