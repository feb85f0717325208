"""Ctrl-C and SIGTERM stop a run cleanly: both raise `Interrupted` in the main thread, so that every `finally`
and `except BaseException` on the way out runs (workers stopped, staging folder removed, lock released)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TypeVar

T = TypeVar("T")


class Interrupted(BaseException):
    """The run was stopped by a signal. A BaseException, like KeyboardInterrupt: no `except Exception` eats it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as shells report a process stopped by a signal."""
        return 128 + self.signum


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` during the block (main thread only; elsewhere, a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def abandonable(work: Callable[[], T]) -> T:
    """`work()`, run on a helper thread while the main thread waits for it in short steps.

    For the long calls into native code (a polars query over millions of posts runs in Rust for many seconds,
    and Python runs a signal handler only between bytecodes of the main thread): Ctrl-C or SIGTERM then raise
    `Interrupted` within a tenth of a second instead of when the query returns. The abandoned call goes on on
    its daemon thread until the process exits; whatever it raises is raised here. Called off the main thread,
    `work()` simply runs."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome.append((False, error))

    worker = threading.Thread(target=run, name="ranking-query", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]
