"""The input of each Apify actor `ranking` reads, built from what the actor really reads
(../shared/formats/scrapers/ACTOR-INPUTS.md): one builder for `ranking sources --apify` (pasted by hand) and
`ranking collect` (sent by the tool).

A window is the days of the period in the workspace's time zone; the actors read UTC days, so the window sent
starts on the UTC day holding local midnight of its first day and ends on the UTC day after its last local
instant: posts just outside it are collected too, and the loaders leave them out of the month."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    """The days whose posts are asked for (both included), in the workspace's time zone."""

    start: date
    end: date
    timezone: str = "UTC"

    @property
    def since(self) -> date:
        """The first UTC day to ask for: the one holding local midnight of `start`."""
        return _utc(self.start, self.timezone).date()

    @property
    def until(self) -> date:
        """The first UTC day not to ask for (X's `until:` excludes its day): after the last local instant."""
        after = _utc(self.end + timedelta(days=1), self.timezone)
        return after.date() if after.time() == time(0) else after.date() + timedelta(days=1)


def _utc(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(timezone)).astimezone(UTC)


@dataclass(frozen=True)
class Actor:
    """An actor `ranking collect` can start: its platform, whether one run takes several profiles, and its input."""

    name: str  # owner/name, as the service and the settings name it
    platform: str  # linkedin or x
    takes_list: bool  # several profiles per run (else one run per profile)
    build: Callable[[list[str], Window, int], dict[str, Any]]  # accounts, window, max items per profile -> input
    bounded: bool  # whether the input has an end date (else posts up to the day of the run are collected)

    @property
    def dataset_name(self) -> str:
        """The actor's part of the name the service gives its downloads: `dataset_<this>_<time>.json`."""
        return self.name.split("/", 1)[1]


def _slug(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _harvestapi(urls: list[str], window: Window, max_items: int) -> dict[str, Any]:
    # postedLimitDate is a day read at 00:00 UTC, a lower bound only; maxPosts counts from the newest post back
    return {
        "targetUrls": urls,
        "postedLimitDate": str(window.since),
        "maxPosts": max_items,
        "includeReposts": True,  # a repost counts as one (it adds no influence)
        "includeQuotePosts": True,
        "scrapeReactions": False,  # each reaction and comment would be billed as an item
        "scrapeComments": False,
    }


def _supreme_coder(urls: list[str], window: Window, max_items: int) -> dict[str, Any]:
    # scrapeUntil: only posts newer than this day (without it every run pays for the newest posts, whatever their date)
    return {"urls": urls, "scrapeUntil": str(window.since), "limitPerSource": max_items, "deepScrape": True,
            "rawData": False}  # fmt: skip


def _apimaestro(urls: list[str], window: Window, max_items: int) -> dict[str, Any]:
    # one profile per run, at most 100 posts a page, no date option known
    return {"username": _slug(urls[0]), "limit": min(100, max_items)}


def _tweet_scraper(handles: list[str], window: Window, max_items: int) -> dict[str, Any]:
    # with twitterHandles the actor reads the timeline and ignores start/end: a window needs a search per handle
    terms = [f"from:{h} since:{window.since} until:{window.until}" for h in handles]
    return {"searchTerms": terms, "sort": "Latest", "maxItems": max_items * len(handles)}


ACTORS: dict[str, Actor] = {
    a.name: a
    for a in (
        Actor("harvestapi/linkedin-profile-posts", "linkedin", True, _harvestapi, False),
        Actor("supreme_coder/linkedin-post", "linkedin", True, _supreme_coder, False),
        Actor("apimaestro/linkedin-profile-posts", "linkedin", False, _apimaestro, False),
        Actor("apidojo/tweet-scraper", "x", True, _tweet_scraper, True),
    )
}


def actor_input(actor: str, accounts: list[str], window: Window, max_items: int) -> dict[str, Any]:
    """The input of `actor` for these accounts (profile URLs, or X handles without @) and window."""
    return ACTORS[actor].build(accounts, window, max_items)


def input_sha256(actor: str, run_input: dict[str, Any]) -> str:
    """The input's fingerprint in the collection log: the same actor with the same input is the same run."""
    text = json.dumps({"actor": actor, "input": run_input}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def estimated_cost(price_per_1000: float, max_items: int, profiles: int) -> float:
    """What a run may cost at most: its profiles' items at the actor's price (rounded up to the cent)."""
    return math.ceil(price_per_1000 * max_items * profiles / 1000 * 100 - 1e-9) / 100
