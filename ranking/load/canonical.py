"""Canonical exports: CSV, JSON (array or one object per line) and Parquet files with the contract's field names."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError, Problem
from ranking.load.base import Export, LoadContext, export_date, resolve_executives
from ranking.load.tabular import LINE, read_table
from ranking.load.values import (
    parse_count,
    parse_instant,
    platform_from_url,
    post_id_from_url,
    problems_where,
)

SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet")
_LIST_FIELDS = ("links", "mentions")


def read_json(path: Path, shown: str) -> pl.DataFrame:
    """Read a JSON array of objects, or one object per line, into string columns plus LINE (record number)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise InputError.one(shown, "empty file")
    records: list[dict[str, object]] = []
    lines: list[int] = []
    try:
        loaded = json.loads(text)
        records = loaded if isinstance(loaded, list) else [loaded]
        lines = list(range(1, len(records) + 1))
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("[") or "\n" not in text.strip():
            raise InputError.one(shown, f"not valid JSON ({exc.msg}); is the file truncated?", exc.lineno) from None
        for number, row in enumerate(text.splitlines(), start=1):
            if not row.strip():
                continue
            try:
                records.append(json.loads(row))
            except json.JSONDecodeError as bad:
                raise InputError.one(shown, f"not valid JSON ({bad.msg}); is the file truncated?", number) from None
            lines.append(number)
    for record, line in zip(records, lines, strict=True):
        if not isinstance(record, dict):
            raise InputError.one(shown, "expected JSON objects (one per post)", line)
    keys: list[str] = []
    for record in records:
        keys.extend(k for k in record if k not in keys)

    def cell(value: object) -> object:
        if value is None or isinstance(value, list):
            return value
        return str(value) if not isinstance(value, str) else value

    columns = {key: [cell(r.get(key)) for r in records] for key in keys}
    frame = pl.DataFrame(
        {
            k: pl.Series(k, v, dtype=pl.List(pl.String) if k in _LIST_FIELDS else pl.String, strict=False)
            for k, v in columns.items()
        }
    )
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def read_parquet(path: Path, shown: str) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several kinds for a damaged file
        raise InputError.one(shown, f"not a readable Parquet file ({type(exc).__name__}); is it truncated?") from None
    return frame.with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))


def read_any(path: Path, shown: str) -> pl.DataFrame:
    """Read a canonical file of any of the supported containers."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return read_parquet(path, shown)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path, shown)
    return read_table(path, shown)


def to_canonical(
    frame: pl.DataFrame, ctx: LoadContext, shown: str, exported: datetime
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check and convert a frame whose columns carry canonical names into the canonical posts table.

    `exported` is the export's date, used for the rows that carry no `snapshot` of their own.
    """
    problems: list[Problem] = []
    if frame.height == 0:
        raise InputError.one(shown, "no posts in the file")
    frame, found = resolve_executives(frame, ctx, shown)
    problems += found
    if "url" in frame.columns:
        frame = frame.with_columns(pl.col("url").cast(pl.String))
    if "platform" not in frame.columns:
        if "url" not in frame.columns:
            raise InputError.one(shown, "missing column 'platform' (or a 'url' to tell it from)", 1)
        frame = frame.with_columns(platform_from_url(pl.col("url")).alias("platform"))
    elif "url" in frame.columns:
        frame = frame.with_columns(pl.coalesce(pl.col("platform"), platform_from_url(pl.col("url"))).alias("platform"))
    frame = frame.with_columns(pl.col("platform").cast(pl.String).str.strip_chars().str.to_lowercase())
    frame = frame.with_columns(pl.col("platform").replace({"twitter": "x", "li": "linkedin"}))
    problems += problems_where(
        frame,
        ~pl.col("platform").is_in(list(schema.PLATFORMS)).fill_null(False),
        shown,
        pl.format("platform must be linkedin or x, not '{}'", pl.col("platform").fill_null("")),
    )
    if "post_id" not in frame.columns:
        if "url" not in frame.columns:
            raise InputError.one(shown, "missing column 'post_id' (or a 'url' to read it from)", 1)
        frame = frame.with_columns(post_id_from_url(pl.col("url")).alias("post_id"))
    elif "url" in frame.columns:
        frame = frame.with_columns(
            pl.coalesce(pl.col("post_id").cast(pl.String), post_id_from_url(pl.col("url"))).alias("post_id")
        )
    frame = frame.with_columns(pl.col("post_id").cast(pl.String).str.strip_chars())
    problems += problems_where(frame, pl.col("post_id").is_null(), shown, "no post_id (nor a post URL to read it from)")
    if "posted_at" not in frame.columns:
        raise InputError.one(shown, "missing column 'posted_at'", 1)
    posted, found = parse_instant(frame, "posted_at", shown, ctx.timezone)
    problems += found
    frame = frame.with_columns(posted)
    for name in schema.COUNTS:
        if name in frame.columns:
            series, found = parse_count(frame, name, shown)
            problems += found
            frame = frame.with_columns(series)
    if "kind" in frame.columns:
        frame = frame.with_columns(
            pl.col("kind").cast(pl.String).str.strip_chars().str.to_lowercase().fill_null("post")
        )
        problems += problems_where(
            frame,
            ~pl.col("kind").is_in(list(schema.KINDS)),
            shown,
            pl.format("kind must be one of post, reply, quote, repost, not '{}'", pl.col("kind")),
        )
    else:
        frame = frame.with_columns(pl.lit("post").alias("kind"))
    if "text" in frame.columns:
        frame = frame.with_columns(pl.col("text").cast(pl.String))
    for name in _LIST_FIELDS:
        if name in frame.columns and frame.schema[name] == pl.String:
            frame = frame.with_columns(pl.col(name).str.split(";").list.eval(pl.element().str.strip_chars()))
    if "snapshot" in frame.columns:
        stamp, found = parse_instant(frame, "snapshot", shown, ctx.timezone)
        problems += [p for p in found if not p.message.endswith("is missing")]
        frame = frame.with_columns(stamp.fill_null(exported))
    else:
        frame = frame.with_columns(pl.lit(exported, dtype=schema.UTC_INSTANT).alias("snapshot"))
    frame = frame.with_columns(pl.lit(shown).alias("source"))
    return schema.conform(frame).collect(), problems


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load one canonical file."""
    frame = read_any(path, shown)
    when = export_date(path)
    posts, problems = to_canonical(frame, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return Export(
        path=path,
        shown=shown,
        format=f"canonical {path.suffix.lstrip('.').lower()}",
        posts=posts,
        snapshot=when,
    )
