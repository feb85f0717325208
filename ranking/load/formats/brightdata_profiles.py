"""Bright Data's profile datasets, whose records are accounts holding their latest posts in a list: X profiles
(`posts`), LinkedIn people profiles (`posts`) and company pages (`updates`), as JSON or JSON Lines.

Each nested post is one record, the enclosing profile giving its author (the profile's handle or slug) and the
follower count; a profile that failed (`warning`, `warning_code`) is one error record; a profile without posts
adds none. What the nested posts do not say stays unknown, never guessed: they carry no repost, quote or reply
marker (an X post starting `RT @` is read as a repost, as Bright Data's X posts dataset writes them), a LinkedIn
profile's posts no counts, and no share counts anywhere on LinkedIn. A person's `activity` (posts they liked or
commented on) is not theirs and is left out.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ranking.load.flat import Expand
from ranking.load.scraped import Fields, Reader

_PROFILE_FIELDS = ("id", "url", "followers", "timestamp", "warning", "warning_code", "error", "error_code")


def _nested(lists: tuple[str, ...]) -> Expand:
    def expand(records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
        found: list[tuple[int, dict[str, Any]]] = []
        for line, record in records:
            profile = {k: record[k] for k in _PROFILE_FIELDS if k in record}
            posts = [
                p for key in lists if isinstance(record.get(key), list) for p in record[key] if isinstance(p, dict)
            ]
            if not posts and any(k in record for k in ("warning", "warning_code", "error", "error_code")):
                found.append((line, {"profile": profile}))
            found += [(line, {"post": post, "profile": profile}) for post in posts]
        return found

    return expand


def _x(f: Fields) -> dict[str, pl.Expr]:
    text = f.get("post/description", "post/text")
    retweet = text.str.starts_with("RT @").fill_null(False)
    handle = pl.coalesce(f.get("profile/id"), f.get("profile/url"))
    return {
        "platform": pl.lit("x"),
        "post_id": pl.coalesce(f.get("post/post_id", "post/id"), f.get("post/post_url", "post/url")),
        "kind": pl.when(retweet).then(pl.lit("repost")).otherwise(pl.lit("post")),
        "posted_at": f.get("post/date_posted"),
        "text": text,
        "url": f.get("post/post_url", "post/url"),
        "reactions": f.get("post/likes"),
        "comments": f.get("post/replies"),
        "shares": f.get("post/reposts"),
        "impressions": f.get("post/views"),
        "handle": handle,
        "reposted_from": pl.when(retweet).then(text.str.extract(r"^RT @(\w+)", 1)),
        "snapshot": f.get("profile/timestamp"),
        "followers": f.get("profile/followers"),
        "error": f.any("profile/warning", "profile/warning_code", "profile/error") & ~f.any("post"),
    }


def _linkedin(f: Fields) -> dict[str, pl.Expr]:
    url = f.get("post/post_url", "post/link", "post/url")
    return {
        "platform": pl.lit("linkedin"),
        "post_id": pl.coalesce(f.get("post/post_id", "post/id"), url),
        "kind": pl.lit("post"),
        "posted_at": f.get("post/date", "post/created_at", "post/date_posted"),
        "text": f.get("post/text", "post/post_text", "post/title"),
        "url": url,
        "reactions": f.get("post/likes_count", "post/num_likes", "post/likes"),
        "comments": f.get("post/comments_count", "post/num_comments", "post/comments"),
        "handle": pl.coalesce(f.get("profile/id"), f.get("profile/url")),
        "snapshot": f.get("profile/timestamp"),
        "followers": f.get("profile/followers"),
        "error": f.any("profile/warning", "profile/warning_code", "profile/error") & ~f.any("post"),
    }


X_PROFILES = Reader(
    "brightdata-x-profiles",
    "Bright Data X profiles with their posts (x_id, id, followers, posts[post_id, date_posted, likes, ...])",
    "x",
    (("x_id", "posts/post_id"), ("x_id", "posts/date_posted")),
    _x,
    _nested(("posts",)),
    json_only=True,
)
LINKEDIN_PROFILES = Reader(
    "brightdata-linkedin-profiles",
    "Bright Data LinkedIn profiles and company pages with their posts (id, followers, posts[...] or updates[...])",
    "linkedin",
    (("followers", "updates/post_url"), ("followers", "updates/post_id"), ("followers", "connections", "posts/link")),
    _linkedin,
    _nested(("updates", "posts")),
    json_only=True,
)
READERS = (X_PROFILES, LINKEDIN_PROFILES)
