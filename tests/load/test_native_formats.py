"""Each quirk of the native export formats, on small hand-made files (fictional accounts)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.errors import InputError
from ranking.load.formats import detect, load_file
from ranking.load.workspace import load_workspace
from tests.load.native_exports import (
    CONTENT_HEADER,
    SHARES_HEADER,
    activity_url,
    age,
    classic_csv,
    classic_row,
    context,
    creator_xlsx,
    tweet,
    tweets_js,
    write_rows,
)
from tests.workspaces import person, workspace

OCT = datetime(2021, 10, 20, tzinfo=UTC)


def loaded(path: Path, executive: str | None = "ana"):
    return load_file(path, str(path), context(executive))


def team(tmp_path: Path) -> Path:
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez", x_handle="@ana_x", linkedin="https://www.linkedin.com/in/ana-lopez/"),
        person("bob", "acme", name="Bob Martin", x_handle="bob_x"),
    ]  # fmt: skip
    root = workspace(tmp_path / "ws", people)
    (root / "exports").mkdir()
    return root


def executives_csv(root: Path, tmp_path: Path, period: str = "2021-10") -> dict[tuple[str, str], dict[str, str]]:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", period, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    lines = (out / period / "executives.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    return {(r["scope"], r["executive_id"]): r for r in rows}


# --- X archive -----------------------------------------------------------------------------------------


def test_archive_kinds_entities_and_counts(tmp_path: Path) -> None:
    path = tweets_js(
        tmp_path / "tweets.js",
        [
            tweet("101", text="Fier de l&apos;équipe R&amp;D &gt; tout", likes="7", retweets="2",
                  urls=[("https://t.co/a", "https://acme.example/news")], mentions=["acme_officiel"]),
            tweet("102", text="RT @acme_officiel: Nouvelle usine", likes="950", retweets="120", mentions=["acme_officiel"]),
            tweet("103", text="@bob_x Merci !", likes="1", reply_to="99"),
            tweet("104", text="Bravo https://t.co/q", likes="3",
                  urls=[("https://t.co/q", "https://twitter.com/acme_officiel/status/555")]),
        ],
    )  # fmt: skip
    export = loaded(path)
    rows = {r["post_id"]: r for r in export.posts.iter_rows(named=True)}
    assert rows["101"]["kind"] == "post" and rows["101"]["text"] == "Fier de l&apos;équipe R&D > tout"
    assert rows["101"]["links"] == ["https://acme.example/news"] and rows["101"]["mentions"] == ["acme_officiel"]
    assert (rows["101"]["reactions"], rows["101"]["shares"], rows["101"]["comments"]) == (7, 2, None)
    assert rows["102"]["kind"] == "repost" and rows["102"]["reposted_from"] == "acme_officiel"
    assert (rows["102"]["reactions"], rows["102"]["shares"]) == (None, None)  # the original's counts, not ana's
    assert rows["103"]["kind"] == "reply"
    assert rows["104"]["kind"] == "quote" and rows["104"]["reposted_from"] == "acme_officiel"
    assert rows["101"]["url"] == "https://x.com/ana_x/status/101"
    assert rows["101"]["posted_at"] == datetime(2021, 10, 5, 8, 0, tzinfo=UTC)


def test_older_tweet_js_without_wrapper_and_split_archives(tmp_path: Path) -> None:
    root = team(tmp_path)
    folder = root / "exports" / "ana"
    old = tweets_js(folder / "tweet.js", [tweet("201", likes=4)], wrapped=False, data="tweet")
    old.write_text(old.read_text() + ";\n")  # some archives end the assignment with `;`
    tweets_js(folder / "tweets-part1.js", [tweet("202", likes="5", retweets="1")], data="tweets")
    tweets_js(folder / "tweets-part2.js", [tweet("203", likes="6", reply_to="1")], data="tweets")
    row = executives_csv(root, tmp_path)[("month", "ana")]
    assert (row["posts"], row["reactions"], row["shares"], row["influence_score"]) == ("3", "15", "1", "18")


def test_edited_tweet_counts_once(tmp_path: Path) -> None:
    path = tweets_js(
        tmp_path / "tweets.js",
        [tweet("301", likes="2", edits=["301", "305"]), tweet("305", likes="9", edits=["301", "305"])],
    )
    export = loaded(path)
    assert export.posts.get_column("post_id").to_list() == ["305"]
    assert export.notes == ["1 earlier version of edited tweets ignored (the newest counts)"]


def test_deleted_tweets_are_a_warning_not_posts(tmp_path: Path) -> None:
    root = team(tmp_path)
    tweets_js(root / "exports" / "ana" / "deleted-tweets.js", [tweet("401", likes="80")], data="deleted_tweets")
    ws = load_workspace(root)
    assert ws.posts.height == 0
    assert ws.warnings == [f"{root}/exports/ana/deleted-tweets.js: deleted tweets are not counted: ignored"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("window.YTD.tweets.part0 = [\n  {\"tweet\": {\"id_str\": \"1\",\n", ":3: not valid JSON"),
        ('window.YTD.tweets.part0 = [\n{"tweet": {"id_str": "x1", "created_at": "Tue Oct 05 08:00:00 +0000 2021"}}]',
         ":2: tweet without a numeric id_str (x1)"),
        ('window.YTD.tweets.part0 = [\n{"tweet": {"id_str": "1", "created_at": "yesterday"}}]',
         ":2: posted_at is not a date: 'yesterday'"),
        ('window.YTD.tweets.part0 = {"tweet": 1}', ":1: expected a JSON array of tweets"),
    ],
)  # fmt: skip
def test_broken_archive_is_one_error_naming_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        loaded(path)
    assert str(caught.value).startswith(f"{path}{message}")


def test_archive_on_top_of_exports_needs_a_folder(tmp_path: Path) -> None:
    path = tweets_js(tmp_path / "tweets.js", [tweet("1")])
    with pytest.raises(InputError, match="an X archive does not say whose it is: put it in exports/<executive_id>/"):
        loaded(path, executive=None)


# --- X analytics ---------------------------------------------------------------------------------------


def test_classic_floats_dashes_newlines_and_the_end_date(tmp_path: Path) -> None:
    path = classic_csv(
        tmp_path / "tweet_activity_metrics_ana_x_20211001_20211101_en.csv",
        [
            classic_row("501", "2021-10-30 16:00 +0000", "Deux lignes\n\net &amp; plus", 12, 3, 2),
            classic_row("502", "2021-10-02 07:30 +0000", "@bob_x oui", 1, 0, 0),
        ],
    )
    export = loaded(path)
    assert export.format == "X analytics (classic)"
    assert export.snapshot == datetime(2021, 11, 1, 23, 59, 59, tzinfo=UTC)
    first = export.posts.row(0, named=True)
    assert first["text"] == "Deux lignes\n\net & plus"
    assert (first["reactions"], first["shares"], first["comments"], first["impressions"]) == (12, 3, 2, 1000)
    assert first["posted_at"] == datetime(2021, 10, 30, 16, 0, tzinfo=UTC)
    assert export.posts.get_column("kind").to_list() == ["post", "reply"]


def test_classic_on_top_of_exports_is_read_by_handle(tmp_path: Path) -> None:
    rows = [classic_row("601", "2021-10-03 09:00 +0000", "a", 1, 0, 0, handle="BOB_X")]
    path = classic_csv(tmp_path / "tweet_activity_metrics_bob_x_20211001_20211101_en.csv", rows)
    assert loaded(path, executive=None).posts.get_column("executive_id").to_list() == ["bob"]
    rows = [classic_row("602", "2021-10-03 09:00 +0000", "a", 1, 0, 0, handle="zed")]
    classic_csv(path, rows)
    with pytest.raises(InputError, match=r":2: unknown handle 'zed'"):
        loaded(path, executive=None)


def test_content_dates_thousands_column_order_and_shares_not_counted(tmp_path: Path) -> None:
    header = list(reversed(CONTENT_HEADER))  # any column order
    values = {
        "Post id": "701", "Date": "Sun, Oct 3, 2021", "Post text": "Un &amp; deux", "Post Link": "https://x.com/ana_x/status/701",
        "Impressions": "12,345", "Likes": "1,204", "Engagements": "1,300", "Bookmarks": "0", "Shares": "50",
        "New follows": "0", "Replies": "7", "Reposts": "2", "Profile visits": "3",
    }  # fmt: skip
    path = write_rows(
        tmp_path / "account_analytics_content_2021-09-01_2021-10-31.csv", header, [[values[h] for h in header]]
    )
    export = loaded(path)
    row = export.posts.row(0, named=True)
    assert (row["reactions"], row["comments"], row["shares"], row["impressions"]) == (1204, 7, 2, 12345)
    assert row["posted_at"] == datetime(2021, 10, 2, 22, 0, tzinfo=UTC)  # local midnight in Paris
    assert row["text"] == "Un & deux"
    assert export.snapshot.date().isoformat() == "2021-10-31"


def test_content_without_a_counted_column_says_which(tmp_path: Path) -> None:
    header = [h for h in CONTENT_HEADER if h != "Reposts"]
    path = write_rows(tmp_path / "account_analytics_content_2021-09-01_2021-10-31.csv", header, [["1"] * len(header)])
    with pytest.raises(InputError, match=r":1: missing column 'Reposts' of the X content analytics export"):
        loaded(path)


# --- LinkedIn creator XLSX -----------------------------------------------------------------------------


def test_creator_top_posts_in_both_tables_are_one_post_with_engagements_only(tmp_path: Path) -> None:
    root = team(tmp_path)
    creator_xlsx(
        root / "exports" / "ana" / "Content_2021-01-01_2021-10-31.xlsx",
        engagements=[(activity_url("7001000000000000001"), "10/4/2021", 40), (activity_url("7001000000000000002"), "9/30/2021", "12")],
        impressions=[(activity_url("7001000000000000002"), "9/30/2021", "900"), (activity_url("7001000000000000001"), "10/4/2021", 2500)],
        followers=("Total followers on 10/31/2021:", "4,321"),
    )  # fmt: skip
    ws = load_workspace(root)
    (export,) = ws.exports
    assert export.flags == ["total only"] and export.followers == {"ana": 4321}
    assert export.snapshot == datetime(2021, 10, 31, 23, 59, 59, tzinfo=UTC)
    posts = {r["post_id"]: r for r in ws.posts.iter_rows(named=True)}
    assert set(posts) == {"7001000000000000001", "7001000000000000002"}
    first = posts["7001000000000000001"]
    assert (first["engagements"], first["impressions"], first["reactions"]) == (40, 2500, None)
    assert first["posted_at"] == datetime(2021, 10, 3, 22, 0, tzinfo=UTC)
    assert ws.roster.filter(pl.col("executive_id") == "ana").get_column("linkedin_followers").item() == 4321
    rows = executives_csv(root, tmp_path)
    assert (rows["month", "ana"]["posts"], rows["month", "ana"]["reactions"]) == ("1", "0")
    assert (rows["month", "ana"]["influence_score"], rows["ytd", "ana"]["influence_score"]) == ("40", "52")


def test_a_workbook_that_is_not_linkedin_s_or_is_damaged(tmp_path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(tmp_path / "budget.xlsx")
    book.add_worksheet("Budget").write(0, 0, "x")
    book.close()
    with pytest.raises(
        InputError, match=r"not a LinkedIn creator analytics workbook: no TOP POSTS or FOLLOWERS sheet \(Budget\)"
    ):
        loaded(tmp_path / "budget.xlsx")
    damaged = tmp_path / "Content.xlsx"
    damaged.write_bytes((tmp_path / "budget.xlsx").read_bytes()[:300])
    with pytest.raises(InputError, match=r"not a readable XLSX workbook"):
        loaded(damaged)


# --- LinkedIn Shares.csv -------------------------------------------------------------------------------


def test_shares_urns_stray_quotes_media_rows_and_no_counts(tmp_path: Path) -> None:
    root = team(tmp_path)
    link = "https://www.linkedin.com/feed/update/urn%3Ali%3A{}%3A{}"
    write_rows(
        root / "exports" / "ana" / "Shares_2.csv",
        SHARES_HEADER,
        [
            ["2021-10-05 09:00:00", link.format("share", "7002000000000000001"), 'Ligne un."\n""\n"Ligne "deux"', "", "m1", "PUBLIC"],
            ["2021-10-05 09:00:00", link.format("share", "7002000000000000001"), 'Ligne un."\n""\n"Ligne "deux"', "", "m2", "PUBLIC"],
            ["2021-10-06 10:00:00", link.format("ugcPost", "7002000000000000002"), 'Il a dit "oui"', "https://acme.example", "", "PUBLIC"],
            ["2021-10-07 11:00:00", link.format("activity", "7002000000000000003"), "", "", "", "PUBLIC"],
        ],
    )  # fmt: skip
    ws = load_workspace(root)
    (export,) = ws.exports
    assert export.flags == ["no counts"]
    posts = {r["post_id"]: r for r in ws.posts.iter_rows(named=True)}
    assert list(posts) == ["7002000000000000001", "7002000000000000002", "7002000000000000003"]
    assert posts["7002000000000000001"]["text"] == 'Ligne un.\n\nLigne "deux"'
    assert posts["7002000000000000002"]["text"] == 'Il a dit "oui"'  # the author's own quotes stay
    assert posts["7002000000000000002"]["links"] == ["https://acme.example"]
    assert posts["7002000000000000003"]["kind"] == "repost"
    assert posts["7002000000000000001"]["posted_at"] == datetime(2021, 10, 5, 9, 0, tzinfo=UTC)
    row = executives_csv(root, tmp_path)[("month", "ana")]
    assert (row["posts"], row["reposts"], row["influence_score"]) == ("2", "1", "0")  # activity, never influence


def test_the_same_linkedin_post_under_any_urn_form_is_one_post(tmp_path: Path) -> None:
    root = team(tmp_path)
    number = "7003000000000000001"
    write_rows(root / "exports" / "ana" / "Shares.csv", SHARES_HEADER,
               [["2021-10-05 09:00:00", f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{number}", "Texte", "", "", "PUBLIC"]])  # fmt: skip
    write_rows(
        root / "exports" / "ana" / "scraped_2021-10-30.csv",
        ["postUrl", "postContent", "postDate", "likeCount", "commentCount", "repostCount", "action", "profileUrl"],
        [[f"https://www.linkedin.com/posts/ana-lopez_texte-activity-{number}-AbCd", "Texte", "2021-10-05T09:00:00Z",
          "10", "2", "1", "Post", "https://www.linkedin.com/in/ana-lopez/"]],
    )  # fmt: skip
    ws = load_workspace(root)
    assert ws.posts.height == 1
    assert ws.posts.select("reactions", "comments", "shares").row(0) == (10, 2, 1)


# --- validate ------------------------------------------------------------------------------------------


def test_validate_shows_each_executive_s_files_dates_counts_and_what_was_not_read(tmp_path: Path) -> None:
    root = team(tmp_path)
    age(tweets_js(root / "exports" / "ana" / "tweets.js", [tweet("1", likes="1"),
        tweet("2", when="Fri Sep 03 10:00:00 +0000 2021", text="RT @acme: x")]), OCT)  # fmt: skip
    classic_csv(root / "exports" / "ana" / "tweet_activity_metrics_ana_x_20211001_20211101_en.csv",
                [classic_row("1", "2021-10-05 08:00 +0000", "Hello", 3, 0, 1)])  # fmt: skip
    (root / "exports" / "ana" / "notes.txt").write_text("hello")
    creator_xlsx(root / "exports" / "bob" / "Content_2021-01-01_2021-10-31.xlsx", [], [], top_posts=False)
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    start = lines.index("Exports by executive:")
    assert lines[start + 1 : start + 13] == [
        "  ana (Ana Lopez): 1 post, 1 repost, 2021-09-03 to 2021-10-05",
        "    exports/ana/tweet_activity_metrics_ana_x_20211001_20211101_en.csv: X analytics (classic), 1 post, "
        "2021-10-05 to 2021-10-05",
        "      1 record = 1 post (1 merged with the same post in another export)",
        "    exports/ana/tweets.js: X archive, tweets, 1 post, 1 repost, 2021-09-03 to 2021-10-05",
        "      2 records = 1 post + 1 repost (1 merged with the same post in another export)",
        "    not read: exports/ana/notes.txt (format not recognised; 1 problem)",
        "      looks like a file this tool cannot read as records",
        "      no [[sources]] mapping proposed: no records in the file",
        "  bob (Bob Martin): no posts",
        "    exports/bob/Content_2021-01-01_2021-10-31.xlsx: LinkedIn creator analytics, 1,234 followers, no posts",
        "      0 records = 0 posts",
        "Warning: " + f"{root}/exports/bob/Content_2021-01-01_2021-10-31.xlsx: no TOP POSTS table: only the follower "
        "total was read",
    ]
    assert (
        f"Error: {root}/exports/ana/notes.txt: unknown export format; `ranking validate` describes the file and proposes a [[sources]] mapping. Known formats: canonical ("
        in result.output
    )


def test_detection_is_by_name_and_first_bytes(tmp_path: Path) -> None:
    cases = {
        "tweets.js": "window.YTD.tweets.part0 = []",
        "anything.js": "window.YTD.like.part0 = []",
        "export.csv": '"Tweet id","Tweet permalink","Tweet text","time"\n',
        "tweet_activity_metrics_x_20210101_20210201_en.csv": "garbage\n",
        "x.csv": "Post id,Date,Post text,Post Link,Likes,Replies,Reposts\n",
        "Shares_3.csv": "whatever\n",
        "mine.csv": "\ufeffDate,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n",
        "scrape.json": '[{"postUrl": 1, "postContent": 1, "postDate": 1, "likeCount": 1, "commentCount": 1, '
        '"repostCount": 1, "action": 1, "profileUrl": 1}]',
    }
    expected = ["x-archive", "x-archive", "x-analytics-classic", "x-analytics-classic", "x-analytics-content",
                "linkedin-member", "linkedin-member", "mapped"]  # fmt: skip
    for (name, text), fmt in zip(cases.items(), expected, strict=True):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert detect(tmp_path / name, name).name == fmt, name
    (tmp_path / "tweets.txt").write_text("window.YTD.tweets.part0 = []")
    with pytest.raises(InputError, match="unknown export format"):
        detect(tmp_path / "tweets.txt", "tweets.txt")
