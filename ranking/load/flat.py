"""Scraper results as one flat table, whatever the download: JSON, JSONL, CSV or XLSX.

Apify (and most services) let a user download one dataset in several containers; in CSV and XLSX it flattens
nested objects into `a/b/c` columns (`stats/total_reactions`, `author/publicId`, `comments/0/text`). Nested
JSON is flattened the same way here, so that a reader (or a `[[sources]]` mapping) names a field once, for every
container: every cell is a string (or null), booleans as `true`/`false`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from ranking.errors import InputError
from ranking.load.convert import json_records
from ranking.load.reading import reading
from ranking.load.sniff import header_of
from ranking.load.tabular import LINE, decode, read_table, refuse_long_fields, refuse_wide
from ranking.load.xlsx import open_workbook

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
SUFFIXES = (*JSON_SUFFIXES, *TABLE_SUFFIXES, *XLSX_SUFFIXES)
#: List items flattened per list: the readers need none beyond the first few, and a list of a thousand
#: comments would make thousands of columns.
MAX_ITEMS = 5
HEAD_BYTES = 64 * 1024
#: How far recognition reads, at most: a CSV's whole header line (a download flattening many mentioned people
#: has thousands of columns), a JSON file's first records whatever their size (up to this).
MAX_HEAD_BYTES = 4 * 1024 * 1024


_FIRST_RECORDS = 2


def _first_records_whole(head: bytes) -> bool:
    """Whether the first records of a JSON array, a JSON object or JSON Lines stand whole in these bytes."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \r\n\t")
    if not text.startswith("["):
        return text.count("\n") >= _FIRST_RECORDS or _parses(text, 0)
    decoder, index = json.JSONDecoder(), 1
    for _ in range(_FIRST_RECORDS):
        while index < len(text) and text[index] in " \r\n\t,":
            index += 1
        if index < len(text) and text[index] == "]":
            return True
        try:
            index = decoder.raw_decode(text, index)[1]
        except (ValueError, RecursionError):
            return False
    return True


def _parses(text: str, index: int) -> bool:
    try:
        json.JSONDecoder().raw_decode(text, index)
    except (ValueError, RecursionError):
        return False
    return True


def read_head(path: Path, shown: str) -> bytes:
    """What recognition reads of a file: its first 64 KB, and more where that cuts what tells the format: a
    delimited file's first line is read whole (a line longer than MAX_HEAD_BYTES is an InputError), a JSON file's
    first records whole (up to MAX_HEAD_BYTES): their keys tell the format."""
    suffix = path.suffix.lower()
    source = reading(path, shown)  # its size checked first; the bytes read later must begin with these
    head = source.head(HEAD_BYTES)
    if len(head) < HEAD_BYTES:
        return head
    if suffix in JSON_SUFFIXES:
        # more, doubling, until the first records are whole: their keys, and no more than that is read
        while len(head) < MAX_HEAD_BYTES and not _first_records_whole(head):
            more = source.head(min(2 * len(head), MAX_HEAD_BYTES))
            if len(more) == len(head):
                break
            head = more
        return head
    if suffix not in TABLE_SUFFIXES:
        return head
    while b"\n" not in head and len(head) < MAX_HEAD_BYTES:
        more = source.head(min(len(head) + HEAD_BYTES * 4, MAX_HEAD_BYTES))
        if len(more) == len(head):
            return head
        head = more
    if b"\n" not in head:
        limit = MAX_HEAD_BYTES // (1024 * 1024)
        raise InputError.one(shown, f"the header line is longer than {limit} MB: not a table of posts this reads", 1)
    return head


_KEY = re.compile(r'"((?:[^"\\]|\\.){1,80})"\s*:')


def _flatten(value: object, prefix: str, out: dict[str, str | None]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}/{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value[:MAX_ITEMS]):
            _flatten(item, f"{prefix}/{index}" if prefix else str(index), out)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif value is None:
        out.setdefault(prefix, None)
    else:
        out[prefix] = str(value)


def flatten(record: dict[str, object]) -> dict[str, str | None]:
    """One JSON object as `a/b/c` keys to strings, the way Apify flattens it for CSV."""
    out: dict[str, str | None] = {}
    _flatten(record, "", out)
    return out


#: A reader's unnesting of a service's records (pages of tweets, profiles holding posts) into one record per post,
#: each with the number of the record (or line) it was found in.
Expand = Callable[[list[tuple[int, dict[str, Any]]]], list[tuple[int, dict[str, Any]]]]


def _read_json(path: Path, shown: str, expand: Expand | None = None) -> pl.DataFrame:
    records, lines = json_records(path, shown)
    if expand is not None:
        found = expand(list(zip(lines, records, strict=True)))
        lines, records = [line for line, _ in found], [record for _, record in found]
    flat = [flatten(r) for r in records]
    keys: dict[str, None] = {}
    for row in flat:
        keys.update(dict.fromkeys(row))
    refuse_wide(list(keys), shown)
    columns = {k: pl.Series(k, [row.get(k) for row in flat], dtype=pl.String) for k in keys if k != LINE}
    return refuse_long_fields(pl.DataFrame(columns).with_columns(pl.Series(LINE, lines, dtype=pl.Int64)), shown)


def _read_xlsx(path: Path, shown: str) -> pl.DataFrame:
    book = open_workbook(path, shown)
    try:
        frame = book.load_sheet(0, dtypes="string").to_polars()
    except Exception as exc:  # fastexcel raises its own kinds, and OSError/ValueError, for a damaged file
        raise InputError.one(shown, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    frame = frame.select([pl.col(c).cast(pl.String) for c in frame.columns if c != LINE])
    # a row of the sheet is numbered as Excel shows it: the header is row 1
    return refuse_long_fields(frame.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(LINE)), shown)


def read_flat(path: Path, shown: str, expand: Expand | None = None) -> pl.DataFrame:
    """Any download of a dataset as string columns named `a/b/c`, plus LINE (record, line or sheet row); a JSON
    one's records unnested by `expand` first."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        frame = _read_json(path, shown, expand)
    elif suffix in XLSX_SUFFIXES:
        frame = _read_xlsx(path, shown)
    else:
        frame = read_table(path, shown)
    # a page or a profile may hold no post (a month without any): no post is then no error
    if frame.height == 0 and (expand is None or suffix not in JSON_SUFFIXES):
        raise InputError.one(shown, "no records in the file")
    return frame


@lru_cache(maxsize=2)
def _json_keys(head: bytes) -> frozenset[str]:
    # every reader asks for the keys of the same head (up to a few MB): found once
    return frozenset(key.lower() for key in _KEY.findall(decode(head)))


def field_names(path: Path, head: bytes) -> set[str]:
    """The field names a file shows in its first bytes, lower-cased: a JSON file's keys (at any depth), a CSV's
    or an XLSX's header (flattened `a/b/c` names, each also split into its parts)."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return set(_json_keys(head))
    if suffix in XLSX_SUFFIXES:
        if not head.startswith(b"PK"):
            return set()
        try:
            names = open_workbook(path, str(path)).load_sheet(0, n_rows=0).available_columns()
            header = [str(column.name).strip().lower() for column in names]
        except Exception:  # an unreadable workbook is simply not a scraper download (its reader says why)
            return set()
    elif suffix in TABLE_SUFFIXES:
        header = header_of(head)
    else:
        return set()
    dotted = [name.replace(".", "/") for name in header]  # `a.b` as twarc's CSV flattens, `a/b` as Apify's
    return {*header, *dotted, *(part for name in dotted for part in name.split("/"))}


def has_fields(found: set[str], paths: tuple[str, ...]) -> bool:
    """Whether every `a/b` path is among the names found (each part of it, for a JSON file's keys)."""
    return all(path.lower() in found or all(p in found for p in path.lower().split("/")) for path in paths)
