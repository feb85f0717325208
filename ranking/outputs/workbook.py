"""`ranking.xlsx`: the company, executive and CEO tables of both scopes, laid out for Excel users.

Every text cell is written as text (never a formula, a number or a link, whatever it starts with), and a cell a
spreadsheet would read as a formula carries Excel's quote prefix so that it stays text when edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from ranking.outputs.staging import FORMULA_START
from ranking.period import SCOPE_ORDER, Period, Scope
from ranking.report.i18n import Translator
from ranking.report.works import value_label
from ranking.score import catalogue
from ranking.score.measures import Measured
from ranking.score.ranks import COMPANY_COLUMNS, EXECUTIVE_COLUMNS, ScopeScores
from ranking.score.what_works import DIMENSIONS, VERDICTS
from ranking.text.safe import CONTROLS_PATTERN

#: Number formats of the contract's columns (others: text, or whole numbers with thousands separators); the
#: measures' are declared with them (ranking.score.catalogue: `formats()`).
FORMATS = {
    "index": "0.0",
    "ratio": "0.00",
    "ratio_low": "0.00",
    "ratio_high": "0.00",
    "sector_median_influence": "#,##0.0",
    "effective_contributors": "0.00",
    "collectivity": "0%",
    "top_contributor_share": "0%",
    "rank": "0",
    "rank_change": "+0;-0;0",
    "members": "0",
    "active_members": "0",
}
SHEETS = (("companies", COMPANY_COLUMNS), ("executives", EXECUTIVE_COLUMNS), ("ceos", EXECUTIVE_COLUMNS))


def measure_columns(which: str) -> tuple[str, tuple[str, ...]]:
    """The measures beyond volume appended to a sheet (ranking.score.catalogue), and the key they join on; the
    CEOs' are their percentiles among all executives, as in executives.csv."""
    if which == "companies":
        return "company", catalogue.columns("companies")
    return "executive_id", catalogue.columns("executives")


def sheet_frame(
    scores: dict[Scope, ScopeScores], which: str, columns: tuple[str, ...], measured: Measured | None = None
) -> pl.DataFrame:
    """One sheet's rows: the year to date, then the month, each in rank order; the measures after the contract's
    columns when `measured` is given."""
    frames = [getattr(scores[s], which).with_columns(pl.lit(s).alias("scope")) for s in SCOPE_ORDER]
    frame = pl.concat(frames, how="vertical_relaxed").select(columns)
    if measured is None:
        return frame
    key, extra = measure_columns(which)
    table = measured.companies if which == "companies" else measured.executives
    return frame.join(table.select("scope", key, *extra), on=["scope", key], how="left", maintain_order="left")


def _width(header: str, values: list[Any]) -> float:
    longest = max([len(header), *(len(str(v)) for v in values[:500] if v is not None)])
    return min(max(longest + 2, 6), 45)


@dataclass(frozen=True)
class Formats:
    """The cell formats of a workbook."""

    text: Any
    quoted: Any
    numbers: dict[str, Any]
    whole: Any


def works_frame(works: pl.DataFrame, t: Translator) -> pl.DataFrame:
    """what_works.csv's rows (ranking.score.what_works.COLUMNS) with the dimension, value and verdict in the
    reader's words."""
    labels = {(d, v): value_label(t, d, v) for d, v in works.select("dimension", "value").unique().iter_rows()}
    return works.with_columns(
        pl.Series("value", [labels[d, v] for d, v in works.select("dimension", "value").iter_rows()], pl.String),
        pl.col("dimension").replace_strict({d: t.of("works.dimension", d) for d in DIMENSIONS}, return_dtype=pl.String),
        pl.col("verdict").replace_strict({v: t.of("works.verdict", v) for v in VERDICTS}, return_dtype=pl.String),
    )


def _write_sheet(workbook: xlsxwriter.Workbook, t: Translator, frame: pl.DataFrame, which: str, f: Formats) -> None:
    """One sheet: a header row of labels, then the rows, as an Excel table with a filter."""
    columns = frame.columns
    sheet = workbook.add_worksheet(t.of("xlsx.sheet", which))
    headers = [t.of("xlsx.col", c) for c in columns]
    # Each column is written by the one call its type needs, its texts cleaned and checked by polars first:
    # 100,000 executives are 4.6 million cells, and a test per cell cost more than writing it. An empty cell
    # is not written at all (xlsxwriter drops a blank cell without a format anyway).
    for col, name in enumerate(columns):
        series = frame.get_column(name)
        values = series.to_list()
        if name == "scope":
            labels = {s: t.of("scope", s) for s in SCOPE_ORDER}
            for row, value in enumerate(values, start=1):
                sheet.write_string(row, col, labels[value], f.text)
        elif series.dtype == pl.String:
            cleaned = series.str.replace_all(CONTROLS_PATTERN, "")  # NUL and the like: no cell can hold them
            risky = cleaned.str.starts_with(FORMULA_START[0])
            for start in FORMULA_START[1:]:
                risky = risky | cleaned.str.starts_with(start)
            for row, (value, quote) in enumerate(zip(cleaned.to_list(), risky.to_list(), strict=True), start=1):
                if value is not None:
                    sheet.write_string(row, col, value, f.quoted if quote else f.text)
        elif series.dtype == pl.Boolean:
            for row, value in enumerate(values, start=1):
                if value is not None:
                    sheet.write_boolean(row, col, value)
        else:
            number = f.numbers.get(name, f.whole)
            for row, value in enumerate(values, start=1):
                if value is not None:
                    sheet.write_number(row, col, value, number)
        sheet.set_column(col, col, _width(headers[col], values))
    sheet.add_table(
        0,
        0,
        max(frame.height, 1),
        len(columns) - 1,
        {
            "columns": [{"header": h} for h in headers],
            "style": "Table Style Light 9",
            "autofilter": True,
            "name": "".join(part.capitalize() for part in which.split("_")) + "Table",
        },
    )
    sheet.freeze_panes(1, 0)


def write_workbook(
    scores: dict[Scope, ScopeScores],
    target: Path,
    lang: str,
    period: Period,
    measured: Measured | None = None,
    works: pl.DataFrame | None = None,
) -> None:
    """Write the three tables, one sheet each, with labels of `lang` and Excel number formats (and the measures
    beyond volume after the contract's columns, when given; then what works, ranking.score.what_works, when
    given)."""
    t = Translator(lang)
    workbook = xlsxwriter.Workbook(
        str(target), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    # A fixed creation date keeps the file identical from one run to the next.
    workbook.set_properties(
        {
            "title": t("xlsx.title", month=t.month(period.year, period.month)),
            "created": datetime(period.year, period.month, 1),
        }
    )
    text = workbook.add_format({"valign": "top"})
    quoted = workbook.add_format({"valign": "top", "quote_prefix": True})
    shown = FORMATS | catalogue.formats()
    numbers = {name: workbook.add_format({"num_format": fmt, "valign": "top"}) for name, fmt in shown.items()}
    whole = workbook.add_format({"num_format": "#,##0", "valign": "top"})
    formats = Formats(text, quoted, numbers, whole)
    for which, contract in SHEETS:
        _write_sheet(workbook, t, sheet_frame(scores, which, contract, measured), which, formats)
    if works is not None:
        _write_sheet(workbook, t, works_frame(works, t), "what_works", formats)
    workbook.close()
