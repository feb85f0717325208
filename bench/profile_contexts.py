"""Profile the company contexts of a run (pyinstrument): the part of `ranking run` between the scores and the first
company PDF, on one core.

    python bench/profile_contexts.py bench/data/ws-200000-10000-1000 --period 2021-12 --out profile.txt

The workspace is loaded and computed untimed; only building every company context is profiled."""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--period", default="2021-12")
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--out", type=Path, required=True, help="where to write the profile (text)")
    args = parser.parse_args()
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    from ranking.load.workspace import load_workspace
    from ranking.period import Period
    from ranking.pipeline import compute
    from ranking.report import company

    data = compute(load_workspace(args.workspace), Period.parse(args.period)).report
    profiler = Profiler(interval=0.005)
    start, cpu = time.perf_counter(), time.process_time()
    profiler.start()
    contexts = company.company_contexts(data, args.lang)
    profiler.stop()
    wall, spent = time.perf_counter() - start, time.process_time() - cpu
    tree = profiler.output(ConsoleRenderer(unicode=True, color=False, short_mode=True))
    summary = f"{len(contexts)} company contexts: {wall:.1f} s wall, {spent:.1f} s CPU\n"
    args.out.write_text(summary + "\n" + tree, encoding="utf-8")
    print(summary, end="")


if __name__ == "__main__":
    main()
