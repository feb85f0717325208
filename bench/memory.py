"""The main process's memory in `ranking.pipeline.compute`, without rendering any PDF.

    python bench/memory.py bench/data/ws-1000000-1000-100 --period 2021-12

Loads the workspace, runs `compute` with each of its stages wrapped so that the peak resident set (VmHWM, and a
sampler every 20 ms for the peak *within* each stage) is attributed to the stage that reached it, then prints the
estimated size of the frames the run holds, the CPU seconds and the process's peak. With `--tables`, the tables
(executives.csv, companies.csv, posts.csv, ranking.xlsx) are also written into a temporary folder, as `run` does.
"""

from __future__ import annotations

import argparse
import functools
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ranking import pipeline  # noqa: E402  (ranking first: it sets the allocator's settings polars reads)
from ranking.load.workspace import load_workspace  # noqa: E402
from ranking.period import Period  # noqa: E402

MIB = 1 << 20


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


class Tracker:
    """The current stage, and the largest resident set seen while it ran."""

    def __init__(self) -> None:
        self.stage = "start"
        self.peaks: dict[str, int] = {}
        self.order: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.seen(_status("VmRSS"))
            time.sleep(0.02)

    def seen(self, rss: int) -> None:
        if self.stage not in self.peaks:
            self.order.append(self.stage)
        self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), rss)

    def enter(self, stage: str) -> str:
        previous, self.stage = self.stage, stage
        self.seen(_status("VmRSS"))
        return previous

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _wrapped(tracker: Tracker, name: str, function):  # type: ignore[no-untyped-def]
    @functools.wraps(function)
    def inner(*args, **kwargs):  # type: ignore[no-untyped-def]
        previous = tracker.enter(name)
        try:
            return function(*args, **kwargs)
        finally:
            tracker.seen(_status("VmRSS"))
            tracker.enter(previous)

    return inner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--period", default="2021-12")
    parser.add_argument("--tables", action="store_true", help="also write the tables, as `run` does")
    args = parser.parse_args()
    tracker = Tracker()
    tracker.start()
    # (names an older tree lacks are skipped: the script also measures other commits, `git archive`d)
    for name in ("score", "windowed_posts", "with_tone_shares", "measures", "report_data", "write_tables"):
        if hasattr(pipeline, name):
            setattr(pipeline, name, _wrapped(tracker, name, getattr(pipeline, name)))
    from ranking.report import data as report_module

    for name in ("platform_scores", "monthly_scores", "best_posts", "with_texts", "missing_counts", "content_facts"):
        if hasattr(report_module, name):
            setattr(report_module, name, _wrapped(tracker, f"report: {name}", getattr(report_module, name)))
    started = time.perf_counter()
    tracker.enter("load_workspace")
    ws = load_workspace(args.workspace)
    tracker.enter("compute (other)")
    data = pipeline.compute(ws, Period.parse(args.period))
    if args.tables:
        with tempfile.TemporaryDirectory() as folder:
            pipeline.write_tables(data, Path(folder), ws.settings.report.lang)
    tracker.enter("end")
    tracker.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"workspace {args.workspace} ({ws.post_count:,} posts), period {args.period}")
    print(f"wall {time.perf_counter() - started:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s")
    for stage in tracker.order:
        print(f"  peak RSS during {stage:<28} {tracker.peaks[stage] / MIB:8.0f} MiB")
    for scope, frame in data.posts.items():
        text = "text" in frame.columns
        print(
            f"  posts[{scope}]: {frame.height:,} rows, {frame.width} columns, "
            f"{frame.estimated_size() / MIB:.0f} MiB estimated, text column: {text}"
        )
    best, flagged = data.report.best, data.report.content.flagged
    print(f"  best posts {best.height:,} rows ({best.estimated_size() / MIB:.1f} MiB), flagged {flagged.height:,}")
    print(f"VmHWM {_status('VmHWM') / MIB:.0f} MiB, VmRSS now {_status('VmRSS') / MIB:.0f} MiB")


if __name__ == "__main__":
    main()
