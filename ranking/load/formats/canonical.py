"""Canonical exports: CSV, JSON (array or one object per line) and Parquet files with the contract's field names.

The conversion itself is the loading core's (`ranking.load.convert`): a canonical file is read as it is and
converted; a Parquet one is checked in one streaming pass and stays a query over the file (`scan_parquet`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError
from ranking.load.base import ROW, Export, LoadContext, ScannedExport, export_date
from ranking.load.convert import SUFFIXES, canonical_plan, clean_columns, read_any, to_canonical
from ranking.load.reading import reading
from ranking.load.tabular import LINE, refuse_wide
from ranking.load.values import check_problems
from ranking.text.phrase import Phrase

NAME = "canonical"
DESCRIPTION = "canonical CSV/JSON/Parquet with the contract's field names (posted_at, post_id or url, ...)"


def matches(path: Path, head: bytes) -> bool:
    """A Parquet file, or a delimited or JSON one whose header (first JSON object) names `posted_at`."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return False
    if suffix == ".parquet":
        return head.startswith(b"PAR1")
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t[")
    if suffix in (".json", ".jsonl", ".ndjson"):
        return first.startswith("{") and '"posted_at"' in first.split("}", 1)[0]
    header = first.split("\n", 1)[0].lower()
    return "posted_at" in header


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load one canonical file (a Parquet one lazily: see `scan_parquet`)."""
    if path.suffix.lower() == ".parquet":
        return scan_parquet(path, shown, ctx)
    frame = read_any(path, shown)
    when = export_date(path)
    posts, problems = to_canonical(frame, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return Export(
        path=path,
        shown=shown,
        format=canonical_format(path.suffix.lstrip(".").lower()),
        posts=posts,
        snapshot=when,
    )


def canonical_format(suffix: str) -> Phrase:
    """`canonical csv`; in a document, `Contract-format posts, CSV`."""
    return Phrase(f"canonical {suffix}", "format.canonical", file=suffix.upper())


def scan_parquet(path: Path, shown: str, ctx: LoadContext) -> ScannedExport:
    """Check a canonical Parquet file without loading it, and return it as a lazy export.

    The checks of `to_canonical` run in one streaming pass over the columns they read (never the texts); the
    posts stay a query over the file, so that later stages read only the columns and row groups they need.
    """
    unreadable = "not a readable Parquet file ({}); is it truncated?"
    reading(path, shown).scanned()  # hashed now: the run checks it is unchanged before its manifest says so
    try:
        names = pl.scan_parquet(path).collect_schema()
        refuse_wide(names.names(), shown)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
        if rows == 0:
            raise InputError.one(shown, "no posts in the file")
        when = export_date(path)
        clean = clean_columns(pl.scan_parquet(path), names)
        numbered = pl.scan_parquet(path, row_index_name=LINE, row_index_offset=1)
        checked, checks = canonical_plan(numbered, names, ctx, shown, when, clean)
        problems = check_problems(checked, checks, shown, engine="streaming")
    except pl.exceptions.PolarsError as exc:  # polars raises several kinds for a damaged file
        raise InputError.one(shown, unreadable.format(type(exc).__name__)) from None
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    query, _ = canonical_plan(pl.scan_parquet(path, row_index_name=ROW), names, ctx, shown, when, clean)
    posts = query.select([*schema.conforming(set(query.collect_schema().names())), ROW])
    return ScannedExport(path, shown, canonical_format("parquet"), posts, when, rows)
