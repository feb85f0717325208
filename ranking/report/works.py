"""What works (ranking.score.what_works) in the documents: the company report's page "What works for your team"
(formats and topics clearly above or below the sector's, the posting slots as a heat map, three sentences made
from the figures) and the leaderboard's sector page (formats and topics by median influence)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from ranking.report.i18n import Translator
from ranking.report.rows import described
from ranking.score.what_works import PARTS, SLOTS, WEEKDAYS, WhatWorks

#: Cells of each group (clearly above, clearly below) given a line of figures on the page; the others are named
#: after them (what_works.csv and `ranking explain --cell` give their figures). A team of many posts can have a dozen
#: decisive cells, and each line is what the page costs to lay out (bench/results/issue-24-what-works.md).
LINES = 6


@dataclass(frozen=True)
class WorkCell:
    """One cell of a team (a format, a topic or a slot) against the sector's."""

    dimension: str = described("`media`, `topic` or `slot`")
    value: str = described("the format (ranking.schema.MEDIA), the topic's name or the slot (`mon-morning`, …)")
    label: str = described("the value in the reader's words")
    posts: int = described("the team's own posts with a count in the cell (year to date)")
    median: float | None = described("their median influence")
    sector_median: float | None = described("the sector's median influence in the cell")
    ratio: float | None = described("median / sector median (none when the sector's is 0)")
    low: float | None = described("the 90 % interval of the ratio: its low end (none below `min_posts`)")
    high: float | None = described("its high end")
    verdict: str = described("`better` or `worse` (the interval excludes 1), `same`, or `too_few`")


@dataclass(frozen=True)
class SlotSquare:
    """One square of the heat map: a weekday × part of the day."""

    slot: str = described("the slot, `mon-morning` …")
    day: int = described("0 (Monday) to 6")
    part: int = described("0 (night) to 3 (evening)")
    posts: int = described("the team's own posts there")
    sector_median: float | None = described("the sector's median influence there (none below `min_posts` posts)")
    shade: float = described("0..1: the sector's median over the highest slot's, for the square's grey")
    verdict: str | None = described("the team's verdict there (none without a post)")
    dot: float = described("0..1: the dot's radius, the square root of `posts` over the team's busiest slot's")


@dataclass(frozen=True)
class CompanyWorks:
    """The company report's page "What works for your team"."""

    min_posts: int = described("posts a cell needs for a verdict (`measures.min_posts`)")
    lines: int = described(
        "at most this many cells of `above` and of `below` get a line of figures; the others are named"
    )
    above: tuple[WorkCell, ...] = described("formats and topics clearly above the sector's (`better`), highest first")
    below: tuple[WorkCell, ...] = described("formats and topics clearly below (`worse`), lowest first")
    cells: tuple[WorkCell, ...] = described(
        "every format and topic of the team with a post: `above`, `below`, then those within noise and those with "
        "too few posts (formats first, each group in its order)"
    )
    slots: tuple[SlotSquare, ...] = described("the 28 squares of the heat map, Monday night first")
    busiest: int = described("the team's posts in its busiest slot: the largest dot's")
    slot_text: str = described("the heat map's text alternative: each slot's figures")
    sentences: tuple[str, ...] = described("three plain sentences made from the figures")
    unknown_media: int = described("own posts whose format no export states (left out of the formats)")
    days: tuple[str, ...] = described("the weekdays' short names, Monday first")
    parts: tuple[str, ...] = described("the parts of the day's names, night first")


@dataclass(frozen=True)
class SectorCell:
    """A format or topic over the whole sector."""

    value: str = described("the format or topic")
    label: str = described("in the reader's words")
    posts: int = described("the sector's own posts with a count there")
    median: float | None = described("their median influence")
    bar: float = described("100 × median / the list's highest, for the bar")


@dataclass(frozen=True)
class SectorWorks:
    """The leaderboard's sector page: formats and topics by median influence (year to date)."""

    min_posts: int = described("posts a cell needs to be ranked (`measures.min_posts`)")
    formats: tuple[SectorCell, ...] = described("formats with `min_posts` posts, highest median first")
    topics: tuple[SectorCell, ...] = described("topics with `min_posts` posts, highest median first")
    few: tuple[SectorCell, ...] = described("formats and topics with fewer posts: listed apart, not ranked")
    unknown_media: int = described("own posts whose format no export states")


def value_label(t: Translator, dimension: str, value: str) -> str:
    """A cell's value in the reader's words (a topic is its name in the settings)."""
    if dimension == "media":
        return t.of("works.media", value)
    if dimension == "slot":
        day, part = value.split("-")
        return t("works.slot", day=t.of("works.day", day), part=t.of("works.part", part))
    return t.of("topic", value) if t.has(f"topic.{value}") else value


def _cell(t: Translator, r: dict) -> WorkCell:
    return WorkCell(
        r["dimension"], r["value"], value_label(t, r["dimension"], r["value"]), r["posts"], r["median_influence"],
        r["sector_median_influence"], r["ratio"], r["ratio_low"], r["ratio_high"], r["verdict"],
    )  # fmt: skip


def _x(t: Translator, value: float | None) -> str:
    return t.number(value, 1)


def _sentence(t: Translator, c: WorkCell) -> str:
    """`Your executives' videos get 2.4× the sector's median influence (90 %: 1.6–3.3×), from 14 posts.`"""
    media = c.dimension == "media"
    what = t.of("works.what.media", c.value) if media else t.of("works.what", c.dimension, value=c.label)
    return t.of(
        "works.sentence",
        c.verdict,
        what=what,
        ratio=_x(t, c.ratio),
        low=_x(t, c.low),
        high=_x(t, c.high),
        posts=t.plural("works.posts", c.posts),
    )


def _sentences(
    t: Translator, cells: list[WorkCell], slots: list[WorkCell], name: str, sector_best: tuple[str, float, int] | None
) -> tuple[str, ...]:
    """Do more of: the cell most clearly above (the highest low end of its interval); do less of: the one most
    clearly below (the lowest high end); when: the team's slot most clearly above the sector's, else the slot where
    the sector's posts do best (`sector_best`: slot, median, posts) and how often the team posts there."""
    rated = [c for c in cells if c.verdict != "too_few" and c.ratio is not None]
    above = sorted((c for c in rated if c.verdict == "better"), key=lambda c: (-(c.low or 0), c.value))
    below = sorted((c for c in rated if c.verdict == "worse"), key=lambda c: (c.high or 0, c.value))
    out = [
        _sentence(t, above[0]) if above else t("works.sentence.no_better", name=name),
        _sentence(t, below[0]) if below else t("works.sentence.no_worse", name=name),
    ]
    timed = sorted((c for c in slots if c.verdict == "better"), key=lambda c: (-(c.low or 0), c.value))
    if timed:
        out.append(_sentence(t, timed[0]))
    elif sector_best is not None:
        slot, median, posts = sector_best
        own = next((c.posts for c in slots if c.value == slot), 0)
        out.append(
            t(
                "works.sentence.sector_slot",
                slot=value_label(t, "slot", slot),
                median=t.number(median, 1),
                sector_posts=t.plural("works.posts", posts),
                posts=t.plural("works.posts", own),
            )
        )
    else:
        out.append(t("works.sentence.no_slot"))
    return tuple(out)


def _slot_text(t: Translator, squares: list[SlotSquare], labels: dict[str, str]) -> str:
    parts = [
        t(
            "works.alt.slot",
            slot=labels[s.slot],
            posts=t.plural("works.posts", s.posts),
            sector=t.number(s.sector_median, 1),
        )
        for s in squares
        if s.posts or s.sector_median is not None
    ]
    return t("works.alt.heatmap") + " " + "; ".join(parts) + "."


def company_works_builder(works: WhatWorks, lang: str) -> Callable[[str, str], CompanyWorks]:
    """The page of any company (its id and name): the cells are grouped by company once, up front."""
    t = Translator(lang)
    by_company: dict[str, list[dict]] = {}
    for r in works.cells.iter_rows(named=True):
        by_company.setdefault(r["company"], []).append(r)
    # A slot of the sector with fewer than `min_posts` posts has no median worth a shade: left blank.
    slotted = works.sector.filter((pl.col("dimension") == "slot") & (pl.col("posts") >= works.min_posts))
    sector_slots = {r["value"]: r["median_influence"] for r in slotted.iter_rows(named=True)}
    # The sector's best slot is named from the busy slots only (a quarter of the average slot's posts at least): a
    # night with four posts is no advice.
    busy = slotted.filter(pl.col("posts") >= pl.col("posts").mean() / 4)
    ranked = busy.sort(["median_influence", "posts", "value"], descending=[True, True, False], nulls_last=True)
    sector_best = ranked.select("value", "median_influence", "posts").row(0) if ranked.height else None
    top = max((m for m in sector_slots.values() if m is not None), default=0.0) or 0.0
    slot_labels = {s: value_label(t, "slot", s) for s in SLOTS}
    days = tuple(t.of("works.day.short", d) for d in WEEKDAYS)
    parts = tuple(t.of("works.part", p) for p in PARTS)

    def build(company: str, name: str) -> CompanyWorks:
        rows = by_company.get(company, [])
        cells = [_cell(t, r) for r in rows if r["dimension"] != "slot"]
        own_slots = {r["value"]: _cell(t, r) for r in rows if r["dimension"] == "slot"}
        squares = []
        busiest = max((c.posts for c in own_slots.values()), default=0)
        for i, s in enumerate(SLOTS):
            mine = own_slots.get(s)
            median = sector_slots.get(s)
            shade = (median / top) if median is not None and top > 0 else 0.0
            squares.append(
                SlotSquare(
                    s,
                    i // len(PARTS),
                    i % len(PARTS),
                    mine.posts if mine else 0,
                    median,
                    shade,
                    mine.verdict if mine else None,
                    (mine.posts / busiest) ** 0.5 if mine and busiest else 0.0,
                )
            )
        above = sorted((c for c in cells if c.verdict == "better"), key=lambda c: (-(c.ratio or 0), c.value))
        below = sorted((c for c in cells if c.verdict == "worse"), key=lambda c: (c.ratio or 0, c.value))
        rest = [c for v in ("same", "too_few") for c in cells if c.verdict == v]
        return CompanyWorks(
            min_posts=works.min_posts,
            lines=LINES,
            above=tuple(above),
            below=tuple(below),
            cells=(*above, *below, *rest),
            slots=tuple(squares),
            busiest=busiest,
            slot_text=_slot_text(t, squares, slot_labels),
            sentences=_sentences(t, cells, list(own_slots.values()), name, sector_best),
            unknown_media=works.unknown_media.get(company, 0),
            days=days,
            parts=parts,
        )

    return build


def sector_works(works: WhatWorks, lang: str) -> SectorWorks:
    """The leaderboard's sector page."""
    t = Translator(lang)
    enough = pl.col("posts") >= works.min_posts
    shown: dict[str, tuple[SectorCell, ...]] = {}
    for dimension in ("media", "topic"):
        frame = works.sector.filter((pl.col("dimension") == dimension) & enough).sort(
            ["median_influence", "value"], descending=[True, False], nulls_last=True
        )
        top = float(frame.get_column("median_influence").max() or 0.0)  # type: ignore[arg-type]
        shown[dimension] = tuple(
            SectorCell(v, value_label(t, dimension, v), n, m, (100.0 * m / top) if m is not None and top > 0 else 0.0)
            for v, n, m in frame.select("value", "posts", "median_influence").iter_rows()
        )
    few = works.sector.filter(pl.col("dimension").is_in(["media", "topic"]) & ~enough)
    return SectorWorks(
        min_posts=works.min_posts,
        formats=shown["media"],
        topics=shown["topic"],
        few=tuple(
            SectorCell(v, value_label(t, d, v), n, m, 0.0)
            for d, v, n, m in few.select("dimension", "value", "posts", "median_influence").iter_rows()
        ),
        unknown_media=sum(works.unknown_media.values()),
    )
