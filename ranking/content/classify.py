"""Reading the posts once: each post with its company, influence, tone, topics and the watched terms it names."""

from __future__ import annotations

import polars as pl

from ranking.content.matching import ROW, fold_expr
from ranking.content.tone import tone_of
from ranking.content.topics import hits
from ranking.score.ranks import influence
from ranking.settings import Settings

#: Columns `classify` adds to the posts.
CLASSIFIED = ("company", "influence", "tone", "tone_match", "tone_reason", "topics", "compliance")


def classify(
    posts: pl.DataFrame | pl.LazyFrame, companies: pl.DataFrame, roster: pl.DataFrame, settings: Settings
) -> pl.DataFrame:
    """The posts with what they say about their author's voice, in the columns of CLASSIFIED:

    - `company`: the executive's company (roster); `influence`: the post's influence (scoring settings);
    - `tone`: `corporate`, `sector`, `curation` or `personal` (the first rule that applies);
    - `tone_match`: the handle (`@acme`) or URL that decided the tone (null for `personal`);
    - `tone_reason`: the same in words, e.g. `repost of @acme_officiel (own company acme)`,
      `link to https://fr.leem.example/x (sector actor)`, `link to https://news.example/a`;
    - `topics`: the `[topics]` whose keywords the text names (list, settings order, empty when none);
    - `compliance`: the `[compliance] watchlist` terms the text names, as written in the settings.

    `posts` has the canonical columns (ranking.schema.POSTS); `companies` and `roster` are the workspace's.
    Rows keep their order. The pipeline classifies the posts of the year to date once (ranking.pipeline).
    """
    lazy = posts.lazy()
    lazy = lazy.drop([c for c in CLASSIFIED if c in lazy.collect_schema().names()])
    base = (
        lazy.join(roster.lazy().select("executive_id", "company"), on="executive_id", how="left", maintain_order="left")
        .with_row_index(ROW)
        .with_columns(influence(settings.scoring).alias("influence"))
    )
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
        .collect()
    )
