"""docs/architecture.md against the tree: every module of the package is in its table, every file a row or a
recipe names exists, every command is named. A recipe that names a file that moved fails here, not in a
developer's hands."""

from __future__ import annotations

import re

import pytest

from ranking.cli import cli
from tests.workspaces import REPO

ARCHITECTURE = REPO / "docs" / "architecture.md"
PACKAGE = REPO / "ranking"
#: A path in backticks: a file or folder of the repository (globs allowed), as the recipes name them.
_PATH = re.compile(r"`((?:ranking|templates|tests|docs|bench|fixtures)/[^`\s]*|README\.md|pyproject\.toml|Makefile)`")


def _section(title: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def _module_rows() -> list[str]:
    """The first cell of each row of the module table: one or more `path.py` relative to ranking/."""
    cells = [line.split("|")[1] for line in _section("One line per module").splitlines() if line.startswith("| `")]
    return [name for cell in cells for name in re.findall(r"`([^`]+\.py)`", cell)]


def _exists(path: str) -> bool:
    """Whether the path is there; a placeholder (`formats/<name>.py`) stands for any name: one must exist."""
    pattern = re.sub(r"<[^>]+>", "*", path)
    return any(REPO.glob(pattern)) if "*" in pattern else (REPO / pattern).exists()


def test_every_module_of_the_package_has_its_line() -> None:
    named = set(_module_rows())
    modules = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py") and "templates" not in p.parts
    }
    assert modules - named == set(), "modules missing from docs/architecture.md's table"
    assert [n for n in named if not (PACKAGE / n).is_file()] == [], "rows of the table that name no module"


@pytest.mark.parametrize("title", ["To add …", "One line per module"])
def test_every_file_the_architecture_names_exists(title: str) -> None:
    named = _PATH.findall(_section(title))
    assert named, f"the section {title!r} names no file"
    assert [p for p in named if not _exists(p.rstrip("/"))] == []


def test_each_recipe_names_its_files() -> None:
    recipes = _section("To add …")
    for recipe in ("an export format", "a report page", "a measure", "a setting"):
        start = recipes.index(f"**{recipe}**")
        end = recipes.find("\n- **", start + 1)
        body = recipes[start : end if end > 0 else None]
        assert len(_PATH.findall(body)) >= 3, f"the recipe for {recipe} names fewer than three files"


def test_every_command_is_named() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert [c for c in cli.commands if f"`{c}`" not in text and f"`ranking {c}`" not in text] == []
