"""The compliance watchlist: the posts that name a watched product or term (`classify` finds the terms with
ranking.content.topics.hits). They go to the company's own report, never to the public leaderboard."""

from __future__ import annotations

import polars as pl

from ranking.content.classify import with_texts


def compliance_hits(classified: pl.DataFrame, texts: pl.LazyFrame | None = None) -> pl.DataFrame:
    """The posts naming a watchlist term (for the company report's appendix, never the public leaderboard):
    executive_id, company, platform, post_id, posted_at, kind, url, text, compliance (terms found).

    Posts held without their texts (ranking.content.classify.HELD) have them read back from `texts`, the merged
    posts: the flagged ones only."""
    columns = ["executive_id", "company", "platform", "post_id", "posted_at", "kind", "url", "text", "compliance"]
    flagged = classified.filter(pl.col("compliance").list.len() > 0)
    if "text" not in flagged.columns:
        if texts is None:
            raise ValueError("posts without their texts: give the merged posts to read them from")
        flagged = with_texts(flagged, texts)
    return flagged.select(columns).sort(["company", "executive_id", "posted_at", "post_id"])
