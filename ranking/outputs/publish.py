"""Publishing a month's folder `DIR/YYYY-MM/`: one process at a time, in one atomic step, the ledger never lost.

How it is done, and why:

- **One at a time.** `month_lock` takes an exclusive `flock` on `DIR/.YYYY-MM.lock` for the whole of a `run`
  or a `send`. The kernel drops the lock of a process that dies, even by SIGKILL, so a killed run never blocks
  the next one; the lock file itself is removed when the holder ends (and re-checked after locking, so that
  removing it cannot let two processes in).
- **One atomic step.** The new folder is written beside the old one (`DIR/.YYYY-MM.<random>.tmp`), then the
  two are exchanged with `renameat2(RENAME_EXCHANGE)`: at every instant `DIR/YYYY-MM` is either the whole old
  folder or the whole new one. Where the file system cannot exchange, two renames are used and a run killed
  between them leaves the old folder under `DIR/.YYYY-MM.old-<pid>`, which the next run puts back.
- **The ledger is never moved.** The files that belong to the deliveries (`deliveries.jsonl`, `outbox/`) are
  *hard-linked* into the new folder before the exchange: the same inode is in both folders, so the ledger is in
  `DIR/YYYY-MM` before, during and after the exchange, whatever instant a run is killed at. Removing the old
  folder afterwards only removes a second name of it.
- **Leftovers of killed runs** (`.YYYY-MM.*.tmp`, `.YYYY-MM.old-*`) are removed by the next run, under the
  lock, after any ledger found in them that the month's folder lacks has been put back.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from ranking.errors import RankingError

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class BusyError(RankingError):
    """Another `ranking run` or `ranking send` holds the month's folder."""


class OutputError(RankingError):
    """The output folder cannot be written (read-only, disk full, not a folder)."""


def checkpoint(step: str) -> None:
    """Called at each step of publishing; the fault-injection tests replace it to kill the process there."""


def lock_path(final: Path) -> Path:
    return final.parent / f".{final.name}.lock"


def made_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; returns those created, deepest first (to remove on failure)."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: not a folder") from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
    return missing


@contextlib.contextmanager
def month_lock(final: Path) -> Iterator[None]:
    """Hold `DIR/.YYYY-MM.lock` for the block; BusyError when another process holds it.

    Folders this creates (`DIR` itself, say) are removed again at the end when they are left empty: a failed
    run leaves no empty output folder behind.
    """
    created = made_parents(final.parent)
    path = lock_path(final)
    try:
        fd = _locked(path, final)
    except BaseException:
        remove_empty(created)
        raise
    try:
        clean_stale(final)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
        remove_empty(created)


def _locked(path: Path, final: Path) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise OutputError(f"{path.parent}: cannot write the output folder ({exc.strerror or exc})") from None
        try:
            locked = try_lock(fd)
        except OSError:
            os.close(fd)
            raise
        if not locked:
            os.close(fd)
            raise BusyError(
                f"{final}: another `ranking run` or `ranking send` is working on this month; try again when it ends"
            )
        # The holder before us may have removed the file after we opened it: then our lock is on a file
        # nobody else will open, and we must lock the one now at `path`.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def stale_folders(final: Path) -> list[Path]:
    """The staging and old folders of `final` left behind by killed runs (only meaningful under the lock)."""
    parent = final.parent
    if not parent.is_dir():
        return []
    names = (f".{final.name}.", f".{final.name}.old-")
    return sorted(
        p
        for p in parent.iterdir()
        if p.name.startswith(names[0])
        and (p.name.endswith(".tmp") or p.name.startswith(names[1]))
        and p.is_dir()
        and not p.is_symlink()
    )


#: Files of a run folder that belong to the deliveries (ranking.deliver writes them), carried over when `ranking run`
#: replaces the folder: declared here, where the folder is published, so that the run and the deliveries, two
#: siblings, both read them from below.
LEDGER = "deliveries.jsonl"
OUTBOX = "outbox"
KEPT_ACROSS_RUNS = (LEDGER, OUTBOX)


def clean_stale(final: Path, keep: tuple[str, ...] = KEPT_ACROSS_RUNS) -> None:
    """Remove what killed runs left beside `final`, first putting back what must not be lost.

    A missing `final` with an old folder beside it (a run killed between two renames) gets that folder back.
    A ledger in a leftover that `final` lacks (left by an older version, which moved it) is moved back.
    """
    for folder in stale_folders(final):
        if folder.name.startswith(f".{final.name}.old-") and not final.exists():
            folder.rename(final)
            log.warning("%s: put back the folder of a run killed while publishing", final)
            continue
        for name in keep:
            if (folder / name).exists() and not (final / name).exists() and final.is_dir():
                (folder / name).rename(final / name)
                log.warning("%s: put back %s left by a killed run", final, name)
            elif (
                (folder / name).is_file()
                and (final / name).is_file()
                and not os.path.samestat((folder / name).stat(), (final / name).stat())
            ):
                kept = final / f"{name}.recovered-{folder.name.strip('.')}"
                (folder / name).rename(kept)
                log.warning("%s: a killed run left another %s: kept as %s", final, name, kept.name)
        shutil.rmtree(folder, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """`target` gets every file of `source` as a hard link (same inode), folders re-created."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, copy_function=os.link, symlinks=True)
    else:
        os.link(source, target, follow_symlinks=False)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync_tree(folder: Path) -> None:
    """Make the new folder's files durable before it is published: a crash must not publish empty files."""
    for sub, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(sub, name)
            if os.path.islink(path):
                continue
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(sub, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(staging: Path, final: Path, keep: tuple[str, ...] = ()) -> None:
    """Make `staging` the new `final` in one step, the entries of `final` named in `keep` linked over."""
    checkpoint("written")
    if final.exists():
        for name in keep:
            if (final / name).exists() and not (staging / name).exists():
                _link_tree(final / name, staging / name)
        checkpoint("linked")
    _fsync_tree(staging)
    if not final.exists():
        staging.rename(final)
        checkpoint("renamed")
    elif exchange(staging, final):
        checkpoint("exchanged")  # the old folder is now at `staging`
        shutil.rmtree(staging, ignore_errors=True)
    else:
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        checkpoint("moved-old")
        try:
            staging.rename(final)
        except BaseException:
            old.rename(final)
            raise
        checkpoint("renamed")
        shutil.rmtree(old, ignore_errors=True)
    fsync_dir(final.parent)
    checkpoint("published")


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file `fd` without waiting: False when another process holds it (the
    kernel drops a dead process's lock, even after SIGKILL); any other refusal is raised."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def fsync_dir(folder: Path) -> None:
    """Make the entries of `folder` (a rename, a new file) durable: fsync the folder itself."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cut_short(fd: int) -> bool:
    """Whether the append-only log open (readable) at `fd` ends in the middle of a line: a process killed while
    writing its last line. The next writer ends that line first, so that its own lines stand alone."""
    size = os.fstat(fd).st_size
    return bool(size) and os.pread(fd, 1, size - 1) != b"\n"
