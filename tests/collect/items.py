"""Fictional accounts, their posts of 2021, and the "actors" of the stand-in: each answers an input as the real
actor would (ACTOR-INPUTS.md), with items in that actor's own fields (the loaders' readers read them)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from tests.load.test_reposts import harvest
from tests.workspaces import person

#: The roster: ana on both platforms, bob on LinkedIn, carl on X, dora with neither (fictional people).
PEOPLE = [
    person("ana", "acme", ceo=True, linkedin="https://www.linkedin.com/in/ana-lopez/", x_handle="@ana_x"),
    person("bob", "acme", linkedin="bob-martin"),
    person("carl", "globex", ceo=True, x_handle="carl_x"),
    person("dora", "globex"),
]
ACCOUNTS = {"ana-lopez": "ana", "bob-martin": "bob", "ana_x": "ana", "carl_x": "carl"}


def _posts(seed: int, count: int) -> list[tuple[datetime, int, int, int]]:
    """`count` posts through 2021 (about two a month), with counts that differ from post to post."""
    out = []
    for i in range(count):
        month, day = 1 + (i * 12) // count, 1 + (i * 7 + seed) % 27
        out.append((datetime(2021, month, day, 8 + i % 10, tzinfo=UTC), 5 + (seed * 7 + i * 13) % 90,
                    (seed + i * 3) % 11, (seed * i) % 5))  # fmt: skip
    return out


#: account -> (when, likes, comments, shares) of each post, oldest first
POSTS: dict[str, list[tuple[datetime, int, int, int]]] = {
    "ana-lopez": _posts(1, 24),
    "bob-martin": _posts(2, 12),
    "ana_x": _posts(3, 30),
    "carl_x": _posts(4, 18),
}


def _number(account: str, i: int) -> str:
    return f"{7100000000000000000 + sorted(POSTS).index(account) * 1000 + i}"


def _slug(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _since(day: str | None) -> datetime:
    return datetime.fromisoformat(day[:10]).replace(tzinfo=UTC) if day else datetime(1970, 1, 1, tzinfo=UTC)


def _newest(account: str, since: datetime, until: datetime, limit: int) -> list[tuple[int, tuple[Any, ...]]]:
    """The account's posts in [since, until), newest first, at most `limit` (0: all)."""
    found = [(i, p) for i, p in enumerate(POSTS.get(account, [])) if since <= p[0] < until][::-1]
    return found[:limit] if limit else found


FAR = datetime(2100, 1, 1, tzinfo=UTC)


def harvestapi(run_input: dict[str, Any]) -> list[dict[str, Any]]:
    """harvestapi/linkedin-profile-posts: postedLimitDate a lower bound only, maxPosts per target."""
    items = []
    for url in run_input["targetUrls"]:
        slug = _slug(url)
        for i, (when, likes, comments, shares) in _newest(slug, _since(run_input.get("postedLimitDate")), FAR,
                                                            run_input.get("maxPosts", 0)):  # fmt: skip
            record = harvest(_number(slug, i), slug, when.strftime("%Y-%m-%dT%H:%M:%SZ"), likes, comments, shares)
            items.append({**record, "query": {"targetUrl": url}})
    return items


def supreme_coder(run_input: dict[str, Any]) -> list[dict[str, Any]]:
    """supreme_coder/linkedin-post: scrapeUntil a lower bound, limitPerSource per URL."""
    items = []
    for url in run_input["urls"]:
        slug = _slug(url)
        for i, (when, likes, comments, shares) in _newest(slug, _since(run_input.get("scrapeUntil")), FAR,
                                                            run_input.get("limitPerSource", 0)):  # fmt: skip
            number = _number(slug, i)
            items.append({
                "url": f"https://www.linkedin.com/posts/{slug}_texte-activity-{number}-AbCd",
                "urn": f"urn:li:activity:{number}", "text": f"Texte {i}", "numLikes": likes, "numComments": comments,
                "numShares": shares, "postedAtTimestamp": int(when.timestamp() * 1000),
                "postedAtISO": when.isoformat().replace("+00:00", "Z"), "isActivity": False,
                "author": {"publicId": slug}, "inputUrl": url,
            })  # fmt: skip
    return items


def apimaestro(run_input: dict[str, Any]) -> list[dict[str, Any]]:
    """apimaestro/linkedin-profile-posts: one profile, its newest `limit` posts, no dates."""
    slug = run_input["username"]
    items = []
    for i, (when, likes, comments, shares) in _newest(slug, _since(None), FAR, run_input.get("limit", 100)):
        number = _number(slug, i)
        items.append({
            "urn": {"activity_urn": number, "share_urn": None, "ugcPost_urn": None}, "post_type": "regular",
            "text": f"Texte {i}", "url": f"https://www.linkedin.com/posts/{slug}_texte-activity-{number}-AbCd",
            "posted_at": {"timestamp": int(when.timestamp() * 1000), "date": when.strftime("%Y-%m-%d %H:%M:%S")},
            "author": {"username": slug}, "stats": {"total_reactions": likes, "comments": comments, "reposts": shares},
        })  # fmt: skip
    return items


_TERM = re.compile(r"from:(\S+) since:(\d{4}-\d{2}-\d{2}) until:(\d{4}-\d{2}-\d{2})")


def tweet_scraper(run_input: dict[str, Any]) -> list[dict[str, Any]]:
    """apidojo/tweet-scraper: `from: since: until:` searches (until excludes its day), maxItems for the run."""
    items = []
    for term in run_input.get("searchTerms", []):
        found = _TERM.fullmatch(term)
        assert found, f"the stand-in expects a dated search per handle, not {term!r}"
        handle, since, until = found.groups()
        for i, (when, likes, comments, shares) in _newest(handle, _since(since), _since(until), 0):
            number = f"14450000000000{sorted(POSTS).index(handle):02d}{i:03d}"
            items.append({
                "type": "tweet", "id": number, "url": f"https://x.com/{handle}/status/{number}",
                "twitterUrl": f"https://twitter.com/{handle}/status/{number}", "text": f"Tweet {i}",
                "likeCount": likes, "replyCount": comments, "retweetCount": shares,
                "createdAt": when.strftime("%a %b %d %H:%M:%S +0000 %Y"), "isRetweet": False, "isReply": False,
                "author": {"userName": handle, "followers": 1000 + 7 * len(handle)},  # at scrape time
            })  # fmt: skip
    return items[: run_input.get("maxItems") or None]


ACTORS = {
    "harvestapi/linkedin-profile-posts": harvestapi,
    "supreme_coder/linkedin-post": supreme_coder,
    "apimaestro/linkedin-profile-posts": apimaestro,
    "apidojo/tweet-scraper": tweet_scraper,
}


def posts_until(account: str, end: date) -> int:
    """How many posts of the account are dated on or before `end` (UTC)."""
    return sum(1 for p in POSTS[account] if p[0].date() <= end)
