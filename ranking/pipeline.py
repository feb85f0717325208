"""The monthly run, in two steps: `compute` (load → score → read the posts → report data), shared by `run`,
`explain` and the tests, then `write` (tables, workbook, PDFs, manifest into one folder that appears whole).

The windows of time are applied here, once: the year-to-date posts are read from the merged exports and
classified once, the month's are a filter of those, and every later stage receives the posts of its window. The
run holds them without their texts (ranking.content.classify.classify_held): the documents read back the texts of
the few posts they quote."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ranking.content.classify import classify, classify_held
from ranking.content.tone import with_tone_shares
from ranking.errors import UsageError
from ranking.interrupt import abandonable, interruptible
from ranking.load.workspace import InputFile, Workspace, load_workspace
from ranking.outputs.manifest import manifest
from ranking.outputs.publish import KEPT_ACROSS_RUNS, month_lock
from ranking.outputs.staging import sink_csv, staged_directory, write_csv, write_json
from ranking.outputs.tables import posts_query
from ranking.outputs.workbook import write_workbook
from ranking.period import Period, Scope, window
from ranking.render.pool import Document, Renderer, company_documents, leaderboard_document, renderer
from ranking.render.web import write_leaderboard_page
from ranking.report.company import iter_company_contexts, report_sizes
from ranking.report.data import ReportData, report_data
from ranking.report.leaderboard import leaderboard_context
from ranking.score.measures import Measured, measures, with_measures
from ranking.score.monthly import month_warnings
from ranking.score.ranks import ScopeScores, score, table, with_influence
from ranking.score.what_works import WhatWorks, what_works
from ranking.settings.checks import untranslated
from ranking.text.safe import file_name

log = logging.getLogger(__name__)

Step = Callable[[str], None]


@dataclass(frozen=True)
class RunData:
    """What one run computes, before anything is written."""

    workspace: Workspace
    period: Period
    scores: dict[Scope, ScopeScores]  # the contract's rankings of each scope
    posts: dict[Scope, pl.DataFrame]  # the classified posts of each scope's window, without texts (classify_held)
    executives: pl.DataFrame  # executives.csv: the contract's columns, then the tone shares
    companies: pl.DataFrame  # companies.csv: the same for the teams
    measured: Measured  # the measures beyond volume of each scope (ranking.score.measures), in both tables too
    works: WhatWorks  # each team's formats, topics and slots against the sector's (year to date): what_works.csv
    report: ReportData  # what the documents are built from
    warnings: tuple[str, ...] = ()  # the run's own (executives without any post of the month, `check_month`)


def scored_posts(ws: Workspace) -> pl.LazyFrame:
    """The merged posts with their influence (ranking.score.ranks.with_influence): the query every stage of a run
    reads the posts from, so that a post's influence is computed in one place."""
    return with_influence(ws.scan, ws.settings.scoring)


def windowed_posts(ws: Workspace, period: Period) -> dict[Scope, pl.DataFrame]:
    """The classified posts of each scope, without their texts (ranking.content.classify.HELD): the year to date
    read once from the merged exports, chunk by chunk, the month a filter of it (its window lies inside the
    year's)."""
    timezone = ws.settings.scoring.timezone
    ytd = scored_posts(ws).filter(window(period, "ytd", timezone).contains())
    classified = classify_held(ytd, ws.companies, ws.roster, ws.settings)
    return {"month": classified.filter(window(period, "month", timezone).contains()), "ytd": classified}


def explained_posts(ws: Workspace, period: Period, executive_id: str) -> dict[Scope, pl.DataFrame]:
    """One executive's posts of each scope's window, classified whole (texts and the tone's reasons included), for
    `ranking explain`: the same rows and verdicts as `windowed_posts` gives the run."""
    timezone = ws.settings.scoring.timezone
    own = scored_posts(ws).filter(window(period, "ytd", timezone).contains() & (pl.col("executive_id") == executive_id))
    classified = classify(own, ws.companies, ws.roster, ws.settings)
    return {"month": classified.filter(window(period, "month", timezone).contains()), "ytd": classified}


def compute(
    ws: Workspace,
    period: Period,
    step: Step | None = None,
    check_month: bool | None = None,
    allow_empty: bool = False,
) -> RunData:
    """Everything a run of `period` shows, from a loaded workspace: scores, classified posts, tables, report data.

    The month's posts are checked (ranking.score.monthly.month_warnings): with `check_month` (the monthly job,
    whose period was not given) a month without any post is an InputError and each executive without a post of the
    month a warning of the run and its manifest; with False (a month given with --period) it is an InputError only
    when its year to date has no post either; `allow_empty` makes an empty month a warning. None (`explain`, the
    tests) checks nothing."""
    say = step or (lambda _message: None)
    say(f"scoring {ws.post_count:,} posts of {ws.roster.height:,} executives")
    scores = score(scored_posts(ws), ws.roster, ws.companies, ws.settings.scoring, period)
    notes = month_warnings(ws.root, scores, period, check_month, allow_empty) if check_month is not None else []
    say("reading and classifying the posts of the year to date")
    posts = windowed_posts(ws, period)
    # The tone shares are an extension of the contract's tables: appended after its columns.
    executives = with_tone_shares(table(scores, "executives"), posts, "executive_id")
    companies = with_tone_shares(table(scores, "companies"), posts, "company")
    # The measures beyond volume (issue 13) come after the tone shares, the contract's columns staying first.
    measured = measures(scores, posts, ws.roster, ws.settings.measures.min_posts)
    executives = with_measures(executives, measured.executives, "executive_id")
    companies = with_measures(companies, measured.companies, "company")
    # What works (issue 24): the year to date's cells, once, for the tables and both documents.
    works = what_works(posts["ytd"], ws.settings.scoring.timezone, ws.settings.measures.min_posts)
    report = report_data(ws, scores, posts, period, measured, works)
    return RunData(ws, period, scores, posts, executives, companies, measured, works, report, tuple(notes))


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the terminal summary."""

    folder: Path
    workspace: Workspace
    scores: dict[Scope, ScopeScores]
    files: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # what the terminal must say (executives without any post of the month)


def write_tables(data: RunData, folder: Path, lang: str, workbook: bool = True) -> None:
    """executives.csv, companies.csv, what_works.csv, posts.csv (a streaming query) and, with `workbook`,
    ranking.xlsx into `folder` (`write` has a worker write the workbook: `workbook_arguments`)."""
    write_csv(data.executives, folder / "executives.csv")
    write_csv(data.companies, folder / "companies.csv")
    write_csv(data.works.cells, folder / "what_works.csv")
    sink_csv(posts_query(data.posts["ytd"], data.workspace.settings.scoring.timezone), folder / "posts.csv")
    if workbook:
        write_workbook(*workbook_arguments(data, folder, lang))


def workbook_arguments(
    data: RunData, folder: Path, lang: str
) -> tuple[dict[Scope, ScopeScores], Path, str, Period, Measured, pl.DataFrame]:
    """The arguments of `write_workbook` for the run's ranking.xlsx."""
    return data.scores, folder / "ranking.xlsx", lang, data.period, data.measured, data.works.cells


def write(
    data: RunData, out: Path, lang: str, pdfs: Renderer, step: Step | None = None, release_posts: bool = False
) -> RunResult:
    """Write every output of `data` into `out/YYYY-MM/`, which appears whole or not at all (the delivery ledger
    of an earlier run of the month is kept). With `release_posts` (the caller has no use for them afterwards),
    `data.posts` is emptied once the tables are written: the company reports need the report data only, and the
    year's posts are the largest frames the process holds while they render."""
    say = step or (lambda _message: None)
    ws, period = data.workspace, data.period
    ws.verify_unchanged()  # the scores are computed: a file changed since it was hashed stops the run before the PDFs
    logo = data.report.logo
    assets = (logo,) if logo else ()
    extra_inputs = []
    if logo:
        digest = hashlib.sha256(logo.read_bytes()).hexdigest()
        extra_inputs.append(InputFile(str(ws.root / ws.settings.report.logo), digest, "logo", 0))
    files: list[str] = []
    with staged_directory(out / str(period), KEPT_ACROSS_RUNS, before_removal=pdfs.abort) as folder:
        tables = ["executives.csv", "companies.csv", "what_works.csv", "posts.csv", "ranking.xlsx"]
        ranked = data.report.teams["ytd"].get_column("company").to_list()
        board = leaderboard_context(data.report, lang)

        workbook: list[Callable[[], None]] = []

        def documents() -> Iterator[Document]:
            """The leaderboard first; then, while a worker renders it and another writes the workbook, the
            tables; then the company reports, largest first, each context built when the pool has room for it
            (the render loop asks for the next document only once the previous ones are submitted)."""
            yield leaderboard_document(board, folder / "leaderboard.pdf")
            say("writing tables")
            # The workbook is long pure Python (4.6 million cells at 100,000 executives): on a worker, beside
            # the contexts this process builds, not before them.
            workbook.append(pdfs.background(write_workbook, *workbook_arguments(data, folder, lang)))
            abandonable(lambda: write_tables(data, folder, lang, workbook=False))  # posts.csv: a long query
            if release_posts:
                data.posts.clear()
            sizes = report_sizes(data.report)
            largest = sorted(ranked, key=lambda c: -sizes.get(c, 0))
            yield from company_documents(iter_company_contexts(data.report, lang, largest), folder / "companies")

        pdfs.render(documents(), lang, assets, say, ordered=True, total=len(ranked) + 1)
        say("writing ranking.xlsx")
        workbook[0]()
        say("writing the web page")
        write_leaderboard_page(board, folder / "leaderboard.html", logo)
        files += [*tables, "leaderboard.pdf", "leaderboard.html"]
        reports = [f"companies/{file_name(c, '.pdf')}" for c in ranked]
        outputs = [*files, *reports, "manifest.json"]
        ws.verify_unchanged()  # a file read lazily, changed since it was hashed: its sha256 is not of what was scored
        found = manifest(ws, period, lang, data.scores, outputs, extra_inputs, data.warnings)
        write_json(found, folder / "manifest.json")
    return RunResult(out / str(period), ws, data.scores, (*files, "companies/", "manifest.json"), data.warnings)


def run(
    root: Path,
    period: Period,
    out: Path,
    lang: str | None = None,
    step: Step | None = None,
    jobs: int | None = None,
    check_month: bool = False,
    allow_empty: bool = False,
) -> RunResult:
    """Run the monthly ranking of `period` on the workspace at `root`, writing `out/YYYY-MM/`, with `jobs` PDFs
    rendered at a time (default: the machine's cores); `check_month` and `allow_empty` as in `compute`."""
    say = step or (lambda _message: None)
    if out.resolve().is_relative_to((root / "exports").resolve()):
        raise UsageError(f"--out {out}: inside the workspace's exports/, where every later run would read it")
    # One run or send at a time per month (ranking.outputs.publish); Ctrl-C and SIGTERM unwind all of it.
    with interruptible(), month_lock(out / str(period)), renderer(jobs) as pdfs:
        say("reading the workspace")
        # Loading and computing are long polars queries: run so that a signal stops them at once (abandonable).
        ws = abandonable(lambda: load_workspace(root, progress=lambda name: log.debug("reading %s", name)))
        pdfs.start()  # the rendering workers get ready (WeasyPrint, fonts) while the workspace is scored
        data = abandonable(lambda: compute(ws, period, say, check_month, allow_empty))
        lang = lang or ws.settings.report.lang
        data = replace(data, warnings=(*data.warnings, *untranslated(ws.settings, lang)))
        return write(data, out, lang, pdfs, say, release_posts=True)
