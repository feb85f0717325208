"""Every word in the reader's language: the demo's documents in English hold no French label of the catalogues,
the French ones no English label (the text of every PDF, and the web page)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from ranking.cli import cli
from ranking.report.i18n import catalogue_path
from tests.workspaces import DEMO, PERIOD


def texts(lang: str) -> list[str]:
    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    return [s for m in catalog if m.id for s in (m.string if isinstance(m.string, (list, tuple)) else [m.string])]


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").replace("\u00ad", "").split())


def telling(own: list[str], other: list[str]) -> set[str]:
    """The pieces of a language's labels (between placeholders) of three words or more that no label of the other
    language holds: finding one in a document means a label of the wrong language."""
    others = " ".join(flat(t) for t in other)
    pieces = {flat(p).strip(" .,:;()«»“”—–-·#") for t in own for p in re.split(r"%\(\w+\)s|%%", t)}
    return {p for p in pieces if len(p.split()) >= 3 and p not in others}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str]]]:
    """The text of every document `ranking run` writes for the demo, in each language: (file, text)."""
    out = {}
    for lang in ("fr", "en"):
        folder = tmp_path_factory.mktemp(f"demo-{lang}")
        result = CliRunner().invoke(
            cli, ["run", "--workspace", str(DEMO), "--period", str(PERIOD), "--out", str(folder), "--lang", lang, "-q"]
        )
        assert result.exit_code == 0, result.output
        month = folder / str(PERIOD)
        found = [
            (pdf.name, flat(" ".join(p.extract_text() for p in PdfReader(pdf).pages)))
            for pdf in sorted(month.rglob("*.pdf"))
        ]
        page = re.sub(
            r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", (month / "leaderboard.html").read_text(), flags=re.S
        )
        out[lang] = [*found, ("leaderboard.html", flat(page.replace("&#39;", "'").replace("&amp;", "&")))]
    return out


@pytest.mark.parametrize(("lang", "other"), [("en", "fr"), ("fr", "en")])
def test_no_label_of_the_other_language_in_any_document(documents, lang: str, other: str) -> None:
    wrong = telling(texts(other), texts(lang))
    right = telling(texts(lang), texts(other))
    assert len(wrong) > 100
    docs = documents[lang]
    assert len(docs) >= 20 and any(name == "leaderboard.pdf" for name, _ in docs)
    # the check can see: each document holds labels of its own language
    for name, text in docs:
        assert any(p in text for p in right), f"{lang} {name}: no label of its own language found"
        found = sorted(p for p in wrong if p in text)
        assert not found, f"{lang} {name} holds {other} labels: {found[:5]}"
