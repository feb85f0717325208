"""ranking.xlsx: the tables of both scopes, text cells that stay text, labels in the run's language."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from ranking.outputs.workbook import write_workbook
from ranking.score.ranks import COMPANY_COLUMNS, EXECUTIVE_COLUMNS
from tests.workspaces import PERIOD, measures_workspace, small_workspace


def test_xlsx_tables_read_back_with_formulas_stored_as_text(tmp_path: Path, pipeline) -> None:
    scores = pipeline(small_workspace(tmp_path)).scores
    target = tmp_path / "ranking.xlsx"
    write_workbook(scores, target, "en", PERIOD)
    book = fastexcel.read_excel(str(target))
    assert book.sheet_names == ["Teams", "Executives", "CEOs"]
    executives = book.load_sheet_by_name("Executives").to_polars()
    assert executives.height == 2 * 3 and executives.columns[:3] == ["Period", "Rank", "Id"]
    assert executives.get_column("Period").to_list()[:3] == ["Year to date"] * 3
    names = executives.get_column("Name").to_list()
    assert '=HYPERLINK("http://evil","x")' in names and "@Cleo" in names
    assert "+33 1 23" in executives.get_column("Role").to_list()
    teams = book.load_sheet_by_name("Teams").to_polars()
    assert teams.height == 2 * 2 and teams.get_column("Team score").dtype == pl.Float64
    ceos = book.load_sheet_by_name("CEOs").to_polars()
    assert sorted(ceos.get_column("Id").to_list()) == ["ana", "ana", "cleo", "cleo"]
    with zipfile.ZipFile(target) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        styles = archive.read("xl/styles.xml").decode()
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    assert 'quotePrefix="1"' in styles


def test_xlsx_labels_follow_the_language(tmp_path: Path, pipeline) -> None:
    scores = pipeline(small_workspace(tmp_path)).scores
    write_workbook(scores, tmp_path / "fr.xlsx", "fr", PERIOD)
    book = fastexcel.read_excel(str(tmp_path / "fr.xlsx"))
    assert book.sheet_names == ["Équipes", "Dirigeants", "PDG"]
    frame = book.load_sheet_by_name("Équipes").to_polars()
    assert frame.columns[:4] == ["Période", "Rang", "Entreprise (id)", "Nom"]
    assert re.fullmatch(r"Cumul depuis janvier", frame.get_column("Période")[0])


def test_xlsx_measures_come_after_the_contract_columns(tmp_path: Path, pipeline) -> None:
    data = pipeline(measures_workspace(tmp_path))
    target = tmp_path / "ranking.xlsx"
    write_workbook(data.scores, target, "en", PERIOD, data.measured)
    book = fastexcel.read_excel(str(target))
    teams = book.load_sheet_by_name("Teams").to_polars()
    assert teams.columns[: len(COMPANY_COLUMNS)][:3] == ["Period", "Rank", "Company (id)"]
    assert teams.columns[len(COMPANY_COLUMNS) :][:3] == [
        "Share of voice",
        "Own posts with a count",
        "Median influence per post",
    ]
    acme = teams.filter((pl.col("Company (id)") == "acme") & (pl.col("Period") == "The month")).row(0, named=True)
    assert acme["Engagement rate"] == round(35 / 1500, 6) and acme["Median influence per post"] == 6.0
    executives = book.load_sheet_by_name("Executives").to_polars()
    assert executives.columns[len(EXECUTIVE_COLUMNS)] == "Own posts with a count"
    bob = executives.filter(pl.col("Id") == "bob").row(0, named=True)
    assert bob["Median influence per post"] is None  # under the minimum: an empty cell, not 0
