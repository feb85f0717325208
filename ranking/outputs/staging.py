"""Writing a run's files: safe CSV cells, the manifest, and an output folder that appears whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

#: A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix with `'` every text cell a spreadsheet would read as a formula (third-party names are data)."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START) + "]"
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(risky)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
            for c in texts
        ]
    )


def write_csv(frame: pl.DataFrame, target: Path) -> None:
    """UTF-8, comma-separated, one header line; booleans as true/false, floats as written by polars."""
    neutralise(frame).write_csv(target, include_header=True, line_terminator="\n")


def write_json(data: Any, target: Path) -> None:
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def staged_directory(final: Path, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside `final`; on success it replaces `final`, on failure it is removed.

    The entries of `final` named in `keep` (the delivery ledger, say) are moved into the new folder rather
    than lost. Moved, not copied: a file keeps its inode, so a process still writing to it writes into the
    new folder.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the published folder follows the umask
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    moved: list[str] = []
    try:
        if final.exists():
            for name in keep:
                if (final / name).exists() and not (staging / name).exists():
                    (final / name).rename(staging / name)
                    moved.append(name)
            old = final.with_name(f".{final.name}.old-{os.getpid()}")
            final.rename(old)
        staging.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        for name in moved:  # back where they were, before the staging folder goes
            (staging / name).rename(final / name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
