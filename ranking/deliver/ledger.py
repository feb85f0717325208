"""The delivery ledger `DIR/YYYY-MM/deliveries.jsonl`: what was sent to whom, so that nobody gets a message twice.

One JSON line per step of a message, appended, flushed and fsynced before the next step, never rewritten.
A message is known by its key (period, company, recipient, sha256 of its attachments); the last line of a key
says where it stands. `sending` is written just before the message body goes to the server: a key whose last
line is `sending` belongs to a run that stopped before it heard the server's answer, so its outcome is unknown.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ranking.errors import RankingError
from ranking.outputs.publish import cut_short, fsync_dir, try_lock

log = logging.getLogger(__name__)

STATES = ("sending", "sent", "failed", "unknown")


class DeliveryError(RankingError):
    """Sending cannot go on: SMTP settings, TLS, authentication, an unreachable server, a locked ledger."""


@dataclass(frozen=True)
class Key:
    """What makes a message the same message: the same period, company, recipient and attached files."""

    period: str
    company: str
    recipient: str
    attachments: str  # sha256 over the attached files, see `attachments_digest`

    @property
    def id(self) -> str:
        text = "\0".join((self.period, self.company, self.recipient, self.attachments))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def attachments_digest(files: list[tuple[str, bytes]]) -> str:
    """sha256 over the attachments' names and contents, in order."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """The last line of a key."""

    state: str
    at: str
    detail: str


def _read(path: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    if not path.exists():
        return entries
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = json.loads(raw)
                key = Key(line["period"], line["company"], line["recipient"], line["attachments"])
                if line["state"] not in STATES:
                    raise ValueError(line["state"])
                entries[key.id] = Entry(line["state"], str(line.get("at", "")), str(line.get("detail", "")))
            except (ValueError, KeyError, TypeError):
                # A run killed in the middle of a write leaves a cut line: the line before it still holds.
                log.warning("%s:%d: unreadable ledger line ignored", path, number)
    return entries


class Ledger:
    """The ledger of one run folder, read once; `record` appends (only when opened with `Ledger.open`)."""

    def __init__(self, path: Path, entries: dict[str, Entry], fd: int | None = None):
        self.path = path
        self._entries = entries
        self._fd = fd

    @classmethod
    def read(cls, path: Path) -> Ledger:
        """A read-only view (for a dry run): nothing is locked or written."""
        return cls(path, _read(path))

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[Ledger]:
        """Lock the ledger against a second sender, read it, and yield it for appending."""
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if not try_lock(fd):
                raise DeliveryError(f"{path}: another `ranking send` is running for this period")
            if created:
                fsync_dir(path.parent)
            ledger = cls(path, _read(path), fd)
            if cut_short(fd):
                ledger._write(b"\n")  # end the cut line so that the next one stands alone
            yield ledger
        finally:
            os.close(fd)  # also releases the lock

    def state(self, key: Key) -> Entry | None:
        """Where the message of `key` stands: None when it was never tried; `sending` reads as `unknown`."""
        entry = self._entries.get(key.id)
        if entry is not None and entry.state == "sending":
            return Entry("unknown", entry.at, "the run stopped while the server had the message")
        return entry

    def record(self, key: Key, state: str, message_id: str, detail: str = "") -> None:
        """Append one line and make it durable before returning."""
        assert state in STATES, state
        if self._fd is None:
            raise RuntimeError("the ledger was opened read-only")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        line = {
            "period": key.period,
            "company": key.company,
            "recipient": key.recipient,
            "attachments": key.attachments,
            "message_id": message_id,
            "state": state,
            "at": at,
            "detail": detail,
        }
        self._write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        self._entries[key.id] = Entry(state, at, detail)

    def _write(self, data: bytes) -> None:
        """Write and fsync. A failure stops the sending (DeliveryError): it must not pass for a network error,
        which would be tried again with nothing recorded."""
        assert self._fd is not None
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError as exc:
            raise DeliveryError(f"{self.path}: cannot write the delivery ledger ({exc.strerror or exc})") from exc
