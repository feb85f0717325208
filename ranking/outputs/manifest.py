"""The run's manifest: version, settings used, input files with their sha256, counts, warnings and outputs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from ranking import __version__
from ranking.load.workspace import InputFile, Workspace
from ranking.period import Period, Scope
from ranking.score.ranks import ScopeScores


def manifest(
    ws: Workspace,
    period: Period,
    lang: str,
    scores: dict[Scope, ScopeScores],
    files: list[str],
    extra_inputs: Iterable[InputFile] = (),
    extra_warnings: Iterable[str] = (),
) -> dict[str, Any]:
    """The manifest of a run of `period` on `ws`, in `lang`, that wrote `files`."""
    return {
        "version": __version__,
        "period": str(period),
        "lang": lang,
        "settings": ws.settings.as_dict(),
        "inputs": [i.entry() for i in [*ws.inputs, *extra_inputs]],
        # what became of every record of every export: kept, reposts, skipped (why), merged
        "records": [a.as_dict() for a in ws.accounting],
        "counts": {
            "executives": ws.roster.height,
            "companies": ws.companies.height,
            "posts": ws.post_count,
            "posts_in_ytd": int(scores["ytd"].executives.select(pl.col("posts") + pl.col("reposts")).sum().item()),
            "posts_in_month": int(scores["month"].executives.select(pl.col("posts") + pl.col("reposts")).sum().item()),
        },
        "warnings": [*ws.warnings, *extra_warnings],
        "outputs": files,
    }
