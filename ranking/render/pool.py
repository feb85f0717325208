"""Rendering a run's PDFs `jobs` at a time: the leaderboard and the company reports share one pool of worker
processes, started before the run needs them, so that both cores are busy from the first document to the last.

Each worker imports WeasyPrint, parses the stylesheet, loads the fonts and lays out a first page once, in the pool's
initializer: while the main process still reads and scores the workspace. The documents are handed out longest
first (the leaderboard, then the biggest teams), so that no long document starts last and leaves a core idle."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ranking.errors import RankingError
from ranking.render.environment import render
from ranking.render.pdf import warm_up, write_pdf
from ranking.render.workers import die_with_parent, stop_workers, workers_ignore_sigint
from ranking.report.company import CompanyContext
from ranking.report.leaderboard import LeaderboardContext
from ranking.text.safe import file_name

log = logging.getLogger(__name__)

Step = Callable[[str], None]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Document:
    """One PDF to write: a template, its context, where it goes, and a rough size to order the work by."""

    template: str
    context: Any
    target: Path
    size: int


def leaderboard_document(context: LeaderboardContext, target: Path) -> Document:
    """The leaderboard, the run's longest document: it goes first."""
    return Document("leaderboard.html", context, target, size=1_000_000)


def company_documents(contexts: Iterable[CompanyContext], folder: Path) -> Iterator[Document]:
    """One report per company, `folder/<company>.pdf`, as the contexts come; its size grows with its executives."""
    for c in contexts:
        yield Document("company.html", c, folder / file_name(c.company, ".pdf"), len(c.executives))


def render_document(document: Document, lang: str, assets: tuple[Path, ...] = ()) -> int:
    """Write one document (in a worker process, or in this one): returns its number of pages."""
    return write_pdf(render(document.template, document.context, lang), document.target, assets)


#: The longest a run waits for a worker to finish its next document (or its background work, the workbook):
#: past it, a layout that does not end is taken as stuck and the run stops with an error rather than wait forever.
#: Generous: the longest document measured, the leaderboard of 1,000 companies, takes a minute or two
#: (bench/results/latest.md), and a worker has at most two documents queued.
STALL_SECONDS = 15 * 60


class RenderStalled(RankingError):
    """No worker finished a document within the deadline (`STALL_SECONDS`)."""


#: Documents whose pace the estimate of the time left follows: the latest few, not all since the start (the
#: leaderboard, first and longest, would make the company reports look several times slower than they are).
PACE_OVER = 16


def remaining(finished: Sequence[float], total: int | None) -> str:
    """`, about 2 min 10 s left` from the pace of the latest documents (`finished`: when each of them was done,
    on a monotonic clock), or '' until three are done, or without a total."""
    done = len(finished)
    if done < 3 or total is None or done >= total:
        return ""
    recent = finished[-PACE_OVER:]
    left = round((recent[-1] - recent[0]) / (len(recent) - 1) * (total - done))
    minutes, seconds = divmod(left, 60)
    return f", about {minutes} min {seconds:02d} s left" if minutes else f", about {seconds} s left"


class Renderer:
    """Writes documents in this process (one job) or in a pool of `jobs` spawned worker processes."""

    def __init__(
        self, jobs: int | None = None, stall_seconds: float = STALL_SECONDS, work: Callable[..., int] = render_document
    ) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.stall_seconds = stall_seconds
        self._work = work  # what a worker does with a document (a module-level function: it is sent by name)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers now, so that they get ready while the caller prepares the documents (no-op for one
        job, or when they run already). Not done before the input is known good: a run that fails to load its
        workspace need not wait for workers."""
        if self.jobs == 1 or self._pool is not None:
            return
        # Spawned (not forked) workers: forking a process that runs polars' thread pool can deadlock.
        # the workers log what the main process logs: nothing but errors from the PDF libraries with --quiet
        levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialise,
            initargs=(levels,),
        )
        # The pool starts a worker per task submitted while none is idle: submit one task per worker. The
        # workers are born ignoring Ctrl-C (sent to the whole process group): this process stops them itself.
        with workers_ignore_sigint():
            for _ in range(self.jobs):
                self._pool.submit(os.getpid)

    def render(
        self,
        documents: Iterable[Document],
        lang: str,
        assets: tuple[Path, ...] = (),
        step: Step | None = None,
        ordered: bool = False,
        total: int | None = None,
    ) -> dict[Path, int]:
        """Write every document, longest first (or, `ordered`, in the order given: the documents are then taken
        as they come, so that a caller building them one by one keeps the workers busy from the first); returns
        the pages of each, by target. `total` is the count progress shows when the documents are a stream."""
        say = step or (lambda _message: None)
        order: Iterable[Document] = documents if ordered else sorted(documents, key=lambda d: -d.size)
        count = total if total is not None else len(order) if isinstance(order, list) else None
        shown = f"{count}" if count is not None else "the"
        pages: dict[Path, int] = {}
        folders: set[Path] = set()

        def ready(document: Document) -> Document:
            if document.target.parent not in folders:
                document.target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(document.target.parent)
            return document

        self.start()
        finished: list[float] = []  # when each document was done
        if self._pool is None:
            for document in order:
                pace = remaining(finished, count)
                say(f"rendering PDFs: {document.target.name} ({len(finished) + 1}/{count or '?'}{pace})")
                pages[document.target] = self._work(ready(document), lang, assets)
                finished.append(time.monotonic())
            return pages
        pool = self._pool  # `abort` may drop it from under this loop: the futures then fail, and so does this
        say(f"rendering PDFs: {shown} documents, {self.jobs} at a time")
        # A few documents queued per worker, no more: the contexts still to render are not all held at once.
        pending: dict[Future[int], Document] = {}
        stream = iter(order)
        while True:
            for document in stream:
                pending[pool.submit(self._work, ready(document), lang, assets)] = document
                if len(pending) >= 2 * self.jobs:
                    break
            if not pending:
                return pages
            ready_now, _ = wait(pending, timeout=self.stall_seconds, return_when=FIRST_COMPLETED)
            if not ready_now:
                names = ", ".join(sorted(d.target.name for d in pending.values()))
                raise RenderStalled(f"rendering PDFs: no document was finished in {_duration(self.stall_seconds)} "
                                    f"(still rendering: {names}); the workers were stopped")  # fmt: skip
            for future in ready_now:
                pages[pending.pop(future).target] = future.result()
                finished.append(time.monotonic())
            pace = remaining(finished, count)
            say(f"rendering PDFs: {len(finished)}/{count or '?'} done, {self.jobs} at a time{pace}")

    def background(self, work: Callable[..., object], *args: Any) -> Callable[[], None]:
        """Start `work(*args)` in a worker (at once in this process, with one job) while this process goes on;
        returns the wait for its end, which raises what it raised. For a long pure-Python file such as the
        workbook of 100,000 executives: on a worker, it no longer holds this process, which builds the contexts
        meanwhile. `work` must be a module-level function (it is sent to a spawned process by name)."""
        self.start()
        if self._pool is None:
            work(*args)
            return lambda: None
        future = self._pool.submit(work, *args)

        def wait_for_it() -> None:
            try:
                future.result(timeout=self.stall_seconds)
            except FutureTimeout:
                name = getattr(work, "__name__", "background work")
                raise RenderStalled(
                    f"{name}: not finished in {_duration(self.stall_seconds)} after the documents; stopped"
                ) from None

        return wait_for_it

    def close(self, wait: bool = True) -> None:
        """Stop the workers: after their last document, or (`wait=False`) at once (see `abort`)."""
        if not wait:
            self.abort()
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop the workers now, in the middle of a document: a failed or interrupted run must not leave them
        writing into its staging folder (or running on after it ends)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        stop_workers(pool)


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes >= 1 else f"{seconds:g} s"


#: The loggers of the PDF libraries, whose warnings (a font without some glyph, a subsetting fallback) are no
#: business of a user who asked for errors only.
QUIET_LOGGERS = ("weasyprint", "fontTools")


def quiet_pdf_libraries() -> None:
    """Let the PDF libraries log errors only (in this process, and in the workers started after this)."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def _initialise(levels: dict[str, int] | None = None) -> None:
    for name, level in (levels or {}).items():
        logging.getLogger(name).setLevel(level)
    die_with_parent()
    # A failure here would only say that a worker died: let the first document fail, with the real error.
    try:
        warm_up()
    except Exception:  # pragma: no cover - e.g. a missing system library, reported by the first document
        log.debug("warming up the renderer failed", exc_info=True)


@contextmanager
def renderer(jobs: int | None = None) -> Iterator[Renderer]:
    """A `Renderer` whose workers stop when the block ends; when it fails, without waiting for them."""
    r = Renderer(jobs)
    try:
        yield r
    except BaseException:
        r.close(wait=False)
        raise
    r.close()
