"""The monthly run: load the workspace, score both scopes, write every output into one folder."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking import __version__
from ranking.content import classify, posts_table, with_tone_shares
from ranking.documents import company_contexts, leaderboard_context
from ranking.excel import write_workbook
from ranking.ledger import KEPT_ACROSS_RUNS
from ranking.outputs import staged_directory, write_csv, write_json
from ranking.parallel import Renderer, company_documents, leaderboard_document, renderer
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
        # what became of every record of every export: kept, reposts, skipped (why), merged
        "records": [a.as_dict() for a in ws.accounting],
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
    with renderer(jobs) as pdfs:
        return _run(root, period, out, lang, step, pdfs)


def _run(root: Path, period: Period, out: Path, lang: str | None, step: Step | None, pdfs: Renderer) -> RunResult:
    say = step or (lambda _message: None)
    say("reading the workspace")
    ws, _ = load_workspace(root, strict=True, progress=lambda name: log.debug("reading %s", name))
    assert ws is not None
    pdfs.start()  # the rendering workers get ready (WeasyPrint, fonts) while the workspace is scored
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
        contexts = company_contexts(data, lang)
        leaderboard = leaderboard_document(leaderboard_context(data, lang), folder / "leaderboard.pdf")
        pdfs.render([leaderboard, *company_documents(contexts, folder / "companies")], lang, assets, say)
        files.append("leaderboard.pdf")
        reports = [f"companies/{c.company}.pdf" for c in contexts]
        outputs = [*files, *reports, "manifest.json"]
        write_json(manifest(ws, period, lang, scores, outputs, extra_inputs), folder / "manifest.json")
    return RunResult(out / str(period), ws, scores, (*files, "companies/", "manifest.json"))
