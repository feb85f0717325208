"""The monthly run: load the workspace, score both scopes, write every output into one folder."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking import __version__
from ranking.content import classify, posts_table, with_tone_shares
from ranking.documents import CompanyContext, company_contexts, leaderboard_context
from ranking.excel import write_workbook
from ranking.ledger import KEPT_ACROSS_RUNS
from ranking.outputs import staged_directory, write_csv, write_json
from ranking.render import render, write_pdf
from ranking.report_data import report_data
from ranking.scoring import Period, ScopeScores, score, table
from ranking.workspace import InputFile, Workspace, load_workspace

log = logging.getLogger(__name__)

Step = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the terminal summary."""

    folder: Path
    workspace: Workspace
    scores: dict[str, ScopeScores]
    files: tuple[str, ...]


def manifest(
    ws: Workspace,
    period: Period,
    lang: str,
    scores: dict[str, ScopeScores],
    files: list[str],
    extra_inputs: Iterable[InputFile] = (),
) -> dict:
    """The run's manifest: version, settings used, input files with sha256, counts, warnings."""
    return {
        "version": __version__,
        "period": str(period),
        "lang": lang,
        "settings": ws.settings.as_dict(),
        "inputs": [vars(i) for i in [*ws.inputs, *extra_inputs]],
        "counts": {
            "executives": ws.roster.height,
            "companies": ws.companies.height,
            "posts": ws.post_count,
            "posts_in_ytd": int(scores["ytd"].executives.select(pl.col("posts") + pl.col("reposts")).sum().item()),
            "posts_in_month": int(scores["month"].executives.select(pl.col("posts") + pl.col("reposts")).sum().item()),
        },
        "warnings": ws.warnings,
        "outputs": files,
    }


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _render_company(context: CompanyContext, lang: str, target: Path, assets: tuple[Path, ...]) -> int:
    """Render one company report (run in a worker process): returns its number of pages."""
    return write_pdf(render("company.html", context, lang), target, assets)


def render_companies(
    contexts: tuple[CompanyContext, ...],
    lang: str,
    folder: Path,
    assets: tuple[Path, ...] = (),
    jobs: int | None = None,
    step: Step | None = None,
) -> dict[str, int]:
    """Write `folder/<company>.pdf` for every context, `jobs` at a time; returns the pages of each."""
    say = step or (lambda _message: None)
    folder.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs or default_jobs(), len(contexts)))
    pages: dict[str, int] = {}
    if workers == 1:
        for done, context in enumerate(contexts, 1):
            say(f"rendering company reports {done}/{len(contexts)}")
            pages[context.company] = _render_company(context, lang, folder / f"{context.company}.pdf", assets)
        return pages
    # Spawned (not forked) workers: forking a process that runs polars' thread pool can deadlock.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {
            pool.submit(_render_company, c, lang, folder / f"{c.company}.pdf", assets): c.company for c in contexts
        }
        for done, future in enumerate(as_completed(futures), 1):
            pages[futures[future]] = future.result()
            say(f"rendering company reports {done}/{len(contexts)} ({workers} at a time)")
    return pages


def run(
    root: Path,
    period: Period,
    out: Path,
    lang: str | None = None,
    step: Step | None = None,
    jobs: int | None = None,
) -> RunResult:
    """Run the monthly ranking of `period` on the workspace at `root`, writing `out/YYYY-MM/`."""
    say = step or (lambda _message: None)
    say("reading the workspace")
    ws, _ = load_workspace(root, strict=True, progress=lambda name: log.debug("reading %s", name))
    assert ws is not None
    lang = lang or ws.settings.report.lang
    say("scoring")
    scores = score(ws.scan, ws.roster, ws.companies, ws.settings.scoring, period)
    say("reading the posts")
    classified = classify(ws.posts, ws.companies, ws.roster, ws.settings)
    timezone = ws.settings.scoring.timezone
    data = report_data(ws, scores, period, classified)
    assets = (data.logo,) if data.logo else ()
    extra_inputs = []
    if data.logo:
        digest = hashlib.sha256(data.logo.read_bytes()).hexdigest()
        extra_inputs.append(InputFile(str(root / ws.settings.report.logo), digest, "logo", 0))
    files: list[str] = []
    with staged_directory(out / str(period), keep=KEPT_ACROSS_RUNS) as folder:
        say("writing tables")
        # The tone shares are an extension of the contract's tables: appended after its columns.
        executives = with_tone_shares(table(scores, "executives"), classified, period, timezone, "executive_id")
        write_csv(executives, folder / "executives.csv")
        write_csv(
            with_tone_shares(table(scores, "companies"), classified, period, timezone, "company"),
            folder / "companies.csv",
        )
        write_csv(posts_table(classified, period, timezone), folder / "posts.csv")
        write_workbook(scores, folder / "ranking.xlsx", lang, period)
        files += ["executives.csv", "companies.csv", "posts.csv", "ranking.xlsx"]
        say("rendering the leaderboard")
        html = render("leaderboard.html", leaderboard_context(data, lang), lang)
        write_pdf(html, folder / "leaderboard.pdf", assets)
        files.append("leaderboard.pdf")
        contexts = company_contexts(data, lang)
        render_companies(contexts, lang, folder / "companies", assets, jobs, say)
        reports = [f"companies/{c.company}.pdf" for c in contexts]
        outputs = [*files, *reports, "manifest.json"]
        write_json(manifest(ws, period, lang, scores, outputs, extra_inputs), folder / "manifest.json")
    return RunResult(out / str(period), ws, scores, (*files, "companies/", "manifest.json"))
