"""Tweets in the X API's own object shapes, as many tools write them (twarc, tweepy dumps, older Apify actors):
v1.1 (`id_str`, `created_at` like `Wed Oct 10 20:19:24 +0000 2018`, `user.screen_name`, `favorite_count`,
`retweeted_status`, ...) and v2 (`id`, ISO `created_at`, `author_id`, `public_metrics`, `referenced_tweets`), as
JSON arrays, JSON Lines, v1.1 search pages `{"statuses": [...]}` and v2 pages `{"data": [...], "includes": {...}}`;
v2 tweets also as twarc's CSV (`public_metrics.like_count`, `referenced_tweets.retweeted.id`, `author.username`).

- Ids are read as written: `id_str` first, else `id` (the JSON parser reads an integer exactly, never through a
  float, so that ids past 2^53 keep their last digits).
- A retweet is the retweeter's repost of the original (keyed by the original's id, dated when retweeted, the
  original's author in `reposted_from`); a quote is the quoter's own post; a reply is a reply.
- A v2 page names authors through `includes.users` (and a retweet's original through `includes.tweets`): joined
  here to each tweet, as twarc's "flattened" output already does (`author`, `referenced_tweets[].author`).
- Texts are unescaped (`&amp;` -> `&`): the API escapes `&`, `<` and `>`.
- Counts the shape does not give stay unknown: v1.1 has no impressions (and no `reply_count` outside the paid
  tiers); a v2 tweet without `impression_count` (others' tweets) has none either.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ranking.load.scraped import Fields, Reader
from ranking.load.sniff import unescape
from ranking.load.values import media_value

_REFERENCES = 5  # referenced_tweets flattened (flat.MAX_ITEMS): a tweet references at most a few


def _status_url(handle: pl.Expr, number: pl.Expr) -> pl.Expr:
    return pl.when(handle.is_not_null() & number.is_not_null()).then(
        pl.format("https://x.com/{}/status/{}", handle, number)
    )


def _kind(retweet: pl.Expr, reply: pl.Expr, quote: pl.Expr) -> pl.Expr:
    """A retweet is a repost whatever else it is; a reply that quotes is a reply (both API versions)."""
    return (
        pl.when(retweet)
        .then(pl.lit("repost"))
        .when(reply)
        .then(pl.lit("reply"))
        .when(quote)
        .then(pl.lit("quote"))
        .otherwise(pl.lit("post"))
    )


def _outside_link(f: Fields) -> pl.Expr:
    """`link` for a tweet whose first URL leads out of X (a tweet's own URL is a quote, not a link card)."""
    url = f.get("entities/urls/0/expanded_url", "entities/urls/0/url")
    return pl.when(~url.str.contains(r"(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/")).then(pl.lit("link"))


def _v1(f: Fields) -> dict[str, pl.Expr]:
    retweet = f.any("retweeted_status/id_str", "retweeted_status/id")
    quote = f.true("is_quote_status") | f.any("quoted_status/id_str", "quoted_status/id", "quoted_status_id_str")
    reply = f.any("in_reply_to_status_id_str", "in_reply_to_status_id")
    own = f.get("id_str", "id")
    original = f.get("retweeted_status/id_str", "retweeted_status/id")
    handle = f.get("user/screen_name")
    original_author = f.get("retweeted_status/user/screen_name")
    return {
        "platform": pl.lit("x"),
        "post_id": pl.when(retweet).then(original).otherwise(own),
        "kind": _kind(retweet, reply, quote),
        # the media entities (photo, video, animated_gif; a retweet's are the original's), else an outside link
        "media": f.media(
            media_value(
                f.get(
                    "extended_entities/media/0/type",
                    "extended_tweet/extended_entities/media/0/type",
                    "entities/media/0/type",
                    "retweeted_status/extended_entities/media/0/type",
                )
            ),
            _outside_link(f),
            fields=("entities", "extended_entities"),
        ),
        "posted_at": f.get("created_at"),
        "text": unescape(pl.coalesce(f.get("full_text"), f.get("extended_tweet/full_text"), f.get("text"))),
        "url": pl.when(retweet).then(_status_url(original_author, original)).otherwise(_status_url(handle, own)),
        "reactions": f.get("favorite_count"),
        "comments": f.get("reply_count"),
        "shares": f.get("retweet_count"),
        "handle": handle,
        "reposted_from": pl.when(retweet).then(original_author).otherwise(f.get("quoted_status/user/screen_name")),
        "followers": f.get("user/followers_count"),
    }


def _referenced(f: Fields, kind: str, field: str) -> pl.Expr:
    """A field of the tweet this one references as `kind` (retweeted, quoted, replied_to)."""
    listed = [
        pl.when(f.get(f"referenced_tweets/{i}/type") == kind).then(f.get(f"referenced_tweets/{i}/{field}"))
        for i in range(_REFERENCES)
    ]
    # twarc's CSV names the reference by its kind: `referenced_tweets.retweeted.id`
    return pl.coalesce([*listed, f.get(f"referenced_tweets/{kind}/{field}")])


def _v2(f: Fields) -> dict[str, pl.Expr]:
    retweet = _referenced(f, "retweeted", "id").is_not_null()
    quote = _referenced(f, "quoted", "id").is_not_null()
    reply = _referenced(f, "replied_to", "id").is_not_null() | f.any("in_reply_to_user_id")
    own = f.get("id")
    original = _referenced(f, "retweeted", "id")
    handle = f.get("author/username")
    original_author = _referenced(f, "retweeted", "author/username")
    return {
        "platform": pl.lit("x"),
        "post_id": pl.when(retweet).then(original).otherwise(own),
        "kind": _kind(retweet, reply, quote),
        # attachments joined from the page's includes (`media` types; a poll): null when the page has none
        "media": f.media(
            media_value(f.get("attachments/media/0/type")),
            pl.when(f.any("attachments/poll_ids")).then(pl.lit("poll")),
            _outside_link(f),
            fields=("attachments", "entities"),
        ),
        "posted_at": f.get("created_at"),
        "text": unescape(pl.coalesce(f.get("note_tweet/text"), f.get("text"))),
        "url": pl.when(retweet).then(_status_url(original_author, original)).otherwise(_status_url(handle, own)),
        "reactions": f.get("public_metrics/like_count"),
        "comments": f.get("public_metrics/reply_count"),
        "shares": f.get("public_metrics/retweet_count"),
        "impressions": f.get("public_metrics/impression_count"),
        "handle": handle,
        "reposted_from": pl.when(retweet).then(original_author).otherwise(_referenced(f, "quoted", "author/username")),
        "followers": f.get("author/public_metrics/followers_count"),
        "error": f.any("__error") & ~f.any("id"),
    }


def _by_id(items: Any, key: str = "id") -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(item[key]): item for item in items if isinstance(item, dict) and key in item}


def _v2_tweet(
    tweet: dict[str, Any],
    users: dict[str, dict[str, Any]],
    tweets: dict[str, dict[str, Any]],
    media: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A v2 tweet with its author (and the authors of the tweets it references) and its media joined from a
    page's includes."""
    out = dict(tweet)
    attachments = tweet.get("attachments")
    if media and isinstance(attachments, dict) and isinstance(attachments.get("media_keys"), list):
        found = [media[str(k)] for k in attachments["media_keys"] if str(k) in media]
        out["attachments"] = {**attachments, "media": found}
    author = users.get(str(tweet.get("author_id")))
    if author is not None and not isinstance(out.get("author"), dict):
        out["author"] = author
    references = tweet.get("referenced_tweets")
    if isinstance(references, list):
        joined = []
        for reference in references:
            if isinstance(reference, dict) and not isinstance(reference.get("author"), dict):
                original = tweets.get(str(reference.get("id")), {})
                writer = users.get(str(original.get("author_id", reference.get("author_id"))))
                reference = {**reference, "author": writer} if writer is not None else reference
            joined.append(reference)
        out["referenced_tweets"] = joined
    return out


def _v2_expand(records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Tweets one per record: a page's `data` (with its includes joined), a lone tweet as it is; a page's
    errors each one error record (counted, never a post)."""
    found: list[tuple[int, dict[str, Any]]] = []
    for line, record in records:
        data = record.get("data")
        if data is None and "errors" not in record:
            found.append((line, record))
            continue
        includes = record.get("includes")
        includes = includes if isinstance(includes, dict) else {}
        users, tweets = _by_id(includes.get("users")), _by_id(includes.get("tweets"))
        media = _by_id(includes.get("media"), "media_key")
        items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        found += [(line, _v2_tweet(t, users, tweets, media)) for t in items if isinstance(t, dict)]
        if not items:
            errors = record.get("errors")
            errors = errors if isinstance(errors, list) else []
            found += [(line, {"__error": "true", "detail": str(e)[:200]}) for e in errors]
    return found


def _v1_expand(records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Tweets one per record: a search page's `statuses`, a lone tweet as it is."""
    found: list[tuple[int, dict[str, Any]]] = []
    for line, record in records:
        statuses = record.get("statuses")
        if isinstance(statuses, list):
            found += [(line, s) for s in statuses if isinstance(s, dict)]
        else:
            found.append((line, record))
    return found


V1 = Reader(
    "x-api-v1.1",
    "tweets in the X API v1.1 shape (id_str, created_at, user.screen_name, favorite_count, retweet_count, ...)",
    "x",
    (("id_str", "created_at", "retweet_count"), ("created_at", "favorite_count", "screen_name")),
    _v1,
    _v1_expand,
)
V2 = Reader(
    "x-api-v2",
    "tweets in the X API v2 shape (id, created_at, author_id, public_metrics, referenced_tweets; pages of data "
    "and includes)",
    "x",
    (("created_at", "public_metrics/like_count"), ("created_at", "author_id", "public_metrics")),
    _v2,
    _v2_expand,
)
READERS = (V1, V2)
