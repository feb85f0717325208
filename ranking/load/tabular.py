"""Reading delimited text the way users' tools write it: UTF-8 (BOM or not) or Windows-1252, `,` `;` or tab."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from ranking.errors import InputError, Problem
from ranking.load.reading import Limits, Reading, limits, reading, too_long
from ranking.load.repair import mostly_utf8, utf8_reads_better

LINE = "__line"  # the column that carries each row's line number in its file, for error messages
CHUNK_ROWS = 65_536  # rows of a delimited file held as Python strings before they go into polars
MAX_PROBLEMS = 20  # malformed rows told per file: the reading stops there


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


def read_table(path: Path, shown: str | None = None, max_rows: int | None = None) -> pl.DataFrame:
    """Read a delimited file into string columns plus LINE. Raises InputError on a malformed file, or one past
    the limits of `[inputs]` (its size, a field's length, its columns, and `max_rows` rows when given).

    The file is read as a stream (`ranking.load.reading`): what is kept is the cells, never the file whole or
    decoded, and a file that breaks a limit is refused as soon as it does (a hole of NUL bytes left by a crashed
    download is refused at its first line, not after reading it all)."""
    name = shown or str(path)
    source = reading(path, name)
    try:
        source.check_size()
        utf16 = source.head(2) in (b"\xff\xfe", b"\xfe\xff")
        # UTF-16 when a byte order mark says so (Excel's "Unicode text"), else UTF-8 first (what most tools
        # write), else Windows-1252 (French Excel), from the start again: the decoding of the whole file is one
        # (a UTF-8 file with a few broken cells stays UTF-8, each broken sequence U+FFFD, counted)
        if utf16:
            return _parse_as(source, "utf-16", name, max_rows)
        try:
            return _parse_as(source, "utf-8-sig", name, max_rows, errors="strict")
        except UnicodeDecodeError:
            pass
        with source.stream() as raw:
            utf8 = utf8_reads_better(iter(lambda: raw.read(1 << 16), b""))
        return _parse_as(source, "utf-8-sig" if utf8 else "cp1252", name, max_rows)
    except OSError as exc:  # a folder, unreadable, a broken link
        raise InputError.one(name, f"cannot be read ({exc.strerror or exc})") from None


def _parse_as(
    source: Reading, encoding: str, name: str, max_rows: int | None, errors: str = "ranking-replace"
) -> pl.DataFrame:
    with source.stream() as raw:
        text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding, errors, newline="")
        return _parse(text, name, source.limits, max_rows)


def _lines(text: io.TextIOBase, name: str, limits: Limits) -> Iterator[str]:
    """The physical lines of a text, each ending with its CR, LF or CRLF; a line longer than any row within the
    limits could be (a hole of NUL bytes, a damaged file) is refused as soon as it is that long."""
    bound = 8 * limits.field_chars + 64 * limits.columns
    number = 0
    while line := text.readline(bound):
        number += 1
        if len(line) == bound and not line.endswith(("\n", "\r")):
            separators = max(line.count(sep) for sep in (",", ";", "\t"))
            if number == 1 and separators >= limits.columns:
                raise _too_many_columns(name, separators + 1, limits, "at least ")
            raise InputError.one(name, f"a line longer than {bound:,} characters (a hole of NUL bytes, or a damaged"
                                 " file?)", number)  # fmt: skip
        yield line


def _too_many_columns(name: str, count: int, limits: Limits, prefix: str = "") -> InputError:
    return InputError.one(name, f"{prefix}{count:,} columns: more than [inputs] max_columns = {limits.columns:,}", 1)


def _parse(text: io.TextIOBase, name: str, limits: Limits, max_rows: int | None) -> pl.DataFrame:
    lines = _lines(text, name, limits)
    blank, first = 0, ""  # the blank lines before the first line that holds something (counted, not kept)
    for line in lines:
        if line.strip():
            first = line
            break
        blank += 1
    if not first:
        raise InputError.one(name, "empty file")
    # Records end at CR, LF or CRLF only: U+2028, U+0085 and the like are characters of a field (as Python's
    # csv module and pandas write them), which str.splitlines would take for line ends.
    separator = sniff_separator(first.rstrip("\r\n"))
    csv.field_size_limit(limits.field_chars)
    physical = itertools.chain(itertools.repeat("\n", blank), [first], lines)
    reader = csv.reader(physical, delimiter=separator, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError.one(name, f"unreadable header: {_csv_problem(exc, limits)}", 1) from None
    if len(header) > limits.columns:
        raise _too_many_columns(name, len(header), limits)
    if "" in header:
        raise InputError.one(name, f"empty column name in the header (column {header.index('') + 1})", 1)
    twice = [h for h, n in Counter(header).items() if n > 1]  # linear: a header may have thousands of names
    if twice:
        raise InputError.one(name, f"duplicated column '{min(twice)}'", 1)
    # The cells go into polars every CHUNK_ROWS rows: as Python strings they take several times their size.
    columns: list[list[str | None]] = [[] for _ in header]
    lines_of_rows: list[int] = []
    chunks: list[pl.DataFrame] = []
    rows = 0
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
                if len(problems) >= MAX_PROBLEMS:
                    break
            else:
                for column, value in zip(columns, row, strict=True):
                    value = value.strip()
                    column.append(value if value else None)
                lines_of_rows.append(start)
                rows += 1
                if max_rows is not None and rows > max_rows:
                    raise InputError.one(name, f"more than {max_rows:,} rows ([inputs] max_roster_rows)", start)
                if len(lines_of_rows) == CHUNK_ROWS:
                    chunks.append(_frame(header, columns, lines_of_rows))
                    columns, lines_of_rows = [[] for _ in header], []
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, f"malformed CSV ({_csv_problem(exc, limits)}); is the file truncated?", start))
    if problems:
        raise InputError(problems)
    if lines_of_rows or not chunks:
        chunks.append(_frame(header, columns, lines_of_rows))
    return pl.concat(chunks, rechunk=False) if len(chunks) > 1 else chunks[0]


def _frame(header: list[str], columns: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    """String columns from their values, plus LINE. A wide table (more columns than rows) is built row by row
    and turned: polars makes a Series in some microseconds, 100,000 columns of one row in seconds."""
    rows = len(lines)
    if len(header) > max(rows, 1) * 8:
        by_row = {str(i): pl.Series(str(i), [c[i] for c in columns], dtype=pl.String) for i in range(rows)}
        if by_row:
            frame = pl.DataFrame(by_row).transpose(column_names=header)  # strings turned are strings
        else:
            frame = pl.DataFrame(schema=dict.fromkeys(header, pl.String))
    else:
        frame = pl.DataFrame({h: pl.Series(h, col, dtype=pl.String) for h, col in zip(header, columns, strict=True)})
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def refuse_wide(columns: list[str], name: str) -> None:
    """Raise InputError when a table has more columns than `[inputs] max_columns`."""
    found = limits()
    if len(columns) > found.columns:
        raise _too_many_columns(name, len(columns), found)


def refuse_long_fields(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """`frame` (with LINE), or an InputError naming the first rows where a text is longer than `[inputs]
    max_field_kb` (as a CSV field is refused by the csv module: JSON and XLSX are held to the same limit)."""
    found = limits()
    texts = [c for c, kind in frame.schema.items() if kind == pl.String and c != LINE]
    if not texts:
        return frame
    long = pl.any_horizontal([pl.col(c).str.len_chars() > found.field_chars for c in texts])
    lines = frame.filter(long).head(20).get_column(LINE).to_list()
    if lines:
        raise InputError([Problem(name, too_long(found), line) for line in lines])
    return frame


def _csv_problem(exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):
        return too_long(limits)
    return str(exc)
