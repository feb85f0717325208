"""Reading delimited text the way users' tools write it: UTF-8 (BOM or not) or Windows-1252, `,` `;` or tab."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from ranking.errors import InputError, Problem
from ranking.load.repair import mostly_utf8

LINE = "__line"  # the column that carries each row's line number in its file, for error messages


def decode(data: bytes) -> str:
    """Decode the bytes of a text export: UTF-16 when a byte order mark says so (Excel's "Unicode text"), else
    UTF-8 first (what most tools write, a few invalid bytes as U+FFFD), else Windows-1252 (French Excel).
    Characters replaced are counted (ranking.load.repair)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ranking-replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # a UTF-8 file with a few broken cells keeps its other characters (each broken one U+FFFD, counted)
        text = mostly_utf8(data)
        return text if text is not None else data.decode("cp1252", errors="ranking-replace")


def sniff_separator(header: str) -> str:
    """The separator of a header line: the most frequent of `,` `;` and tab (comma on a tie)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def read_table(path: Path, shown: str | None = None) -> pl.DataFrame:
    """Read a delimited file into string columns plus LINE. Raises InputError on a malformed file."""
    name = shown or str(path)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:  # a folder, unreadable, a broken link
        raise InputError.one(name, f"cannot be read ({exc.strerror or exc})") from None
    if not text.strip():
        raise InputError.one(name, "empty file")
    first = text.split("\n", 1)[0]
    # Records end at CR, LF or CRLF only: U+2028, U+0085 and the like are characters of a field (as Python's
    # csv module and pandas write them), which str.splitlines would take for line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(first), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError.one(name, f"unreadable header: {exc}", 1) from None
    if "" in header:
        raise InputError.one(name, f"empty column name in the header (column {header.index('') + 1})", 1)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError.one(name, f"duplicated column '{duplicated[0]}'", 1)
    columns: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    problems: list[Problem] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(name, f"expected {len(header)} fields, found {len(row)} (truncated row?)", start)
                )
            else:
                for column, value in zip(columns, row, strict=True):
                    value = value.strip()
                    column.append(value if value else None)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, f"malformed CSV ({exc}); is the file truncated?", start))
    if problems:
        raise InputError(problems)
    frame = pl.DataFrame({h: pl.Series(h, col, dtype=pl.String) for h, col in zip(header, columns, strict=True)})
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
