"""Scraper and listening exports mapped onto the contract: `[[sources]]` settings and the ready mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.errors import InputError
from ranking.load.formats import detect, load_file
from ranking.load.workspace import load_workspace
from ranking.settings import Source, load_settings
from tests.load.native_exports import activity_url, context, write_rows
from tests.workspaces import person, workspace

LISTENING = """
[[sources]]
name = "veille"
pattern = "*/listening/*.csv"
platform = "x"
date_format = "%d/%m/%Y %H:%M"
columns = { Lien = "url", Quand = "posted_at", "J'aime" = "reactions", "Réponses" = "comments", Type = "kind" }
kinds = { Publication = "post", "Réponse" = "reply", Partage = "repost", Mention = "ignore" }
"""
ACTIVITY = ["postUrl", "postContent", "postDate", "likeCount", "commentCount", "repostCount", "action", "profileUrl"]


def team(tmp_path: Path, toml: str | None = None) -> Path:
    people = [
        person("ana", "acme", ceo=True, x_handle="@ana_x", linkedin="https://www.linkedin.com/in/ana-lopez/"),
        person("bob", "acme", linkedin="bob-martin"),
    ]
    root = workspace(tmp_path / "ws", people, toml=toml)
    (root / "exports").mkdir()
    return root


def test_a_listening_export_mapped_by_settings(tmp_path: Path) -> None:
    root = team(tmp_path, LISTENING)
    write_rows(
        root / "exports" / "ana" / "listening" / "octobre.csv",
        ["Lien", "Quand", "J'aime", "Réponses", "Type", "Sentiment"],
        [
            ["https://x.com/ana_x/status/11", "05/10/2021 08:30", "12", "1", "Publication", "positif"],
            ["https://x.com/ana_x/status/12", "06/10/2021 09:00", "3", "0", "réponse", "neutre"],
            ["https://x.com/ana_x/status/13", "07/10/2021 10:00", "99", "9", "Partage", "neutre"],
            ["https://x.com/zed/status/14", "08/10/2021 10:00", "5", "0", "Mention", "neutre"],
            ["https://x.com/ana_x/status/15", "09/10/2021 10:00", "5", "0", "Sondage", "neutre"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    ws = load_workspace(root)
    (export,) = ws.exports
    assert export.format == "mapped (veille)"
    assert export.notes == [
        "1 row with 'Mention' left out (not a post of the profile's)",
        "1 row with 'Sondage' left out (a value the mapping does not know)",
    ]
    posts = {r["post_id"]: r for r in ws.posts.iter_rows(named=True)}
    assert sorted(posts) == ["11", "12", "13"]
    assert posts["11"]["posted_at"] == datetime(2021, 10, 5, 8, 30, tzinfo=UTC)
    assert (posts["11"]["platform"], posts["11"]["kind"], posts["11"]["reactions"]) == ("x", "post", 12)
    assert posts["12"]["kind"] == "reply"
    assert (posts["13"]["kind"], posts["13"]["reactions"]) == ("repost", None)  # the original's counts


def test_a_date_that_does_not_fit_the_layout_is_quoted(tmp_path: Path) -> None:
    root = team(tmp_path, LISTENING)
    write_rows(
        root / "exports" / "ana" / "listening" / "x.csv",
        ["Lien", "Quand", "J'aime", "Réponses", "Type"],
        [["https://x.com/ana_x/status/11", "2021-10-05", "1", "0", "Publication"]],
    )
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {root}/exports/ana/listening/x.csv:2: posted_at does not fit the date_format '%d/%m/%Y %H:%M': "
        "'2021-10-05'\n"
    )


def test_a_mapped_column_missing_from_the_file_is_named(tmp_path: Path) -> None:
    root = team(tmp_path, LISTENING)
    write_rows(root / "exports" / "ana" / "listening" / "x.csv", ["Lien", "Quand"], [["u", "05/10/2021 08:30"]])
    with pytest.raises(InputError) as caught:
        load_workspace(root)
    assert str(caught.value) == (
        f"{root}/exports/ana/listening/x.csv:1: missing column 'J'aime' of the mapping 'veille' (the file has: Lien, Quand)"
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[[sources]]\npattern = 'a*.csv'\ncolumns = { likeCount = 'likes' }\n", "sources[0].columns.likeCount: 'likes' is not a field"),
        ("[[sources]]\npattern = 'a*.csv'\ncolumns = { a = 'url' }\nsheet = 1\n", "unknown setting 'sources[0].sheet'"),
        ("[[sources]]\ncolumns = { a = 'url' }\n", "missing setting 'sources[0].pattern'"),
        ("[[sources]]\npattern = 'x'\ncolumns = { a = 'url' }\nkinds = { Liked = 'like' }\n", "sources[0].kinds.Liked: 'like' must be one of"),
        ("[[sources]]\npattern = 'x'\ncolumns = { a = 'url' }\nplatform = 'mastodon'\n", "sources[0].platform must be linkedin or x"),
    ],
)  # fmt: skip
def test_bad_source_settings_are_named(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "ranking.toml").write_text(toml)
    with pytest.raises(InputError, match=rf"ranking.toml: {message}".replace("[", r"\[").replace("]", r"\]")):
        load_settings(tmp_path / "ranking.toml")


def test_settings_name_a_file_whatever_else_it_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "veille_1.csv"
    path.write_text("posted_at,url\n2021-10-01,https://x.com/a/status/1\n")
    assert detect(path, str(path)).name == "canonical"
    mapping = Source(pattern="VEILLE_*.csv", columns={"url": "url", "posted_at": "posted_at"})
    assert detect(path, str(path), (mapping,)).name == "mapped"


def test_the_ready_linkedin_activity_mapping(tmp_path: Path) -> None:
    root = team(tmp_path)
    write_rows(
        root / "exports" / "phantom_activity.csv",
        ACTIVITY,
        [
            [activity_url("7100000000000000001"), "Notre usine", "2021-10-05T08:00:00.000Z", "120", "8", "4", "Post",
             "https://www.linkedin.com/in/ana-lopez/"],
            [activity_url("7100000000000000002"), "", "2021-10-06T08:00:00.000Z", "900", "80", "40", "Repost",
             "https://www.linkedin.com/in/ana-lopez"],
            [activity_url("7100000000000000003"), "Autre", "2021-10-07T08:00:00.000Z", "300", "10", "1", "Liked",
             "https://www.linkedin.com/in/ana-lopez/"],
            [activity_url("7100000000000000004"), "Bob", "2021-10-08T08:00:00.000Z", "7", "0", "0", "post",
             "bob-martin"],
        ],
    )  # fmt: skip
    ws = load_workspace(root)
    (export,) = ws.exports
    assert export.format == "mapped (LinkedIn activity extractor)" and export.platform == "linkedin"
    assert export.notes == ["1 row with 'Liked' left out (not a post of the profile's)"]
    rows = ws.posts.sort("post_id").select("post_id", "executive_id", "kind", "reactions", "comments", "shares").rows()
    assert rows == [
        ("7100000000000000001", "ana", "post", 120, 8, 4),
        ("7100000000000000002", "ana", "repost", None, None, None),
        ("7100000000000000004", "bob", "post", 7, 0, 0),
    ]


@pytest.mark.parametrize("suffix", [".json", ".parquet"])
def test_mapped_json_and_parquet(tmp_path: Path, suffix: str) -> None:
    frame = pl.DataFrame(
        {"lien": ["https://x.com/bob_x/status/77"], "date": ["2021-10-05T08:00:00Z"], "likes": [5], "who": ["@bob_x"]}
    )
    path = tmp_path / f"tool{suffix}"
    frame.write_json(path) if suffix == ".json" else frame.write_parquet(path)
    mapping = Source(
        pattern="tool.*", columns={"lien": "url", "date": "posted_at", "likes": "reactions", "who": "handle"}
    )
    export = load_file(path, str(path), context(None, (mapping,)))
    assert export.posts.select("platform", "post_id", "executive_id", "reactions").row(0) == ("x", "77", "bob", 5)
