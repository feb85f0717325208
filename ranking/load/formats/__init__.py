"""The export formats: one module per platform export or scraper result, and the registry that recognises a file.

A format module only describes itself: `NAME`, `DESCRIPTION`, `matches(path, head)` and `load(path, shown, ctx)`
(a scraping service's module: its `READERS`, `ranking.load.scraped.Reader`s). What they share is the loading
core's, below this package (`ranking.load.convert`, `scraped`, `flat`, `accounting`, `base`), never another
format's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking.errors import InputError
from ranking.load.base import Export, LoadContext
from ranking.load.flat import read_head
from ranking.load.formats import (
    apify_linkedin,
    apify_x,
    brightdata,
    brightdata_profiles,
    canonical,
    empty,
    linkedin_creator,
    linkedin_member,
    mapped,
    phantombuster,
    x_analytics,
    x_api,
    x_archive,
)
from ranking.load.merge import merge_frames
from ranking.load.repair import counting
from ranking.settings import Source

__all__ = [
    "FORMATS",
    "SCRAPERS",
    "Export",
    "Format",
    "LoadContext",
    "UnknownFormat",
    "detect",
    "load_file",
    "merge_posts",
]


class UnknownFormat(InputError):
    """A file no format recognises (`ranking.load.propose` describes it for `validate`)."""


@dataclass(frozen=True)
class Format:
    """An export format: how to recognise a file of it, and how to load one."""

    name: str
    description: str
    matches: Callable[[Path, bytes], bool]
    load: Callable[[Path, str, LoadContext], Export]


#: The scraping services' results, recognised by their fields (before the canonical files: an Apify CSV's
#: `posted_at/timestamp` column would read as a canonical `posted_at`).
SCRAPERS = [
    Format(r.name, r.description, r.matches, r.load)
    for r in (
        *apify_linkedin.READERS,
        *apify_x.READERS,
        *brightdata.READERS,
        *phantombuster.READERS,
        *x_api.READERS,
        *brightdata_profiles.READERS,
    )
]

#: A dataset of zero items (`ranking collect` writes one for a run that found nothing): read as no post.
EMPTY = Format(empty.NAME, empty.DESCRIPTION, empty.matches, empty.load)

FORMATS: list[Format] = [
    *SCRAPERS,
    EMPTY,
    Format(canonical.NAME, canonical.DESCRIPTION, canonical.matches, canonical.load),
    Format(x_archive.NAME, x_archive.DESCRIPTION, x_archive.matches, x_archive.load),
    Format(x_analytics.CLASSIC, x_analytics.CLASSIC_DESCRIPTION, x_analytics.classic_matches, x_analytics.load_classic),
    Format(x_analytics.CONTENT, x_analytics.CONTENT_DESCRIPTION, x_analytics.content_matches, x_analytics.load_content),
    Format(linkedin_creator.NAME, linkedin_creator.DESCRIPTION, linkedin_creator.matches, linkedin_creator.load),
    Format(linkedin_member.NAME, linkedin_member.DESCRIPTION, linkedin_member.matches, linkedin_member.load),
    Format(mapped.NAME, mapped.DESCRIPTION, mapped.matches, mapped.load),
]
MAPPED = FORMATS[-1]


def detect(path: Path, shown: str, sources: tuple[Source, ...] = ()) -> Format:
    """The format of a file, from its name and first bytes; an unknown one is an InputError listing the known.

    A file named by a `[[sources]]` mapping of the settings is that mapping's, whatever else it looks like.
    """
    head = read_head(path, shown)
    if not head.strip():
        raise InputError.one(shown, "empty file")
    if any(mapped.pattern_matches(source, path, shown) for source in sources):
        return MAPPED
    for fmt in FORMATS:
        if fmt.matches(path, head):
            return fmt
    # the contract's own formats first, the scraping services' after (an empty download is nothing to give)
    listed = [f for f in FORMATS if f not in SCRAPERS and f is not EMPTY] + SCRAPERS
    known = "; ".join(f"{f.name} ({f.description})" for f in listed)
    raise UnknownFormat.one(
        shown,
        "unknown export format; `ranking validate` describes the file and proposes a [[sources]] mapping. "
        f"Known formats: {known}",
    )


def load_file(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Recognise and load one export file (counting the characters read as U+FFFD)."""
    fmt = detect(path, shown, ctx.sources)
    with counting() as tally:
        export = fmt.load(path, shown, ctx)
    export.replaced = tally.replaced
    return export


def merge_posts(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per (platform, post_id): each field from the most recent export that reports it."""
    return merge_frames(frames)
