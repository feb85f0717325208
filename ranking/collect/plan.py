"""Which runs a `collect` starts: the roster's accounts grouped by actor and date range, batched where the actor
takes a list, minus what the log says is done or under way, within the cost cap.

The date range is incremental: an executive collected for an earlier period is fetched again from the first day
of `refresh_months` months before the period (their counts still grow), never before 1 January; an executive
never collected is fetched from 1 January. Older posts stay in the downloads of earlier months, and the merge
keeps the newest counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ranking.collect.inputs import ACTORS, Window, actor_input, estimated_cost, input_sha256
from ranking.collect.log import RunState
from ranking.collect.targets import Targets, date_range
from ranking.period import Period
from ranking.settings import Collect


@dataclass(frozen=True)
class PlannedRun:
    """A run to start: the actor, whose posts, over which days, and what it may cost."""

    actor: str
    platform: str
    executives: tuple[str, ...]
    accounts: tuple[str, ...]
    window: Window
    max_items: int  # per profile
    run_input: dict[str, Any]
    input_sha256: str
    cost_usd: float

    @property
    def charged_items(self) -> int:
        """The items the run may charge for at most (the service's `maxItems` run option)."""
        return self.max_items * len(self.accounts)

    def folder(self, root: Path) -> Path:
        """Where its download goes: a run of one executive in their folder, of several on top of exports/."""
        exports = root / "exports"
        return exports / self.executives[0] if len(set(self.executives)) == 1 else exports


@dataclass(frozen=True)
class Plan:
    """What a `collect` does: the runs to start, those the cap keeps back, those already done or under way."""

    runs: list[PlannedRun]
    over_cap: list[PlannedRun]
    resumed: list[RunState]  # started by an earlier collect, not yet downloaded: waited for and downloaded
    done: list[str] = field(default_factory=list)  # executives whose posts of the period were collected already
    cap_usd: float = 0.0  # the cost cap the runs were kept within

    @property
    def cost_usd(self) -> float:
        return round(sum(r.cost_usd for r in self.runs), 2)


def window_start(period: Period, refresh_months: int, collected_before: bool) -> date:
    """The first day asked for: 1 January for an executive never collected, else the refresh window's."""
    first = date(period.year, 1, 1)
    if not collected_before:
        return first
    month = period
    for _ in range(refresh_months):
        month = month.previous()
    return max(first, date(month.year, month.month, 1))


def plan(
    targets: Targets,
    period: Period,
    settings: Collect,
    timezone: str,
    log: dict[str, RunState],
    only: tuple[str, ...] = (),
    refresh: bool = False,
    max_cost_usd: float | None = None,
) -> Plan:
    """The runs to start for the period's collect (see the module's docstring)."""
    this = str(period)
    # executives (by platform) with a download of an earlier period, of this period, or a run under way
    before = {(e, s.platform) for s in log.values() if s.step == "downloaded" and s.period < this for e in s.executives}
    pending = [s for s in log.values() if s.pending]
    busy = {(e, s.platform) for s in pending for e in s.executives}
    done_now = {
        (e, s.platform, s.actor, s.start)
        for s in log.values()
        if s.step == "downloaded" and s.period == this
        for e in s.executives
    }
    _, end = date_range(period)
    groups: dict[tuple[str, date], list[tuple[str, str]]] = {}
    done: list[str] = []
    for executive, platform, account in targets.accounts:
        if only and executive not in only:
            continue
        if (executive, platform) in busy:
            continue
        actor = settings.linkedin_actor if platform == "linkedin" else settings.x_actor
        start = window_start(period, settings.refresh_months, (executive, platform) in before)
        if not refresh and (executive, platform, actor, str(start)) in done_now:
            done.append(executive)
            continue
        groups.setdefault((actor, start), []).append((executive, account))
    runs: list[PlannedRun] = []
    for (actor, start), members in groups.items():
        spec = ACTORS[actor]
        size = settings.profiles_per_run if spec.takes_list else 1
        price = settings.price_per_1000_items_usd.get(actor, 0.0)
        window = Window(start, end, timezone)
        for i in range(0, len(members), size):
            batch = members[i : i + size]
            accounts = [a for _, a in batch]
            run_input = actor_input(actor, accounts, window, settings.max_items)
            runs.append(
                PlannedRun(
                    actor,
                    spec.platform,
                    tuple(e for e, _ in batch),
                    tuple(accounts),
                    window,
                    settings.max_items,
                    run_input,
                    input_sha256(actor, run_input),
                    estimated_cost(price, settings.max_items, len(batch)),
                )
            )
    cap = settings.max_cost_usd if max_cost_usd is None else max_cost_usd
    kept: list[PlannedRun] = []
    over: list[PlannedRun] = []
    spent = 0.0
    for run in runs:
        if spent + run.cost_usd > cap + 1e-9:
            over.append(run)
        else:
            kept.append(run)
            spent += run.cost_usd
    resumed = [s for s in pending if not only or set(s.executives) & set(only)]
    return Plan(kept, over, resumed, sorted(set(done)), cap)
