"""What the public documents say of the export files: names relative to the workspace (never the folder given
to `-w`: the server's layout, and bytes that would change with it) and counts per format, the full list of
files staying in the manifest."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from ranking.report.rows import FormatCount


class _Read(Protocol):
    @property
    def format(self) -> str: ...

    @property
    def posts(self) -> int: ...


def format_counts(exports: Iterable[_Read]) -> tuple[FormatCount, ...]:
    """Files and posts per format, by format name."""
    counts: dict[str, tuple[int, int]] = {}
    for e in exports:
        files, posts = counts.get(e.format, (0, 0))
        counts[e.format] = (files + 1, posts + e.posts)
    return tuple(FormatCount(f, n, p) for f, (n, p) in sorted(counts.items()))


def relative_name(root: Path, shown: str) -> str:
    """`shown` (a path under `root`, as messages name it) relative to the workspace: `exports/ana/x.csv`."""
    path = Path(shown)
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return shown


def relative_names(root: Path, text: str) -> str:
    """`text` (a warning, say) with the workspace's path taken out of the file names it starts with."""
    prefix = f"{root}/"
    return text[len(prefix) :] if text.startswith(prefix) else text
