"""The wide-roster benchmark (issue 23): `ranking run` on 100,000 executives in 2 teams, the company reports
printing their posts section only, as a user runs it.

    python bench/wide_roster.py                         # 100,000 executives, 2 companies, 200,000 posts
    python bench/wide_roster.py --executives 20000 --posts 50000

The workspace is bench/generate.py's (a tenth of the executives never post, most post rarely: tens of
thousands without any post of the month), with `[report] sections = ["posts"]`. The run is measured as
bench/endtoend.py measures it: *wall*, *CPU* of the whole process tree (the run and its workers), *peak RSS* of
the tree, and the *longest silence* of its stderr (targets: under 60 s of wall on an idle 2-core machine, a
progress line at least every 10 s). The section is written into bench/results/latest.md between markers.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import endtoend, generate  # noqa: E402

MARKER = "bench:wide-roster"
SETTINGS = (
    '[report]\ntitle = "Synthetic benchmark ranking"\nsector = "Synthetic"\npublisher = "bench"\nsections = ["posts"]\n'
)


def section(args: argparse.Namespace, result: dict, started: datetime, load_before: str) -> str:
    r = result
    return "\n".join(
        [
            f"<!-- {MARKER} -->",
            "## A wide roster: 100,000 executives in 2 teams, the posts section only",
            "",
            f"Run {started:%Y-%m-%d %H:%M} UTC with `python bench/wide_roster.py {' '.join(sys.argv[1:])}`, period"
            f" {args.period}. Load average (1, 5, 15 min) at the start: {load_before}; at the end:"
            f" {endtoend.loadavg()} ({os.cpu_count()} cores). {endtoend._load_note(load_before)}",
            "",
            "| companies | executives | posts | wall s | CPU s | peak RSS, tree (MiB) | longest silence on stderr s |"
            " after | leaderboard pages | pages per report |",
            "|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
            f"| {args.companies:,} | {args.executives:,} | {args.posts:,} | {r['wall']:.1f} | {r['cpu']:.1f} |"
            f" {r['peak_tree']:,.0f} | {r['silence']:.1f} | `{r['silence_after']}` | {r['leaderboard_pages']} |"
            f" {r['report_pages'][0]}–{r['report_pages'][1]} |",
            "",
            "Targets: under 60 s of wall on an idle 2-core machine (compare the CPU seconds when the machine is"
            " shared), a progress line at least every 10 s.",
            f"<!-- /{MARKER} -->",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executives", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--period", default="2021-12")
    parser.add_argument("--jobs", type=int, default=None, help="`ranking run --jobs` (default: its own)")
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data", help="where workspaces are generated")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "latest.md")
    args = parser.parse_args()
    folder = args.data / f"wide-{args.posts}-{args.executives}-{args.companies}"
    generate.ensure(folder, args.posts, args.executives, args.companies)
    (folder / "ranking.toml").write_text(SETTINGS, encoding="utf-8")
    started, load_before = datetime.now(UTC), endtoend.loadavg()
    result = endtoend.measure(folder, args.period, args.data / "scratch" / "wide-roster", args.jobs)
    print(f"{args.executives:,} executives in {args.companies} teams: {result}", flush=True)
    text = section(args, result, started, load_before)
    endtoend.write(args.results, text, MARKER)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
