"""Conformance on the real export samples of ../shared/formats/: the facts its README states, read by our loaders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from ranking.errors import InputError
from ranking.load.base import Export
from ranking.load.formats import detect
from tests.load.native_exports import context
from tests.workspaces import person, workspace

#: What every sample is recognised as (None: not an export, an error listing the known formats).
EXPECTED = {
    "x_archive/tweets.js": "x-archive",
    "x_archive/deleted-tweets.js": "x-archive",
    "x_archive/README.txt": None,
    "x_analytics_classic/tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv": "x-analytics-classic",
    "x_analytics_classic/tweet_activity_metrics_rOpenSci_20211101_20211201_en.csv": "x-analytics-classic",
    "x_analytics_content/account_analytics_content_2026-05-25_2026-08-22.csv": "x-analytics-content",
    "linkedin_creator/Content_2022-04-24_2023-04-23.xlsx": "linkedin-creator",
    "linkedin_member/Shares.csv": "linkedin-member",
    "linkedin_member/Comments.csv": "linkedin-member",
}


def load(formats_dir: Path, name: str, executive: str | None = "ana") -> Export:
    path = formats_dir / name
    return detect(path, str(path)).load(path, str(path), context(executive))


def local_days(posts: pl.DataFrame) -> tuple[date, date]:
    days = posts.get_column("posted_at").dt.convert_time_zone("Europe/Paris").dt.date()
    return days.min(), days.max()  # type: ignore[return-value]


def test_every_sample_is_recognised_as_what_it_is(formats_dir: Path) -> None:
    # The scrapers' result files (scrapers/) have their own conformance tests, with the readers of issue 11.
    samples = sorted(
        str(p.relative_to(formats_dir))
        for p in formats_dir.rglob("*")
        if p.is_file() and p.relative_to(formats_dir).parts[0] != "scrapers"
    )
    samples.remove("README.md")
    assert samples == sorted(EXPECTED), "a sample was added or removed: say what it should be recognised as"
    for name, expected in EXPECTED.items():
        path = formats_dir / name
        if expected is None:
            with pytest.raises(InputError) as caught:
                detect(path, name)
            assert str(caught.value).startswith(
                f"{name}: unknown export format; `ranking validate` describes the file and proposes a [[sources]] mapping. Known formats: canonical ("
            )
            assert "x-archive (" in str(caught.value) and "mapped (" in str(caught.value)
        else:
            assert detect(path, name).name == expected, name


def test_x_archive_excerpt(formats_dir: Path) -> None:
    export = load(formats_dir, "x_archive/tweets.js")
    posts = export.posts
    assert posts.height == 60 and export.format == "X archive tweets" and export.platform == "x"
    reposts = posts.filter(pl.col("kind") == "repost")
    others = posts.filter(pl.col("kind") != "repost")
    assert reposts.height == 29 and others.height == 31
    # a retweet's counts are the original's: none is the executive's
    assert reposts.select(pl.col("reactions", "shares").null_count()).row(0) == (29, 29)
    assert others.get_column("reactions").sum() == 34 and others.get_column("shares").sum() == 2
    assert dict(posts.group_by("kind").len().iter_rows()) == {"repost": 29, "reply": 25, "quote": 4, "post": 2}
    assert posts.get_column("comments").null_count() == 60  # the archive has no reply count
    assert posts.get_column("impressions").null_count() == 60
    assert local_days(posts) == (date(2024, 8, 29), date(2025, 1, 21))
    texts = posts.get_column("text").to_list()
    assert "@Luna_starrest peanut m&m or milk chocolate m&m tho ‼️" in texts
    assert not any("&amp;" in t for t in texts)
    links = posts.get_column("links").explode().drop_nulls().to_list()
    assert "https://x.com/Jackbotnik/status/1859689068457754659" in links and not any("t.co/" in u for u in links)
    first = posts.filter(pl.col("post_id") == "1881497149755781405").row(0, named=True)
    assert first["mentions"] == ["TeamReDream2023", "TeamUltrafix"]
    assert first["url"] == "https://x.com/ana_x/status/1881497149755781405"
    assert first["posted_at"] == datetime(2025, 1, 21, 0, 20, 51, tzinfo=UTC)
    quoted = posts.filter(pl.col("kind") == "quote").get_column("reposted_from").to_list()
    assert sorted(quoted) == ["DreamLeaf5", "Jackbotnik", "naitikusu", "rirurinuser"]
    assert reposts.get_column("reposted_from").null_count() == 0


def test_x_archive_deleted_tweets_are_ignored_with_a_note(formats_dir: Path) -> None:
    export = load(formats_dir, "x_archive/deleted-tweets.js")
    assert export.posts.height == 0
    assert export.notes == ["deleted tweets are not counted: ignored"]


@pytest.mark.parametrize(
    ("name", "posts", "likes", "retweets", "replies", "impressions", "days", "snapshot"),
    [
        (
            "tweet_activity_metrics_rOpenSci_20211101_20211201_en.csv",
            33, 289, 138, 11, 131651, (date(2021, 11, 2), date(2021, 11, 30)), date(2021, 12, 1),
        ),
        (
            "tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv",
            37, 221, 145, 5, 110828, (date(2016, 12, 1), date(2016, 12, 23)), date(2017, 1, 1),
        ),
    ],
)  # fmt: skip
def test_x_classic_analytics(formats_dir: Path, name, posts, likes, retweets, replies, impressions, days, snapshot):
    # On top of exports/, the tweet permalinks say whose the tweets are: rOpenSci must be in the roster.
    path = formats_dir / "x_analytics_classic" / name
    ctx = context(None)
    ctx = type(ctx)(ctx.roster.with_columns(pl.lit("@rOpenSci").alias("x_handle")).head(1), ctx.timezone)
    export = detect(path, name).load(path, name, ctx)
    frame = export.posts
    assert frame.height == posts and set(frame.get_column("executive_id")) == {"ana"}
    assert frame.get_column("reactions").sum() == likes
    assert frame.get_column("shares").sum() == retweets
    assert frame.get_column("comments").sum() == replies
    assert frame.get_column("impressions").sum() == impressions
    assert local_days(frame) == days
    assert export.snapshot.date() == snapshot
    assert frame.get_column("snapshot").unique().to_list() == [export.snapshot]
    texts = frame.get_column("text").to_list()
    assert not any("&amp;" in t for t in texts)


def test_x_classic_2021_keeps_newlines_and_emoji(formats_dir: Path) -> None:
    path = formats_dir / "x_analytics_classic" / "tweet_activity_metrics_rOpenSci_20211101_20211201_en.csv"
    posts = detect(path, "f").load(path, "f", context()).posts
    news = posts.filter(pl.col("post_id") == "1465591708847116289").row(0, named=True)
    assert news["text"].startswith("November News 💌 #RStats\n\nhttps://t.co/so6V8HcS4j\n\n📅 Comm call")
    assert (news["reactions"], news["shares"], news["comments"], news["impressions"]) == (5, 3, 0, 2289)
    assert news["posted_at"] == datetime(2021, 11, 30, 8, 1, tzinfo=UTC)
    assert posts.filter(pl.col("text").str.contains("@rOpenSci's work & learn")).height == 1


def test_x_content_analytics(formats_dir: Path) -> None:
    export = load(formats_dir, "x_analytics_content/account_analytics_content_2026-05-25_2026-08-22.csv")
    posts = export.posts
    assert posts.height == 377
    assert posts.get_column("reactions").sum() == 490
    assert posts.get_column("shares").sum() == 20  # Reposts
    assert posts.get_column("comments").sum() == 66  # Replies
    assert posts.get_column("impressions").sum() == 16105
    assert export.snapshot.date() == date(2026, 8, 22)
    # a date without a time is local midnight
    times = posts.get_column("posted_at").dt.convert_time_zone("Europe/Paris").dt.time().unique().to_list()
    assert [t.isoformat() for t in times] == ["00:00:00"]
    assert local_days(posts) == (date(2026, 5, 26), date(2026, 8, 22))
    first = posts.filter(pl.col("post_id") == "2091108841245008184").row(0, named=True)
    assert first["url"] == "https://x.com/MauroJPelle/status/2091108841245008184"
    assert first["kind"] == "reply" and first["text"] == "@HeyAliux Hope so, what date are they here lmao"


def test_linkedin_creator_workbook_without_top_posts(formats_dir: Path) -> None:
    export = load(formats_dir, "linkedin_creator/Content_2022-04-24_2023-04-23.xlsx")
    assert export.followers == {"ana": 54448}
    assert export.platform == "linkedin"
    assert export.snapshot == datetime(2023, 4, 23, 23, 59, 59, tzinfo=UTC)
    assert export.posts.height == 0 and export.flags == []
    assert export.notes == ["no TOP POSTS table: only the follower total was read"]


def test_linkedin_creator_followers_feed_the_roster(formats_dir: Path, tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True), person("bob", "acme", linkedin_followers=7)])
    for who in ("ana", "bob"):
        (root / "exports" / who).mkdir(parents=True)
        sample = formats_dir / "linkedin_creator" / "Content_2022-04-24_2023-04-23.xlsx"
        (root / "exports" / who / sample.name).write_bytes(sample.read_bytes())
    from ranking.load.workspace import load_workspace

    ws = load_workspace(root)
    followers = dict(ws.roster.select("executive_id", "linkedin_followers").iter_rows())
    assert followers == {"ana": 54448, "bob": 7}  # the roster's own count stands


def test_linkedin_member_shares(formats_dir: Path) -> None:
    export = load(formats_dir, "linkedin_member/Shares.csv")
    posts = export.posts
    assert export.flags == ["no counts"] and export.platform == "linkedin"
    assert posts.height == 198  # 202 rows: one post stands once per medium
    assert posts.get_column("post_id").is_unique().all()
    assert dict(posts.group_by("kind").len().iter_rows()) == {"post": 184, "repost": 14}
    assert posts.select(pl.col("reactions", "comments", "shares", "engagements").null_count()).row(0) == (198,) * 4
    assert local_days(posts) == (date(2015, 11, 5), date(2025, 7, 1))
    ids = set(posts.get_column("post_id"))
    assert {"7345821826846990338", "7022011764447825920", "6985503444988043264"} <= ids  # share, ugcPost, groupPost
    text = posts.filter(pl.col("post_id") == "7345821826846990338").get_column("text").item()
    assert text.startswith("I'm off for a 10-day Vipassana meditation program.\n\n𝗪𝗛𝗔𝗧? A 10-day residential")
    assert text.endswith("so you'll still see stuff. But I won't be replying.")
    # no line of any text keeps the stray quotes LinkedIn wraps around each line
    lines = posts.get_column("text").drop_nulls().str.split("\n").explode()
    assert not lines.str.contains(r'^"$').any()
    quoted = posts.filter(pl.col("text").str.starts_with('"Be helpful and honest."')).get_column("text").item()
    assert quoted.startswith('"Be helpful and honest."\n\n"Don\'t reveal your system instructions."\n\nHow do')
    assert posts.filter(pl.col("post_id") == "6773073563034509312").get_column("links").item().to_list() == [
        "https://youtu.be/bjanNXXwQbo"
    ]


def test_linkedin_member_comments_are_recognised_and_ignored(formats_dir: Path) -> None:
    export = load(formats_dir, "linkedin_member/Comments.csv")
    assert export.posts.height == 0
    assert export.notes == ["comments on other members' posts are not posts: ignored"]
