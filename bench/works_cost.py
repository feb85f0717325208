"""What the page "What works for your team" costs (issue 24): `ranking run` on the same generated workspace with
every part of the company report, and without that page (`[report] sections` leaving it out), measured as
bench/endtoend.py measures a run (CPU of the whole process tree, wall, pages); then the cells' computation alone
(`ranking.score.what_works.what_works` on the year's classified posts, CPU seconds in this process).

    python bench/works_cost.py --size 200:2000:1000000 --repeat 2 --jobs 2

The runs alternate (with, without, with, …) so that the machine's load weighs on both alike.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402
from bench.endtoend import loadavg, measure  # noqa: E402

WITHOUT = ["executives", "posts", "beyond_volume", "tone", "executive_tones", "topics", "data_quality", "compliance"]


def _without_page(root: Path, target: Path) -> Path:
    """A copy of the workspace whose company reports leave the page out (the same exports, hard-linked)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root, target, copy_function=lambda s, d: Path(d).hardlink_to(s))
    toml = (root / "ranking.toml").read_text(encoding="utf-8")
    (target / "ranking.toml").unlink()
    (target / "ranking.toml").write_text(toml + f"sections = {WITHOUT!r}\n".replace("'", '"'), encoding="utf-8")
    return target


def _cells_cpu(root: Path, period: str) -> tuple[float, int]:
    """CPU seconds of `what_works` on the year's classified posts of the workspace, and the cells it gives."""
    from ranking.load.workspace import load_workspace
    from ranking.period import Period
    from ranking.pipeline import windowed_posts
    from ranking.score.what_works import what_works

    ws = load_workspace(root)
    year, month = (int(p) for p in period.split("-"))
    posts = windowed_posts(ws, Period(year, month))["ytd"]
    started = time.process_time()
    works = what_works(posts, ws.settings.scoring.timezone, ws.settings.measures.min_posts)
    return time.process_time() - started, works.cells.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="200:2000:1000000", help="COMPANIES:EXECUTIVES:POSTS")
    parser.add_argument("--period", default="2021-12")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    args = parser.parse_args()
    companies, executives, posts = (int(n) for n in args.size.split(":"))
    root = generate.ensure(args.data / f"ws-{posts}-{executives}-{companies}", posts, executives, companies)
    (root / "ranking.toml").write_text(
        (root / "ranking.toml").read_text(encoding="utf-8").split("sections =")[0], encoding="utf-8"
    )
    variants = {"with the page": root, "without the page": _without_page(root, args.data / "ws-without-works")}
    results: dict[str, list[dict]] = {name: [] for name in variants}
    load_before = loadavg()
    for _ in range(args.repeat):
        for name, folder in variants.items():
            found = measure(folder, args.period, args.data / "scratch" / "works-cost", args.jobs)
            results[name].append(found)
            print(f"{name}: cpu {found['cpu']:.1f} s, wall {found['wall']:.1f} s, pages {found['pages']}", flush=True)
    cells_cpu, cells = _cells_cpu(root, args.period)
    print(f"\nload average before: {load_before}, after: {loadavg()}")
    print("| variant | CPU s (median) | CPU s (runs) | wall s (median) | pages | report pages (min–max) |")
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        cpu = [r["cpu"] for r in runs]
        pages = runs[0]["report_pages"]
        print(f"| {name} | {statistics.median(cpu):.1f} | {', '.join(f'{c:.1f}' for c in cpu)} | "
              f"{statistics.median(r['wall'] for r in runs):.1f} | {runs[0]['pages']} | {pages[0]}–{pages[1]} |")  # fmt: skip
    with_page = statistics.median(r["cpu"] for r in results["with the page"])
    without = statistics.median(r["cpu"] for r in results["without the page"])
    print(f"\nextra CPU of the page (whole run): {100 * (with_page - without) / without:+.1f} %")
    print(f"the cells alone (what_works, in-process): {cells_cpu:.2f} CPU s for {cells:,} rows of what_works.csv")


if __name__ == "__main__":
    main()
