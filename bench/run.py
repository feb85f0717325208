"""The benchmark: every stage of the monthly run on a synthetic workspace, and the scoring against DuckDB and pandas.

    python bench/run.py                       # 5,000,000 posts, 10,000 executives, 1,000 companies
    python bench/run.py --posts 50000000      # the scale run (add --references duckdb to skip pandas)
    python bench/run.py --profile leaderboard # also write bench/results/profile-leaderboard.txt (pyinstrument)

Each stage runs in its own process (its prerequisites untimed), so that its peak resident memory (VmHWM, reset
before the stage) is its own and includes what polars allocates natively. Fast stages report the median of
`--repeat` runs. The table is printed and written into bench/results/latest.md (one section per size, replaced by
the next run of the same size; the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

DEMO = REPO / "fixtures" / "demo"
DEMO_PERIOD = "2021-10"
SLOW = 20.0  # seconds: a stage this slow is not repeated


# --- measuring, in the child process ----------------------------------------------------------------------


def _status(field: str) -> int:
    """A field of /proc/self/status, in KiB."""
    found = re.search(rf"^{field}:\s+(\d+)", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def _reset_peak() -> bool:
    """Reset the peak resident set size (Linux >= 4.0); False where it cannot be."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of the commands it ran: what the machine's load leaves
    alone, unlike the wall clock."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mib() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return max(_status("VmHWM"), children) / 1024


class Skip(Exception):
    """A stage that cannot run in this tree (its code is not there): the reason is shown in the table."""


def _workspace(path: Path) -> Any:
    from ranking.load.workspace import load_workspace

    ws = load_workspace(path)
    return ws


def _scores(ws: Any, period: str) -> Any:
    from ranking.period import Period
    from ranking.pipeline import scored_posts
    from ranking.score.ranks import score

    return score(scored_posts(ws), ws.roster, ws.companies, ws.settings.scoring, Period.parse(period))


def _leaderboard(root: Path, period: str, out: Path) -> Callable[[], dict[str, Any]]:
    from ranking.period import Period
    from ranking.pipeline import compute
    from ranking.render.environment import render
    from ranking.render.pdf import write_pdf
    from ranking.report.leaderboard import leaderboard_context

    ws = _workspace(root)
    data = compute(ws, Period.parse(period)).report
    lang = ws.settings.report.lang

    def run() -> dict[str, Any]:
        context = leaderboard_context(data, lang)
        write_pdf(render("leaderboard.html", context, lang), out / "leaderboard.pdf")
        return {"pages": _pages(out / "leaderboard.pdf"), "companies": ws.companies.height}

    return run


def _pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(path).pages)


def _reference(name: str, args: argparse.Namespace, out: Path) -> Callable[[], dict[str, Any]]:
    from bench import reference
    from ranking.load.workspace import load_companies, load_roster
    from ranking.settings import load_settings

    root = args.workspace
    companies, _ = load_companies(root / "companies.csv")
    roster, _ = load_roster(root / "roster.csv", companies)
    roster, companies = roster.drop("__line"), companies.drop("__line")
    weights = load_settings(root / "ranking.toml").scoring
    engine = {"ours": reference.ours, "duckdb": reference.duckdb_tables, "pandas": reference.pandas_tables}
    engine["duckdb-segments"] = lambda *a: reference.duckdb_tables(*a, segments=True)
    from ranking.period import Period

    def run() -> dict[str, Any]:
        tables = engine[name](out.parent / "posts.parquet", roster, companies, weights, Period.parse(args.period))
        for which, frame in tables.items():
            frame.write_parquet(out.parent / f"{name}-{which}.parquet")
        return {"rows": sum(f.height for f in tables.values())}

    return run


def stage_runner(stage: str, args: argparse.Namespace, out: Path) -> Callable[[], dict[str, Any]]:
    """The timed part of a stage, after its untimed preparation."""
    root, period = args.workspace, args.period
    if stage == "load":
        return lambda: {"posts": _workspace(root).post_count}
    if stage in ("score", "score-march"):
        ws = _workspace(root)
        when = period if stage == "score" else f"{period[:4]}-03"
        return lambda: {"executives": _scores(ws, when)["ytd"].executives.height}
    if stage == "tone":
        from ranking.content.classify import classify
        from ranking.pipeline import scored_posts

        ws = _workspace(root)
        return lambda: {"posts": classify(scored_posts(ws), ws.companies, ws.roster, ws.settings).height}
    if stage == "leaderboard-demo":
        return _leaderboard(DEMO, DEMO_PERIOD, out)
    if stage == "leaderboard":
        return _leaderboard(root, period, out)
    if stage == "reference-input":
        from bench.reference import SCORING_COLUMNS

        ws = _workspace(root)
        return lambda: {"posts": ws.scan.select(SCORING_COLUMNS).sink_parquet(out.parent / "posts.parquet") or 0}
    if stage.startswith("ref-"):
        return _reference(stage.removeprefix("ref-"), args, out)
    if stage in ("demo", "full-run"):
        return _command(stage, args, out)
    raise SystemExit(f"unknown stage {stage}")


def _run_options() -> str:
    return subprocess.run([str(Path(sys.executable).parent / "ranking"), "run", "--help"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def _ranking_run(root: Path, period: str, out: Path, *extra: str) -> list[str]:
    command = [str(Path(sys.executable).parent / "ranking"), "run", "-w", str(root), "-p", period, "-o", str(out), "-q"]
    return [*command, *extra]


def _command(stage: str, args: argparse.Namespace, out: Path) -> Callable[[], dict[str, Any]]:
    if stage == "demo":
        command = ["make", "-s", "-C", str(REPO), "demo"]
        folder = REPO / "output" / DEMO_PERIOD
    else:
        # whether this tree writes company reports at all: a run of the demo says it
        subprocess.run(_ranking_run(DEMO, DEMO_PERIOD, out / "probe"), check=True, capture_output=True)
        if not list((out / "probe" / DEMO_PERIOD / "companies").glob("*.pdf")):
            raise Skip("no company reports in this tree (issue 4)")
        jobs = ("--jobs", str(args.jobs)) if "--jobs" in _run_options() else ()
        command = _ranking_run(args.workspace, args.period, out, *jobs)
        folder = out / args.period

    def run() -> dict[str, Any]:
        subprocess.run(command, check=True, capture_output=True)
        return {"company_reports": len(list((folder / "companies").glob("*.pdf")))}

    return run


def child(args: argparse.Namespace) -> None:
    """Run one stage and write what was measured as JSON to args.result."""
    out = Path(tempfile.mkdtemp(prefix=f"{args.stage}-", dir=args.scratch))
    result: dict[str, Any] = {"stage": args.stage}
    try:
        run = stage_runner(args.stage, args, out)
    except Skip as why:
        result["skipped"] = str(why)
        Path(args.result).write_text(json.dumps(result))
        return
    result["baseline_mib"] = _status("VmRSS") / 1024
    result["peak_reset"] = _reset_peak()
    times: list[float] = []
    info: dict[str, Any] = {}
    profiler = None
    if args.profile == args.stage:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    cpu: list[float] = []
    for _ in range(args.repeat):
        start, spent = time.perf_counter(), _cpu()
        info = run()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - spent)
        if times[-1] > SLOW:
            break
    if profiler is not None:
        profiler.stop()
        target = REPO / "bench" / "results" / f"profile-{args.stage}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        from pyinstrument.renderers import ConsoleRenderer

        tree = profiler.output(ConsoleRenderer(unicode=True, color=False))
        flat = profiler.output(ConsoleRenderer(unicode=True, color=False, flat=True, show_all=True))
        # the flat view adds a "[self]" line that is no function (it holds most of the wall time): left out
        top = "\n".join([line for line in flat.splitlines() if "[self]" not in line][:60])
        target.write_text(f"{tree}\n\nThe functions that took the most time themselves:\n\n{top}\n", encoding="utf-8")
    result.update(
        seconds=statistics.median(times), runs=times, cpu=statistics.median(cpu), peak_mib=_peak_mib(), info=info
    )
    Path(args.result).write_text(json.dumps(result))


# --- the parent: workspace, stages, comparison, report ----------------------------------------------------

STAGES = [
    ("load", "Load + merge (validate every Parquet file, merge duplicates)"),
    ("score", "Scoring: month, ytd, both previous periods, teams, CEOs"),
    ("score-march", "Scoring of March (the window filter skips the later files by their statistics)"),
    ("tone", "Tone / topics (ranking.content.classify)"),
    ("leaderboard-demo", "Leaderboard PDF, demo workspace"),
    ("leaderboard", "Leaderboard PDF, benchmark workspace"),
    ("full-run", "`ranking run --jobs N` with company reports"),
    ("demo", "`make demo` (after install)"),
]
REFERENCES = [
    ("ours", "ranking.score.ranks.score"),
    ("duckdb", "DuckDB SQL, a FILTER per window"),
    ("duckdb-segments", "DuckDB SQL, same segments as ours"),
    ("pandas", "plain pandas, a groupby per window"),
]


def measure(stage: str, args: argparse.Namespace, repeat: int) -> dict[str, Any]:
    result = Path(args.scratch) / f"{stage}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--workspace", str(args.workspace),
               "--period", args.period, "--repeat", str(repeat), "--jobs", str(args.jobs), "--scratch",
               str(args.scratch), "--result", str(result), "--profile", args.profile or ""]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"stage": stage, "error": tail[:200]}
    return json.loads(result.read_text())


def machine() -> dict[str, str]:
    import duckdb
    import pandas
    import polars
    import weasyprint

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024**2  # type: ignore[union-attr]
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{memory:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "versions": f"Python {platform.python_version()}, polars {polars.__version__}, duckdb {duckdb.__version__}, "
        f"pandas {pandas.__version__}, WeasyPrint {weasyprint.__version__}",
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _fmt_time(r: dict[str, Any]) -> str:
    if "seconds" not in r:
        return "–"
    runs = r.get("runs", [])
    return f"{r['seconds']:.2f}" + (f" (median of {len(runs)})" if len(runs) > 1 else "")


def _fmt_cpu(r: dict[str, Any]) -> str:
    return f"{r['cpu']:.2f}" if "cpu" in r else "–"


def _fmt_peak(r: dict[str, Any]) -> str:
    return f"{r['peak_mib']:,.0f}" if "peak_mib" in r else "–"


def _note(r: dict[str, Any]) -> str:
    if "skipped" in r:
        return f"skipped: {r['skipped']}"
    if "error" in r:
        return f"error: {r['error']}"
    return ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r.get("info", {}).items() if isinstance(v, int))


def report(args: argparse.Namespace, info: dict[str, Any], results: dict[str, dict[str, Any]], agree: dict[str, str]):
    """The rows of the table (stage, seconds, peak MiB, notes) and the targets, as markdown and for rich."""
    rows = []
    for stage, label in STAGES:
        r = results.get(stage, {"skipped": "not run (--only)"})
        rows.append((label, _fmt_time(r), _fmt_cpu(r), _fmt_peak(r), _note(r)))
    ours = results.get("ref-ours", {}).get("seconds")
    for name, label in REFERENCES:
        r = results.get(f"ref-{name}", {"skipped": "not run (--references)"})
        note = _note(r)
        if "seconds" in r and ours:
            cpu = results["ref-ours"].get("cpu") or 1.0
            note = f"{r['seconds'] / ours:.1f}× ours ({r['cpu'] / cpu:.1f}× in CPU); " + (
                agree.get(name, "") if name != "ours" else "the reference"
            )
        rows.append((f"Scoring from one Parquet file: {label}", _fmt_time(r), _fmt_cpu(r), _fmt_peak(r), note))
    return rows


def targets(args: argparse.Namespace, results: dict[str, dict[str, Any]], agree: dict[str, str]) -> list[str]:
    def seconds(stage: str) -> float | None:
        return results.get(stage, {}).get("seconds")

    lines = []
    ours, duck, duck2, pandas = (seconds(f"ref-{n}") for n in ("ours", "duckdb", "duckdb-segments", "pandas"))
    if ours and duck:
        best = min(d for d in (duck, duck2) if d)
        lines.append(f"scoring no slower than DuckDB: {ours:.2f} s vs {best:.2f} s (the faster DuckDB) "
                     f"→ {'met' if ours <= best else 'NOT met'}")  # fmt: skip
    if ours and pandas:
        lines.append(
            f"scoring ≥ 5× faster than pandas: {pandas / ours:.1f}× → {'met' if pandas >= 5 * ours else 'NOT met'}"
        )
    peaks = {s: r["peak_mib"] for s, r in results.items() if "peak_mib" in r and s in ("load", "score")}
    if peaks and args.posts <= 5_000_000:
        worst = max(peaks.values())
        lines.append(
            f"peak memory of load and scoring under 2 GiB: {worst:,.0f} MiB → {'met' if worst < 2048 else 'NOT met'}"
        )
    elif peaks:
        lines.append(f"{args.posts:,} posts loaded and scored, peak {max(peaks.values()):,.0f} MiB (the 2 GiB target is "
                     "for 5 million)")  # fmt: skip
    for stage, limit, what in (("leaderboard-demo", 5, "demo size"), ("leaderboard", 15, "benchmark size"),
                               ("demo", 15, "`make demo`")):  # fmt: skip
        if seconds(stage) is not None:
            s = seconds(stage) or 0.0
            lines.append(f"{what} under {limit} s: {s:.1f} s → {'met' if s < limit else 'NOT met'}")
    if any(v != "same numbers" for v in agree.values()):
        lines.append("REFERENCES DISAGREE: " + "; ".join(f"{k}: {v}" for k, v in agree.items()))
    return lines


def write_markdown(args: argparse.Namespace, header: list[str], rows: list[tuple[str, ...]], goals: list[str]) -> None:
    path = Path(args.results)
    marker = f"bench:{args.posts}"
    table = ["| Stage | Seconds | CPU s | Peak RSS (MiB) | Notes |", "|---|---:|---:|---:|---|"]
    table += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    section = "\n".join([f"<!-- {marker} -->", *header, "", *table, "", "Targets:", "",
                         *[f"- {g}" for g in goals], f"<!-- /{marker} -->"])  # fmt: skip
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"<!-- {re.escape(marker)} -->.*?<!-- /{re.escape(marker)} -->", re.DOTALL)
    text = (
        pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def parent(args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    info = machine()
    started, load_before = datetime.now(UTC), loadavg()
    folder = Path(args.data) / f"ws-{args.posts}-{args.executives}-{args.companies or args.executives // 10}"
    t = time.perf_counter()
    with console.status(f"generating {folder} (if missing)"):
        generate.ensure(folder, args.posts, args.executives, args.companies)
    generated = time.perf_counter() - t
    args.workspace = folder
    scratch = Path(args.data) / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    args.scratch = str(scratch)
    only = set(args.only.split(",")) if args.only else None
    results: dict[str, dict[str, Any]] = {}
    for stage, label in STAGES:
        if only and stage not in only:
            continue
        repeat = 1 if stage in ("leaderboard", "full-run") else args.repeat
        with console.status(f"{label}…"):
            results[stage] = measure(stage, args, repeat)
        console.print(f"{label}: {_fmt_time(results[stage])} s, {_note(results[stage])}")
    agree: dict[str, str] = {}
    wanted = [n for n, _ in REFERENCES if n == "ours" or n in args.references.split(",")]
    if not only or "references" in only:
        with console.status("writing the merged posts for the references…"):
            results["reference-input"] = measure("reference-input", args, 1)
        for name in wanted:
            with console.status(f"scoring with {name}…"):
                results[f"ref-{name}"] = measure(f"ref-{name}", args, args.repeat)
            console.print(f"scoring with {name}: {_fmt_time(results[f'ref-{name}'])} s")
        agree = compare(scratch, [n for n in wanted if n != "ours" and "seconds" in results[f"ref-{n}"]])
    header = [
        f"## {args.posts:,} posts, {args.executives:,} executives, "
        f"{args.companies or args.executives // 10:,} companies (period {args.period})",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `{' '.join(['python', 'bench/run.py', *sys.argv[1:]])}`; "
        f"workspace generated in {generated:.0f} s (0 when it was already there).",
        "",
        f"Machine: {info['cpu']}, {info['memory']}, {info['system']}; {info['versions']}.",
        f"Load average (1, 5, 15 min) at the start: {load_before}; at the end: {loadavg()} "
        "(the machine is shared: timings taken under load are noisy).",
    ]
    rows = report(args, info, results, agree)
    goals = targets(args, results, agree)
    table = Table(title=header[0].removeprefix("## "), title_justify="left")
    columns = (
        ("Stage", "left"),
        ("Seconds", "right"),
        ("CPU s", "right"),
        ("Peak RSS (MiB)", "right"),
        ("Notes", "left"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    Console(width=max(Console().width, 160)).print(table)
    for goal in goals:
        Console().print(f"- {goal}")
    write_markdown(args, header, rows, goals)
    console.print(f"wrote {args.results}")


def compare(scratch: Path, names: list[str]) -> dict[str, str]:
    """Whether each reference gave the same tables as ours (asserted frame by frame)."""
    import polars as pl

    from bench.reference import differences

    def tables(name: str) -> dict[str, pl.DataFrame]:
        return {w: pl.read_parquet(scratch / f"{name}-{w}.parquet") for w in ("executives", "companies", "ceos")}

    ours = tables("ours")
    verdict = {}
    for name in names:
        found = differences(ours, tables(name))
        verdict[name] = "same numbers" if not found else "DIFFERENT: " + "; ".join(found)
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=5_000_000, help="post rows of the synthetic workspace")
    parser.add_argument("--executives", type=int, default=10_000, help="executives of the roster")
    parser.add_argument("--companies", type=int, default=None, help="companies (default: executives / 10)")
    parser.add_argument("--period", default="2021-12", help="the month ranked (the data covers 2021)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for the company reports")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast stage (the median is shown)")
    parser.add_argument("--references", default="duckdb,duckdb-segments,pandas",
                        help="the other scorings to compare with (comma-separated)")  # fmt: skip
    parser.add_argument("--only", default=None, help="comma-separated stages to run (and 'references')")
    parser.add_argument("--profile", default=None, help="write a pyinstrument profile of this stage")
    parser.add_argument("--data", default=str(REPO / "bench" / "data"), help="where workspaces are generated")
    parser.add_argument("--results", default=str(REPO / "bench" / "results" / "latest.md"), help="markdown to update")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.profile = args.profile or None
    if args.stage:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
