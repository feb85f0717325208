"""One executive, an X archive and an analytics CSV that overlap: each count from the most recent export giving it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from tests.load.native_exports import age, classic_csv, classic_row, tweet, tweets_js
from tests.workspaces import person, workspace

#: Archive (no reply count) and analytics of October (snapshot 2021-11-01 from the file name) of @ana_x:
#: 1001 stands in both; 1002 and the retweet 1003 only in the archive; 1004 is September's; 1005 only in the CSV.
ARCHIVE = [
    tweet("1001", "Tue Oct 05 08:00:00 +0000 2021", likes="5", retweets="1"),
    tweet("1002", "Sun Oct 10 08:00:00 +0000 2021", likes="4", retweets="0"),
    tweet("1003", "Tue Oct 12 08:00:00 +0000 2021", text="RT @acme: Bravo", likes="50", retweets="20"),
    tweet("1004", "Tue Sep 28 08:00:00 +0000 2021", likes="10", retweets="1"),
]
ANALYTICS = [
    classic_row("1001", "2021-10-05 08:00 +0000", "Hello", likes=8, retweets=2, replies=3),
    classic_row("1005", "2021-10-25 08:00 +0000", "Later", likes=1, retweets=0, replies=0),
]


def run(tmp_path: Path, archive_date: datetime) -> dict[str, list[str]]:
    people = [person("ana", "acme", ceo=True, x_handle="@ana_x"), person("bob", "acme")]
    root = workspace(tmp_path / "ws", people)
    age(tweets_js(root / "exports" / "ana" / "tweets.js", ARCHIVE), archive_date)
    classic_csv(root / "exports" / "ana" / "tweet_activity_metrics_ana_x_20211001_20211101_en.csv", ANALYTICS)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    lines = (out / "2021-10" / "executives.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    wanted = ["posts", "reposts", "reactions", "comments", "shares", "influence_score"]
    return {
        r[0]: [r[header.index(w)] for w in wanted]
        for r in (line.split(",") for line in lines[1:])
        if r[header.index("executive_id")] == "ana"
    }


@pytest.mark.parametrize(
    ("archive_date", "month", "ytd"),
    [
        # The archive is older: 1001 takes likes 8 and retweets 2 from the CSV, and its 3 replies (the archive
        # has none). Month: 8+4+1 likes, 3 replies, 2 retweets -> 13 + 2×3 + 3×2 = 25; the retweet adds 0.
        # Year to date adds 1004 (10 likes, 1 retweet: 13).
        (datetime(2021, 10, 20, tzinfo=UTC), ["3", "1", "13", "3", "2", "25"], ["4", "1", "23", "3", "3", "38"]),
        # The archive is newer: its likes 5 and retweet 1 win for 1001; the replies still come from the CSV,
        # the only export that gives them. Month: 5+4+1 = 10, 3 replies, 1 retweet -> 10 + 6 + 3 = 19.
        (datetime(2021, 11, 15, tzinfo=UTC), ["3", "1", "10", "3", "1", "19"], ["4", "1", "20", "3", "2", "32"]),
    ],
)
def test_each_count_comes_from_the_most_recent_export_that_gives_it(
    tmp_path: Path, archive_date: datetime, month: list[str], ytd: list[str]
) -> None:
    assert run(tmp_path, archive_date) == {"month": month, "ytd": ytd}


def test_the_archive_manifest_dates_the_archive_whatever_its_file_time(tmp_path: Path) -> None:
    # A fresh copy of the archive (file time: now) with a manifest saying it was generated on 20 October:
    # the October analytics (2021-11-01) are newer and win, as in the first case above.
    people = [person("ana", "acme", ceo=True, x_handle="@ana_x"), person("bob", "acme")]
    root = workspace(tmp_path / "ws", people)
    tweets_js(root / "exports" / "ana" / "tweets.js", ARCHIVE)
    (root / "exports" / "ana" / "manifest.js").write_text(
        'window.__THAR_CONFIG = {\n  "archiveInfo" : {\n    "generationDate" : "2021-10-20T09:00:00.000Z"\n  }\n}'
    )
    classic_csv(root / "exports" / "ana" / "tweet_activity_metrics_ana_x_20211001_20211101_en.csv", ANALYTICS)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    row = next(
        line.split(",") for line in (out / "2021-10" / "executives.csv").read_text().splitlines() if ",ana," in line
    )
    assert row[12] == "25"
