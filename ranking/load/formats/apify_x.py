"""Apify's apidojo/tweet-scraper (Tweet Scraper V2), in any download: profile timelines or keyword searches.

A download with a field selection may lack any field: the handle is then read from the tweet's URL, and counts
and booleans may be written as strings (`"42"`, `"False"`).
"""

from __future__ import annotations

import polars as pl

from ranking.load.scraped import Fields, Reader
from ranking.load.values import media_value

_HANDLE_IN_URL = r"(?i)(?:twitter|x)\.com/([^/?#]+)/status"


def _apidojo(f: Fields) -> dict[str, pl.Expr]:
    text = f.get("fullText", "text", "full_text")
    retweet = (
        f.true("isRetweet") | f.any("retweet/id", "retweetedTweet/id") | text.str.starts_with("RT @").fill_null(False)
    )
    url = f.get("url", "twitterUrl")
    author = pl.coalesce(f.get("author/userName", "author/screen_name"), url.str.extract(_HANDLE_IN_URL, 1))
    return {
        "platform": pl.lit("x"),
        "post_id": pl.coalesce(f.get("id"), url),
        "kind": pl.when(retweet)
        .then(pl.lit("repost"))
        .when(f.true("isReply"))
        .then(pl.lit("reply"))
        .when(f.true("isQuote") | f.any("quote/id"))
        .then(pl.lit("quote"))
        .otherwise(pl.lit("post")),
        # the X API's media entities (photo, video, animated_gif); a card is a poll or an outside link's card
        "media": f.media(
            media_value(f.get("extendedEntities/media/0/type", "entities/media/0/type", "media/0/type")),
            pl.when(f.get("card/legacy/name", "card/name").str.starts_with("poll")).then(pl.lit("poll")),
            pl.when(f.any("card")).then(pl.lit("link")),
            fields=("extendedEntities", "entities", "card"),
        ),
        "posted_at": f.get("createdAt"),
        "text": text,
        "url": url,
        "reactions": f.get("likeCount"),
        "comments": f.get("replyCount"),
        "shares": f.get("retweetCount"),
        "impressions": f.get("viewCount"),
        "handle": author,
        "reposted_from": pl.when(retweet)
        .then(f.get("retweet/author/userName", "retweetedTweet/author/userName"))
        .otherwise(f.get("quote/author/userName")),
        "followers": f.get("author/followers"),
    }


APIDOJO = Reader(
    "apify-tweet-scraper (apidojo)",
    "Apify apidojo/tweet-scraper (id, url, createdAt, likeCount, retweetCount, author.userName, ...)",
    "x",
    (("createdAt", "retweetCount"), ("createdAt", "likeCount", "replyCount"), ("twitterUrl", "createdAt")),
    _apidojo,
)
READERS = (APIDOJO,)
