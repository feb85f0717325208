"""Every wait of the render pool has a deadline: a worker whose document (or background work) never ends stops
the run with one error naming what was still rendering, and the workers are stopped, not left running."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ranking.render.pool import Document, Renderer, RenderStalled


def hang(document: Document, lang: str, assets: tuple[Path, ...] = ()) -> int:
    """A document whose layout never ends (sent to a spawned worker by name, hence module-level)."""
    time.sleep(600)
    return 1


def nap(document: Document, lang: str, assets: tuple[Path, ...] = ()) -> int:
    """A short document: 0.4 s."""
    time.sleep(0.4)
    return 3


def test_a_document_that_never_ends_stops_the_run_and_its_workers(tmp_path: Path) -> None:
    documents = [Document("company.html", None, tmp_path / f"{name}.pdf", 1) for name in ("beta", "alpha")]
    pdfs = Renderer(2, stall_seconds=1, work=hang)
    pdfs.start()
    assert pdfs._pool is not None
    workers = list(pdfs._pool._processes.values())  # type: ignore[attr-defined]
    try:
        with pytest.raises(
            RenderStalled, match=r"no document was finished in 1 s \(still rendering: alpha.pdf, beta.pdf\)"
        ):
            pdfs.render(documents, "en")
    finally:
        pdfs.close(wait=False)  # what `renderer()` does when the block fails
    assert all(gone(worker.pid) for worker in workers)


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether the process `pid` has ended (gone from /proc, or a zombie left to be reaped), waiting up to `within`
    seconds: read from the kernel, whoever reaps it (the pool's own thread may)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_the_deadline_is_per_document_not_for_the_whole_run(tmp_path: Path) -> None:
    # 20 documents of 0.4 s on two workers: 4 s in all, longer than the deadline, but each comes well within it
    documents = [Document("company.html", None, tmp_path / f"{n}.pdf", 1) for n in range(20)]
    pdfs = Renderer(2, stall_seconds=3, work=nap)
    pdfs.start()
    try:
        # both workers up first (spawned, WeasyPrint warmed up): their start is not the documents' time
        waits = [pdfs.background(nap, documents[0], "en") for _ in range(2)]
        for wait_for_it in waits:
            wait_for_it()
        started = time.monotonic()
        pages = pdfs.render(documents, "en")
    finally:
        pdfs.close()
    assert pages == {d.target: 3 for d in documents}
    assert time.monotonic() - started > 3


def test_background_work_that_never_ends_is_named(tmp_path: Path) -> None:
    pdfs = Renderer(2, stall_seconds=1)
    try:
        wait_for_it = pdfs.background(hang, Document("company.html", None, tmp_path / "x.pdf", 1), "en")
        with pytest.raises(RenderStalled, match=r"^hang: not finished in 1 s after the documents; stopped$"):
            wait_for_it()
    finally:
        pdfs.close(wait=False)
