"""A signal stops a run in the middle of a long polars query (ranking.interrupt.abandonable): Python runs its signal
handlers only between bytecodes of the main thread, and a query over millions of posts stays in Rust for seconds."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from ranking.interrupt import Interrupted, abandonable, interruptible


def _blocked_read(tmp_path: Path, seconds: float) -> Callable[[], pl.DataFrame]:
    """A polars read that waits inside Rust for `seconds`: the file is a FIFO whose writer comes late (the read
    system call is retried on the signal's EINTR without going back to Python, as a long query's wait is)."""
    fifo = tmp_path / "late.csv"
    os.mkfifo(fifo)

    def write_late() -> None:
        time.sleep(seconds)
        with contextlib.suppress(OSError):  # the abandoned reader may be gone by then (its test is over)
            fifo.write_text("a\n1\n2\n3\n")

    threading.Thread(target=write_late, daemon=True).start()
    return lambda: pl.read_csv(fifo)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_wait_for_a_long_query_at_once(tmp_path: Path, signum: int) -> None:
    read = _blocked_read(tmp_path, 3.0)
    started = time.monotonic()
    with pytest.raises(Interrupted) as stopped, interruptible():
        threading.Timer(0.2, os.kill, (os.getpid(), signum)).start()
        abandonable(read)
    assert stopped.value.signum == signum
    assert time.monotonic() - started < 1.5  # not the 3 s the read takes (it does, called directly)


def test_the_query_result_and_its_errors_come_back_to_the_caller(tmp_path: Path) -> None:
    (tmp_path / "ready.csv").write_text("a\n1\n2\n3\n")
    assert abandonable(lambda: pl.read_csv(tmp_path / "ready.csv")).get_column("a").to_list() == [1, 2, 3]
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        abandonable(lambda: pl.LazyFrame({"a": [1]}).select("missing").collect())


def test_the_staging_folder_goes_even_while_an_abandoned_writer_adds_files(tmp_path: Path) -> None:
    from ranking.outputs.staging import remove_tree

    folder = tmp_path / ".2021-10.x.tmp"
    (folder / "companies").mkdir(parents=True)
    for i in range(300):
        (folder / "companies" / f"{i}.pdf").write_bytes(b"%PDF" * 1000)
    stop, written = threading.Event(), []

    def writer() -> None:  # what a table's query left running does: one file after another
        while not stop.is_set():
            try:
                (folder / f"table-{len(written)}.csv").write_text("a\n1\n")
                written.append(1)
            except OSError:
                time.sleep(0.001)  # its folder is gone: its files fail

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    while not written:
        time.sleep(0.001)
    remove_tree(folder)
    assert not folder.exists()
    time.sleep(0.05)
    stop.set()
    thread.join()
    assert not folder.exists()  # nothing recreated it


def test_explain_stops_at_once_in_the_middle_of_a_long_query(tmp_path: Path, monkeypatch) -> None:
    from ranking import explain
    from ranking.period import Period

    read = _blocked_read(tmp_path, 3.0)
    monkeypatch.setattr(explain, "load_workspace", lambda _root: read())
    started = time.monotonic()
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(Interrupted):
        explain.explain(tmp_path, Period(2021, 10), "anyone")
    assert time.monotonic() - started < 1.5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers are given back
