"""Hand-made fictional records in the shapes of the X API (v1.1, v2) and of Bright Data's profile datasets, with
the facts a reader must find in them (accounts of tests/load/native_exports.py: @ana_x, ana-lopez; others are
made up: @zed_x, jane-doe)."""

from __future__ import annotations

from typing import Any

#: Ids past 2^53: a float would change their last digits (1445000000000000123 -> ...000000).
OWN, RETWEETED, QUOTE, REPLY, ORIGINAL, QUOTED = (
    "1445000000000000123", "1445000000000000457", "1445000000000000789", "1445000000000000901",
    "1444000000000000007", "1444000000000000011",
)  # fmt: skip


def _user(handle: str, followers: int) -> dict[str, Any]:
    return {"id": 900 + len(handle), "id_str": str(900 + len(handle)), "screen_name": handle, "name": handle.title(),
            "followers_count": followers}  # fmt: skip


def v1_tweets() -> list[dict[str, Any]]:
    """@ana_x's timeline in the v1.1 shape: a tweet (its id only as a JSON number), a retweet of @zed_x, a quote
    and a reply."""
    ana, zed = _user("ana_x", 1200), _user("zed_x", 50)
    original = {"id_str": ORIGINAL, "created_at": "Fri Oct 01 09:00:00 +0000 2021", "full_text": "Original",
                "user": zed, "favorite_count": 900, "retweet_count": 40}  # fmt: skip
    quoted = {"id_str": QUOTED, "created_at": "Fri Oct 01 10:00:00 +0000 2021", "full_text": "Quoted", "user": zed}
    return [
        {"id": int(OWN), "created_at": "Tue Oct 05 08:00:00 +0000 2021", "full_text": "Bonjour &amp; merci",
         "user": ana, "favorite_count": 10, "retweet_count": 2, "reply_count": 1, "quote_count": 0,
         "is_quote_status": False, "in_reply_to_status_id_str": None, "entities": {"hashtags": []}},
        {"id": int(RETWEETED), "id_str": RETWEETED, "created_at": "Wed Oct 06 08:00:00 +0000 2021",
         "full_text": "RT @zed_x: Original", "user": ana, "favorite_count": 0, "retweet_count": 40,
         "retweeted_status": original, "is_quote_status": False},
        {"id": int(QUOTE), "id_str": QUOTE, "created_at": "Thu Oct 07 08:00:00 +0000 2021", "full_text": "Voilà",
         "user": ana, "favorite_count": 5, "retweet_count": 1, "is_quote_status": True, "quoted_status": quoted,
         "quoted_status_id_str": QUOTED},
        {"id": int(REPLY), "id_str": REPLY, "created_at": "Fri Oct 08 08:00:00 +0000 2021", "full_text": "@zed_x oui",
         "user": ana, "favorite_count": 1, "retweet_count": 0, "in_reply_to_status_id_str": ORIGINAL,
         "in_reply_to_screen_name": "zed_x", "is_quote_status": False},
    ]  # fmt: skip


def _metrics(likes: int, retweets: int, replies: int, impressions: int | None) -> dict[str, int]:
    found = {"like_count": likes, "retweet_count": retweets, "reply_count": replies, "quote_count": 0}
    return found | ({"impression_count": impressions} if impressions is not None else {})


def v2_page() -> dict[str, Any]:
    """The same timeline as one v2 page: tweets in `data`, authors and the retweeted original in `includes`."""
    return {
        "data": [
            {"id": OWN, "text": "Bonjour &amp; merci", "created_at": "2021-10-05T08:00:00.000Z", "author_id": "901",
             "public_metrics": _metrics(10, 2, 1, 300)},
            {"id": RETWEETED, "text": "RT @zed_x: Original", "created_at": "2021-10-06T08:00:00.000Z",
             "author_id": "901", "public_metrics": _metrics(0, 40, 0, 0),
             "referenced_tweets": [{"type": "retweeted", "id": ORIGINAL}]},
            {"id": QUOTE, "text": "Voilà", "created_at": "2021-10-07T08:00:00.000Z", "author_id": "901",
             "public_metrics": _metrics(5, 1, 0, 80), "referenced_tweets": [{"type": "quoted", "id": QUOTED}]},
            {"id": REPLY, "text": "@zed_x oui", "created_at": "2021-10-08T08:00:00.000Z", "author_id": "901",
             "public_metrics": _metrics(1, 0, 0, None), "in_reply_to_user_id": "902",
             "referenced_tweets": [{"type": "replied_to", "id": ORIGINAL}]},
        ],
        "includes": {
            "users": [{"id": "901", "username": "ana_x", "name": "Ana", "public_metrics": {"followers_count": 1200}},
                      {"id": "902", "username": "zed_x", "name": "Zed", "public_metrics": {"followers_count": 50}}],
            "tweets": [{"id": ORIGINAL, "text": "Original", "author_id": "902", "created_at": "2021-10-01T09:00:00Z"},
                       {"id": QUOTED, "text": "Quoted", "author_id": "902", "created_at": "2021-10-01T10:00:00Z"}],
        },
        "meta": {"result_count": 4, "newest_id": REPLY, "oldest_id": OWN},
    }  # fmt: skip


#: What a reader finds in either timeline: kind of each post id, and the own posts' reactions, comments, shares and
#: impressions (v1.1 gives no impressions, and replies only where the paid tiers count them).
X_API_KINDS = {OWN: "post", ORIGINAL: "repost", QUOTE: "quote", REPLY: "reply"}
V1_COUNTS = {OWN: (10, 1, 2, None), QUOTE: (5, None, 1, None), REPLY: (1, None, 0, None)}
V2_COUNTS = {OWN: (10, 1, 2, 300), QUOTE: (5, 0, 1, 80), REPLY: (1, 0, 0, None)}


def _activity(number: str) -> str:
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{number}/"


def brightdata_x_profiles() -> list[dict[str, Any]]:
    """Bright Data X profiles: @ana_x (two tweets and a retweet), @zed_x (one tweet), a profile that failed."""

    def tweet(number: str, text: str, day: int, likes: int) -> dict[str, Any]:
        return {"post_id": number, "description": text, "date_posted": f"2021-10-{day:02d}T08:00:00.000Z",
                "post_url": f"https://twitter.com/901/status/{number}", "photos": None, "replies": 1,
                "reposts": 2, "likes": likes, "views": 100 * likes, "hashtags": None}  # fmt: skip

    return [
        {"input": {"url": "https://x.com/ana_x"}, "x_id": "901", "url": "https://x.com/ana_x", "id": "ana_x",
         "profile_name": "Ana", "followers": 1200, "posts_count": 3, "timestamp": "2021-10-31T08:00:00.000Z",
         "posts": [tweet(OWN, "Bonjour", 5, 10), tweet(QUOTE, "Voilà", 7, 5),
                   tweet(RETWEETED, "RT @zed_x: Original", 6, 0)]},
        {"input": {"url": "https://x.com/zed_x"}, "x_id": "902", "url": "https://x.com/zed_x", "id": "zed_x",
         "profile_name": "Zed", "followers": 50, "posts_count": 1, "timestamp": "2021-10-31T08:00:00.000Z",
         "posts": [tweet(ORIGINAL, "Original", 1, 900)]},
        {"input": {"url": "https://x.com/gone_x"}, "warning": "Profile does not exist", "warning_code": "dead_page",
         "timestamp": "2021-10-31T08:00:00.000Z"},
    ]  # fmt: skip


def brightdata_linkedin_profiles() -> list[dict[str, Any]]:
    """Bright Data LinkedIn: the company page `acme-page` (two updates with counts) and the person `ana-lopez`
    (one post without counts; her `activity`, posts of others she liked, is not hers)."""
    return [
        {"id": "acme-page", "name": "Acme", "url": "https://www.linkedin.com/company/acme-page", "followers": 5000,
         "employees_in_linkedin": 40, "timestamp": "2021-10-31T08:00:00.000Z",
         "updates": [
             {"post_id": "7100000000000000201", "post_url": _activity("7100000000000000201"), "text": "Nous recrutons",
              "date": "2021-10-05T08:00:00.000Z", "likes_count": 30, "comments_count": 4, "time": "3w"},
             {"post_id": "7100000000000000202", "post_url": _activity("7100000000000000202"), "text": "Merci",
              "date": "2021-10-09T08:00:00.000Z", "likes_count": 12, "comments_count": 0, "time": "2w"}]},
        {"id": "ana-lopez", "name": "Ana Lopez", "url": "https://www.linkedin.com/in/ana-lopez", "followers": 800,
         "connections": 500, "timestamp": "2021-10-31T08:00:00.000Z",
         "posts": [{"id": "7100000000000000301", "link": _activity("7100000000000000301"), "title": "Mon texte",
                    "created_at": "2021-10-06T08:00:00.000Z", "attribution": "Ana Lopez"}],
         "activity": [{"id": "7100000000000000999", "link": _activity("7100000000000000999"), "title": "Autre",
                       "interaction": "Liked by Ana Lopez"}]},
    ]  # fmt: skip
