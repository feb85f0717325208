"""Where the project's own templates and assets are, in a source tree or an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def templates_dir() -> Path:
    """The templates folder: `ranking/templates/` in an installed wheel, else `templates/` of the source tree."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "locale").is_dir():
            return candidate
    raise FileNotFoundError(f"the templates folder is missing beside {_PACKAGE}")
