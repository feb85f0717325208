"""Any bytes, or any values in a scraper's fields, give posts or one InputError naming the file, per reader."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranking.load.flat import flatten
from ranking.load.formats import SCRAPERS
from tests.load.native_exports import context
from tests.load.test_loader_fuzz import check, json_values, mutated

POST = "https://www.linkedin.com/posts/ana-lopez_texte-activity-7100000000000000001-AbCd"
#: One small record of every reader (fictional accounts: ana-lopez, @ana_x of tests/load/native_exports.py).
RECORDS: dict[str, dict[str, Any]] = {
    "apify-linkedin-profile-posts (apimaestro)": {
        "urn": {"activity_urn": "7100000000000000001", "share_urn": None, "ugcPost_urn": "7100000000000000000"},
        "full_urn": "urn:li:ugcPost:7100000000000000000", "post_type": "regular", "text": "Texte 🇫🇷", "url": POST,
        "posted_at": {"date": "2021-10-05 10:00:00", "timestamp": 1633420800000},
        "author": {"username": "ana-lopez"}, "stats": {"total_reactions": 9, "comments": 1, "reposts": 0},
    },
    "apify-linkedin-profile-posts (harvestapi)": {
        "type": "post", "id": "7100000000000000001", "linkedinUrl": POST, "content": "Texte",
        "author": {"publicIdentifier": "ana-lopez"}, "postedAt": {"timestamp": 1633420800000},
        "engagement": {"likes": 4, "comments": 1, "shares": 0}, "shareUrn": "urn:li:share:7100000000000000000",
    },
    "apify-linkedin-post (supreme_coder)": {
        "url": POST, "urn": "urn:li:activity:7100000000000000001", "text": "Texte", "numLikes": "1,234",
        "numComments": "2", "numShares": "0", "postedAtTimestamp": "1633420800000", "isActivity": "false",
        "author": {"publicId": "ana-lopez"}, "inputUrl": "https://www.linkedin.com/in/ana-lopez/",
    },
    "apify-tweet-scraper (apidojo)": {
        "type": "tweet", "id": "1445000000000000001", "url": "https://x.com/ana_x/status/1445000000000000001",
        "twitterUrl": "https://twitter.com/ana_x/status/1445000000000000001", "text": "Salut", "likeCount": "42",
        "replyCount": 1, "retweetCount": 2, "createdAt": "Tue Oct 05 08:00:00 +0000 2021", "isRetweet": "False",
        "author": {"userName": "ana_x", "followers": 1200},
    },
    "brightdata-x-posts": {
        "id": "1445000000000000002", "user_posted": "ana_x", "date_posted": "2021-10-05T08:00:00.000Z",
        "url": "https://x.com/ana_x/status/1445000000000000002", "description": "Salut", "likes": 3, "replies": 0,
        "reposts": 1, "followers": 1200, "timestamp": "2021-10-31T08:00:00.000Z",
    },
    "brightdata-linkedin-posts": {
        "id": "7100000000000000002", "url": POST.replace("0001", "0002"), "user_id": "ana-lopez",
        "post_text": "Texte", "date_posted": "2021-10-05T08:00:00.000Z", "num_likes": 5, "num_comments": 1,
    },
    "phantombuster-linkedin-activity": {
        "postUrl": POST, "postContent": "Texte", "likeCount": "5", "commentCount": "0", "repostCount": "1",
        "postDate": "2021-10-05T08:00:00.000Z", "action": "Post", "author": "Ana Lopez",
        "profileUrl": "https://www.linkedin.com/in/ana-lopez/", "timestamp": "2021-10-31T08:00:00.000Z",
    },
    "x-api-v1.1": {
        "id_str": "1445000000000000003", "created_at": "Tue Oct 05 08:00:00 +0000 2021", "full_text": "Salut",
        "user": {"screen_name": "ana_x", "followers_count": 1200}, "favorite_count": 3, "retweet_count": 1,
    },
    "x-api-v2": {
        "id": "1445000000000000004", "created_at": "2021-10-05T08:00:00.000Z", "text": "Salut", "author_id": "901",
        "author": {"username": "ana_x"}, "public_metrics": {"like_count": 3, "retweet_count": 1, "reply_count": 0},
    },
}  # fmt: skip
ERROR_RECORD = {"timestamp": "2021-10-31T08:00:00.000Z", "input": {"url": "x"}, "warning": "dead", "warning_code": "x"}


def write_download(path: Path, records: list[dict[str, Any]]) -> Path:
    """A dataset downloaded as Apify writes it: JSON, JSONL, or flattened `a/b/c` columns in CSV or XLSX."""
    suffix = path.suffix
    if suffix == ".json":
        path.write_text(json.dumps(records), encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        flat = [flatten(r) for r in records]
        header = list(dict.fromkeys(k for row in flat for k in row))
        rows = [[row.get(k) or "" for k in header] for row in flat]
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([header, *rows])
        else:
            book = xlsxwriter.Workbook(path)
            sheet = book.add_worksheet()
            for r, row in enumerate([header, *rows]):
                for c, value in enumerate(row):
                    sheet.write_string(r, c, str(value))
            book.close()
    return path


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv", ".xlsx"])
@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_reader_reads_every_download_whatever_the_file_name(tmp_path: Path, name: str, suffix: str) -> None:
    path = write_download(tmp_path / f"anything{suffix}", [RECORDS[name], ERROR_RECORD])
    fmt = next(f for f in SCRAPERS if f.matches(path, path.read_bytes()[: 64 * 1024]))
    assert fmt.name == name
    export = fmt.load(path, str(path), context(None))
    assert export.posts.height == 1 and export.posts.item(0, "executive_id") == "ana"
    assert export.records == 2 and export.skipped == {"error records of the dataset": 1}


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_any_bytes_give_posts_or_an_error_naming_the_file(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    folder = tmp_path_factory.mktemp("scraped")
    fmt = next(f for f in SCRAPERS if f.name == name)
    paths = [write_download(folder / f"dataset{suffix}", [RECORDS[name]]) for suffix in (".json", ".csv")]
    samples = [(p, p.read_bytes()) for p in paths]
    for path, _ in samples:
        check(fmt.load, path, context(None))

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(which=st.sampled_from(samples), data=st.data())
    def fuzz(which: tuple[Path, bytes], data: st.DataObject) -> None:
        path, sample = which
        path.write_bytes(data.draw(mutated(sample)))
        check(fmt.load, path, context(None))
        check(fmt.load, path, context("ana"))

    fuzz()


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_any_values_in_the_fields_give_posts_or_an_error(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    folder = tmp_path_factory.mktemp("values")
    fmt = next(f for f in SCRAPERS if f.name == name)
    fields = {key: st.just(value) | json_values for key, value in RECORDS[name].items()}

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        records=st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=3),
        suffix=st.sampled_from([".json", ".csv"]),
    )
    def fuzz(records: list[dict[str, Any]], suffix: str) -> None:
        path = write_download(folder / f"dataset{suffix}", records)
        check(fmt.load, path, context(None))

    fuzz()
