"""What makes a PDF cheaper to lay out without changing a byte of it: Python's garbage collector paused during a
document and run once on what it left, and tinyhtml5's cache of regular expressions made to hit."""

from __future__ import annotations

import gc
import io
import re
from typing import Any

import pytest
import tinyhtml5
from hypothesis import given
from hypothesis import strategies as st
from tinyhtml5 import inputstream

from ranking.render import pdf
from ranking.render.pdf import _CharacterRegexes, collector_paused, mend_html_parser, write_pdf

PAGE = '<html lang="fr"><title>T</title><table><tr><td>Octobre</td><td>12 345 <b>é</b></td></tr></table></html>'


def test_the_collector_is_paused_during_a_document_and_restored_even_when_it_fails(monkeypatch) -> None:
    seen: list[bool] = []

    def failing(*_args: Any) -> int:
        seen.append(gc.isenabled())
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf, "_lay_out", failing)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        write_pdf(PAGE, io.BytesIO())
    assert seen == [False] and gc.isenabled()
    # a caller that paused it keeps it paused
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_documents_objects_are_freed_when_it_is_written() -> None:
    write_pdf(PAGE, io.BytesIO())  # the stylesheet and fonts, kept for the process, are loaded
    gc.collect()
    gc.disable()
    try:
        pdf._lay_out(PAGE * 5, io.BytesIO(), *pdf._shared_stylesheet(), pdf._fetcher())
        left = gc.collect()  # what a document leaves to the collector: thousands of objects in reference cycles
        assert left > 1_000
    finally:
        gc.enable()
    write_pdf(PAGE * 5, io.BytesIO())
    gc.disable()  # no automatic pass from here: only the collection `write_pdf` ran once it was done freed them
    try:
        assert gc.collect() < left / 100
    finally:
        gc.enable()


def tinyhtml5_pattern(characters: frozenset[str], opposite: bool) -> re.Pattern[str]:
    """The expression tinyhtml5 2.1 builds itself (inputstream.HTMLInputStream.chars_until)."""
    regex = "".join([f"\\x{ord(character):02x}" for character in characters])
    if not opposite:
        regex = f"^{regex}"
    return re.compile(f"[{regex}]+")


@given(
    text=st.text(alphabet="ab<&\"'= \t\n\x00é", max_size=40),
    characters=st.frozensets(st.sampled_from("<&\"'= \t\n\x00a"), min_size=1),
    opposite=st.booleans(),
)
def test_the_mended_cache_scans_as_tinyhtml5_does(text: str, characters: frozenset[str], opposite: bool) -> None:
    ours = _CharacterRegexes()[(characters, opposite)]
    theirs = tinyhtml5_pattern(characters, opposite)
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]


def test_the_mended_cache_is_hit_and_parses_the_same_tree(monkeypatch) -> None:
    html = "<p class='a' id=b>Un &amp; deux<br><svg><title>t</title><rect width='1'/></svg></p>" * 50
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    before = tinyhtml5.parse(html, namespace_html_elements=False)
    mend_html_parser()
    cache = inputstream.characters_until_regex
    assert isinstance(cache, _CharacterRegexes)
    after = tinyhtml5.parse(html, namespace_html_elements=False)
    assert tree(after) == tree(before)
    keys = {k for k in cache if isinstance(k[0], frozenset)}
    # a handful of character sets, each built once: not one entry per call
    assert 0 < len(keys) < 20
    mend_html_parser()
    assert inputstream.characters_until_regex is cache


def tree(element: Any) -> list[tuple[str, dict[str, str], str | None, str | None]]:
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in element.iter()]
