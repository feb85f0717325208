"""The measures beyond volume, each declared once: which tables carry it, how it is computed, kept, formatted and
where it prints. Everything else is derived from `MEASURES`: the columns appended to executives.csv,
companies.csv and ranking.xlsx (and their spreadsheet formats), the company report's percentile bars, the
leaderboard's methodology page, `ranking explain`'s table and the table of docs/methodology.md.

Labels stay in the gettext catalogues of templates/locale/ (both languages), under keys named after the measure
(`Measure.label_keys`, declared in ranking/report/labels.py for `make i18n`); a test checks that each declared
measure has them.

`python -m ranking.score.catalogue docs/methodology.md` rewrites the generated table of that file; a test fails
when it is out of date.

To add a measure: one `Measure` in `MEASURES` (its value as an aggregation over a group's measured posts, or an
expression over the scope's table), its labels in both catalogues, and its paragraph in docs/methodology.md."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

#: The tables a measure is a column of: executives.csv (and the xlsx's executives and CEOs), companies.csv.
Table = Literal["executives", "companies"]
#: Where a measure prints besides the tables: the company report's percentile bars (`bars`), the leaderboard's
#: methodology page (`method`: its definition `method.beyond.<name>`), the table of `ranking explain` (`explain`).
Place = Literal["bars", "method", "explain"]
#: How documents and `ranking explain` show a value: a count (as is), a number or a percentage of `digits` digits.
Shown = Literal["count", "number", "percent"]

#: Decimals of every percentile, and their spreadsheet format.
PERCENTILE_DECIMALS = 1
PERCENTILE_FORMAT = "0.0"


@dataclass(frozen=True)
class Measure:
    """One measure: the contract's score (`influence_score`, `team_score`: declared for its percentile and its bar,
    its column is the contract's) or a column appended to the tables, computed by `per_post` and/or `per_table`."""

    name: str  # the column; its percentile is `percentile_<name>`
    tables: tuple[Table, ...]
    help: str  # one line for docs/methodology.md
    shown: Shown = "number"
    digits: int = 0  # shown in the documents and in `ranking explain`
    decimals: int | None = None  # kept in the tables (percentiles are taken over the rounded values); None: as is
    xlsx: str = "#,##0"  # the spreadsheet's number format
    percentile: bool = True  # whether `percentile_<name>` is a column too
    places: frozenset[Place] = frozenset()
    short: str = ""  # its heading in `ranking explain`'s table (`<short> pct` for a score's percentile)
    # per group (executive or team): an aggregation over its measured posts (ranking.score.measures.post_measures),
    # given `[measures] min_posts`
    per_post: Callable[[int], pl.Expr] | None = None
    # then over the scope's table with the aggregations joined (e.g. over every team): the column's final value
    per_table: Callable[[], pl.Expr] | None = None

    @property
    def appended(self) -> bool:
        """Whether the measure is a column of its own (not the contract's score, whose percentile only is)."""
        return self.per_post is not None or self.per_table is not None

    @property
    def label_keys(self) -> tuple[str, ...]:
        """The labels it needs in each catalogue of templates/locale/."""
        keys = [f"xlsx.col.{self.name}"] if self.appended else []
        keys += [f"xlsx.col.percentile_{self.name}"] if self.percentile else []
        keys += [f"measure.{self.name}"] if "bars" in self.places else []
        keys += [f"method.beyond.{self.name}", f"method.beyond.{self.name}.text"] if "method" in self.places else []
        return tuple(keys)


def _median_influence(min_posts: int) -> pl.Expr:
    return pl.when(pl.len() >= min_posts).then(pl.col("influence").cast(pl.Float64).median())


def _engagement_rate(_min_posts: int) -> pl.Expr:
    rated = pl.col("rated")
    impressions = pl.col("impressions").filter(rated).sum()
    return pl.when(rated.any()).then(pl.col("interactions").filter(rated).sum() / impressions).cast(pl.Float64)


def _share_of_voice() -> pl.Expr:
    total = pl.col("team_score").sum()
    return pl.when(total > 0).then(pl.col("team_score") / total).otherwise(0.0)


_FOLLOWED: frozenset[Place] = frozenset({"bars", "method", "explain"})

#: Every measure, in the order of the columns (values first, then percentiles), of the bars and of explain.
MEASURES: tuple[Measure, ...] = (
    Measure(
        "influence_score", ("executives",), "the contract's influence score: its percentile among the executives",
        places=frozenset({"bars", "explain"}), short="score",
    ),
    Measure(
        "team_score", ("companies",), "the contract's team score: its percentile among the teams",
        places=frozenset({"bars"}),
    ),
    Measure(
        "share_of_voice", ("companies",), "the team's score over the sum of every team's score",
        shown="percent", digits=1, decimals=4, xlsx="0.0%", places=frozenset({"bars", "method"}),
        per_table=_share_of_voice,
    ),
    Measure(
        "measured_posts", ("executives", "companies"), "own posts with a count: what the measures are taken over",
        shown="count", xlsx="0", percentile=False, places=frozenset({"explain"}), short="counted",
        per_post=lambda _min_posts: pl.len().cast(pl.Int64), per_table=lambda: pl.col("measured_posts").fill_null(0),
    ),
    Measure(
        "median_influence", ("executives", "companies"),
        "the median influence of the own posts with a count, from `[measures] min_posts` of them",
        digits=1, decimals=1, xlsx="#,##0.0", places=_FOLLOWED, short="median", per_post=_median_influence,
    ),
    Measure(
        "engagement_rate", ("executives", "companies"),
        "interactions over impressions, over the own posts that give both (a fraction)",
        shown="percent", digits=2, decimals=6, xlsx="0.000%", places=_FOLLOWED, short="eng. rate",
        per_post=_engagement_rate,
    ),
    Measure(
        "interactions_per_1k_followers", ("executives", "companies"),
        "1,000 × interactions per own post / followers of its platform, weighted by posts across platforms",
        digits=2, decimals=3, xlsx="#,##0.00", places=_FOLLOWED, short="per 1k followers",
        per_post=lambda _min_posts: pl.col("per_1k_followers").mean().cast(pl.Float64),
    ),
)  # fmt: skip


def declared(table: Table) -> tuple[Measure, ...]:
    """The measures of one table, in order."""
    return tuple(m for m in MEASURES if table in m.tables)


def columns(table: Table) -> tuple[str, ...]:
    """The columns appended to a table (after the tone shares): the measures' values, then their percentiles."""
    measures = declared(table)
    return (
        *(m.name for m in measures if m.appended),
        *(f"percentile_{m.name}" for m in measures if m.percentile),
    )


def decimals() -> dict[str, int]:
    """Decimals each rounded measure keeps in the tables."""
    return {m.name: m.decimals for m in MEASURES if m.decimals is not None}


def formats() -> dict[str, str]:
    """The spreadsheet number format of every appended column (values, then percentiles)."""
    found = {m.name: m.xlsx for m in MEASURES if m.appended}
    return found | {f"percentile_{m.name}": PERCENTILE_FORMAT for m in MEASURES if m.percentile}


def placed(table: Table, place: Place) -> tuple[Measure, ...]:
    """The measures of a table that print at `place`, in order."""
    return tuple(m for m in declared(table) if place in m.places)


def method_keys() -> tuple[str, ...]:
    """The measures the leaderboard's methodology page defines (`method.beyond.<name>`), in order."""
    return tuple(dict.fromkeys(m.name for m in MEASURES if "method" in m.places))


BEGIN = "<!-- measures: generated by `python -m ranking.score.catalogue docs/methodology.md`; do not edit -->"
END = "<!-- /measures -->"
_PLACES = {"bars": "company report's bars", "method": "leaderboard's methodology", "explain": "`ranking explain`"}


def markdown() -> str:
    """The table of every declared measure, for docs/methodology.md (between BEGIN and END)."""
    out = [
        BEGIN,
        "| column | tables | what it is | decimals kept | printed as (digits) | percentile | also in |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in MEASURES:
        kept = "the contract's" if not m.appended else "all" if m.decimals is None else str(m.decimals)
        shown = m.shown if m.shown == "count" else f"{m.shown} ({m.digits})"
        percentile = f"`percentile_{m.name}`" if m.percentile else "–"
        places = ", ".join(_PLACES[p] for p in _PLACES if p in m.places) or "–"
        out.append(f"| `{m.name}` | {', '.join(m.tables)} | {m.help} | {kept} | {shown} | {percentile} | {places} |")
    return "\n".join([*out, END])


def with_markdown(text: str) -> str:
    """`text` (docs/methodology.md) with its generated table replaced by `markdown()`."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + markdown() + text[end:]


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.write_text(with_markdown(target.read_text(encoding="utf-8")), encoding="utf-8")
