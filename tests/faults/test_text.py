"""Issue 14: third-party text stays inside its field (bidi controls, control characters, NUL), CSV readers take
U+2028 / U+0085 inside fields as characters, a UTF-16 roster is read; public documents name files relative to
the workspace and summarise the exports (the full list is in the manifest)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ranking.period import Period
from ranking.render.environment import render
from ranking.report.leaderboard import leaderboard_context
from ranking.text.safe import BIDI_CONTROLS, FSI, PDI, isolate, without_controls
from tests.faults.common import invoke, run_args, small_workspace
from tests.workspaces import POST_FIELDS, ROSTER_FIELDS, person, post, write_csv

RLO = "\u202e"


def named(root: Path, acme: str, ana: str = "Ana") -> Path:
    write_csv(
        root / "companies.csv",
        ["company", "name"],
        [{"company": "acme", "name": acme}, {"company": "beta", "name": "Beta"}],
    )
    write_csv(
        root / "roster.csv", ROSTER_FIELDS, [person("ana", "acme", ceo=True, name=ana), person("bob", "beta", ceo=True)]
    )
    return root


def test_an_unclosed_right_to_left_override_cannot_escape_its_field(tmp_path: Path, pipeline) -> None:
    root = named(small_workspace(tmp_path / "ws"), f"Acme {RLO}evil")
    html = render("leaderboard.html", leaderboard_context(pipeline(root, Period(2021, 10)).report, "en"), "en")
    assert RLO not in html
    assert f"{FSI}Acme evil{PDI}" in html
    code, output = invoke("run", "-w", root, "-p", "2021-10", "-o", tmp_path / "out", "--jobs", "1")
    assert code == 0, output
    assert RLO not in output and "Acme evil" in output  # the terminal's summary too
    pdf = PdfReader(tmp_path / "out" / "2021-10" / "leaderboard.pdf")
    assert all(RLO not in (page.extract_text() or "") for page in pdf.pages)


def test_validate_prints_names_and_file_names_without_their_bidi_controls(tmp_path: Path) -> None:
    root = named(small_workspace(tmp_path / "ws"), "Acme", ana=f"Ana {RLO}Lopez")
    evil = root / "exports" / "ana" / f"posts{RLO}vsc.csv"
    write_csv(evil, POST_FIELDS, [post("9", "ana", "2021-10-05T10:00:00Z", reactions=1)])
    _code, output = invoke("validate", "-w", root)
    assert RLO not in output, output
    assert "Ana Lopez" in output and "postsvsc.csv" in output  # still named, only the control is gone


@given(st.text(max_size=30))
def test_isolated_text_holds_no_explicit_bidi_control_but_its_own_isolate(text: str) -> None:
    isolated = isolate(text)
    inner = isolated[1:-1] if isolated.startswith(FSI) and isolated.endswith(PDI) and isolated != text else isolated
    assert not any(c in BIDI_CONTROLS for c in inner)
    if not any(c in BIDI_CONTROLS for c in text) and text.isascii():
        assert isolated == text  # ordinary text is left alone: the PDFs stay byte for byte the same


def test_nul_and_control_characters_never_reach_csv_or_xlsx(tmp_path: Path) -> None:
    root = named(small_workspace(tmp_path / "ws"), "Ac\x00me\x07", ana="An\x00a\x1b[31m")
    rows = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=3, text="hello\x00 world\x0b!")]
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, rows)
    code, output = invoke(*run_args(root, tmp_path / "out"))
    assert code == 0, output
    folder = tmp_path / "out" / "2021-10"
    for name in ("executives.csv", "companies.csv", "posts.csv"):
        text = (folder / name).read_text()
        assert not any(c in text for c in "\x00\x07\x0b\x1b"), name
    assert ",Acme," in (folder / "companies.csv").read_text() and ",Ana[31m," in (folder / "executives.csv").read_text()
    with zipfile.ZipFile(folder / "ranking.xlsx") as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert "_x0000_" not in xml and "\x00" not in xml and "_x0007_" not in xml and "Acme" in xml


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1e"])
def test_a_csv_field_may_hold_any_unicode_line_separator(tmp_path: Path, separator: str) -> None:
    root = small_workspace(tmp_path / "ws")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, POST_FIELDS, restval="")  # what Python's csv module (and pandas) write
    writer.writeheader()
    writer.writerow(post("1", "ana", "2021-10-05T10:00:00Z", reactions=3, text=f"one{separator}two"))
    writer.writerow(post("2", "bob", "2021-10-06T10:00:00Z", reactions=1, text=f"unquoted{separator}too"))
    (root / "exports" / "posts.csv").write_text(buffer.getvalue())
    code, output = invoke("validate", "-w", root)
    assert code == 0, output
    assert "2 posts" in output


def test_a_utf16_roster_with_bom_is_read(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    text = (root / "roster.csv").read_text().replace(",", "\t")  # Excel's "Unicode text": UTF-16LE, tabs
    (root / "roster.csv").write_bytes(b"\xff\xfe" + text.replace("Ana", "Ana Lœw").encode("utf-16-le"))
    code, output = invoke("validate", "-w", root)
    assert code == 0, output
    assert "ana (Ana Lœw)" in output


def test_public_documents_name_files_relative_to_the_workspace(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "deep" / "secret-server-layout" / "ws")
    code, output = invoke(*run_args(root.resolve(), tmp_path / "out"))  # an absolute -w
    assert code == 0, output
    folder = tmp_path / "out" / "2021-10"
    for pdf in [folder / "leaderboard.pdf", *sorted((folder / "companies").glob("*.pdf"))]:
        text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        assert "secret-server-layout" not in text.replace("\n", ""), pdf.name
        assert str(tmp_path) not in pdf.read_bytes().decode("latin-1"), pdf.name


def test_the_data_quality_page_summarises_many_exports_the_manifest_lists_them(tmp_path: Path, pipeline) -> None:
    root = small_workspace(tmp_path / "ws")
    for i in range(60):
        write_csv(
            root / "exports" / "ana" / f"p{i:02d}.csv",
            POST_FIELDS,
            [post(f"9{i:02d}", "ana", "2021-10-07T10:00:00Z", 1)],
        )
    data = pipeline(root, Period(2021, 10)).report
    html = render("leaderboard.html", leaderboard_context(data, "en"), "en")
    assert "p00.csv" not in html and "p59.csv" not in html  # no line per file...
    assert "Contract-format posts, CSV" in html and ">61<" in html  # ...but the count per format
    code, output = invoke(*run_args(root, tmp_path / "out"))
    assert code == 0, output
    manifest = json.loads((tmp_path / "out" / "2021-10" / "manifest.json").read_text())
    assert sum(1 for i in manifest["inputs"] if i["path"].endswith(".csv") and "/exports/" in i["path"]) == 61


def test_without_controls_keeps_tabs_and_line_breaks() -> None:
    assert without_controls("a\tb\nc\r\x00d\x1f\x7f\x85") == "a\tb\nc\rd"
