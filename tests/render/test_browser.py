"""`leaderboard.html` in a real browser, offline: headless Chromium sorts a column and filters a name (the state
given in the address's #hash goes through the same code as a click on a header or typing in the search box), the
page without JavaScript is the static tables, and screenshots at phone and desktop widths come out at their sizes."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import polars as pl
import pytest
import tinyhtml5

from ranking.pipeline import RunData
from ranking.render.web import write_leaderboard_page
from ranking.report.i18n import Translator
from ranking.report.leaderboard import leaderboard_context
from ranking.score.ranks import table
from tests.render import browser

NS = "{http://www.w3.org/1999/xhtml}"

pytestmark = pytest.mark.skipif(
    browser.chromium() is None, reason="chromium is not installed (.ci/system-deps --browser)"
)


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, demo_data: RunData
) -> tuple[dict[str, Path], pl.DataFrame, pl.DataFrame]:
    """The demo's page in both languages, and the companies and executives tables (as in the CSV files)."""
    scores, data = demo_data.scores, demo_data.report
    out = tmp_path_factory.mktemp("browser")
    pages = {}
    for lang in ("fr", "en"):
        pages[lang] = out / f"leaderboard-{lang}.html"
        write_leaderboard_page(leaderboard_context(data, lang), pages[lang])
    return pages, table(scores, "companies"), table(scores, "executives")


def tree(html: str):
    return tinyhtml5.parse(html)


def by_id(document, element_id: str):
    return next(e for e in document.iter() if e.get("id") == element_id)


def shown_ids(document, table_id: str) -> list[str]:
    """The data-id of the rows a reader sees, in the order shown."""
    body = by_id(document, table_id).find(f"{NS}tbody")
    return [tr.get("data-id") for tr in body.iter(f"{NS}tr") if tr.get("hidden") is None]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def test_the_script_runs_offline_and_makes_every_header_a_sort_button(demo) -> None:
    pages, _, _ = demo
    document = tree(browser.dom(pages["fr"]))
    body = document.find(f"{NS}body")
    assert body.get("data-ready") == "true"
    assert by_id(document, "search").get("hidden") is None
    tables = [t for t in document.iter(f"{NS}table") if "ranking" in t.get("class", "").split()]
    assert len(tables) == 6
    for table_ in tables:
        for th in table_.iter(f"{NS}th"):
            assert th.find(f"{NS}button") is not None and th.get("aria-sort") == "none"


def test_sorting_a_column_reorders_the_rows_by_its_figures(demo) -> None:
    pages, companies, _ = demo
    # Column 3 of the team table is the team score; ascending, ties in ranking order.
    document = tree(browser.dom(pages["en"], "sort=teams-ytd.3.asc"))
    ytd = companies.filter(pl.col("scope") == "ytd").with_row_index("order")
    expected = ytd.sort(["team_score", "order"]).get_column("company").to_list()
    assert shown_ids(document, "teams-ytd") == expected
    assert expected != ytd.get_column("company").to_list()
    heads = list(by_id(document, "teams-ytd").iter(f"{NS}th"))
    assert [th.get("aria-sort") for th in heads].count("none") == len(heads) - 1
    assert heads[3].get("aria-sort") == "ascending"
    # Other tables keep their order.
    month = companies.filter(pl.col("scope") == "month").get_column("company").to_list()
    assert shown_ids(document, "teams-month") == month


def test_sorting_by_name_follows_the_language_alphabet(demo) -> None:
    pages, _, executives = demo
    document = tree(browser.dom(pages["fr"], "sort=executives-ytd.2.desc"))
    shown = shown_ids(document, "executives-ytd")
    names = dict(executives.filter(pl.col("scope") == "ytd").select("executive_id", "name").iter_rows())
    assert len(shown) == 25
    assert [fold(names[i]) for i in shown] == sorted((fold(names[i]) for i in shown), reverse=True)


def test_the_search_box_filters_the_rows_by_name(demo) -> None:
    pages, _, executives = demo
    document = tree(browser.dom(pages["fr"], "q=isomedica"))  # no accent typed: Isomédica matches
    for scope in ("ytd", "month"):
        assert shown_ids(document, f"teams-{scope}") == ["isomedica"]
    team = executives.filter((pl.col("scope") == "ytd") & (pl.col("company") == "isomedica"))
    shown = shown_ids(document, "executives-ytd")
    assert shown and set(shown) <= set(team.get_column("executive_id").to_list())
    matches = "".join(by_id(document, "matches").itertext())
    total = sum(len(shown_ids(document, t.get("id"))) for t in document.iter(f"{NS}table") if t.get("id"))
    # the plural form of the page's language (French: 0 and 1 singular), from the catalogue
    assert total > 1 and matches == f"{total} lignes correspondent."
    for lang, expected in (("fr", "1 ligne correspond."), ("en", "1 row matches.")):
        one = tree(browser.dom(pages[lang], "q=garnerin"))  # the name of one row only (in the demo)
        assert sum(len(shown_ids(one, t.get("id"))) for t in one.iter(f"{NS}table") if t.get("id")) == 1
        assert "".join(by_id(one, "matches").itertext()) == expected
    nothing = tree(browser.dom(pages["en"], "q=nobody%20here"))
    assert shown_ids(nothing, "teams-ytd") == [] and "".join(by_id(nothing, "matches").itertext()) == "No name matches."


def printed_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return " ".join(done.stdout.split())


def test_without_javascript_the_page_is_the_static_tables(demo, tmp_path: Path) -> None:
    pages, companies, _ = demo
    static = browser.without_scripts(pages["en"], tmp_path / "static.html")
    document = tree(browser.dom(static, "sort=teams-ytd.3.asc&q=iso"))
    assert document.find(f"{NS}body").get("data-ready") is None
    assert by_id(document, "search").get("hidden") is not None  # a search that cannot work is not shown
    ytd = companies.filter(pl.col("scope") == "ytd").get_column("company").to_list()
    assert shown_ids(document, "teams-ytd") == ytd and len(ytd) == 21
    assert not list(by_id(document, "teams-ytd").iter(f"{NS}button"))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (.ci/system-deps)")
@pytest.mark.parametrize("javascript", [False, True])
def test_the_page_prints_its_tables_with_or_without_javascript(demo, tmp_path: Path, javascript: bool) -> None:
    """Printed, the page drops the search and the navigation, and keeps every table in ranking order."""
    pages, companies, _ = demo
    page = pages["en"] if javascript else browser.without_scripts(pages["en"], tmp_path / "static.html")
    text = printed_text(browser.printed(page, tmp_path / "page.pdf"))
    assert "Search a name" not in text and "Click a column" not in text
    ytd = text.split("Team ranking — year to date", 1)[1].split("Team ranking — the month", 1)[0]
    # A team's first word: a long name may wrap in its cell.
    firsts = [name.split()[0] for name in companies.filter(pl.col("scope") == "ytd").get_column("name")]
    at = [ytd.find(word) for word in firsts]
    assert -1 not in at and at == sorted(at), "the teams in ranking order"
    assert "Most influential executives" in text and "CEO ranking" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("width", "height"), [(390, 1500), (1280, 1100)])
def test_screenshots_at_phone_and_desktop_widths(demo, tmp_path: Path, lang: str, width: int, height: int) -> None:
    pages, _, _ = demo
    shot = browser.screenshot(pages[lang], tmp_path / f"{lang}-{width}.png", width, height)
    assert browser.png_size(shot) == (width, height)
    assert shot.stat().st_size > 20_000  # drawn, not blank


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_on_a_phone_every_row_shows_rank_name_and_score_on_even_lines(demo, lang: str) -> None:
    """390 pixels wide: the page never scrolls sideways (a table scrolls in its own box), the rows of a table are
    all of one height, and the first four columns, rank, movement, name and score, show before the table scrolls."""
    pages, _, _ = demo
    found = browser.layout(pages[lang], 390)
    assert found["width"] == 390 and found["page_width"] <= 390
    document = tree(pages[lang].read_text(encoding="utf-8"))
    assert set(found["rows"]) == {
        f"{kind}-{scope}" for kind in ("teams", "ceos", "executives") for scope in ("ytd", "month")
    }
    for table_id, heights in found["rows"].items():
        assert heights and max(heights) - min(heights) <= 1, (table_id, sorted(set(heights)))
        assert max(heights) < 60, table_id  # one or two lines
        heads = ["".join(th.itertext()).strip() for th in by_id(document, table_id).iter(f"{NS}th")]
        assert heads[0] == "#" and heads[3] in {Translator(lang)("col.score"), Translator(lang)("col.team_score")}
        assert len(found["visible"][table_id]) >= 4, (table_id, found["visible"][table_id])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_on_a_desktop_nothing_is_cut_short(demo, lang: str) -> None:
    pages, _, _ = demo
    found = browser.layout(pages[lang], 1280)
    assert found["width"] == 1280 and found["page_width"] <= 1280
    assert found["cut"] == []  # every trend card's title whole ("Elvora Thérapeutique", not "Elvora Thérapeutiq…")
    document = tree(pages[lang].read_text(encoding="utf-8"))
    for table_id in ("teams-ytd", "teams-month"):  # the team tables whole, without scrolling
        assert len(found["visible"][table_id]) == len(list(by_id(document, table_id).iter(f"{NS}th")))
