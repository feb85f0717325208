"""`ranking.xlsx`: the company, executive and CEO tables of both scopes, laid out for Excel users.

Every text cell is written as text (never a formula, a number or a link, whatever it starts with), and a cell a
spreadsheet would read as a formula carries Excel's quote prefix so that it stays text when edited."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from ranking.outputs.staging import FORMULA_START
from ranking.period import SCOPE_ORDER, Period, Scope
from ranking.report.i18n import Translator
from ranking.score import catalogue
from ranking.score.measures import Measured
from ranking.score.ranks import COMPANY_COLUMNS, EXECUTIVE_COLUMNS, ScopeScores
from ranking.text.safe import CONTROLS_PATTERN

#: Number formats of the contract's columns (others: text, or whole numbers with thousands separators); the
#: measures' are declared with them (ranking.score.catalogue: `formats()`).
FORMATS = {
    "index": "0.0",
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


def write_workbook(
    scores: dict[Scope, ScopeScores], target: Path, lang: str, period: Period, measured: Measured | None = None
) -> None:
    """Write the three tables, one sheet each, with labels of `lang` and Excel number formats (and the measures
    beyond volume after the contract's columns, when given)."""
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
    for which, contract in SHEETS:
        frame = sheet_frame(scores, which, contract, measured)
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
                    sheet.write_string(row, col, labels[value], text)
            elif series.dtype == pl.String:
                cleaned = series.str.replace_all(CONTROLS_PATTERN, "")  # NUL and the like: no cell can hold them
                risky = cleaned.str.starts_with(FORMULA_START[0])
                for start in FORMULA_START[1:]:
                    risky = risky | cleaned.str.starts_with(start)
                for row, (value, quote) in enumerate(zip(cleaned.to_list(), risky.to_list(), strict=True), start=1):
                    if value is not None:
                        sheet.write_string(row, col, value, quoted if quote else text)
            elif series.dtype == pl.Boolean:
                for row, value in enumerate(values, start=1):
                    if value is not None:
                        sheet.write_boolean(row, col, value)
            else:
                number = numbers.get(name, whole)
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
                "name": f"{which.capitalize()}Table",
            },
        )
        sheet.freeze_panes(1, 0)
    workbook.close()
