"""What the native-format loaders share: reading a header from a file's first bytes, finding columns by name."""

from __future__ import annotations

import csv
import re

import polars as pl

from ranking.errors import InputError
from ranking.load.base import LoadContext
from ranking.load.tabular import LINE, decode, sniff_separator


def header_of(head: bytes) -> list[str]:
    """The column names of a delimited file from its first bytes (its whole first line: see
    ranking.load.formats.read_head), stripped and lower-cased ([] when unreadable)."""
    text = decode(head).lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        row = next(csv.reader([first], delimiter=sniff_separator(first)), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in row]


def has_columns(head: bytes, *names: str) -> bool:
    """Whether the header of a delimited file holds all these (lower-case) column names."""
    header = header_of(head)
    return all(name in header for name in names)


def named(path_name: str, pattern: str) -> bool:
    """Whether a file name matches a case-insensitive regular expression (whole name)."""
    return re.fullmatch(pattern, path_name, flags=re.IGNORECASE) is not None


def owner(ctx: LoadContext, shown: str, what: str) -> str:
    """The executive of a file that does not say whose it is: its folder's, else an InputError."""
    if ctx.executive_id is None:
        raise InputError.one(shown, f"{what} does not say whose it is: put it in exports/<executive_id>/")
    return ctx.executive_id


def pick_columns(
    frame: pl.DataFrame, wanted: dict[str, str], shown: str, what: str, optional: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Select and rename the columns of `wanted` (the export's name, any case -> contract name).

    A missing column is an InputError naming it, unless it is in `optional`.
    """
    by_lower = {name.strip().lower(): name for name in frame.columns if name != LINE}
    chosen: list[pl.Expr] = []
    for theirs, ours in wanted.items():
        found = by_lower.get(theirs.lower())
        if found is None:
            if theirs in optional:
                continue
            raise InputError.one(shown, f"missing column '{theirs}' of {what}", 1)
        chosen.append(pl.col(found).alias(ours))
    return frame.select(*chosen, pl.col(LINE))


def whole_number_text(column: str) -> pl.Expr:
    """A count as exported: `-` and blanks are null, float notation and thousands separators are dropped."""
    raw = pl.col(column).cast(pl.String).str.strip_chars()
    thousands = raw.str.contains(r"^\d{1,3}(?:,\d{3})+(?:\.0*)?$")
    cleaned = pl.when(thousands).then(raw.str.replace_all(",", "")).otherwise(raw)
    return pl.when(raw.is_in(["", "-"])).then(None).otherwise(cleaned).alias(column)


#: The entities X writes in its exports' texts (it escapes only these).
_ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
_DECODED = ["&", "<", ">", '"', "'"]


def unescape(column: str | pl.Expr) -> pl.Expr:
    """Decode the HTML entities X writes in texts (`&amp;` -> `&`), in one pass: `&amp;lt;` stays `&lt;`."""
    if isinstance(column, pl.Expr):
        return column.str.replace_many(_ENTITIES, _DECODED)
    return pl.col(column).str.replace_many(_ENTITIES, _DECODED).alias(column)
