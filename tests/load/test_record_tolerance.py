"""One odd record never stops a file: notices and placeholders of a service are skipped with their reason and
counted (with one example each in `validate`); a post with an unreadable field stays an error naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.errors import InputError
from ranking.load.accounting import ERROR_RECORDS, PLACEHOLDERS
from ranking.load.formats import load_file
from tests.load.native_exports import context
from tests.load.test_scraper_fuzz import ERROR_RECORD, RECORDS, write_download
from tests.workspaces import person, workspace

APIDOJO = "apify-tweet-scraper (apidojo)"
#: What a free account's download of the tweet scrapers ends with (wording made up after the service's).
NOTICE = {"id": -1, "text": "Since you are a free user, this run returned a sample of the results."}


def _tweet(number: int, **changes: Any) -> dict[str, Any]:
    url = f"https://x.com/ana_x/status/14450000000000000{number:02d}"
    return {**RECORDS[APIDOJO], "id": url.rsplit("/", 1)[1], "url": url, "twitterUrl": url, **changes}


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_a_notice_at_the_end_is_skipped_and_counted_the_posts_read(tmp_path: Path, suffix: str) -> None:
    path = write_download(tmp_path / f"dataset{suffix}", [_tweet(1), _tweet(2), NOTICE])
    export = load_file(path, str(path), context(None))
    assert export.posts.height == 2
    assert export.records == 3 and export.skipped == {PLACEHOLDERS: 1}
    assert "Since you are a free user" in export.examples[PLACEHOLDERS]


@pytest.mark.parametrize(
    "odd",
    [
        {"id": "0", "text": "placeholder"},
        {"id": "1445000000000000099", "text": "no date, no url", "author": {"userName": "ana_x"}},
        {"id": -12, "url": "https://x.com/ana_x/status/1", "createdAt": "Tue Oct 05 08:00:00 +0000 2021"},
    ],
)
def test_placeholders_of_every_kind_are_skipped(tmp_path: Path, odd: dict[str, Any]) -> None:
    path = write_download(tmp_path / "dataset.json", [_tweet(1), odd])
    export = load_file(path, str(path), context(None))
    assert export.posts.height == 1 and export.skipped == {PLACEHOLDERS: 1}


def test_a_post_with_an_unreadable_date_stays_an_error_naming_the_record(tmp_path: Path) -> None:
    path = write_download(tmp_path / "dataset.json", [_tweet(1), _tweet(2, createdAt="yesterday"), NOTICE])
    with pytest.raises(InputError) as caught:
        load_file(path, "dataset.json", context(None))
    assert str(caught.value) == "dataset.json:2: posted_at is not a date: 'yesterday'"


def test_a_post_without_a_date_but_with_its_url_stays_an_error(tmp_path: Path) -> None:
    record = {k: v for k, v in _tweet(2).items() if k != "createdAt"}
    path = write_download(tmp_path / "dataset.json", [_tweet(1), record])
    with pytest.raises(InputError, match=r"dataset.json:2: posted_at is missing"):
        load_file(path, "dataset.json", context(None))


def test_validate_shows_each_reason_counted_with_one_example(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True, x_handle="@ana_x")])
    (root / "exports").mkdir()
    write_download(root / "exports" / "tweets.json", [_tweet(1), NOTICE, ERROR_RECORD, {**NOTICE, "id": 0}])
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert f"4 records = 1 post + 1 skipped: {ERROR_RECORDS} + 2 skipped: {PLACEHOLDERS}" in result.output
    examples = [line.strip() for line in result.output.splitlines() if line.strip().startswith("e.g.")]
    assert examples == [
        f'e.g. {ERROR_RECORDS}: record 3: timestamp="2021-10-31T08:00:00.000Z", input/url="x", warning="dead", '
        'warning_code="x"',
        f'e.g. {PLACEHOLDERS}: record 2: id="-1", text="Since you are a free user, this run returned a sample of th…"',
    ]


@pytest.mark.parametrize(
    ("lang", "count", "said"),
    [
        ("en", 1, f"1 record skipped: {PLACEHOLDERS}"),
        ("en", 3, "3 records skipped: error records of the dataset"),
        ("fr", 1, "1 enregistrement ignoré : avis et substituts du service, pas des publications (identifiant nul ou "
                  "négatif, ou ni date ni URL)"),
        ("fr", 1200, "1\u202f200 enregistrements ignorés : enregistrements d'erreur du jeu de données"),
    ],
)  # fmt: skip
def test_the_documents_tell_each_skip_reason_in_the_reader_s_language(lang: str, count: int, said: str) -> None:
    from ranking.report.i18n import Translator

    reason = PLACEHOLDERS if "avis" in said or PLACEHOLDERS in said else ERROR_RECORDS
    from ranking.text.phrase import skipped

    assert Translator(lang).say(skipped(count, reason)) == said
    assert Translator(lang).say("a note of another kind") == "a note of another kind"
