"""Tagged, accessible PDFs (PDF/UA-1): every PDF of a run is tagged; its structure tree holds the document's language
and title, the headings in the order of the document, table header cells tied to their data cells, and a text
alternative stating the figures of every chart."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from ranking.period import Period
from ranking.pipeline import RunData, run
from ranking.render.environment import render
from ranking.render.pdf import write_pdf
from ranking.report.company import company_contexts
from ranking.report.i18n import Translator
from ranking.report.leaderboard import leaderboard_context
from tests.workspaces import person, post, workspace

PERIOD = Period(2021, 10)


def elements(reader: PdfReader) -> Iterator[DictionaryObject]:
    """The structure elements of a tagged PDF, depth first (the logical reading order)."""

    def walk(node: DictionaryObject) -> Iterator[DictionaryObject]:
        yield node
        kids = node.get("/K")
        kids = [] if kids is None else kids.get_object()
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject | DictionaryObject) and "/S" in kid.get_object():
                yield from walk(kid.get_object())

    root = reader.trailer["/Root"]["/StructTreeRoot"]
    for top in root["/K"]:
        yield from walk(top.get_object())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, demo_data: RunData) -> dict[str, tuple[str, Path]]:
    """The demo's leaderboard in English and one company report in French: their HTML and PDF."""
    data = demo_data.report
    out = tmp_path_factory.mktemp("tagged")
    company = next(c for c in company_contexts(data, "fr") if c.company == "isomedica")
    documents = {
        "leaderboard": ("leaderboard.html", leaderboard_context(data, "en"), "en"),
        "company": ("company.html", company, "fr"),
    }
    result = {}
    for key, (template, context, lang) in documents.items():
        html = render(template, context, lang)
        write_pdf(html, out / f"{key}.pdf")
        result[key] = (html, out / f"{key}.pdf")
    return result


@pytest.mark.parametrize(("key", "lang"), [("leaderboard", "en"), ("company", "fr")])
def test_language_title_and_pdf_ua_identification(rendered, key: str, lang: str) -> None:
    html, pdf = rendered[key]
    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == lang
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    title = re.search(r"<title>(.*?)</title>", html).group(1)  # type: ignore[union-attr]
    assert reader.metadata is not None and reader.metadata.title == title.replace("&#39;", "'") and "2021" in title
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()


@pytest.mark.parametrize("key", ["leaderboard", "company"])
def test_headings_follow_the_document_order(rendered, key: str) -> None:
    html, pdf = rendered[key]
    in_html = [f"/H{level}" for level in re.findall(r"<h([1-6])[\s>]", html)]
    in_pdf = [str(e["/S"]) for e in elements(PdfReader(pdf)) if re.fullmatch(r"/H[1-6]", str(e["/S"]))]
    assert in_pdf == in_html and in_pdf[0] == "/H1"


@pytest.mark.parametrize("key", ["leaderboard", "company"])
def test_every_header_cell_is_tied_to_the_data_cells_below_it(rendered, key: str) -> None:
    html, pdf = rendered[key]
    headers = re.findall(r"<th\b[^>]*>", html)
    assert headers and all('scope="col"' in th for th in headers)
    found = list(elements(PdfReader(pdf)))
    ths = [e for e in found if e["/S"] == "/TH"]
    # A header row repeated at the top of a page break is laid out (and tagged) once more.
    assert len(ths) >= len(headers)
    ids = {str(th["/ID"]) for th in ths}
    tds = [e for e in found if e["/S"] == "/TD"]
    with_headers = [td for td in tds if td["/A"].get("/Headers")]
    assert len(with_headers) > len(tds) / 2, "the ranking tables' cells name their column headers"
    assert all(str(h) in ids for td in with_headers for h in td["/A"]["/Headers"])


def test_every_chart_states_its_figures(rendered) -> None:
    figures = {
        key: [str(e["/Alt"]) if "/Alt" in e else None for e in elements(PdfReader(pdf)) if e["/S"] == "/Figure"]
        for key, (_html, pdf) in rendered.items()
    }
    for key, alts in figures.items():
        html = rendered[key][0]
        assert len(alts) == html.count('role="img"'), key  # every <svg> chart and key, the logo aside
        assert all(alts), f"{key}: a figure without a text alternative"
    board = figures["leaderboard"]
    assert "Index 100" in board  # the leading team's bar (no pointless decimal)
    assert any(re.fullmatch(r"Score made on LinkedIn: \d+%, on X: \d+%", a) for a in board)
    assert any(a.startswith("Share of the posts by tone: Company relays") for a in board)
    company = figures["company"]
    fr = Translator("fr")
    trend = next(a for a in company if a.startswith("Isomédica, score d'équipe par mois :"))
    context_values = re.findall(r"(janv\.|févr\.|oct\.) ([\d\u202f\xa0 ]+)", trend)
    assert [m for m, _ in context_values] == ["janv.", "févr.", "oct."]
    assert trend.endswith(f"oct. {fr.number(4948)}")  # the month's team score, the accent bar of the chart
    assert any(a.startswith("Indice ") and "," in a for a in company)  # French decimals


def test_every_pdf_of_a_run_is_tagged_and_byte_identical_when_rendered_again(tmp_path: Path) -> None:
    people = [person("ana", "acme", ceo=True, name="Ana Lopez"), person("cleo", "beta", ceo=True, name="Cléo")]
    posts = [
        post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1),
        post("2", "cleo", "2021-10-07T10:00:00Z", reactions=3, platform="x"),
    ]
    root = workspace(tmp_path / "ws", people, posts)
    first = run(root, PERIOD, tmp_path / "a", lang="fr", jobs=1).folder
    second = run(root, PERIOD, tmp_path / "b", lang="fr", jobs=2).folder
    pdfs = sorted(first.rglob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        assert PdfReader(pdf).trailer["/Root"]["/MarkInfo"]["/Marked"]
        assert pdf.read_bytes() == (second / pdf.relative_to(first)).read_bytes(), pdf.name
        if shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
            assert re.search(r"^Tagged:\s+yes$", info, re.M), pdf.name
