"""Each input file read once, from one snapshot, within the limits of `[inputs]` (issue 23).

A `Reading` is one file as the run reads it: its size is checked before a byte is read (`max_file_mb`); its bytes
are read once, as a whole (`data`) or as a stream (`stream`, for delimited text, whose memory then follows what is
kept, not the file), and the sha256 the manifest gives is of those very bytes, computed as they are read. The
first bytes format detection looked at (`head`) are checked against the bytes read after them: a file that
changes between the two is an error, never a file read as one format and hashed as another. A file read lazily
(Parquet, whose pages are read when a query needs them) is hashed once and fingerprinted (size, times, inode):
`verify` says whether it changed since, which the run checks once the scores are computed and again before it
writes the manifest.

The readers of `ranking.load` find the Reading of the file they are given with `reading(path)`: within a
`session` (opened by the workspace around its files, with the workspace's limits) the one of that session,
made on first use, so that every reader of one file shares its bytes; outside one, a fresh Reading with the
default limits.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ranking.errors import InputError
from ranking.settings import Inputs

MIB = 1 << 20
HEAD_BYTES = 64 * 1024  # what format detection reads of a file


@dataclass(frozen=True)
class Limits:
    """The limits of `[inputs]`, in the units the readers count."""

    file_bytes: int
    field_chars: int
    columns: int
    sheet_cells: int
    inflated_bytes: int
    roster_rows: int

    @classmethod
    def of(cls, inputs: Inputs) -> Limits:
        return cls(
            inputs.max_file_mb * MIB,
            inputs.max_field_kb * 1024,
            inputs.max_columns,
            inputs.max_sheet_cells,
            inputs.max_inflated_mb * MIB,
            inputs.max_roster_rows,
        )


DEFAULT_LIMITS = Limits.of(Inputs())


def mib(size: int) -> str:
    """A size in MiB as messages write it."""
    return f"{size / MIB:,.1f} MB"


def too_long(limits: Limits) -> str:
    """The problem of a field past `max_field_kb`."""
    kb = limits.field_chars // 1024
    return f"a field longer than {limits.field_chars:,} characters ([inputs] max_field_kb = {kb:,})"


def long_run(data: bytes, limit: int) -> int | None:
    """Where `data` holds more than `limit` bytes in a row without a quote or a line break (in JSON, a string or
    a value longer than any field within the limits can be written), or None. Linear: a run that long covers at
    least one whole block of limit/2 bytes, and only such blocks are looked at closely."""
    half = max(limit // 2, 1)
    for start in range(0, len(data) - half + 1, half):
        end = start + half
        if data.find(b'"', start, end) != -1 or data.find(b"\n", start, end) != -1:
            continue
        left = max(data.rfind(b'"', 0, start), data.rfind(b"\n", 0, start)) + 1
        ends = [i for i in (data.find(b'"', end), data.find(b"\n", end)) if i != -1]
        if min(ends, default=len(data)) - left > limit:
            return left
    return None


def changed(shown: str) -> InputError:
    """The error of a file that changed while it was being read."""
    return InputError.one(
        shown, "changed while it was being read (still being written?): run again once it is complete"
    )


class Reading:
    """One input file, read once: see the module's documentation."""

    def __init__(self, path: Path, shown: str, limits: Limits = DEFAULT_LIMITS):
        self.path = path
        self.shown = shown
        self.limits = limits
        #: sha256 of the bytes read, once the whole file has been read (None before).
        self.digest: str | None = None
        self._head: bytes | None = None
        self._head_whole = False
        self._data: bytes | None = None
        self._fingerprint: tuple[int, ...] | None = None
        #: What readers derived from the bytes and share (the parsed workbook), dropped with them.
        self.memo: dict[str, object] = {}

    def _too_large(self, size: int) -> InputError:
        limit = self.limits.file_bytes // MIB
        return InputError.one(self.shown, f"is {mib(size)}: larger than [inputs] max_file_mb = {limit:,} MB")

    def check_size(self) -> int:
        """The file's size, refused past `max_file_mb` before anything is read (OSError when it cannot be read)."""
        size = os.stat(self.path).st_size
        if size > self.limits.file_bytes:
            raise self._too_large(size)
        return size

    def head(self, size: int = HEAD_BYTES) -> bytes:
        """The first `size` bytes (at least HEAD_BYTES are read), which the bytes read later must begin with."""
        if self._data is not None:
            return self._data[:size]
        want = max(size, HEAD_BYTES)
        if self._head is None or (len(self._head) < want and not self._head_whole):
            self.check_size()
            with self.path.open("rb") as handle:
                self._head = handle.read(want)
            # a head shorter than asked is the whole file: asking for more reads nothing new
            self._head_whole = len(self._head) < want
        return self._head[:size]

    def data(self, runs: int | None = None) -> bytes:
        """The whole file's bytes, read once (then kept until `release`), hashed as they are read.

        With `runs`, the bytes are looked at as they arrive: a run of more than `runs` bytes without a quote or a
        line break (in JSON, a value longer than any field within the limits) raises LongRun at once, before
        the rest of the file is read."""
        if self._data is None:
            with self.path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > self.limits.file_bytes:
                    raise self._too_large(size)
                # one byte more than the limit: a file that grew past it since
                data = _read_all(handle, self.limits.file_bytes + 1, _Runs(runs) if runs else None)
            if len(data) > self.limits.file_bytes:
                raise self._too_large(len(data))
            if self._head is not None and not data.startswith(self._head):
                raise changed(self.shown)
            self._data, self.digest = data, hashlib.sha256(data).hexdigest()
        return self._data

    @contextmanager
    def stream(self) -> Iterator[io.RawIOBase]:
        """The file's bytes as a stream, hashed as they are read: `digest` is set when the stream reaches the end."""
        if self._data is not None:
            yield io.BytesIO(self._data)  # type: ignore[misc]  # already read (and hashed) whole
            return
        with self.path.open("rb", buffering=0) as handle:
            if os.fstat(handle.fileno()).st_size > self.limits.file_bytes:
                raise self._too_large(os.fstat(handle.fileno()).st_size)
            yield _Hashed(handle, self)

    def finish(self) -> str:
        """The sha256 of the file as it was read; a file read in part (its head only) is hashed now, its head
        checked to be the one read."""
        if self.digest is None:
            with self.stream() as raw:
                while raw.read(MIB):
                    pass
        assert self.digest is not None
        return self.digest

    def scanned(self) -> str:
        """Hash a file that is read lazily (later, in parts), and fingerprint it for `verify`."""
        before = _fingerprint(self.path)
        digest = self.finish()
        if _fingerprint(self.path) != before:
            raise changed(self.shown)
        self._fingerprint = before
        return digest

    @property
    def lazy(self) -> bool:
        """Whether the file is read lazily (hashed by `scanned`)."""
        return self._fingerprint is not None

    def verify(self) -> None:
        """Raise InputError when a file read lazily changed since `scanned` (a no-op for other files)."""
        if self._fingerprint is None:
            return
        try:
            now = _fingerprint(self.path)
        except OSError:
            raise changed(self.shown) from None
        if now != self._fingerprint:
            raise changed(self.shown)

    def release(self) -> None:
        """Drop the bytes kept (the digest and fingerprint stay)."""
        self._data = None
        self._head = None
        self.memo.clear()


class LongRun(Exception):
    """A run of bytes longer than asked for, at `line` (counted from 1)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _Runs:
    """Finds a long run (see `long_run`) in bytes that arrive in chunks: the run a chunk ends with is carried on."""

    def __init__(self, limit: int):
        self.limit = limit
        self.tail = b""  # the bytes since the last quote or line break
        self.line = 1  # the line the tail starts on

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        at = long_run(text, self.limit)
        if at is not None:
            raise LongRun(self.line + text.count(b"\n", 0, at))
        last = max(text.rfind(b'"'), text.rfind(b"\n"))
        self.line += text.count(b"\n", 0, last + 1)
        self.tail = text[last + 1 :]


def _read_all(handle: IO[bytes], most: int, runs: _Runs | None) -> bytes:
    """The bytes of an open file, `most` at most, fed to `runs` as they arrive."""
    if runs is None:
        return handle.read(most)
    chunks: list[bytes] = []
    read = 0
    while read < most and (chunk := handle.read(min(MIB, most - read))):
        runs.feed(chunk)
        chunks.append(chunk)
        read += len(chunk)
    return b"".join(chunks)


def _fingerprint(path: Path) -> tuple[int, ...]:
    found = os.stat(path)
    # ctime changes with every write, and no program can set it back
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


class _Hashed(io.RawIOBase):
    """A file's bytes as they are read: hashed, checked against the head read before, bounded by the size limit."""

    def __init__(self, handle: io.FileIO, reading: Reading):
        self._handle = handle
        self._reading = reading
        self._digest = hashlib.sha256()
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._handle.readinto(buffer)
        if not count:
            self._reading.digest = self._digest.hexdigest()
            return 0
        chunk = memoryview(buffer)[:count]
        head = self._reading._head
        if head is not None and self._seen < len(head):
            expected = head[self._seen : self._seen + count]
            if chunk[: len(expected)] != expected:
                raise changed(self._reading.shown)
        self._digest.update(chunk)
        self._seen += count
        if self._seen > self._reading.limits.file_bytes:
            raise self._reading._too_large(self._seen)
        return count


@dataclass
class Session:
    """The Readings of one workspace's files, and its limits."""

    limits: Limits
    readings: dict[Path, Reading] = field(default_factory=dict)

    def get(self, path: Path, shown: str) -> Reading:
        if path not in self.readings:
            self.readings[path] = Reading(path, shown, self.limits)
        return self.readings[path]

    def done(self, path: Path) -> Reading | None:
        """Take the Reading of `path` out of the session (its bytes released): the file is read."""
        found = self.readings.pop(path, None)
        if found is not None:
            found.release()
        return found


_SESSION: ContextVar[Session | None] = ContextVar("ranking_reading_session", default=None)


@contextmanager
def session(limits: Limits) -> Iterator[Session]:
    """Within this block, `reading` gives one Reading per file, with these limits."""
    opened = Session(limits)
    token = _SESSION.set(opened)
    try:
        yield opened
    finally:
        _SESSION.reset(token)


def reading(path: Path, shown: str | None = None) -> Reading:
    """The Reading of `path`: the current session's (see `session`), else a fresh one with the default limits."""
    current = _SESSION.get()
    name = shown or str(path)
    return current.get(path, name) if current is not None else Reading(path, name)


def limits() -> Limits:
    """The limits of the current session (the defaults outside one)."""
    current = _SESSION.get()
    return current.limits if current is not None else DEFAULT_LIMITS
