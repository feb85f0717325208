"""The end-to-end benchmark: `ranking run` as a user runs it, on generated workspaces of several sizes.

    python bench/endtoend.py                                  # 100 and 200 companies, 1M posts (`make bench`)
    python bench/endtoend.py --sizes 20:200:20000,100:1000:200000 --jobs 2

A size is COMPANIES:EXECUTIVES:POSTS. Each run is the installed `ranking run -w … -p … -o …` in a child
process, its stderr a pipe (so that its progress is one timed line per stage, parsed for the times below):
*wall* is its clock, *CPU* the user + system seconds of the whole process tree (the run and its render
workers, from wait4: the workers are waited for by the run), *peak RSS* the largest sum of the resident sets of
the run and every descendant, sampled every 0.1 s (and the largest single process beside it). *Scores* is when
the run's progress says the scoring is done, *first document* when it hands the first PDF to the render workers,
*first PDF* when the first PDF appears in the staging folder. After each run, the same workspace's scoring is
timed alone against the segmented DuckDB query of the same spec (`bench/run.py`'s `ref-ours` and
`ref-duckdb-segments` stages, on one Parquet file of the merged posts, tables asserted equal). The section is written into
bench/results/latest.md between markers (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

MARKER = "bench:end-to-end"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """`root` and its descendants now alive (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def _rss(pid: int) -> int:
    """Resident bytes of one process (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError):
        return 0


@dataclass
class Sampler:
    """Samples the resident memory of a process tree, and watches for the first PDF of the run."""

    pid: int
    staging_parent: Path
    started: float
    peak_tree: int = 0
    peak_one: int = 0
    processes: int = 0
    first_pdf: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            sizes = [_rss(p) for p in _tree(self.pid)]
            self.peak_tree = max(self.peak_tree, sum(sizes))
            self.peak_one = max(self.peak_one, max(sizes, default=0))
            self.processes = max(self.processes, len(sizes))
            staged = self.staging_parent.glob(".*.tmp/*.pdf"), self.staging_parent.glob(".*.tmp/companies/*.pdf")
            if self.first_pdf is None and any(any(found) for found in staged):
                self.first_pdf = time.perf_counter() - self.started
            self.stop.wait(0.1)


def measure(root: Path, period: str, out: Path, jobs: int | None) -> dict:
    """One `ranking run`, measured."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    command = [str(Path(sys.executable).parent / "ranking"), "run", "-w", str(root), "-p", period, "-o", str(out)]
    command += ["--jobs", str(jobs)] if jobs else []
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(child.pid, out, started)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    sampler.stop.set()
    thread.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace").strip() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"ranking run failed ({child.returncode}): {error[-400:]}")
    folder = out / period
    reports = sorted((folder / "companies").glob("*.pdf"))
    from pypdf import PdfReader

    pages = [len(PdfReader(p).pages) for p in reports]
    said = {m.group(2): float(m.group(1)) for m in re.finditer(r"^\[ *([\d.]+) s\] (.*)$", error, re.MULTILINE)}
    lines = [(float(m.group(1)), m.group(2)) for m in re.finditer(r"^\[ *([\d.]+) s\] (.*)$", error, re.MULTILINE)]
    lines.append((wall, "(the end of the process)"))
    gaps = [(b[0] - a[0], a[1]) for a, b in itertools.pairwise(lines)] or [(wall, "")]
    stage = {k: next((t for text, t in said.items() if text.startswith(k)), None) for k in STAGE_LINES}
    return {
        "scores": stage["reading and classifying"],
        "first_document": stage["rendering PDFs"],
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_tree": sampler.peak_tree / 2**20,
        "peak_one": sampler.peak_one / 2**20,
        "processes": sampler.processes,
        "first_pdf": sampler.first_pdf,
        "reports": len(reports),
        "report_pages": (min(pages, default=0), max(pages, default=0)),
        "pages": sum(pages) + len(PdfReader(folder / "leaderboard.pdf").pages),
        "leaderboard_pages": len(PdfReader(folder / "leaderboard.pdf").pages),
        "posts_csv": (folder / "posts.csv").stat().st_size / 2**20,
        # the longest time stderr said nothing (issue 23: a progress line at least every 10 s)
        "silence": max(gaps)[0],
        "silence_after": max(gaps)[1],  # the line it followed
    }


#: Progress lines whose time the table shows: the end of the scoring, the first document handed to a worker.
STAGE_LINES = ("reading and classifying", "rendering PDFs")


def scoring_against_duckdb(root: Path, period: str, scratch: Path) -> dict:
    """Our scoring and the segmented DuckDB query on the same merged posts, each in its own process (median of
    3, CPU seconds), and whether their tables agree."""
    from bench import run as stages

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    args = argparse.Namespace(workspace=root, period=period, jobs=2, scratch=str(scratch), profile=None)
    stages.measure("reference-input", args, 1)
    found = {name: stages.measure(f"ref-{name}", args, 3) for name in ("ours", "duckdb-segments")}
    same = stages.compare(scratch, ["duckdb-segments"])["duckdb-segments"]
    return {"ours_cpu": found["ours"].get("cpu"), "duck_cpu": found["duckdb-segments"].get("cpu"), "same": same}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _load_note(load: str) -> str:
    """What the load average at the start says about the wall clocks (above one per core: someone else's work)."""
    if float(load.split()[0]) > (os.cpu_count() or 1):
        return "Other work was using the CPU: wall times are noisy, CPU seconds are the steadier measure."
    return "The machine was otherwise quiet at the start: wall times are meaningful."


def section(args: argparse.Namespace, rows: list[tuple[tuple[int, int, int], dict]], started: datetime) -> str:
    lines = [
        f"<!-- {MARKER} -->",
        "## End to end: `ranking run` as a user runs it",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `python bench/endtoend.py {' '.join(sys.argv[1:])}`"
        f" (jobs: {args.jobs or 'the default, one per core'}), period {args.period}.",
        f"Load average (1, 5, 15 min) at the start: {args.load_before}; at the end: {loadavg()}"
        f" ({os.cpu_count()} cores). {_load_note(args.load_before)}",
        "",
        "| companies | executives | posts | wall s | CPU s | peak RSS, tree (MiB) | peak RSS, one process (MiB) |"
        " scores s | first document s | first PDF s | reports | pages per report | pages | CPU s per report |"
        " scoring CPU s: ours / DuckDB segmented |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for (companies, executives, posts), r in rows:
        first, scores, handed = (
            f"{r[k]:.1f}" if r.get(k) is not None else "–" for k in ("first_pdf", "scores", "first_document")
        )
        low, high = r["report_pages"]
        duck = r.get("duckdb") or {}
        versus = (
            f"{duck['ours_cpu']:.2f} / {duck['duck_cpu']:.2f} ({duck['duck_cpu'] / duck['ours_cpu']:.1f}× ours; {duck['same']})"
            if duck.get("ours_cpu") and duck.get("duck_cpu") else "–"
        )  # fmt: skip
        lines.append(
            f"| {companies:,} | {executives:,} | {posts:,} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['peak_tree']:,.0f} |"
            f" {r['peak_one']:,.0f} | {scores} | {handed} | {first} | {r['reports']:,} | {low}–{high} | {r['pages']:,} |"
            f" {r['cpu'] / max(r['reports'], 1):.3f} | {versus} |"
        )
    if len(rows) >= 2:
        (a, ra), (b, rb) = rows[0], rows[-1]
        ratio = (rb["cpu"] / rb["reports"]) / (ra["cpu"] / ra["reports"])
        lines += ["", f"CPU per company report, {b[0]:,} vs {a[0]:,} companies: {ratio:.2f}× (1.00 would be flat; the"
                  " whole run's CPU is counted, loading and scoring included)."]  # fmt: skip
    lines.append(f"<!-- /{MARKER} -->")
    return "\n".join(lines)


def write(path: Path, text: str, marker: str = MARKER) -> None:
    """Put `text` (a section between `<!-- marker -->` and `<!-- /marker -->`) in the results file, in place of the
    section of the same marker, else at its end: each benchmark of `make bench` keeps its own section."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"<!-- {re.escape(marker)} -->.*?<!-- /{re.escape(marker)} -->", re.DOTALL)
    new = pattern.sub(lambda _m: text, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100:1000:1000000,200:2000:1000000", help="COMPANIES:EXECUTIVES:POSTS,…")
    parser.add_argument("--period", default="2021-12", help="the month ranked (the data covers 2021)")
    parser.add_argument("--jobs", type=int, default=None, help="`ranking run --jobs` (default: its own)")
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data", help="where workspaces are generated")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "latest.md")
    parser.add_argument("--no-duckdb", action="store_true", help="skip the scoring against DuckDB after each run")
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in s.split(":")) for s in args.sizes.split(",")]
    started, args.load_before = datetime.now(UTC), loadavg()
    rows = []
    for companies, executives, posts in sizes:
        folder = args.data / f"ws-{posts}-{executives}-{companies}"
        generate.ensure(folder, posts, executives, companies)
        result = measure(folder, args.period, args.data / "scratch" / "end-to-end", args.jobs)
        if not args.no_duckdb:
            result["duckdb"] = scoring_against_duckdb(folder, args.period, args.data / "scratch" / "scoring")
        rows.append(((companies, executives, posts), result))
        print(f"{companies:,} companies, {posts:,} posts: {result}", flush=True)
    write(args.results, section(args, rows, started))
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
