"""The contexts the templates receive: every field documented, docs/templates.md up to date, and every `doc.…`
a template reads is a field (or property) of its context."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import nodes

from ranking.render.environment import environment
from ranking.report.reference import DOCUMENTS, hints, nested, reference
from ranking.report.rows import ByScope
from ranking.resources import templates_dir
from tests.workspaces import REPO


def reachable() -> list[type]:
    """Every dataclass a document context reaches through its fields."""
    seen: list[type] = []
    pending = list(DOCUMENTS.values())
    while pending:
        cls = pending.pop()
        if cls not in seen:
            seen.append(cls)
            pending += [c for kind in hints(cls).values() for c in nested(kind)]
    return seen


@pytest.mark.parametrize("cls", reachable(), ids=lambda c: c.__name__)
def test_every_field_of_every_context_says_what_it_holds(cls: type) -> None:
    undocumented = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("help", "").strip()]  # type: ignore[arg-type]
    assert undocumented == [], f"{cls.__name__}: fields without help"


def test_the_template_reference_is_up_to_date() -> None:
    written = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    assert written == reference(), "run: python -m ranking.report.reference > docs/templates.md"


def _chain(node: nodes.Node) -> list[str | None] | None:
    """`doc.a[i].b` as ["a", None, "b"] (None: an item of a sequence); None when not rooted at `doc`."""
    parts: list[str | None] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            parts.append(None)
            node = node.node
        elif isinstance(node, nodes.Name):
            return parts[::-1] if node.name == "doc" else None
        else:
            return None


def _element(kind: Any) -> Any:
    """The type inside an optional (`X | None`)."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) in (typing.Union, __import__("types").UnionType) and len(args) == 1:
        return args[0]
    return kind


def missing_attribute(cls: type, chain: list[str | None]) -> str | None:
    """The first part of `chain` that `cls` does not have (None when every part resolves, or cannot be typed)."""
    kind: Any = cls
    for part in chain:
        kind = _element(kind)
        if part is None:  # an item: the element type of a tuple
            args = typing.get_args(kind)
            if typing.get_origin(kind) is not tuple or not args:
                return None
            kind = args[0]
            continue
        origin = typing.get_origin(kind) or kind
        if not (isinstance(origin, type) and dataclasses.is_dataclass(origin)):
            return None  # a str, a number: its methods are Jinja's business
        names = {f.name for f in dataclasses.fields(origin)}
        if part not in names:
            return None if hasattr(origin, part) else f"{origin.__name__}.{part}"
        found = hints(origin)[part]
        if origin is ByScope:  # ByScope[X].ytd is an X
            found = typing.get_args(kind)[0]
        kind = found
    return None


def template_chains(template: str) -> list[list[str | None]]:
    source = Path(templates_dir(), template).read_text(encoding="utf-8")
    tree = environment("fr").parse(source)
    chains = [_chain(n) for n in tree.find_all((nodes.Getattr, nodes.Getitem))]
    return [c for c in chains if c]


@pytest.mark.parametrize("template", [*DOCUMENTS, "_base.html"])
def test_every_doc_attribute_a_template_reads_exists(template: str) -> None:
    contexts = [DOCUMENTS[template]] if template in DOCUMENTS else list(DOCUMENTS.values())
    chains = template_chains(template)
    assert chains, "the template reads nothing of doc: the test would prove nothing"
    for cls in contexts:
        problems = {m for chain in chains if (m := missing_attribute(cls, chain))}
        assert problems == set(), f"{template} reads what {cls.__name__} does not have"


def test_the_attribute_check_finds_a_misspelt_field() -> None:
    tree = jinja2.Environment().parse("{{ doc.scopes.ytd.teamz }} {{ doc.podium[0].nam }} {{ doc.scopes.month.teams }}")
    chains = [c for n in tree.find_all((nodes.Getattr, nodes.Getitem)) if (c := _chain(n))]
    found = {m for c in chains if (m := missing_attribute(DOCUMENTS["leaderboard.html"], c))}
    assert found == {"ScopeTables.teamz", "TeamRow.nam"}
