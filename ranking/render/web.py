"""The leaderboard as one self-contained web page, `leaderboard.html`: rendered from the leaderboard PDF's context
through the same Jinja environment (the same escaping of third-party text), with its styles, script and charts
inline and the publisher's logo as a data: URL, so that the page asks no other host, nor any other file, for
anything."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

from ranking.render.environment import render
from ranking.render.pdf import _mime
from ranking.report.leaderboard import LeaderboardContext

TEMPLATE = "leaderboard_web.html"


def data_url(path: Path) -> str:
    """The file as a data: URL (the page's only image source its policy allows)."""
    return f"data:{_mime(path)};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def leaderboard_page(context: LeaderboardContext, logo: Path | None = None) -> str:
    """The page's HTML, in the context's language; `logo` is the publisher's logo file (the context names it by
    a file: URL, which a page sent to readers cannot use)."""
    return render(TEMPLATE, dataclasses.replace(context, logo=data_url(logo) if logo else None), context.lang)


def write_leaderboard_page(context: LeaderboardContext, target: Path, logo: Path | None = None) -> None:
    """Write `leaderboard.html` (UTF-8, the same bytes for the same context)."""
    target.write_text(leaderboard_page(context, logo), encoding="utf-8", newline="\n")
