"""XLSX workbooks checked before a cell is parsed (issue 23).

fastexcel (calamine) holds a sheet as a dense grid of every cell from its first to its last, at 32 bytes a cell:
a workbook of 1.6 KB with one cell at XFD1048576 asks for 512 GB and aborts the process, and a sheet whose XML
inflates to gigabytes is inflated whole. So a workbook is first read from its zip directory and sheets, by
Python's zipfile (which never inflates an entry past the size the directory declares, and checks its CRC):
- the sizes the directory declares, summed, must stay within `[inputs] max_inflated_mb`;
- each sheet's declared `<dimension>` and the span of its real cells (every `r="B7"` of its XML, read as a
  stream) must stay within `[inputs] max_columns` and `max_sheet_cells` (rows x columns);
- the shared strings a workbook declares (`uniqueCount`, which calamine reserves room for: 4e9 of them abort
  the process) must be the ones it holds.
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
_ROW = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d{1,7})"')
_SHARED = re.compile(rb"<(?:\w+:)?sst\s[^>]*>")
_UNIQUE = re.compile(rb'\buniqueCount="(\d{1,12})"')  # what calamine reserves room for (`count`: every use)
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_OVERLAP = 512  # bytes kept from one chunk to the next, so that no tag is cut in two


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _Span:
    """The rows and columns a sheet's cells cover (0 when none is known)."""

    def __init__(self) -> None:
        self.rows = (0, 0)
        self.columns = (0, 0)

    @staticmethod
    def _widen(span: tuple[int, int], numbers: set[int]) -> tuple[int, int]:
        if not numbers:
            return span
        low, high = min(numbers), max(numbers)
        return (low, high) if span == (0, 0) else (min(span[0], low), max(span[1], high))

    def add(self, columns: list[bytes], rows: list[bytes]) -> None:
        self.rows = self._widen(self.rows, {int(r) for r in rows})
        self.columns = self._widen(self.columns, {_column(c) for c in set(columns)})

    def problem(self, limits: Limits, what: str) -> str | None:
        rows = self.rows[1] - self.rows[0] + 1 if self.rows != (0, 0) else 0
        columns = self.columns[1] - self.columns[0] + 1 if self.columns != (0, 0) else 0
        if columns > limits.columns:
            return f"{what} {columns:,} columns: more than [inputs] max_columns = {limits.columns:,}"
        if rows * max(columns, 1) > limits.sheet_cells:
            return (
                f"{what} {rows:,} rows x {columns:,} columns: more than [inputs] max_sheet_cells ="
                f" {limits.sheet_cells:,} (a cell far from the others?)"
            )
        return None


def _scan_part(part: IO[bytes], name: str, shown: str, limits: Limits) -> None:
    """Inflate one part of the workbook as a stream, and refuse it when what it declares (its `<dimension>`, its
    count of shared strings, which calamine allocates before reading them) or what it holds (the span of its cells
    and rows) is past the limits."""
    span = _Span()
    tail = b""
    first = True
    strings, declared_strings = 0, 0
    while chunk := part.read(MIB):
        text = tail + chunk
        if first:
            first = False
            dimension = _DIMENSION.search(text)
            if dimension:
                a, b, c, d = dimension.groups()
                declared = _Span()
                declared.add([a, c or a], [b, d or b])
                if reason := declared.problem(limits, "declares"):
                    raise InputError.one(shown, f"{name} {reason}")
            tag = _SHARED.search(text)
            declared_strings = max((int(n) for n in _UNIQUE.findall(tag.group())), default=0) if tag else 0
        # what a chunk's end cuts is found in the next round, whose text starts _OVERLAP bytes earlier
        found = _CELL.findall(text)
        if found:
            columns, rows = zip(*found, strict=True)
            span.add(list(columns), list(rows))
        span.add([], _ROW.findall(text))  # a cell without `r` sits in its row
        if declared_strings:
            strings += len(_STRING.findall(text)) - len(_STRING.findall(tail))
        tail = text[-_OVERLAP:]
    if reason := span.problem(limits, "spans"):
        raise InputError.one(shown, f"{name} {reason}")
    if declared_strings > strings:
        raise InputError.one(
            shown, f"{name} declares {declared_strings:,} shared strings and holds {strings:,} (a forged workbook?)"
        )


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
                    _scan_part(part, entry.filename, shown, limits)
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
