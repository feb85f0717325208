"""The collection log, `collect.jsonl` at the workspace's root: one JSON line per step of a run on the service
(`started`, `finished`, `downloaded`, `failed`), appended and fsynced before the next step, and read back, so
that a `collect` killed at any moment knows the runs it paid for. It never holds the token."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ranking.errors import InputError, RankingError
from ranking.outputs.publish import cut_short, try_lock

LOG_FILE = "collect.jsonl"
#: The steps of a run, in the order they happen. `starting` (keyed by an `intent` id, written before the request
#: that starts the run) and `not started` close the gap between the service starting a run and its id being here.
STEPS = ("starting", "not started", "started", "finished", "downloaded", "failed")
INTENT_STEPS = ("starting", "not started")


def now() -> str:
    """The time of a step, ISO 8601 in UTC to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RunState:
    """What the log says of one run on the service: its last step and what the steps recorded."""

    run_id: str
    actor: str
    input_sha256: str
    period: str
    platform: str
    executives: list[str]
    start: str
    end: str
    step: str = "started"
    items: int | None = None
    file: str | None = None
    status: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Started (paid for) but not yet downloaded nor failed: the next `collect` waits for it and downloads it."""
        return self.step in ("started", "finished")


class Busy(RankingError):
    """Another `ranking collect` is working on the workspace."""


class CollectLog:
    """The append-only log of a workspace's runs."""

    def __init__(self, root: Path):
        self.path = root / LOG_FILE

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the log for the block: two collects of a workspace at once would start the
        same runs twice. The kernel drops the lock of a process that dies, even by SIGKILL. Raises Busy."""
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            if not try_lock(fd):
                raise Busy(f"{self.path}: another `ranking collect` is working on this workspace")
            if cut_short(fd):  # a collect killed while writing its last step: end that line
                os.write(fd, b"\n")
                os.fsync(fd)
            yield
        finally:
            os.close(fd)

    def append(self, step: str, **values: Any) -> dict[str, Any]:
        """Write one step as one line and fsync it: once this returns, a kill cannot lose it."""
        record = {"step": step, "at": now(), **values}
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return record

    def read(self) -> list[dict[str, Any]]:
        """Every step recorded. A last line cut short (the process killed while writing it) is left out; any other
        line that is not a step is an error naming the line."""
        if not self.path.exists():
            return []
        try:
            lines = self.path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError.one(self.path, f"cannot be read ({exc})") from None
        records = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                # A write cut short: the last line, without a newline, or one that a later collect ended (see
                # `locked`) before appending its own steps; every step is written as `{"...`.
                if number == len(lines) or line.startswith('{"'):
                    continue
                raise InputError.one(self.path, "not a step of the collection log", number) from None
            key = "intent" if isinstance(record, dict) and record.get("step") in INTENT_STEPS else "run_id"
            if not isinstance(record, dict) or record.get("step") not in STEPS or not record.get(key):
                raise InputError.one(self.path, "not a step of the collection log", number)
            records.append(record)
        return records

    def runs(self) -> dict[str, RunState]:
        """Each run of the log by its id, in the order they were started, with its last step."""
        runs: dict[str, RunState] = {}
        for record in self.read():
            if record["step"] in INTENT_STEPS:
                continue
            run_id = record["run_id"]
            if record["step"] == "started":
                runs[run_id] = RunState(
                    run_id,
                    record.get("actor", ""),
                    record.get("input_sha256", ""),
                    record.get("period", ""),
                    record.get("platform", ""),
                    list(record.get("executives", [])),
                    record.get("start", ""),
                    record.get("end", ""),
                )
            state = runs.get(run_id)
            if state is None:
                continue
            state.step = record["step"]
            state.steps.append(record)
            for name in ("items", "file", "status"):
                if record.get(name) is not None:
                    setattr(state, name, record[name])
        return runs

    def intents(self) -> list[dict[str, Any]]:
        """The `starting` steps never followed by their run's `started` (nor `not started`): the process stopped
        while the service was being asked to start the run, which may or may not exist."""
        records = self.read()
        closed = {r.get("intent") for r in records if r["step"] in ("started", "not started")}
        return [r for r in records if r["step"] == "starting" and r["intent"] not in closed]
