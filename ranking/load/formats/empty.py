"""An empty download: a scraping service's dataset of zero items (`[]`), as `ranking collect` writes it for a run
that found nothing. "Collected, nothing posted" is not "not collected": the file is read as an export of no post,
dated like any download, instead of an unknown format."""

from __future__ import annotations

import json
from pathlib import Path

from ranking import schema
from ranking.load.base import Export, LoadContext, export_date

NAME = "empty-download"
DESCRIPTION = "a scraping service's dataset of zero items (a JSON file holding only [])"


def matches(path: Path, head: bytes) -> bool:
    if path.suffix.lower() != ".json" or len(head) > 64:
        return False
    try:
        return json.loads(head.decode("utf-8-sig")) == []
    except (UnicodeDecodeError, ValueError):
        return False


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    return Export(path, shown, NAME, schema.empty_posts(), export_date(path), executive_id=ctx.executive_id, records=0)
