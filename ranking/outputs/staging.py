"""Writing a run's files: safe CSV cells, the manifest, and an output folder that appears whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from ranking.outputs.publish import OutputError, clean_stale, made_parents, publish, remove_empty
from ranking.text.safe import CONTROLS_PATTERN

#: A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix with `'` every text cell a spreadsheet would read as a formula (third-party names are data), and
    drop the control characters (NUL...) no cell can hold."""
    return frame.with_columns(_cleaned(frame.schema)).with_columns(_neutralised(frame.schema))


def _cleaned(schema: pl.Schema) -> list[pl.Expr]:
    return [pl.col(c).str.replace_all(CONTROLS_PATTERN, "") for c, dtype in schema.items() if dtype == pl.String]


def _neutralised(schema: pl.Schema) -> list[pl.Expr]:
    texts = [name for name, dtype in schema.items() if dtype == pl.String]
    risky = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START) + "]"
    return [
        pl.when(pl.col(c).str.contains(risky)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in texts
    ]


def write_csv(frame: pl.DataFrame, target: Path) -> None:
    """UTF-8, comma-separated, one header line; booleans as true/false, floats as written by polars."""
    neutralise(frame).write_csv(target, include_header=True, line_terminator="\n")


def sink_csv(query: pl.LazyFrame, target: Path) -> None:
    """`write_csv` of a query, written by polars' streaming engine as it runs (the table is never whole in
    memory unless the query needs it, e.g. to sort)."""
    query.with_columns(_neutralised(query.collect_schema())).sink_csv(
        target, include_header=True, line_terminator="\n", engine="streaming"
    )


def write_json(data: Any, target: Path) -> None:
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def remove_tree(folder: Path, attempts: int = 100) -> None:
    """Remove `folder` and everything in it, even while an abandoned writer (a table's streaming query left
    running on its thread by an interrupted run: ranking.interrupt.abandonable) still adds files to it.

    The folder is first renamed (`<name>.removing.tmp`, which the next run's `clean_stale` removes if this one
    dies now): a file the writer then opens by its path fails, having no folder; what it already holds open
    is unlinked with the rest."""
    trash = folder.with_name(folder.name.removesuffix(".tmp") + ".removing.tmp")
    try:
        folder.rename(trash)
    except FileNotFoundError:
        return
    except OSError:
        trash = folder  # e.g. a read-only parent: remove it where it is
    for _ in range(attempts):
        shutil.rmtree(trash, ignore_errors=True)
        if not trash.exists():
            return
        time.sleep(0.02)
    shutil.rmtree(trash)  # a folder that still cannot be removed: say why


@contextlib.contextmanager
def staged_directory(
    final: Path, keep: tuple[str, ...] = (), before_removal: Callable[[], None] | None = None
) -> Iterator[Path]:
    """Yield a temporary folder beside `final`; on success it replaces `final` in one step (ranking.publish),
    on failure it is removed, after `before_removal` (which stops whatever still writes into it).

    The entries of `final` named in `keep` (the delivery ledger, say) are hard-linked into the new folder: the
    same files, never absent from `final`. The caller holds `month_lock` when others may publish `final` too.
    """
    created = made_parents(final.parent)
    clean_stale(final, keep)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    except OSError as exc:
        remove_empty(created)
        raise OutputError(f"{final.parent}: cannot write the output folder ({exc.strerror or exc})") from None
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the published folder follows the umask
    try:
        yield staging
        publish(staging, final, keep)
    except BaseException:
        if before_removal is not None:
            before_removal()
        remove_tree(staging)
        remove_empty(created)
        raise
