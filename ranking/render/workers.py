"""Worker processes that never outlive the run: stopped at once when it fails or is interrupted, and gone
with it when it is killed (SIGKILL leaves no chance to stop them: the kernel tells them)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
#: How long a terminated worker is given before it is killed.
GRACE_SECONDS = 2.0


def die_with_parent() -> None:
    """In a worker: receive SIGKILL when the process that started it dies, however it died (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        log.debug("prctl(PR_SET_PDEATHSIG) is not available")
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the kernel was told: go now
        os._exit(1)


@contextlib.contextmanager
def workers_ignore_sigint() -> Iterator[None]:
    """Processes started in the block inherit SIGINT ignored (Python keeps an ignored SIGINT ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers (SIGTERM, then SIGKILL after GRACE_SECONDS) and shut the pool down."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join(GRACE_SECONDS)
    pool.shutdown(wait=False, cancel_futures=True)
