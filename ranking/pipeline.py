"""The monthly run, in two steps: `compute` (load → score → read the posts → report data), shared by `run`,
`explain` and the tests, then `write` (tables, workbook, PDFs, manifest into one folder that appears whole).

The windows of time are applied here, once: the year-to-date posts are read from the merged exports and
classified once, the month's are a filter of those, and every later stage receives the posts of its window."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking.content.classify import classify
from ranking.content.tone import with_tone_shares
from ranking.deliver.ledger import KEPT_ACROSS_RUNS
from ranking.load.workspace import InputFile, Workspace, load_workspace
from ranking.outputs.manifest import manifest
from ranking.outputs.staging import staged_directory, write_csv, write_json
from ranking.outputs.tables import posts_table
from ranking.outputs.workbook import write_workbook
from ranking.period import Period, Scope, window
from ranking.render.pool import Renderer, company_documents, leaderboard_document, renderer
from ranking.report.company import company_contexts
from ranking.report.data import ReportData, report_data
from ranking.report.leaderboard import leaderboard_context
from ranking.score.ranks import ScopeScores, score, table

log = logging.getLogger(__name__)

Step = Callable[[str], None]


@dataclass(frozen=True)
class RunData:
    """What one run computes, before anything is written."""

    workspace: Workspace
    period: Period
    scores: dict[Scope, ScopeScores]  # the contract's rankings of each scope
    posts: dict[Scope, pl.DataFrame]  # the classified posts of each scope's window (ranking.content.classify)
    executives: pl.DataFrame  # executives.csv: the contract's columns, then the tone shares
    companies: pl.DataFrame  # companies.csv: the same for the teams
    report: ReportData  # what the documents are built from


def windowed_posts(ws: Workspace, period: Period) -> dict[Scope, pl.DataFrame]:
    """The classified posts of each scope: the year to date read once from the merged exports, the month a filter
    of it (its window lies inside the year's)."""
    timezone = ws.settings.scoring.timezone
    ytd = ws.scan.filter(window(period, "ytd", timezone).contains()).collect()
    classified = classify(ytd, ws.companies, ws.roster, ws.settings)
    return {"month": classified.filter(window(period, "month", timezone).contains()), "ytd": classified}


def compute(ws: Workspace, period: Period, step: Step | None = None) -> RunData:
    """Everything a run of `period` shows, from a loaded workspace: scores, classified posts, tables, report data."""
    say = step or (lambda _message: None)
    say("scoring")
    scores = score(ws.scan, ws.roster, ws.companies, ws.settings.scoring, period)
    say("reading the posts")
    posts = windowed_posts(ws, period)
    # The tone shares are an extension of the contract's tables: appended after its columns.
    executives = with_tone_shares(table(scores, "executives"), posts, "executive_id")
    companies = with_tone_shares(table(scores, "companies"), posts, "company")
    return RunData(ws, period, scores, posts, executives, companies, report_data(ws, scores, posts, period))


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the terminal summary."""

    folder: Path
    workspace: Workspace
    scores: dict[Scope, ScopeScores]
    files: tuple[str, ...]


def write(data: RunData, out: Path, lang: str, pdfs: Renderer, step: Step | None = None) -> RunResult:
    """Write every output of `data` into `out/YYYY-MM/`, which appears whole or not at all (the delivery ledger
    of an earlier run of the month is kept)."""
    say = step or (lambda _message: None)
    ws, period = data.workspace, data.period
    logo = data.report.logo
    assets = (logo,) if logo else ()
    extra_inputs = []
    if logo:
        digest = hashlib.sha256(logo.read_bytes()).hexdigest()
        extra_inputs.append(InputFile(str(ws.root / ws.settings.report.logo), digest, "logo", 0))
    files: list[str] = []
    with staged_directory(out / str(period), keep=KEPT_ACROSS_RUNS) as folder:
        say("writing tables")
        write_csv(data.executives, folder / "executives.csv")
        write_csv(data.companies, folder / "companies.csv")
        write_csv(posts_table(data.posts["ytd"], ws.settings.scoring.timezone), folder / "posts.csv")
        write_workbook(data.scores, folder / "ranking.xlsx", lang, period)
        files += ["executives.csv", "companies.csv", "posts.csv", "ranking.xlsx"]
        contexts = company_contexts(data.report, lang)
        leaderboard = leaderboard_document(leaderboard_context(data.report, lang), folder / "leaderboard.pdf")
        pdfs.render([leaderboard, *company_documents(contexts, folder / "companies")], lang, assets, say)
        files.append("leaderboard.pdf")
        reports = [f"companies/{c.company}.pdf" for c in contexts]
        outputs = [*files, *reports, "manifest.json"]
        write_json(manifest(ws, period, lang, data.scores, outputs, extra_inputs), folder / "manifest.json")
    return RunResult(out / str(period), ws, data.scores, (*files, "companies/", "manifest.json"))


def run(
    root: Path,
    period: Period,
    out: Path,
    lang: str | None = None,
    step: Step | None = None,
    jobs: int | None = None,
) -> RunResult:
    """Run the monthly ranking of `period` on the workspace at `root`, writing `out/YYYY-MM/`, with `jobs` PDFs
    rendered at a time (default: the machine's cores)."""
    say = step or (lambda _message: None)
    with renderer(jobs) as pdfs:
        say("reading the workspace")
        ws = load_workspace(root, progress=lambda name: log.debug("reading %s", name))
        pdfs.start()  # the rendering workers get ready (WeasyPrint, fonts) while the workspace is scored
        data = compute(ws, period, say)
        return write(data, out, lang or ws.settings.report.lang, pdfs, say)
