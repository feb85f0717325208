"""XLSX workbooks checked before a cell is parsed (issue 23).

fastexcel (calamine) holds a sheet as a dense grid of every cell from its first to its last, at 32 bytes a cell:
a workbook of 1.6 KB with one cell at XFD1048576 asks for 512 GB and aborts the process, and a sheet whose XML
inflates to gigabytes is inflated whole. So a workbook is first read from its zip directory and sheets, by
Python's zipfile (which never inflates an entry past the size the directory declares, and checks its CRC):
- the sizes the directory declares, summed, must stay within `[inputs] max_inflated_mb`;
- each sheet's declared `<dimension>` and the span of its real cells (every `r="B7"` of its XML, read as a
  stream) must stay within `[inputs] max_columns` and `max_sheet_cells` (rows x columns).
Only then is the workbook handed to fastexcel, from the bytes read once (`ranking.load.reading`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import IO

import fastexcel

from ranking.errors import InputError
from ranking.load.reading import MIB, Limits, Reading, mib, reading

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_OVERLAP = 512  # bytes kept from one chunk to the next, so that no tag is cut in two


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _Span:
    """The rows and columns a sheet's cells cover."""

    def __init__(self) -> None:
        self.rows = (0, 0)
        self.columns = (0, 0)

    def add(self, columns: list[bytes], rows: list[bytes]) -> None:
        if not rows:
            return
        numbers = [int(r) for r in rows]
        letters = {_column(c) for c in set(columns)}
        low_row, high_row = min(numbers), max(numbers)
        low_col, high_col = min(letters), max(letters)
        if self.rows == (0, 0):
            self.rows, self.columns = (low_row, high_row), (low_col, high_col)
        else:
            self.rows = (min(self.rows[0], low_row), max(self.rows[1], high_row))
            self.columns = (min(self.columns[0], low_col), max(self.columns[1], high_col))

    def problem(self, limits: Limits, what: str) -> str | None:
        if self.rows == (0, 0):
            return None
        rows = self.rows[1] - self.rows[0] + 1
        columns = self.columns[1] - self.columns[0] + 1
        if columns > limits.columns:
            return f"{what} {columns:,} columns: more than [inputs] max_columns = {limits.columns:,}"
        if rows * columns > limits.sheet_cells:
            return (
                f"{what} {rows:,} rows x {columns:,} columns: more than [inputs] max_sheet_cells ="
                f" {limits.sheet_cells:,} (a cell far from the others?)"
            )
        return None


def _scan_sheet(part: IO[bytes], name: str, shown: str, limits: Limits) -> None:
    span = _Span()
    tail = b""
    first = True
    while chunk := part.read(MIB):
        text = tail + chunk
        if first:
            first = False
            declared = _DIMENSION.search(text)
            if declared:
                a, b, c, d = declared.groups()
                dimension = _Span()
                dimension.add([a, c or a], [b, d or b])
                if reason := dimension.problem(limits, "declares"):
                    raise InputError.one(shown, f"{name} {reason}")
        # cells cut by the chunk's end are found in the next round, whose text starts _OVERLAP bytes earlier
        found = _CELL.findall(text)
        if found:
            columns, rows = zip(*found, strict=True)
            span.add(list(columns), list(rows))
        tail = text[-_OVERLAP:]
    if reason := span.problem(limits, "spans"):
        raise InputError.one(shown, f"{name} {reason}")


def check_workbook(data: bytes, shown: str, limits: Limits) -> None:
    """Raise InputError when the workbook `data` is not a zip archive, or breaks a limit of `[inputs]`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            entries = book.infolist()
            inflated = sum(entry.file_size for entry in entries)
            if inflated > limits.inflated_bytes:
                raise InputError.one(
                    shown,
                    f"inflates to {mib(inflated)}: more than [inputs] max_inflated_mb ="
                    f" {limits.inflated_bytes // MIB:,} MB (a zip bomb?)",
                )
            for entry in entries:
                # every part is inflated (within its declared size, its CRC checked), and every part is looked
                # at for cells: the workbook's relations may put a sheet anywhere
                with book.open(entry) as part:
                    _scan_sheet(part, entry.filename, shown, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise InputError.one(shown, f"not a readable XLSX workbook ({type(exc).__name__}); is it truncated?") from None


def open_workbook(path: Path, shown: str) -> fastexcel.ExcelReader:
    """The workbook of `path` as fastexcel reads it, from the file's one read, once `check_workbook` let it
    through (checked once per Reading: format detection opens it for each reader it tries)."""
    source = reading(path, shown)
    found = source.memo.get("workbook")
    if found is None:
        try:  # messages name the file as the first reader of it did (format detection, with the workspace's name)
            found = _open(source.data(), source.shown, source)
        except InputError as exc:
            found = exc  # told once per reader that asks, found once
        except OSError as exc:
            found = InputError.one(source.shown, f"cannot be read ({exc.strerror or exc})")
        source.memo["workbook"] = found
    if isinstance(found, InputError):
        raise found
    assert isinstance(found, fastexcel.ExcelReader)
    return found


def _open(data: bytes, shown: str, source: Reading) -> fastexcel.ExcelReader:
    check_workbook(data, shown, source.limits)
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own kinds, and OSError/ValueError, for a damaged file
        raise InputError.one(shown, f"not a readable XLSX workbook ({type(exc).__name__}); is it truncated?") from None
