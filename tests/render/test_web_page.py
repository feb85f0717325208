"""`leaderboard.html`: one self-contained page written by the run, with the figures of companies.csv and
executives.csv, in the run's language, third-party text escaped as in the PDFs, and nothing of the watchlist."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import tinyhtml5

from ranking.period import Period
from ranking.pipeline import run
from ranking.render.environment import render
from ranking.render.web import leaderboard_page
from ranking.report.leaderboard import leaderboard_context
from tests.render.test_documents import INJECTIONS, injected
from tests.workspaces import REPO

PERIOD = Period(2021, 10)
NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(REPO / "fixtures" / "demo", PERIOD, tmp_path_factory.mktemp("web"), lang="en", jobs=2).folder


def rows_of(tree, table_id: str) -> list[dict[str, str]]:
    """The rows of a table of the page: data-id, and each cell's sort value (data-v) or text, by column header."""
    table = next(t for t in tree.iter(f"{NS}table") if t.get("id") == table_id)
    heads = [" ".join("".join(th.itertext()).split()) for th in table.iter(f"{NS}th")]
    out = []
    for tr in table.find(f"{NS}tbody").iter(f"{NS}tr"):
        cells = [td.get("data-v", " ".join("".join(td.itertext()).split())) for td in tr.iter(f"{NS}td")]
        out.append({"id": tr.get("data-id"), **dict(zip(heads, cells, strict=True))})
    return out


def test_the_run_writes_the_page_and_lists_it(demo_run: Path) -> None:
    page = demo_run / "leaderboard.html"
    assert page.is_file()
    assert "leaderboard.html" in json.loads((demo_run / "manifest.json").read_text())["outputs"]
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "Team ranking — year to date" in html and "Classement des équipes" not in html


def test_the_page_has_the_figures_of_the_csv_tables_in_their_order(demo_run: Path) -> None:
    tree = tinyhtml5.parse((demo_run / "leaderboard.html").read_text(encoding="utf-8"))
    companies = list(csv.DictReader((demo_run / "companies.csv").open(encoding="utf-8")))
    executives = list(csv.DictReader((demo_run / "executives.csv").open(encoding="utf-8")))
    for scope in ("ytd", "month"):
        wanted = [r for r in companies if r["scope"] == scope]
        shown = rows_of(tree, f"teams-{scope}")
        assert [r["id"] for r in shown] == [r["company"] for r in wanted][: len(shown)] and len(shown) == 21
        for page_row, csv_row in zip(shown, wanted, strict=False):
            assert int(page_row["#"]) == int(csv_row["rank"])
            assert float(page_row["Team score"]) == float(csv_row["team_score"])
            assert float(page_row["Index"]) == pytest.approx(float(csv_row["index"]))
            assert page_row["Move"] == csv_row["rank_change"]  # empty for a new entry, as in the CSV
            assert float(page_row["Top contributor"] or 0) == pytest.approx(
                float(csv_row["top_contributor_share"]), abs=5e-4
            )
        people = [r for r in executives if r["scope"] == scope]
        shown = rows_of(tree, f"executives-{scope}")
        assert [r["id"] for r in shown] == [r["executive_id"] for r in people][: len(shown)]
        for page_row, csv_row in zip(shown, people, strict=False):
            for column, field in (("Posts", "posts"), ("Reactions", "reactions"), ("Comments", "comments"),
                                  ("Shares", "shares"), ("Score", "influence_score")):  # fmt: skip
                assert float(page_row[column]) == float(csv_row[field]), (column, csv_row["executive_id"])
        ceos = [r["executive_id"] for r in people if r["is_ceo"] == "true"]
        assert [r["id"] for r in rows_of(tree, f"ceos-{scope}")] == ceos[: len(rows_of(tree, f"ceos-{scope}"))]


def test_the_page_asks_nothing_of_any_host_or_file(demo_run: Path) -> None:
    html = (demo_run / "leaderboard.html").read_text(encoding="utf-8")
    tree = tinyhtml5.parse(html)
    for element in tree.iter():
        for attribute in ("src", "href", "action", "poster", "srcset"):
            value = element.get(attribute)
            assert value is None or value.startswith(("#", "data:")), (element.tag, attribute, value)
    assert not list(tree.iter(f"{NS}link")) and "@import" not in html and "url(" not in html
    policy = next(m for m in tree.iter(f"{NS}meta") if m.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy.get("content")
    assert all(s.get("src") is None for s in tree.iter(f"{NS}script"))


def test_third_party_text_is_escaped_as_in_the_pdf_and_the_logo_inlined(tmp_path: Path, pipeline) -> None:
    root = injected(tmp_path / "ws", '[report]\nlogo = "logo.svg"\n')
    (root / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 1"><rect width="4" height="1"/></svg>'
    )
    data = pipeline(root, PERIOD).report
    context = leaderboard_context(data, "fr")
    page, pdf_html = leaderboard_page(context, data.logo), render("leaderboard.html", context, "fr")
    name = '<img src="file:///etc/hostname">'
    escaped = "&lt;img src=&#34;file:///etc/hostname&#34;&gt;"
    assert escaped in pdf_html and escaped in page and name not in page
    assert "<style>*{display:none}</style>" not in page and "&lt;style&gt;*{display:none}&lt;/style&gt;" in page
    assert all(injection not in page for injection in INJECTIONS)
    assert 'src="data:image/svg+xml;base64,' in page and 'src="file:' not in page
    tree = tinyhtml5.parse(page)
    cells = [" ".join("".join(td.itertext()).split()) for td in tree.iter(f"{NS}td")]
    assert any(cell.startswith(name) for cell in cells)  # shown as the text it is


def test_no_watchlist_content_reaches_the_page(demo_run: Path) -> None:
    html = (demo_run / "leaderboard.html").read_text(encoding="utf-8").lower()
    settings = (REPO / "fixtures" / "demo" / "ranking.toml").read_text(encoding="utf-8")
    terms = re.findall(r'"([^"]+)"', settings.split("watchlist", 1)[1].split("]", 1)[0])
    assert terms and all(term.lower() not in html for term in terms)
    assert "compliance" not in html and "watchlist" not in html


def test_the_page_is_the_same_for_the_same_context(demo_run: Path, tmp_path: Path, demo_data) -> None:
    data = demo_data.report
    assert leaderboard_page(leaderboard_context(data, "en")) == (demo_run / "leaderboard.html").read_text("utf-8")
