"""Small hand-made files in the platforms' native export formats (fictional accounts), for the loader tests."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from ranking.load.base import LoadContext
from ranking.settings import Source

CLASSIC_HEADER = [
    "Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate", "retweets",
    "replies", "likes", "user profile clicks", "url clicks", "promoted impressions", "promoted likes",
]  # fmt: skip
CONTENT_HEADER = [
    "Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares",
    "New follows", "Replies", "Reposts", "Profile visits",
]  # fmt: skip
SHARES_HEADER = ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"]


def context(
    executive: str | None = "ana", sources: tuple[Source, ...] = (), timezone: str = "Europe/Paris"
) -> LoadContext:
    """A loading context with a two-person roster (ana: @ana_x, ana-lopez; bob: @bob_x)."""
    roster = pl.DataFrame(
        {
            "executive_id": ["ana", "bob"],
            "x_handle": ["@ana_x", "@bob_x"],
            "linkedin": ["https://www.linkedin.com/in/ana-lopez/", None],
        }
    )
    return LoadContext(roster, timezone, executive, sources)


def tweet(
    tweet_id: str,
    when: str = "Tue Oct 05 08:00:00 +0000 2021",
    text: str = "Hello",
    likes: Any = "0",
    retweets: Any = "0",
    reply_to: str | None = None,
    urls: list[tuple[str, str]] | None = None,
    mentions: list[str] | None = None,
    edits: list[str] | None = None,
) -> dict[str, Any]:
    """One tweet object as the archive writes it (every number a string)."""
    body: dict[str, Any] = {
        "edit_info": {"initial": {"editTweetIds": edits or [tweet_id], "editsRemaining": "5"}},
        "retweeted": False,
        "entities": {
            "hashtags": [],
            "user_mentions": [{"screen_name": m, "id_str": "1"} for m in mentions or []],
            "urls": [{"url": short, "expanded_url": full} for short, full in urls or []],
        },
        "favorite_count": likes,
        "retweet_count": retweets,
        "id_str": tweet_id,
        "id": tweet_id,
        "created_at": when,
        "full_text": text,
    }
    if reply_to:
        body["in_reply_to_status_id_str"] = reply_to
    return body


def tweets_js(path: Path, tweets: list[dict[str, Any]], wrapped: bool = True, data: str = "tweets") -> Path:
    """An archive file: `window.YTD.<data>.part0 = [...]` (the older `tweet.js` has no {"tweet": …} wrapper)."""
    records = [{"tweet": t} for t in tweets] if wrapped else tweets
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.YTD.{data}.part0 = {json.dumps(records, indent=2)}", encoding="utf-8")
    return path


def age(path: Path, when: datetime) -> Path:
    """Set a file's modification time: the export date of a file whose name carries none."""
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def write_rows(path: Path, header: list[str], rows: list[list[Any]], **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=kwargs.pop("encoding", "utf-8")) as fh:
        writer = csv.writer(fh, lineterminator="\n", **kwargs)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def classic_row(tweet_id: str, when: str, text: str, likes: float, retweets: float, replies: float, handle="ana_x"):
    """A classic analytics row: counts as floats, `-` in the promoted columns."""
    return [tweet_id, f"https://twitter.com/{handle}/status/{tweet_id}", text, when, "1000.0", "10.0", "0.01",
            f"{float(retweets)}", f"{float(replies)}", f"{float(likes)}", "0.0", "0.0", "-", "-"]  # fmt: skip


def classic_csv(path: Path, rows: list[list[Any]]) -> Path:
    return write_rows(path, CLASSIC_HEADER, rows, quoting=csv.QUOTE_ALL)


def creator_xlsx(
    path: Path,
    engagements: list[tuple[str, Any, Any]],
    impressions: list[tuple[str, Any, Any]],
    followers: tuple[str, Any] | None = ("Total followers on 10/31/2021:", 1234),
    top_posts: bool = True,
) -> Path:
    """A LinkedIn creator analytics workbook: TOP POSTS (two tables side by side) and FOLLOWERS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("DISCOVERY").write_row(0, 0, ["Overall Performance", "1/1/2021 - 10/31/2021"])
    if top_posts:
        sheet = book.add_worksheet("TOP POSTS")
        sheet.write(0, 0, "Maximum of 50 posts available to include in this list")
        sheet.write_row(2, 0, ["Post URL", "Post publish date", "Engagements"])
        sheet.write_row(2, 4, ["Post URL", "Post publish date", "Impressions"])
        for i, row in enumerate(engagements, start=3):
            sheet.write_row(i, 0, list(row))
        for i, row in enumerate(impressions, start=3):
            sheet.write_row(i, 4, list(row))
    if followers is not None:
        sheet = book.add_worksheet("FOLLOWERS")
        sheet.write_row(0, 0, list(followers))
        sheet.write_row(2, 0, ["Date", "New followers"])
        sheet.write_row(3, 0, ["10/31/2021", "3"])
    book.close()
    return path


def activity_url(number: str) -> str:
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{number}/"
