"""Text that is not valid Unicode (a lone surrogate escaped in JSON, bytes not UTF-8 in a CSV cell) is read as
U+FFFD, counted per file and shown by `validate`: never a traceback, never a refused file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.load.formats import SCRAPERS, load_file
from ranking.load.tabular import decode
from tests.load.native_exports import context
from tests.load.test_scraper_fuzz import RECORDS, write_download
from tests.workspaces import person, workspace

TEXTS = ("Texte", "Salut")


def _with_lone_surrogate(records: list[dict[str, object]]) -> str:
    """The records as JSON, the first text of each cut inside a surrogate pair (`\\ud83c` left alone)."""
    text = json.dumps(records)
    for word in TEXTS:
        text = text.replace(f'"{word}', f'"\\ud83c{word}', 1)
    assert "\\ud83c" in text
    return text


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_a_lone_surrogate_is_read_as_the_replacement_character_and_counted(tmp_path: Path, name: str) -> None:
    path = tmp_path / "dataset.json"
    path.write_text(_with_lone_surrogate([RECORDS[name]]), encoding="utf-8")
    export = load_file(path, str(path), context(None))
    assert export.format.startswith(name)
    texts = export.posts.get_column("text").to_list()
    assert len(texts) == 1 and texts[0].startswith("\ufffd") and texts[0][1:].startswith(TEXTS)
    assert export.replaced == 1


def test_a_surrogate_pair_is_one_character_and_nothing_is_counted(tmp_path: Path) -> None:
    name = "brightdata-x-posts"
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps([RECORDS[name]]).replace('"Salut', '"\\ud83c\\udf89Salut'), encoding="utf-8")
    export = load_file(path, str(path), context(None))
    assert export.posts.item(0, "text") == "🎉Salut" and export.replaced == 0


def test_bytes_not_utf8_in_a_csv_cell_are_replaced_the_other_cells_kept(tmp_path: Path) -> None:
    name = "apify-linkedin-post (supreme_coder)"
    path = write_download(tmp_path / "dataset.csv", [{**RECORDS[name], "text": "Élan café XYZ"}])
    path.write_bytes(path.read_bytes().replace(b"XYZ", b"\xff\xfe!"))
    export = load_file(path, str(path), context(None))
    assert export.posts.item(0, "text") == "Élan café \ufffd\ufffd!"
    assert export.replaced == 2


def test_a_windows_1252_file_is_still_read_as_windows_1252() -> None:
    assert decode("Élan café".encode("cp1252")) == "Élan café"
    assert decode(b"caf\xc3\xa9 \xff") == "café \ufffd"


def test_validate_counts_the_replaced_characters_of_each_file(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True, x_handle="@ana_x")])
    name = "brightdata-x-posts"
    (root / "exports" / "ana").mkdir(parents=True)
    (root / "exports" / "ana" / "x.json").write_text(_with_lone_surrogate([RECORDS[name]]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "1 character not valid Unicode read as U+FFFD" in result.output
    assert "Traceback" not in result.output


def test_write_download_of_a_surrogate_sample_is_a_valid_fuzz_seed(tmp_path: Path) -> None:
    # the fuzz tests mutate samples with lone surrogates too: such a sample must load, not only raise
    fmt = next(f for f in SCRAPERS if f.name == "apify-tweet-scraper (apidojo)")
    path = tmp_path / "dataset.json"
    path.write_text(_with_lone_surrogate([RECORDS[fmt.name]]), encoding="utf-8")
    assert fmt.load(path, str(path), context(None)).posts.height == 1
    assert write_download(tmp_path / "again.json", [RECORDS[fmt.name]]).exists()
