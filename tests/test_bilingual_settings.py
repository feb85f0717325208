"""Every text of the settings a reader sees (report.title, subtitle, sector, publisher) in each language:
`{ fr = "…", en = "…" }` prints the document's own; a plain string still works, with a warning when a run asks for
the language it is not in."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ranking.cli import cli
from ranking.errors import InputError
from ranking.settings import Text, load_settings
from ranking.settings.checks import untranslated
from tests.workspaces import person, post, workspace

BOTH = """[report]
lang = "fr"
title = { fr = "Classement des dirigeants", en = "Executives' ranking" }
subtitle = { fr = "Édition d'essai", en = "Trial edition" }
sector = { fr = "Industrie du test", en = "Testing industry" }
publisher = { fr = "Observatoire d'essai", en = "Trial Observatory" }
"""
PLAIN = '[report]\nlang = "fr"\ntitle = "Classement des dirigeants"\n'


def small(root: Path, toml: str) -> Path:
    people = [person("ana", "acme", ceo=True, name="Ana Lopez"), person("bob", "beta", ceo=True, name="Bob Ray")]
    posts = [
        post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1),
        post("2", "bob", "2021-10-06T10:00:00Z", reactions=4),
    ]
    return workspace(root, people, posts, toml=toml)


def test_a_text_is_read_as_one_string_or_one_per_language(tmp_path: Path) -> None:
    settings = load_settings(small(tmp_path / "ws", BOTH) / "ranking.toml")
    assert settings.report.title.get("en") == "Executives' ranking"
    assert settings.report.title.get("fr") == "Classement des dirigeants"
    assert untranslated(settings, "en") == [] and untranslated(settings, "fr") == []
    plain = load_settings(small(tmp_path / "plain", PLAIN) / "ranking.toml")
    assert plain.report.title.get("en") == plain.report.title.get("fr") == "Classement des dirigeants"
    assert untranslated(plain, "fr") == []
    (warning,) = [w for w in untranslated(plain, "en") if "report.title" in w]
    assert "English" in warning and "Classement des dirigeants" in warning


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('{ de = "Rangliste" }', "unknown language 'report.title.de'"),
        ("{ fr = 3 }", "report.title.fr must be a string"),
    ],
)
def test_a_wrong_text_is_named(tmp_path: Path, value: str, reason: str) -> None:
    root = small(tmp_path / "ws", f"[report]\ntitle = {value}\n")
    with pytest.raises(InputError, match=reason):
        load_settings(root / "ranking.toml")


def test_one_language_given_is_missing_in_the_other() -> None:
    only_fr = Text.of(fr="Pharma")
    assert only_fr.get("en") == "Pharma" and only_fr.missing("en", "fr") and not only_fr.missing("fr", "en")
    assert not Text().missing("en", "fr")  # nothing given: nothing printed, nothing to translate


def test_validate_warns_when_a_run_asks_for_the_other_language(tmp_path: Path) -> None:
    root = small(tmp_path / "ws", PLAIN)
    asked = CliRunner().invoke(cli, ["validate", "--workspace", str(root), "--lang", "en"])
    assert asked.exit_code == 0, asked.output
    assert "Warning: report.title is not given in English" in asked.stderr
    same = CliRunner().invoke(cli, ["validate", "--workspace", str(root)])
    assert same.exit_code == 0 and "report.title" not in same.stderr


def test_the_english_run_prints_the_english_texts_on_its_cover_and_in_its_pdf_title(tmp_path: Path) -> None:
    root = small(tmp_path / "ws", BOTH)
    result = CliRunner().invoke(
        cli, ["run", "--workspace", str(root), "--period", "2021-10", "--out", str(tmp_path / "out"), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "2021-10"
    board = PdfReader(folder / "leaderboard.pdf")
    assert board.metadata and board.metadata.title and board.metadata.title.startswith("Executives' ranking")
    cover = board.pages[0].extract_text()
    for english in ("Executives' ranking", "Trial edition", "Trial Observatory"):
        assert english in cover, english
    assert "Testing industry".upper() in cover.upper()
    for french in ("Classement des dirigeants", "Observatoire d'essai", "Édition d'essai"):
        assert french not in cover
    company = PdfReader(folder / "companies" / "acme.pdf").pages[0].extract_text()
    assert "Executives' ranking" in company and "Classement des dirigeants" not in company
    page = (folder / "leaderboard.html").read_text(encoding="utf-8")
    assert "Trial edition" in page and "Édition d" not in page


def test_the_terminal_speaks_the_language_of_its_locale_with_real_plurals(tmp_path: Path) -> None:
    root = small(tmp_path / "ws", BOTH)
    french = CliRunner(env={"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"}).invoke(
        cli, ["validate", "--workspace", str(root)]
    )
    assert french.exit_code == 0, french.output
    assert f"{root} : 2 entreprises, 2 dirigeants, 1 fichier d'export, 2 publications" in french.output
    assert "Exports par dirigeant :" in french.output and french.output.rstrip().endswith("OK")
    english = CliRunner(env={"LANGUAGE": "", "LC_ALL": "C.UTF-8", "LC_MESSAGES": "", "LANG": ""}).invoke(
        cli, ["validate", "--workspace", str(root)]
    )
    assert f"{root}: 2 companies, 2 executives, 1 export file, 2 posts" in english.output
