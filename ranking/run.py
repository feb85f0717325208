"""The monthly run: load the workspace, score both scopes, write every output into one folder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking import __version__
from ranking.documents import leaderboard_context
from ranking.outputs import staged_directory, write_csv, write_json
from ranking.render import render, write_pdf
from ranking.scoring import Period, ScopeScores, score, table
from ranking.workspace import Workspace, load_workspace

log = logging.getLogger(__name__)

Step = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the terminal summary."""

    folder: Path
    workspace: Workspace
    scores: dict[str, ScopeScores]
    files: tuple[str, ...]


def manifest(ws: Workspace, period: Period, lang: str, scores: dict[str, ScopeScores], files: list[str]) -> dict:
    """The run's manifest: version, settings used, input files with sha256, counts, warnings."""
    return {
        "version": __version__,
        "period": str(period),
        "lang": lang,
        "settings": ws.settings.as_dict(),
        "inputs": [vars(i) for i in ws.inputs],
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
) -> RunResult:
    """Run the monthly ranking of `period` on the workspace at `root`, writing `out/YYYY-MM/`."""
    say = step or (lambda _message: None)
    say("reading the workspace")
    ws, _ = load_workspace(root, strict=True, progress=lambda name: log.debug("reading %s", name))
    assert ws is not None
    lang = lang or ws.settings.report.lang
    say("scoring")
    scores = score(ws.scan, ws.roster, ws.companies, ws.settings.scoring, period)
    files: list[str] = []
    with staged_directory(out / str(period)) as folder:
        say("writing tables")
        write_csv(table(scores, "executives"), folder / "executives.csv")
        write_csv(table(scores, "companies"), folder / "companies.csv")
        files += ["executives.csv", "companies.csv"]
        say("rendering the leaderboard")
        context = leaderboard_context(
            scores, ws.settings, period, ws.roster, ws.companies, ws.post_count, ws.warnings, lang
        )
        write_pdf(render("leaderboard.html", context, lang), folder / "leaderboard.pdf")
        files.append("leaderboard.pdf")
        files.append("manifest.json")
        write_json(manifest(ws, period, lang, scores, files), folder / "manifest.json")
    return RunResult(out / str(period), ws, scores, tuple(files))
