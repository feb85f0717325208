"""Phantombuster's LinkedIn Activity Extractor (CSV, or its JSON result): a profile's activity feed.

`profileUrl` is the profile whose activity it is; what it did to others' posts (liked, commented) is not its
post, and a repost's `author` is the original's.
"""

from __future__ import annotations

import polars as pl

from ranking.load.formats.mapped import LINKEDIN_ACTIVITY
from ranking.load.scraped import Fields, Reader
from ranking.load.values import media_value

_KINDS = {value.lower(): kind for value, kind in LINKEDIN_ACTIVITY.kinds.items()}


def _activity(f: Fields) -> dict[str, pl.Expr]:
    action = f.get("action").str.to_lowercase()
    kind = action.replace_strict(_KINDS, default=None, return_dtype=pl.String)
    known = action.is_null() | kind.is_not_null()
    repost = kind == "repost"
    return {
        "platform": pl.lit("linkedin"),
        "post_id": f.get("postUrl"),
        # a value it does not know is not guessed a post: left out, counted
        "kind": pl.when(known).then(kind.fill_null("post")).otherwise(pl.lit("ignore")),
        "media": f.media(media_value(f.get("type")), fields=()),
        "posted_at": pl.coalesce(f.get("postTimestamp"), f.get("postDate")),
        "text": f.get("postContent"),
        "url": f.get("postUrl"),
        "reactions": f.get("likeCount"),
        "comments": f.get("commentCount"),
        "shares": f.get("repostCount"),
        "impressions": f.get("viewCount"),
        "handle": f.get("profileUrl", "authorUrl"),
        "reposted_from": pl.when(repost).then(f.get("authorUrl", "author")),
        "snapshot": f.get("timestamp"),
    }


ACTIVITY = Reader(
    "phantombuster-linkedin-activity",
    "Phantombuster LinkedIn Activity Extractor (postUrl, postContent, action, author, profileUrl, ...)",
    "linkedin",
    (("postUrl", "action", "profileUrl", "author"),),
    _activity,
)
READERS = (ACTIVITY,)
