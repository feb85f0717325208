"""What works: each team's own posts per format, topic and posting slot, against the sector's in the same cell.

A *cell* is one value of one dimension: a format (`media`, ranking.schema.MEDIA), a topic of the settings
(`topic`: a post naming several topics stands in each), or a posting slot (`slot`: weekday × part of the day, in
the workspace's time zone: `mon-morning`, …). Per team and cell: its own posts with a count (posts, replies and
quotes: a repost's counts are its original author's; the posts `median_influence` is taken over), their median
influence, and its ratio to the sector's median in the same cell (the sector: every team's such posts, the
team's own included). The ratio's 90 % interval is a bootstrap over posts: the team's posts and the sector's
are each resampled with replacement, and the 5th and 95th percentiles of the ratio of their medians are kept.

The bootstrap never copies a post: the median of n posts drawn with replacement is an order statistic of the
sorted cell whose rank follows from the uniform order statistics (the k-th smallest of n uniforms is
Beta(k, n + 1 − k); the next one above it, u + (1 − u) · Beta(1, n − k)), so each resample costs two draws
whatever the cell's size. Each cell draws from its own generator, seeded from its key: a cell's interval (and
verdict) depends on its own posts only, and a re-run gives the same bytes.

A verdict is `too_few` below `[measures] min_posts` posts, `better` when the whole interval lies above 1, `worse`
below 1, `same` otherwise (or when the sector's median is 0: no ratio). These are associations within the year's
posts, never causes: a format can work because of who uses it and about what.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import polars as pl

from ranking.schema import MEDIA
from ranking.score.measures import interactions

Dimension = Literal["media", "topic", "slot"]
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
Verdict = Literal["better", "worse", "same", "too_few"]
VERDICTS: tuple[str, ...] = get_args(Verdict)

#: Weekdays (ISO order) and parts of the day (from the hour in the workspace's time zone) naming the slots.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("night", "morning", "afternoon", "evening")  # 0–6 h, 6–12 h, 12–18 h, 18–24 h
SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in WEEKDAYS for p in PARTS)

#: Resamples of each cell, the interval's level, the seed every cell's generator derives from.
RESAMPLES = 2000
LEVEL = 0.90
SEED = 24
#: Decimals kept of the ratios and medians (the tables print them; two runs give the same bytes).
DECIMALS = 3

#: The columns of what_works.csv, in order (the issue fixes the first ten).
COLUMNS = (
    "company", "dimension", "value", "posts", "median_influence", "sector_median_influence", "ratio", "ratio_low",
    "ratio_high", "verdict", "sector_posts",
)  # fmt: skip


@dataclass(frozen=True)
class WhatWorks:
    """The cells of every team and of the sector, over the posts of one window (the year to date)."""

    cells: pl.DataFrame  # COLUMNS: one row per team and cell with at least one post (dimension, value order)
    sector: pl.DataFrame  # dimension, value, posts, median_influence: one row per cell with a post
    min_posts: int
    unknown_media: dict[str, int]  # per team: own posts with a count whose format no export states


def slot(timezone: str) -> pl.Expr:
    """A post's slot (`SLOTS`): its weekday and part of the day in `timezone`."""
    local = pl.col("posted_at").dt.convert_time_zone(timezone)
    day = pl.lit(list(WEEKDAYS)).list.get(local.dt.weekday().cast(pl.Int64) - 1)
    part = pl.lit(list(PARTS)).list.get((local.dt.hour() // 6).cast(pl.Int64))
    return pl.concat_str(day, pl.lit("-"), part)


def cell_posts(posts: pl.DataFrame | pl.LazyFrame, timezone: str) -> pl.LazyFrame:
    """The posts behind every cell: one row per own post with a count and cell it stands in (company, dimension,
    value, influence, and the post's key: platform, post_id, executive_id, posted_at)."""
    own = (
        posts.lazy()
        .filter((pl.col("kind").cast(pl.String) != "repost") & interactions().is_not_null())
        .select(
            pl.col("company").cast(pl.String),
            pl.col("platform").cast(pl.String),
            "post_id",
            "executive_id",
            "posted_at",
            pl.col("influence").cast(pl.Float64),
            pl.col("media").cast(pl.String),
            pl.col("topics").cast(pl.List(pl.String)),
            slot(timezone).alias("slot"),
        )
        .filter(pl.col("company").is_not_null())
    )
    key = ("company", "platform", "post_id", "executive_id", "posted_at", "influence")
    media = own.select(*key, pl.lit("media").alias("dimension"), pl.col("media").alias("value"))
    topic = (
        own.select(*key, "topics")
        .explode("topics")
        .select(*key, pl.lit("topic").alias("dimension"), pl.col("topics").alias("value"))
    )
    slots = own.select(*key, pl.lit("slot").alias("dimension"), pl.col("slot").alias("value"))
    return pl.concat([media, topic, slots]).filter(pl.col("value").is_not_null())


def _order() -> list[pl.Expr]:
    """Cells in a stable order: by dimension (DIMENSIONS), then value (formats and slots in their declared order,
    topics by name)."""
    rank = {d: i for i, d in enumerate(DIMENSIONS)}
    values = {v: i for i, v in enumerate((*MEDIA, *SLOTS))}
    return [
        pl.col("dimension").replace_strict(rank, return_dtype=pl.Int32),
        pl.col("value").replace_strict(values, default=len(values), return_dtype=pl.Int32),
        pl.col("value"),
    ]


def _seed(*parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") ^ SEED


def median_resamples(sorted_values: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES) -> np.ndarray:
    """`resamples` medians of the sorted values each drawn n times with replacement: the rank of a resample's
    middle order statistic(s) drawn from the uniform order statistics (module docstring), exactly what resampling
    gives, at two draws a resample."""
    n = sorted_values.size
    k = (n + 1) // 2  # the lower middle: the median when n is odd
    low = rng.beta(k, n + 1 - k, resamples)
    first = sorted_values[np.minimum(np.ceil(n * low).astype(np.int64), n) - 1]
    if n % 2:
        return first
    high = low + (1.0 - low) * rng.beta(1, n - k, resamples)
    second = sorted_values[np.minimum(np.ceil(n * high).astype(np.int64), n) - 1]
    return (first + second) / 2.0


def _intervals(frame: pl.DataFrame, values: dict[tuple[str, str, str], np.ndarray]) -> pl.DataFrame:
    """ratio_low and ratio_high of each row of `frame` with at least `min_posts` posts (null otherwise)."""
    tail = (1.0 - LEVEL) / 2.0
    sector_draws: dict[tuple[str, str], np.ndarray] = {}
    lows: list[float | None] = []
    highs: list[float | None] = []
    for company, dimension, value, enough, ratio in frame.select(
        "company", "dimension", "value", "__enough", "ratio"
    ).iter_rows():
        if not enough or ratio is None:
            lows.append(None)
            highs.append(None)
            continue
        if (dimension, value) not in sector_draws:
            rng = np.random.default_rng(_seed("", dimension, value))
            sector_draws[dimension, value] = median_resamples(values["", dimension, value], rng)
        sector = sector_draws[dimension, value]
        team = median_resamples(
            values[company, dimension, value], np.random.default_rng(_seed(company, dimension, value))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(sector > 0, team / np.where(sector > 0, sector, 1.0), np.inf)
        low, high = np.quantile(ratios, [tail, 1.0 - tail], method="inverted_cdf")
        # Monte Carlo noise could leave the estimate a hair outside its own interval: an interval always holds it.
        lows.append(min(float(low), ratio))
        highs.append(max(float(high), ratio))
    return frame.with_columns(
        pl.Series("ratio_low", lows, dtype=pl.Float64).round(DECIMALS),
        pl.Series("ratio_high", highs, dtype=pl.Float64).round(DECIMALS),
    )


def _sorted_cells(long: pl.DataFrame, by: list[str]) -> dict[tuple, np.ndarray]:
    """The sorted influences of each (`by`, dimension, value) group of `long`, as slices of one array."""
    keys = [*by, "dimension", "value"]
    grouped = long.group_by(keys).agg(pl.col("influence").sort())
    lengths = grouped.get_column("influence").list.len().to_numpy()
    flat = grouped.get_column("influence").explode().to_numpy().astype(np.float64)
    ends = np.cumsum(lengths).tolist()
    return {
        tuple(key): flat[end - n : end]
        for key, n, end in zip(grouped.select(keys).iter_rows(), lengths.tolist(), ends, strict=True)
    }


def what_works(posts: pl.DataFrame | pl.LazyFrame, timezone: str, min_posts: int) -> WhatWorks:
    """Every team's cells against the sector's, from classified posts of one window with their `influence`
    (ranking.pipeline.windowed_posts), slots in `timezone`; verdicts from `min_posts` posts."""
    long = cell_posts(posts, timezone).select("company", "dimension", "value", "influence").collect(engine="streaming")
    counted = long.filter(pl.col("dimension") == "slot").group_by("company").agg(pl.len().alias("own"))
    stated = long.filter(pl.col("dimension") == "media").group_by("company").agg(pl.len().alias("stated"))
    unknown = counted.join(stated, on="company", how="left").select(
        "company", (pl.col("own") - pl.col("stated").fill_null(0)).alias("n")
    )
    sector = (
        long.group_by("dimension", "value")
        .agg(pl.len().cast(pl.Int64).alias("posts"), pl.col("influence").median().alias("median_influence"))
        .sort(_order())
    )
    teams = long.group_by("company", "dimension", "value").agg(
        pl.len().cast(pl.Int64).alias("posts"), pl.col("influence").median().alias("median_influence")
    )
    joined = (
        teams.join(
            sector.select(
                "dimension", "value",
                pl.col("median_influence").alias("sector_median_influence"), pl.col("posts").alias("sector_posts"),
            ),
            on=["dimension", "value"],
        )
        .with_columns(
            pl.when(pl.col("sector_median_influence") > 0)
            .then(pl.col("median_influence") / pl.col("sector_median_influence"))
            .round(DECIMALS)
            .alias("ratio"),
            (pl.col("posts") >= min_posts).alias("__enough"),
        )
        .sort([pl.col("company"), *_order()])
    )  # fmt: skip
    # The sorted influences of the cells whose interval is drawn, and of the sector's cells they need: sorted within
    # each group (in parallel), then read as one flat array whose slices are the cells (no list per cell is built).
    wanted = joined.filter(pl.col("__enough") & pl.col("ratio").is_not_null()).select("company", "dimension", "value")
    teams_sorted = _sorted_cells(long.join(wanted, on=["company", "dimension", "value"], how="semi"), ["company"])
    sector_sorted = _sorted_cells(long.join(wanted.select("dimension", "value").unique(), on=["dimension", "value"],
                                            how="semi"), [])  # fmt: skip
    values = {**teams_sorted, **{("", d, v): found for (d, v), found in sector_sorted.items()}}
    rated = _intervals(joined, values)
    verdict = (
        pl.when(~pl.col("__enough"))
        .then(pl.lit("too_few"))
        .when(pl.col("ratio_low") > 1)
        .then(pl.lit("better"))
        .when(pl.col("ratio_high") < 1)
        .then(pl.lit("worse"))
        .otherwise(pl.lit("same"))
    )
    out = rated.with_columns(
        verdict.alias("verdict"),
        pl.col("median_influence", "sector_median_influence").round(DECIMALS),
    ).select(COLUMNS)
    sector = sector.with_columns(pl.col("median_influence").round(DECIMALS))
    return WhatWorks(out, sector, min_posts, {c: n for c, n in unknown.iter_rows() if n})
