"""The tone of each post, first rule that applies:

1. `corporate`: a repost or quote of, a mention of, or a link to the executive's own company
   (its `corporate_handles` or `domains` in companies.csv);
2. `sector`: the same toward another company of companies.csv or a sector actor of `[tone]`;
3. `curation`: a link to any other site;
4. `personal`: none of the above.

Links come from the export's expanded URLs (`links`) where it has them, else from the text; mentions from
`mentions`, else from the `@handles` of the text. A link to the platforms themselves (a profile, a post) is
read as a reference to the handle in its path, never as an outside site; a domain matches its subdomains.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ranking.content.matching import PLATFORM_HOST, ROW, grouped, matches, references
from ranking.period import Scope
from ranking.settings import Tone

#: The tones, in the order their rules apply.
TONES = ("corporate", "sector", "curation", "personal")
#: The tone columns appended to executives.csv and companies.csv (shares of posts, reposts included).
TONE_COLUMNS = tuple(f"tone_{t}" for t in TONES)


def tone_of(base: pl.LazyFrame, companies: pl.DataFrame, tone: Tone) -> pl.LazyFrame:
    """Per post: the tone, the reference that decided it and why (posts without a verdict are personal)."""
    refs = references(base).join(base.select(ROW, "company"), on=ROW, how="left")
    found = refs.join(matches(refs, companies, tone), on="__ref", how="left")
    matched = pl.col("matched").fill_null(False)
    own = matched & (pl.col("owner") == pl.col("company")).fill_null(False)
    outside = pl.col("url").is_not_null() & pl.col("handle").is_null() & ~pl.col("host").str.contains(PLATFORM_HOST)
    rank = pl.when(own).then(1).when(matched).then(2).when(outside).then(3)
    what = (
        pl.when(pl.col("via") == "link")
        .then(pl.format("link to {}", pl.col("url")))
        .otherwise(pl.format("{} of @{}", pl.col("via"), pl.col("handle")))
    )
    actor = (
        pl.when(own)
        .then(pl.format(" (own company {})", pl.col("company")))
        .when(matched & pl.col("owner").is_not_null())
        .then(pl.format(" (company {})", pl.col("owner")))
        .when(matched)
        .then(pl.lit(" (sector actor)"))
        .otherwise(pl.lit(""))
    )
    return (
        found.with_columns(
            rank.alias("__rank"),
            pl.coalesce(pl.col("url"), pl.format("@{}", pl.col("handle"))).alias("tone_match"),
            (what + actor).alias("tone_reason"),
        )
        .filter(pl.col("__rank").is_not_null())
        .sort(["__rank", "order", "position"])
        .group_by(ROW)
        .agg(pl.col("__rank", "tone_match", "tone_reason").first())
        .with_columns(pl.col("__rank").replace_strict({1: "corporate", 2: "sector", 3: "curation"}).alias("tone"))
        .drop("__rank")
    )


def tone_mix(classified: pl.DataFrame, by: str | None = "executive_id") -> pl.DataFrame:
    """Tone mix of windowed classified posts, one row per `by` value (`executive_id`, `company`, or None for a
    single row over all the posts given: the sector average, every post weighing the same).

    Columns: `by`, `tone_posts` (posts and reposts the shares are taken over), `tone_<tone>` (share of those
    posts, 0..1, summing to 1) and `tone_influence_<tone>` (share of their influence; null when it is 0).
    Reposts count as posts here: relaying the company is a tone. Groups without posts have no row.
    """
    frame, key = grouped(classified, by)
    total = pl.col("influence").sum()
    mix = frame.group_by(key).agg(
        pl.len().cast(pl.Int64).alias("tone_posts"),
        *[(pl.col("tone") == t).mean().alias(f"tone_{t}") for t in TONES],
        *[
            pl.when(total > 0)
            .then(pl.col("influence").filter(pl.col("tone") == t).sum() / total)
            .otherwise(None)
            .cast(pl.Float64)
            .alias(f"tone_influence_{t}")
            for t in TONES
        ],
    )
    # Streamed: over the year's posts, a query in memory would copy the columns it reads, for every post.
    return mix.sort(key).drop("__all", strict=False).collect(engine="streaming")


def with_tone_shares(scores_table: pl.DataFrame, posts: Mapping[Scope, pl.DataFrame], by: str) -> pl.DataFrame:
    """A contract table (ranking.score.ranks.table: both scopes) with TONE_COLUMNS appended at the end, each row's
    shares taken over the classified `posts` of its scope's window (3 decimals; empty for an entity without posts
    in the window)."""
    scopes = scores_table.get_column("scope").unique(maintain_order=True).to_list()
    mixes = [
        tone_mix(posts[scope], by)
        .select(pl.lit(scope).alias("scope"), by, *TONE_COLUMNS)
        .cast({by: scores_table.schema[by]})
        for scope in scopes
    ]
    empty = pl.DataFrame(
        schema={"scope": pl.String, by: scores_table.schema[by], **dict.fromkeys(TONE_COLUMNS, pl.Float64)}
    )
    shares = pl.concat(mixes) if mixes else empty
    return scores_table.join(shares, on=["scope", by], how="left", maintain_order="left").with_columns(
        [pl.col(c).round(3) for c in TONE_COLUMNS]
    )
