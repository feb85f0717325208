"""Each measure beyond volume is declared once (ranking.score.catalogue): a measure added to the table reaches every
output, the methodology's table is the declaration's, and every declared measure has its labels."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from rich.console import Console

from ranking.explain import explain, render
from ranking.pipeline import write_tables
from ranking.render.environment import render as render_html
from ranking.report import i18n
from ranking.report.company import company_contexts
from ranking.report.leaderboard import leaderboard_context
from ranking.score import catalogue
from ranking.score.catalogue import Measure
from tests.workspaces import PERIOD, REPO, measures_workspace

#: A fictional measure: the mean influence of the own posts with a count (a number, shown with 1 decimal).
MEAN = Measure(
    "mean_influence",
    ("executives", "companies"),
    "the mean influence of the own posts with a count",
    digits=1,
    decimals=2,
    xlsx="0.00",
    places=frozenset({"bars", "method", "explain"}),
    short="mean",
    per_post=lambda _min_posts: pl.col("influence").cast(pl.Float64).mean(),
)
LABELS = {
    "xlsx.col.mean_influence": "Mean influence per post",
    "xlsx.col.percentile_mean_influence": "Percentile: mean influence",
    "measure.mean_influence": "Mean influence (fictional)",
    "method.beyond.mean_influence": "Mean influence (fictional)",
    "method.beyond.mean_influence.text": "The mean of the own posts' influence, for the test.",
}


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table with MEAN after median_influence, and its English labels."""
    at = [m.name for m in catalogue.MEASURES].index("median_influence") + 1
    monkeypatch.setattr(catalogue, "MEASURES", (*catalogue.MEASURES[:at], MEAN, *catalogue.MEASURES[at:]))
    for key, label in LABELS.items():
        monkeypatch.setitem(i18n.catalogue("en"), key, label)


def test_a_declared_measure_reaches_every_output(tmp_path: Path, pipeline, declared: None) -> None:
    root = measures_workspace(tmp_path)  # a workspace of its own: no computation of the session is reused
    data = pipeline(root)
    # the tables: after median_influence, its percentile after median_influence's; ana's month: 10, 30 and 4
    for table, frame in (("executives", data.executives), ("companies", data.companies)):
        appended = catalogue.columns(table)  # type: ignore[arg-type]
        assert frame.columns[-len(appended) :] == list(appended)
        assert appended.index("mean_influence") == appended.index("median_influence") + 1
        assert appended.index("percentile_mean_influence") == appended.index("percentile_median_influence") + 1
    ana = data.executives.filter((pl.col("scope") == "month") & (pl.col("executive_id") == "ana")).row(0, named=True)
    assert ana["mean_influence"] == round(44 / 3, 2) and ana["percentile_mean_influence"] is not None
    acme = data.companies.filter((pl.col("scope") == "month") & (pl.col("company") == "acme")).row(0, named=True)
    assert acme["mean_influence"] == round(56 / 5, 2)  # ana's three and bob's two

    folder = tmp_path / "out"
    folder.mkdir()
    write_tables(data, folder, "en")
    for name in ("executives.csv", "companies.csv"):
        with (folder / name).open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert "mean_influence" in header and "percentile_mean_influence" in header
    book = fastexcel.read_excel(str(folder / "ranking.xlsx"))
    for sheet in ("Teams", "Executives", "CEOs"):
        headers = book.load_sheet_by_name(sheet).to_polars().columns
        assert "Mean influence per post" in headers and "Percentile: mean influence" in headers
    with zipfile.ZipFile(folder / "ranking.xlsx") as archive:
        assert 'formatCode="0.00"' in archive.read("xl/styles.xml").decode()  # its declared number format

    # the company report: a bar of the team and of each executive, printed with 1 decimal
    context = next(c for c in company_contexts(data.report, "en") if c.company == "acme")
    team = {s.measure: s for s in context.beyond.team.measures}
    assert team["mean_influence"].value == round(56 / 5, 2) and team["mean_influence"].digits == 1
    assert "mean_influence" in context.beyond.columns
    assert all("mean_influence" in [s.measure for s in e.measures] for e in context.beyond.executives)
    html = render_html("company.html", context, "en")
    assert '<tr data-id="mean_influence"><td>Mean influence (fictional)</td><td class="num strong">11.2</td>' in html
    assert html.count('<th scope="col" class="idx">Mean influence (fictional)</th>') == 1

    # the leaderboard's methodology page defines it
    board = leaderboard_context(data.report, "en")
    assert "mean_influence" in board.beyond.methods
    assert "<dt>Mean influence (fictional)</dt>" in render_html("leaderboard.html", board, "en")

    # ranking explain: a column and its percentile, printed with 1 decimal
    console = Console(width=250, record=True)
    console.print(*render(explain(root, PERIOD, "ana")))
    text = console.export_text()
    beyond = text[text.index("Beyond volume") :]
    heads = [h.strip() for h in beyond.splitlines()[2].split("┃")[1:-1]]
    assert heads[heads.index("median") + 2 : heads.index("median") + 4] == ["mean", "pct"]
    month = next(line for line in beyond.splitlines() if line.startswith("│ month"))
    assert [c.strip() for c in month.split("│")[1:-1]][heads.index("mean")] == "14.67"

    # the methodology's table
    assert re.search(r"^\| `mean_influence` \| executives, companies \| the mean influence", catalogue.markdown(), re.M)


def test_the_methodology_table_is_up_to_date() -> None:
    written = (REPO / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert catalogue.with_markdown(written) == written, "run: python -m ranking.score.catalogue docs/methodology.md"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_declared_measure_has_its_labels(lang: str) -> None:
    missing = [k for m in catalogue.MEASURES for k in m.label_keys if not i18n.Translator(lang).has(k)]
    assert not missing


def test_the_tables_columns_follow_the_declaration() -> None:
    assert catalogue.columns("companies")[:2] == ("share_of_voice", "measured_posts")
    assert "percentile_influence_score" in catalogue.columns("executives")
    assert "share_of_voice" not in catalogue.columns("executives")  # a team's only
    assert "percentile_measured_posts" not in catalogue.columns("companies")  # declared without a percentile
    assert set(catalogue.formats()) >= set(catalogue.columns("executives")) | set(catalogue.columns("companies"))
