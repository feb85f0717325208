"""Loaders: one module per export format, a registry that recognises a file, and the merge of all posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking.errors import InputError
from ranking.load import canonical
from ranking.load.base import Export, LoadContext
from ranking.load.merge import merge_frames

__all__ = ["FORMATS", "Export", "Format", "LoadContext", "detect", "load_file", "merge_posts"]

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Format:
    """An export format: how to recognise a file of it, and how to load one."""

    name: str
    description: str
    matches: Callable[[Path, bytes], bool]
    load: Callable[[Path, str, LoadContext], Export]


def _canonical_matches(path: Path, head: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix not in canonical.SUFFIXES:
        return False
    if suffix == ".parquet":
        return head.startswith(b"PAR1")
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t[")
    if suffix in (".json", ".jsonl", ".ndjson"):
        return first.startswith("{") and '"posted_at"' in first.split("}", 1)[0]
    header = first.split("\n", 1)[0].lower()
    return "posted_at" in header


FORMATS: list[Format] = [
    Format(
        "canonical",
        "canonical CSV/JSON/Parquet with the contract's field names (posted_at, post_id or url, ...)",
        _canonical_matches,
        canonical.load,
    ),
]


def detect(path: Path, shown: str) -> Format:
    """The format of a file, from its name and first bytes; an unknown one is an InputError listing the known."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        raise InputError.one(shown, "empty file")
    for fmt in FORMATS:
        if fmt.matches(path, head):
            return fmt
    known = "; ".join(f"{f.name} ({f.description})" for f in FORMATS)
    raise InputError.one(shown, f"unknown export format. Known formats: {known}")


def load_file(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Recognise and load one export file."""
    return detect(path, shown).load(path, shown, ctx)


def merge_posts(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per (platform, post_id): each field from the most recent export that reports it."""
    return merge_frames(frames)
