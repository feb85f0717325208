"""The merge of every export's posts, lazily: one row per (platform, post_id), each field from the most recent
export that reports it, without ever holding all the posts in memory.

A repost is the reposter's record of someone's post: it is keyed by who reposted what (platform, post_id of the
original, reposter), so that it never merges with the original (which stays its author's), whoever reposts it,
the author included; two downloads of one repost still merge."""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl

from ranking import schema
from ranking.load.base import ROW

KEYS = ("platform", "post_id")
_KEY = "__key"
_REPOSTER = "__reposter"


def reposter() -> pl.Expr:
    """The third part of a post's key: who reposted it, on a repost (null on every other kind of post)."""
    return pl.when(pl.col("kind") == "repost").then(pl.col("executive_id")).otherwise(None).alias(_REPOSTER)


@dataclass(frozen=True)
class MergedPosts:
    """The merged posts of a workspace: a query over the export files, and how many rows it gives."""

    posts: pl.LazyFrame
    rows: int
    #: For each export, how many of its rows stand with another row of the same post (and were merged).
    shared: tuple[int, ...] = ()


def _key() -> pl.Expr:
    # A 64-bit hash of the key only selects the candidates to merge; they are then grouped by the key itself,
    # so that a collision costs a little work, never a wrong merge.
    return pl.struct(*KEYS, reposter()).hash().alias(_KEY)


def merge_lazy(numbered: list[pl.LazyFrame], rows: list[int]) -> MergedPosts:
    """Merge the posts of several exports, in the order they were read: `numbered[i]` holds the `rows[i]` posts of
    an export in canonical columns, with ROW telling its rows apart.

    One streaming pass over the keys finds the rows whose post stands in more than one row; only those are read
    whole and merged, in memory (each field from the row of the most recent `snapshot` that has it, the first
    export read on a tie). Every other row stays a query over its file, which leaves the merged ones out by ROW.
    (Kept lazy, the merged rows would cost every later query a read of every file's keys: more than reading
    them once here.)
    """
    if not numbered:
        return MergedPosts(schema.empty_posts().lazy(), 0)
    keys = pl.concat(
        [n.select(pl.lit(i, pl.UInt32).alias("__export"), pl.col(ROW), _key()) for i, n in enumerate(numbered)]
    ).collect(engine="streaming")
    repeated = keys.filter(pl.col(_KEY).is_duplicated())
    if repeated.height == 0:
        return MergedPosts(pl.concat([n.drop(ROW) for n in numbered]), sum(rows), (0,) * len(numbered))
    involved_rows = {
        int(i): group.get_column(ROW).implode() for (i,), group in repeated.group_by("__export", maintain_order=True)
    }
    involved = pl.concat(
        [
            compact(numbered[i].filter(pl.col(ROW).is_in(found)).collect(engine="streaming")).with_columns(
                pl.lit(i, pl.UInt32).alias("__export")
            )
            for i, found in involved_rows.items()
        ]
    )
    others = [c for c in schema.POSTS if c not in KEYS]
    merged = (
        involved.sort("__export", ROW)
        .with_row_index("__order")
        .with_columns(reposter())
        .sort(["snapshot", "__order"], descending=[True, False], nulls_last=True)
        .group_by([*KEYS, _REPOSTER], maintain_order=True)
        .agg([pl.col(c).drop_nulls().first() for c in others])
        .select(list(schema.POSTS))
    )
    single = [
        (n.filter(~pl.col(ROW).is_in(involved_rows[i])) if i in involved_rows else n).drop(ROW)
        for i, n in enumerate(numbered)
    ]
    shared = tuple(involved_rows[i].list.len().item() if i in involved_rows else 0 for i in range(len(numbered)))
    return MergedPosts(pl.concat([*single, merged.lazy()]), sum(rows) - involved.height + merged.height, shared)


def compact(frame: pl.DataFrame) -> pl.DataFrame:
    """The same rows in buffers of their own (for a few rows picked from a large frame, or from a file). The texts of a few rows picked from a file are views into the pages
    read: kept as they are, they would hold every text of every file in memory (about 80 MB per 400,000 posts).
    An Arrow IPC round trip in memory copies just the rows kept."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    buffer.seek(0)
    return pl.read_ipc(buffer)


def merge_frames(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """`merge_lazy` of posts already in memory."""
    numbered = [schema.conform(f).with_row_index(ROW).select([*schema.POSTS, ROW]) for f in frames]
    return merge_lazy(numbered, [f.height for f in frames]).posts.collect()
