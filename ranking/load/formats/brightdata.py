"""Bright Data's datasets: X "posts" (by profile URL) and LinkedIn "posts", in any download.

A dataset holds one record per input that failed (`warning`, `warning_code`, no post): skipped and counted.
Each record carries its scrape time (`timestamp`): two downloads that overlap keep the newest counts.
"""

from __future__ import annotations

import polars as pl

from ranking.load.scraped import Fields, Reader
from ranking.load.values import link_media, media_value


def _error(f: Fields) -> pl.Expr:
    return f.any("warning", "warning_code", "error", "error_code") & ~f.any("id", "url")


def _x(f: Fields) -> dict[str, pl.Expr]:
    text = f.get("description", "text")
    retweet = text.str.starts_with("RT @").fill_null(False)
    return {
        "platform": pl.lit("x"),
        "post_id": pl.coalesce(f.get("id", "post_id"), f.get("url")),
        "kind": pl.when(retweet)
        .then(pl.lit("repost"))
        .when(f.any("quoted_post/post_id", "quoted_post/url"))
        .then(pl.lit("quote"))
        .when(f.any("parent_post_details/post_id"))
        .then(pl.lit("reply"))
        .otherwise(pl.lit("post")),
        "media": f.media(
            pl.when(f.any("videos")).then(pl.lit("video")),
            pl.when(f.any("photos")).then(pl.lit("image")),
            link_media(f.get("external_url")),
            fields=("videos", "photos", "external_url"),
        ),
        "posted_at": f.get("date_posted"),
        "text": text,
        "url": f.get("url"),
        "reactions": f.get("likes"),
        "comments": f.get("replies"),
        "shares": f.get("reposts"),
        "impressions": f.get("views"),
        "handle": f.get("user_posted", "profile_url"),
        "reposted_from": pl.when(retweet)
        .then(text.str.extract(r"^RT @(\w+)", 1))
        .otherwise(f.get("quoted_post/profile_name")),
        "snapshot": f.get("timestamp"),
        "followers": f.get("followers"),
        "error": _error(f),
    }


def _linkedin(f: Fields) -> dict[str, pl.Expr]:
    text = f.get("post_text", "title")
    shared = f.any("repost/repost_user_name", "repost/repost_url", "repost/repost_id")
    repost = shared & text.is_null()
    return {
        "platform": pl.lit("linkedin"),
        "post_id": pl.coalesce(f.get("id"), f.get("url")),
        "kind": pl.when(repost).then(pl.lit("repost")).when(shared).then(pl.lit("quote")).otherwise(pl.lit("post")),
        "posted_at": pl.when(repost)
        .then(pl.coalesce(f.get("repost/repost_date"), f.get("date_posted")))
        .otherwise(f.get("date_posted")),
        # `post_type` names the format where it is one (video, document, article, poll…), not a post or repost
        "media": f.media(media_value(f.get("post_type")), fields=()),
        "text": text,
        "url": f.get("url"),
        "reactions": f.get("num_likes"),
        "comments": f.get("num_comments"),
        # the dataset has no share count: left unknown, never invented
        # the author is `user_id` (a profile's activity feed holds posts others wrote), not the scraped profile
        "handle": f.get("user_id", "use_url"),
        "reposted_from": f.get("repost/repost_user_id", "repost/repost_user_name"),
        "snapshot": f.get("timestamp"),
        "followers": f.get("user_followers", "followers"),
        "error": _error(f),
    }


X_POSTS = Reader(
    "brightdata-x-posts",
    "Bright Data X posts (id, user_posted, date_posted, description, likes, replies, reposts, ...)",
    "x",
    (("user_posted", "date_posted"), ("warning_code", "user_posted")),
    _x,
)
LINKEDIN_POSTS = Reader(
    "brightdata-linkedin-posts",
    "Bright Data LinkedIn posts (id, url, user_id, post_text, date_posted, num_likes, num_comments, ...)",
    "linkedin",
    (("num_likes", "date_posted"), ("post_text", "date_posted"), ("warning_code", "num_likes")),
    _linkedin,
)
READERS = (X_POSTS, LINKEDIN_POSTS)
