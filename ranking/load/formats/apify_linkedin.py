"""Apify's LinkedIn post scrapers: "LinkedIn Profile Posts" by apimaestro (and its company-posts sibling),
harvestapi/linkedin-profile-posts and supreme_coder/linkedin-post, in any download (JSON, JSONL, CSV, XLSX).

On a repost, each of them gives the ORIGINAL post's URL and author, and the repost's own time: the record is the
reposter's repost of that post, never the original.
"""

from __future__ import annotations

import polars as pl

from ranking.load.scraped import Fields, Reader, number
from ranking.load.values import link_media, media_value


def _apimaestro(f: Fields) -> dict[str, pl.Expr]:
    kind = f.get("post_type").str.to_lowercase()
    repost = kind == "repost"
    url = f.get("url", "post_url")
    activity = number(f.get("urn/activity_urn", "activity_urn"))
    other = number(f.get("urn/ugcPost_urn", "urn/share_urn", "ugcPost_urn", "share_urn"))
    original = pl.coalesce(number(url), number(f.get("full_urn")))
    # the company-posts sibling omits the counts that are zero: a post it lists has them, as 0
    counts = {
        name: pl.when(repost).then(None).otherwise(f.get(*fields).fill_null("0"))
        for name, fields in {
            "reactions": ("stats/total_reactions",),
            "comments": ("stats/comments",),
            "shares": ("stats/reposts", "stats/shares"),
        }.items()
    }
    author = f.get("author/username", "author/public_identifier", "author/profile_url", "author/url",
                   "author/company_url")  # fmt: skip
    return {
        "platform": pl.lit("linkedin"),
        # an own post is keyed by its activity (its other number linked to it); a repost by the original
        "post_id": pl.when(repost).then(original).otherwise(pl.coalesce(activity, original)),
        "alias": other,  # the post's other number: the original's, on a repost
        "kind": pl.when(repost)
        .then(pl.lit("repost"))
        .when(kind == "quote")
        .then(pl.lit("quote"))
        .otherwise(pl.lit("post")),
        # on a repost, `media` and `document` are the original's: what a repost keeps
        "media": f.media(
            media_value(f.get("media/type")),
            pl.when(f.any("document")).then(pl.lit("document")),
            link_media(f.get("article/url", "article/link")),
            pl.when(f.any("poll")).then(pl.lit("poll")),
            pl.when(f.any("event")).then(pl.lit("event")),
            fields=("media", "document", "article", "poll", "event"),
        ),
        "posted_at": pl.coalesce(f.get("posted_at/timestamp"), f.get("posted_at/date")),
        "text": f.get("text"),
        "url": url,
        **counts,
        "handle": pl.when(repost).then(None).otherwise(author),
        "reposted_from": pl.when(repost).then(author),
    }


def _harvestapi(f: Fields) -> dict[str, pl.Expr]:
    repost = f.any("repostedBy", "repostedAt") | f.get("header/text").str.contains(r"(?i)\breposted this\b").fill_null(
        False
    )
    quote = f.any("repost/id", "repost/linkedinUrl", "repost/entityId")
    url = f.get("linkedinUrl", "shareLinkedinUrl")
    own = pl.coalesce(number(f.get("entityId")), number(f.get("id")), number(url))
    author = f.get("author/publicIdentifier", "author/universalName", "author/linkedinUrl")
    reposter = f.get("repostedBy/publicIdentifier", "repostedBy/linkedinUrl", "query/targetUrl", "query/profileUrl")
    return {
        "platform": pl.lit("linkedin"),
        "post_id": pl.when(repost).then(number(url)).otherwise(own),
        "alias": number(f.get("shareUrn")),
        "kind": pl.when(repost).then(pl.lit("repost")).when(quote).then(pl.lit("quote")).otherwise(pl.lit("post")),
        "posted_at": pl.when(repost)
        .then(pl.coalesce(f.get("repostedAt/timestamp", "repostedAt/date", "repostedAt"), f.get("postedAt/timestamp")))
        .otherwise(f.get("postedAt/timestamp", "postedAt/date")),
        "media": f.media(
            pl.when(f.any("postVideo", "linkedinVideo", "video")).then(pl.lit("video")),
            pl.when(f.any("document")).then(pl.lit("document")),
            pl.when(f.any("poll")).then(pl.lit("poll")),
            pl.when(f.any("event")).then(pl.lit("event")),
            pl.when(f.any("postImages")).then(pl.lit("image")),
            link_media(f.get("article/link", "article/url")),
            fields=("postImages", "postVideo", "linkedinVideo", "document", "article", "poll", "event"),
        ),
        "text": f.get("content"),
        "url": url,
        "reactions": f.get("engagement/likes"),
        "comments": f.get("engagement/comments"),
        "shares": f.get("engagement/shares"),
        "handle": pl.when(repost).then(reposter).otherwise(pl.coalesce(author, f.get("query/targetUrl"))),
        "reposted_from": pl.when(repost).then(author),
    }


def _supreme_coder(f: Fields) -> dict[str, pl.Expr]:
    repost = f.true("isActivity") | f.get("activityDescription").str.contains(r"(?i)reposted").fill_null(False)
    quote = f.any("resharedPost/url", "resharedPost/urn")
    url = f.get("url")
    author = f.get("author/publicId", "authorProfileUrl", "author/universalName")
    # on a repost, `urn` is the repost's own activity and `url` the original's
    return {
        "platform": pl.lit("linkedin"),
        "post_id": pl.when(repost).then(number(url)).otherwise(pl.coalesce(number(f.get("urn")), number(url))),
        "alias": number(f.get("shareUrn")),
        "kind": pl.when(repost).then(pl.lit("repost")).when(quote).then(pl.lit("quote")).otherwise(pl.lit("post")),
        # `type` is the media type here (text, image, video, document, article…), never the kind
        "media": f.media(media_value(f.get("type")), fields=()),
        "posted_at": f.get("postedAtTimestamp", "postedAtISO"),
        "text": f.get("text"),
        "url": url,
        "reactions": f.get("numLikes"),
        "comments": f.get("numComments"),
        "shares": f.get("numShares"),
        "handle": pl.when(repost)
        .then(f.get("activityOfUser/publicId", "inputUrl"))
        .otherwise(pl.coalesce(author, f.get("inputUrl"))),
        "reposted_from": pl.when(repost).then(author),
        "followers": pl.when(~repost).then(f.get("authorFollowersCount")),
    }


APIMAESTRO = Reader(
    "apify-linkedin-profile-posts (apimaestro)",
    "Apify LinkedIn Profile/Company Posts by apimaestro (urn.activity_urn, posted_at.timestamp, stats...)",
    "linkedin",
    (("activity_urn", "posted_at/timestamp", "stats/total_reactions"), ("activity_urn", "post_type", "stats")),
    _apimaestro,
)
HARVESTAPI = Reader(
    "apify-linkedin-profile-posts (harvestapi)",
    "Apify harvestapi/linkedin-profile-posts (linkedinUrl, postedAt.timestamp, engagement.likes, ...)",
    "linkedin",
    (("linkedinUrl", "postedAt/timestamp", "engagement/likes"), ("linkedinUrl", "postedAt/date", "entityId")),
    _harvestapi,
)
SUPREME_CODER = Reader(
    "apify-linkedin-post (supreme_coder)",
    "Apify supreme_coder/linkedin-post (url, urn, numLikes, postedAtTimestamp, isActivity, ...)",
    "linkedin",
    (("numLikes", "postedAtTimestamp"), ("numLikes", "postedAtISO"), ("isActivity", "postedAtISO")),
    _supreme_coder,
)
READERS = (APIMAESTRO, HARVESTAPI, SUPREME_CODER)
