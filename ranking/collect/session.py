"""`ranking collect`: start the planned runs on the service, wait for them, download each dataset whole where the
loaders look, and record every step in the collection log before taking the next.

A run is recorded as started as soon as the service has it: a collect stopped at any moment (killed, Ctrl-C,
the machine down) leaves the runs it paid for in the log, and the next collect waits for them and downloads them
instead of starting them again. A run that fails, is aborted or outlives the deadline is named with its
executives, who are "not refreshed": their earlier downloads stay, and `run` still works on what is there."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from ranking.collect.apify import URL_VARIABLE, Apify, Gone, RunInfo, ServiceRefused, Tuning, token_from
from ranking.collect.inputs import ACTORS, input_sha256
from ranking.collect.log import CollectLog, RunState
from ranking.collect.plan import Plan, PlannedRun, plan
from ranking.collect.targets import roster_targets
from ranking.errors import InputError, UsageError
from ranking.load.base import LoadContext
from ranking.load.formats import load_file
from ranking.load.workspace import load_companies, load_roster
from ranking.outputs.publish import fsync_dir
from ranking.period import Period
from ranking.settings import Settings, load_settings


@dataclass(frozen=True)
class Outcome:
    """What became of one run: downloaded (with its items and file) or not, and why."""

    run_id: str
    actor: str
    executives: tuple[str, ...]
    status: str  # SUCCEEDED, FAILED, ABORTED, TIMED-OUT, or "past the deadline" (aborted by collect)
    items: int = 0
    file: str = ""  # relative to the workspace
    posts: Mapping[str, int] = field(default_factory=dict)  # executive -> posts read from the download
    cost_usd: float | None = None

    @property
    def downloaded(self) -> bool:
        return bool(self.file)


@dataclass(frozen=True)
class CollectResult:
    """A collect: its plan and, unless a dry run, what became of each run."""

    plan: Plan
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.downloaded]

    @property
    def not_refreshed(self) -> list[str]:
        """Executives of a failed run or of a run the cost cap kept back, in roster order of the runs."""
        names = [e for o in self.failed for e in o.executives]
        names += [e for r in self.plan.over_cap for e in r.executives]
        return list(dict.fromkeys(names))


def dataset_file(actor: str, finished_at: datetime | None) -> str:
    """The name the service gives a run's download: `dataset_<actor-name>_<YYYY-MM-DD_HH-MM-SS-mmm>.json` (UTC)."""
    when = (finished_at or datetime.now(UTC)).astimezone(UTC)
    return f"dataset_{ACTORS[actor].dataset_name}_{when:%Y-%m-%d_%H-%M-%S}-{when.microsecond // 1000:03d}.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a hidden temporary file beside it (the loaders skip dot files), fsynced,
    then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def planned(root: Path, period: Period, only: tuple[str, ...], refresh: bool, max_cost_usd: float | None) -> Plan:
    """The plan of a collect (what --dry-run prints). Raises InputError on a bad roster, settings or log."""
    settings = load_settings(root / "ranking.toml")
    targets = roster_targets(root)
    known = {e for e, _, _ in targets.accounts} | set(targets.without)
    unknown = [e for e in only if e not in known]
    if unknown:
        raise UsageError(f"--only: not an executive_id of roster.csv: {', '.join(unknown)}")
    return plan(
        targets,
        period,
        settings.collect,
        settings.scoring.timezone,
        CollectLog(root).runs(),
        only=only,
        refresh=refresh,
        max_cost_usd=max_cost_usd,
    )


def collect(
    root: Path,
    period: Period,
    *,
    environ: Mapping[str, str],
    only: tuple[str, ...] = (),
    refresh: bool = False,
    max_cost_usd: float | None = None,
    dry_run: bool = False,
    step: Callable[[str], None] = lambda _text: None,
    tuning: Tuning | None = None,
) -> CollectResult:
    """Collect the period's posts (see the module's docstring). Raises InputError (settings, roster, no token),
    ServiceRefused (401/403), ServiceUnavailable (429/5xx until the deadline), Interrupted."""
    if dry_run:
        return CollectResult(planned(root, period, only, refresh, max_cost_usd), [])
    settings = load_settings(root / "ranking.toml")
    token = token_from(environ)
    deadline = time.monotonic() + settings.collect.deadline_minutes * 60
    service = Apify(token, environ.get(URL_VARIABLE) or None, deadline, tuning or Tuning())
    log = CollectLog(root)
    with log.locked():
        # planned under the lock: what another collect started or finished is in the log
        the_plan = planned(root, period, only, refresh, max_cost_usd)
        return _collect(root, period, the_plan, service, log, settings, (only, refresh, max_cost_usd), step)


def _collect(
    root: Path,
    period: Period,
    the_plan: Plan,
    service: Apify,
    log: CollectLog,
    settings: Settings,
    options: tuple[tuple[str, ...], bool, float | None],
    step: Callable[[str], None],
) -> CollectResult:
    only, refresh, max_cost_usd = options
    intents = log.intents()
    if intents:
        step("looking for runs the last collect may have started")
        known = set(log.runs())
        for intent in intents:
            _adopt(service, log, intent, known)
        the_plan = planned(root, period, only, refresh, max_cost_usd)
    under_way = list(the_plan.resumed)
    for number, run in enumerate(the_plan.runs, start=1):
        step(f"starting runs: {number}/{len(the_plan.runs)} ({run.actor}, {len(run.executives)} profiles)")
        under_way.append(_start(service, log, run, period))
    outcomes = [_finish(service, log, state, root, settings, step) for state in under_way]
    return CollectResult(the_plan, outcomes)


def _start(service: Apify, log: CollectLog, run: PlannedRun, period: Period) -> RunState:
    """Start a run, recorded before the request (`starting`) and once the service has it (`started`)."""
    fields = {
        "actor": run.actor,
        "input_sha256": run.input_sha256,
        "period": str(period),
        "platform": run.platform,
        "executives": list(run.executives),
        "start": str(run.window.start),
        "end": str(run.window.end),
        "max_items": run.max_items,
        "estimated_cost_usd": run.cost_usd,
    }
    intent = uuid.uuid4().hex
    log.append("starting", intent=intent, **fields)
    since = datetime.now(UTC) - timedelta(minutes=10)
    known = set(log.runs())
    try:
        info = service.start(
            run.actor,
            run.run_input,
            run.charged_items,
            started=lambda: _find_run(service, run.actor, run.input_sha256, since, known),
        )
    except ServiceRefused:  # refused: certainly not started
        log.append("not started", intent=intent)
        raise
    record = log.append("started", run_id=info.run_id, intent=intent, **fields)
    state = RunState(
        info.run_id, run.actor, run.input_sha256, str(period), run.platform, list(run.executives),
        str(run.window.start), str(run.window.end),
    )  # fmt: skip
    state.steps.append(record)
    return state


def _find_run(service: Apify, actor: str, sha256: str, since: datetime, known: set[str]) -> str | None:
    """The id of a run of `actor` started since `since` with the input of this fingerprint, not yet in the log."""
    for run_id, store_id in service.runs_since(actor, since):
        if run_id in known:
            continue
        found = service.run_input(store_id)
        if isinstance(found, dict) and input_sha256(actor, found) == sha256:
            return run_id
    return None


def _adopt(service: Apify, log: CollectLog, intent: dict[str, Any], known: set[str]) -> None:
    """A run the last collect asked for without recording its id: found among the actor's runs since then by
    the fingerprint of its input, and recorded as started (else recorded as not started)."""
    actor = intent.get("actor", "")
    since = datetime.fromisoformat(str(intent.get("at", "")).replace("Z", "+00:00")) - timedelta(minutes=10)
    run_id = _find_run(service, actor, str(intent.get("input_sha256")), since, known)
    if run_id is None:
        log.append("not started", intent=intent["intent"])
        return
    fields = {k: v for k, v in intent.items() if k not in ("step", "at")}
    log.append("started", run_id=run_id, adopted=True, **fields)
    known.add(run_id)


def _finish(
    service: Apify, log: CollectLog, state: RunState, root: Path, settings: Settings, step: Callable[[str], None]
) -> Outcome:
    """Wait for a started run, then download its dataset (or record why not)."""
    who = ", ".join(state.executives)
    base = {"run_id": state.run_id, "actor": state.actor, "input_sha256": state.input_sha256}
    while True:
        try:
            info = service.wait(state.run_id)
        except Gone:  # deleted on the service, or kept there no longer: nothing left to download
            log.append("failed", **base, status="unknown to the service")
            return Outcome(state.run_id, state.actor, tuple(state.executives), "unknown to the service")
        if info.done:
            break
        if time.monotonic() >= service.deadline:
            aborted = service.abort(state.run_id)
            log.append("failed", **base, status="past the deadline", service_status=aborted.status)
            return Outcome(state.run_id, state.actor, tuple(state.executives), "past the deadline")
        step(f"waiting for {state.actor} run {state.run_id} ({info.status}): {who}")
    if state.step != "finished":
        log.append("finished", **base, status=info.status, usage_total_usd=info.usage_total_usd,
                   finished_at=_iso(info.finished_at))  # fmt: skip
    if info.status != "SUCCEEDED":
        log.append("failed", **base, status=info.status)
        return Outcome(state.run_id, state.actor, tuple(state.executives), info.status, cost_usd=info.usage_total_usd)
    return _download(service, log, state, info, root, settings, step)


def _download(
    service: Apify,
    log: CollectLog,
    state: RunState,
    info: RunInfo,
    root: Path,
    settings: Settings,
    step: Callable[[str], None],
) -> Outcome:
    items: list[object] = []
    try:
        for page in service.pages(info.dataset_id):
            items += page
            step(f"downloading {state.actor} run {state.run_id}: {len(items)} items")
    except Gone:
        log.append("failed", run_id=state.run_id, actor=state.actor, input_sha256=state.input_sha256,
                   status="dataset unknown to the service")  # fmt: skip
        return Outcome(state.run_id, state.actor, tuple(state.executives), "dataset unknown to the service")
    folder = root / "exports"
    if len(set(state.executives)) == 1:
        folder = folder / state.executives[0]
    path = folder / dataset_file(state.actor, info.finished_at)
    data = json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
    write_atomically(path, data)
    shown = str(path.relative_to(root))
    log.append("downloaded", run_id=state.run_id, actor=state.actor, input_sha256=state.input_sha256,
               items=len(items), file=shown, sha256=hashlib.sha256(data).hexdigest(),
               usage_total_usd=info.usage_total_usd)  # fmt: skip
    posts = _posts_by_executive(path, root, settings, state)
    return Outcome(state.run_id, state.actor, tuple(state.executives), info.status, len(items), shown, posts,
                   info.usage_total_usd)  # fmt: skip


def _posts_by_executive(path: Path, root: Path, settings: Settings, state: RunState) -> dict[str, int]:
    """How many posts the loaders read from the download for each executive of the run (the summary's figure)."""
    counts = dict.fromkeys(state.executives, 0)
    try:
        companies, _ = load_companies(root / "companies.csv")
        roster, _ = load_roster(root / "roster.csv", companies)
        owner = state.executives[0] if len(set(state.executives)) == 1 else None
        ctx = LoadContext(roster, settings.scoring.timezone, owner, settings.sources)
        posts = load_file(path, str(path), ctx).posts
    except InputError:  # the summary says what `validate` will say in full
        return counts
    if posts.height and "executive_id" in posts.columns:
        found = posts.group_by("executive_id").agg(pl.len()).iter_rows()
        counts.update({e: n for e, n in found if e in counts})
    return counts


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z") if moment else None
