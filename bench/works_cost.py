"""What the page "What works for your team" costs (issue 24), measured as the parts of a company report were
(bench/results/latest.md, issue 12's third round): the CPU seconds of rendering the same sample of company reports
of the generated 200-company workspace with every part (the default) and with `[report] sections` leaving the page
out, in one process, the two variants alternating; then the cells' computation alone (`what_works` on the year's
classified posts), the part of `compute` the page adds.

    python bench/works_cost.py --size 200:2000:1000000 --reports 30

`--whole` also times `ranking run` on the workspace and on a copy without the page, as bench/endtoend.py does
(CPU of the whole process tree), `--repeat` times each: both at once, one render worker each, so that the machine's
changes of speed weigh on both alike (or `--one-after-the-other`): 10 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402
from bench.endtoend import loadavg, measure  # noqa: E402


def _sample(ids: list[str], count: int) -> list[str]:
    """`count` companies spread evenly over the ranking (large and small teams alike)."""
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def reports(root: Path, period: str, count: int, lang: str) -> None:
    """CPU s per company report, with and without the page, and the cells' computation alone."""
    from pypdf import PdfReader

    from ranking.load.workspace import load_workspace
    from ranking.period import Period
    from ranking.pipeline import compute, windowed_posts
    from ranking.render.environment import render
    from ranking.render.pdf import write_pdf
    from ranking.report.company import iter_company_contexts
    from ranking.score.what_works import what_works

    ws = load_workspace(root)
    year, month = (int(p) for p in period.split("-"))
    data = compute(ws, Period(year, month))
    chosen = _sample(data.report.teams["ytd"].get_column("company").to_list(), count)
    contexts = list(iter_company_contexts(data.report, lang, chosen))
    every = contexts[0].sections
    variants = {"with the page (all parts)": every, "without the page": every - {"what_works"}}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    pages: dict[str, list[int]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "report.pdf"
        write_pdf(render("company.html", contexts[0], lang), target)  # warm: fonts, caches
        for context in contexts:
            for name, sections in variants.items():
                shown = dataclasses.replace(context, sections=sections)
                started = time.process_time()
                write_pdf(render("company.html", shown, lang), target)
                cpu[name].append(time.process_time() - started)
                pages[name].append(len(PdfReader(target).pages))
    posts = windowed_posts(ws, Period(year, month))["ytd"]
    started = time.process_time()
    works = what_works(posts, ws.settings.scoring.timezone, ws.settings.measures.min_posts)
    cells = time.process_time() - started
    print(f"{len(contexts)} company reports of {root.name} ({lang}), load average {loadavg()}")
    print("| report | CPU s per report (mean) | median | pages (mean) |")
    print("|---|---:|---:|---:|")
    for name in variants:
        mean_pages = statistics.mean(pages[name])
        print(f"| {name} | {statistics.mean(cpu[name]):.3f} | {statistics.median(cpu[name]):.3f} | {mean_pages:.1f} |")
    with_page, without = (statistics.mean(cpu[n]) for n in variants)
    print(
        f"\nthe page's cost: {with_page - without:.3f} CPU s per report ({100 * (with_page - without) / without:+.1f} %)"
    )
    print(f"the cells (what_works, once per run): {cells:.2f} CPU s, {works.cells.height:,} rows of what_works.csv, "
          f"{posts.height:,} posts of the year")  # fmt: skip


def whole_runs(root: Path, data: Path, period: str, jobs: int, repeat: int, side_by_side: bool) -> None:
    """`ranking run` with and without the page (a copy of the workspace whose settings leave it out)."""
    copy = data / "ws-without-works"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, copy_function=lambda s, d: Path(d).hardlink_to(s))
    toml = (root / "ranking.toml").read_text(encoding="utf-8")
    parts = ["executives", "posts", "beyond_volume", "tone", "executive_tones", "topics", "data_quality", "compliance"]
    (copy / "ranking.toml").unlink()
    (copy / "ranking.toml").write_text(toml + "sections = [" + ", ".join(f'"{p}"' for p in parts) + "]\n")
    variants = {"with the page": root, "without the page": copy}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):
        if side_by_side:
            # Both at once, one render worker each: whatever the host of this virtual machine does to its speed
            # weighs on both alike (one run after the other, identical runs here differ by up to 70 %).
            with ThreadPoolExecutor(len(variants)) as pool:
                futures = {
                    name: pool.submit(measure, folder, period, data / "scratch" / f"works-cost-{i}", 1)
                    for i, (name, folder) in enumerate(variants.items())
                }
                found = {name: f.result() for name, f in futures.items()}
        else:  # one after the other, alternating, with `jobs` workers
            found = {
                name: measure(folder, period, data / "scratch" / "works-cost", jobs)
                for name, folder in variants.items()
            }
        for name, one in found.items():
            cpu[name].append(one["cpu"])
            print(
                f"ranking run, {name}: {one['cpu']:.1f} CPU s, {one['wall']:.1f} s wall, "
                f"{one['peak_tree']:,.0f} MB peak RSS of the process tree, {one['pages']} pages, "
                f"load average {loadavg()}",
                flush=True,
            )
    with_page, without = (statistics.mean(v) for v in cpu.values())
    print(
        f"the page's cost in the whole run: {with_page - without:+.1f} CPU s ({100 * (with_page / without - 1):+.1f} %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="200:2000:1000000", help="COMPANIES:EXECUTIVES:POSTS")
    parser.add_argument("--period", default="2021-12")
    parser.add_argument("--reports", type=int, default=30, help="company reports rendered in each variant")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--whole", action="store_true", help="also time whole `ranking run`s (long)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="whole runs of each variant")
    parser.add_argument(
        "--one-after-the-other",
        action="store_true",
        help="whole runs one after the other with --jobs workers (default: both variants at once, one worker each)",
    )
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    args = parser.parse_args()
    companies, executives, posts = (int(n) for n in args.size.split(":"))
    root = generate.ensure(args.data / f"ws-{posts}-{executives}-{companies}", posts, executives, companies)
    reports(root, args.period, args.reports, args.lang)
    if args.whole:
        whole_runs(root, args.data, args.period, args.jobs, args.repeat, not args.one_after_the_other)


if __name__ == "__main__":
    main()
