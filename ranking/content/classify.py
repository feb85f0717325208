"""Reading the posts once: each post with its company, influence, tone, topics and the watched terms it names.

The run holds the classified posts of the year to date without their texts (`classify_held`, chunk by chunk): the
few whose text a document quotes (best posts, flagged posts) have it read back by `with_texts`."""

from __future__ import annotations

import polars as pl

from ranking.content.matching import ROW, fold_expr
from ranking.content.tone import tone_of
from ranking.content.topics import hits
from ranking.load.merge import compact
from ranking.settings import Settings

#: Columns `classify` adds to the posts (which come with their `influence`: ranking.score.ranks.with_influence).
CLASSIFIED = ("company", "tone", "tone_match", "tone_reason", "topics", "compliance")
#: The columns of the classified posts a run holds (`classify_held`): what its tables, scores and reports aggregate;
#: neither the texts, links and mentions of the posts nor the tone's reasons (`ranking explain` classifies the
#: posts of its one executive again, whole).
HELD = (
    "platform", "post_id", "executive_id", "posted_at", "kind", "reactions", "comments", "shares", "engagements",
    "impressions", "media", "company", "influence", "tone", "topics", "compliance",
)  # fmt: skip
#: Columns of HELD with a few values, held as categories (4 bytes a post instead of 16 as strings); `topics` too,
#: a list of them.
CATEGORICAL = ("platform", "kind", "media", "tone")
#: What tells a merged post from every other (ranking.load.merge keys a repost by its reposter too).
POST_KEY = ("platform", "post_id", "executive_id", "kind")
#: The columns of a post `with_texts` reads back.
TEXTS = ("text", "url")
#: Posts classified at a time by `classify_held`: the texts of one chunk are in memory at once, never all of them.
CHUNK_ROWS = 200_000


def classify(
    posts: pl.DataFrame | pl.LazyFrame, companies: pl.DataFrame, roster: pl.DataFrame, settings: Settings
) -> pl.DataFrame:
    """The posts with what they say about their author's voice, in the columns of CLASSIFIED:

    - `company`: the executive's company (roster);
    - `tone`: `corporate`, `sector`, `curation` or `personal` (the first rule that applies);
    - `tone_match`: the handle (`@acme`) or URL that decided the tone (null for `personal`);
    - `tone_reason`: the same in words, e.g. `repost of @acme_officiel (own company acme)`,
      `link to https://fr.leem.example/x (sector actor)`, `link to https://news.example/a`;
    - `topics`: the `[topics]` whose keywords the text names (list, settings order, empty when none);
    - `compliance`: the `[compliance] watchlist` terms the text names, as written in the settings.

    `posts` has the canonical columns (ranking.schema.POSTS) and `influence` (ranking.score.ranks.with_influence,
    computed once per run); `companies` and `roster` are the workspace's.
    Rows keep their order. The pipeline classifies the posts of the year to date once (ranking.pipeline).
    """
    return _classified(posts.lazy(), companies, roster, settings).collect()


def _classified(lazy: pl.LazyFrame, companies: pl.DataFrame, roster: pl.DataFrame, settings: Settings) -> pl.LazyFrame:
    """`classify` as a query."""
    lazy = lazy.drop([c for c in CLASSIFIED if c in lazy.collect_schema().names()])
    base = lazy.join(
        roster.lazy().select("executive_id", "company"), on="executive_id", how="left", maintain_order="left"
    ).with_row_index(ROW)
    folded = fold_expr(pl.col("text"))
    watchlist = {term: (term,) for term in settings.compliance.watchlist}
    return (
        base.join(tone_of(base, companies, settings.tone), on=ROW, how="left", maintain_order="left")
        .with_columns(
            pl.col("tone").fill_null("personal"),
            pl.col("tone_reason").fill_null("no company or sector reference, no outside link"),
            hits(folded, settings.topics).alias("topics"),
            hits(folded, watchlist).alias("compliance"),
        )
        .drop(ROW)
    )


def classify_held(
    posts: pl.LazyFrame,
    companies: pl.DataFrame,
    roster: pl.DataFrame,
    settings: Settings,
    chunk_rows: int = CHUNK_ROWS,
) -> pl.DataFrame:
    """`classify` of the posts of a query, in the columns of HELD only, in the query's order.

    The query is read by the streaming engine `chunk_rows` posts at a time, each chunk classified and its texts let
    go before the next: the posts' texts are never all in memory (the tone's reasons are not even computed)."""

    def held(chunk: pl.LazyFrame) -> pl.DataFrame:
        query = _classified(chunk, companies, roster, settings).select(HELD)
        categories = [pl.col(CATEGORICAL).cast(pl.Categorical), pl.col("topics").cast(pl.List(pl.Categorical))]
        return query.with_columns(categories).collect()

    parts = [compact(held(chunk.lazy())) for chunk in posts.collect_batches(chunk_size=chunk_rows)]
    if not parts:
        return held(pl.LazyFrame(schema=posts.collect_schema()))
    return pl.concat(parts, rechunk=False)


def with_texts(rows: pl.DataFrame, posts: pl.LazyFrame) -> pl.DataFrame:
    """`rows` (posts as the run holds them, without their texts) with TEXTS appended, read back from `posts` (the
    merged posts, a query over the files) for those rows only, by their POST_KEY."""
    keys = rows.select(POST_KEY).unique().cast(pl.String)  # categories (HELD) matched as the files' strings
    # A filter the file readers apply themselves (on the posts' dates and ids, before any text is decoded), then
    # the exact key: the texts read are those of the rows asked for, whatever the size of the files.
    first, last = rows.get_column("posted_at").min(), rows.get_column("posted_at").max()
    candidates = posts.filter(
        pl.col("posted_at").is_between(first, last)
        & pl.col("post_id").is_in(keys.get_column("post_id").unique().implode())
    )
    found = (
        candidates.select(*POST_KEY, *TEXTS)
        .join(keys.lazy(), on=list(POST_KEY), how="semi")
        .collect(engine="streaming")
    )
    # Picked from every chunk of the files, the texts would keep each chunk's buffers alive: copied out of them.
    found = compact(found).cast({c: rows.schema[c] for c in POST_KEY})
    return rows.drop(TEXTS, strict=False).join(found, on=list(POST_KEY), how="left", maintain_order="left")
