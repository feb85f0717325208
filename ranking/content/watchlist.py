"""The compliance watchlist: the posts that name a watched product or term (`classify` finds the terms with
ranking.content.topics.hits). They go to the company's own report, never to the public leaderboard."""

from __future__ import annotations

import polars as pl


def compliance_hits(classified: pl.DataFrame) -> pl.DataFrame:
    """The posts naming a watchlist term (for the company report's appendix, never the public leaderboard):
    executive_id, company, platform, post_id, posted_at, kind, url, text, compliance (terms found)."""
    columns = ["executive_id", "company", "platform", "post_id", "posted_at", "kind", "url", "text", "compliance"]
    return (
        classified.filter(pl.col("compliance").list.len() > 0)
        .select(columns)
        .sort(["company", "executive_id", "posted_at", "post_id"])
    )
