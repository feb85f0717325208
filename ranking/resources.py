"""Where the project's own templates and assets are, in a source tree or an installed wheel."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def templates_dir() -> Path:
    """The templates folder: `ranking.templates` when installed, else `templates/` beside the package."""
    source = Path(__file__).resolve().parent.parent / "templates"
    if (source / "i18n").is_dir():
        return source
    return Path(str(files("ranking.templates")))
