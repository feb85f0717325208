"""Any bytes in an export file give posts or one InputError naming that file, never another exception."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranking.cli import cli
from ranking.errors import InputError
from ranking.load.base import Export, LoadContext
from ranking.load.formats import FORMATS
from ranking.settings import Source
from tests.load.native_exports import (
    CONTENT_HEADER,
    SHARES_HEADER,
    activity_url,
    classic_csv,
    classic_row,
    context,
    creator_xlsx,
    tweet,
    tweets_js,
    write_rows,
)
from tests.workspaces import person, workspace

LISTENING = Source(
    pattern="veille_*.csv",
    columns={"Lien": "url", "Quand": "posted_at", "Aime": "reactions", "Type": "kind"},
    platform="x",
    date_format="%d/%m/%Y %H:%M",
    kinds={"Publication": "post", "Partage": "repost", "Mention": "ignore"},
)


def samples(folder: Path) -> dict[str, tuple[str, Path]]:
    """A valid small file of every native format: format name and path."""
    folder.mkdir(parents=True, exist_ok=True)
    content = [["1", "Sat, Oct 2, 2021", "Salut &amp; merci", "https://x.com/ana_x/status/1", "1,200", "12", "20",
                "0", "5", "0", "3", "1", "0"]]  # fmt: skip
    link = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7002000000000000001"
    return {
        "archive": ("x-archive", tweets_js(folder / "tweets.js", [
            tweet("11", text="RT @acme: x", likes="3"), tweet("12", text="a &amp; b", reply_to="9", mentions=["bob_x"],
            urls=[("https://t.co/a", "https://acme.example")]), tweet("13", edits=["13", "14"]), tweet("14", likes=2)])),
        "classic": ("x-analytics-classic", classic_csv(folder / "tweet_activity_metrics_ana_x_20211001_20211101_en.csv", [
            classic_row("21", "2021-10-05 08:00 +0000", "Deux\nlignes", 3, 1, 0),
            classic_row("22", "2021-10-06 08:00 +0000", "@bob_x ok", 1, 0, 1)])),
        "content": ("x-analytics-content", write_rows(
            folder / "account_analytics_content_2021-09-01_2021-10-31.csv", CONTENT_HEADER, content)),
        "creator": ("linkedin-creator", creator_xlsx(
            folder / "Content_2021-01-01_2021-10-31.xlsx", [(activity_url("7001000000000000001"), "10/4/2021", 40)],
            [(activity_url("7001000000000000001"), "10/4/2021", "900")])),
        "shares": ("linkedin-member", write_rows(folder / "Shares.csv", SHARES_HEADER, [
            ["2021-10-05 09:00:00", link, 'Un."\n""\n"Deux', "", "m1", "PUBLIC"],
            ["2021-10-07 11:00:00", link.replace("share%3A7002", "ugcPost%3A7003"), "", "", "", "PUBLIC"]])),
        "activity": ("mapped", write_rows(folder / "scrape.csv", [
            "postUrl", "postContent", "postDate", "likeCount", "commentCount", "repostCount", "action", "profileUrl"], [
            [activity_url("7100000000000000001"), "Texte", "2021-10-05T08:00:00.000Z", "120", "8", "4", "Post", "ana-lopez"],
            [activity_url("7100000000000000002"), "", "2021-10-06T08:00:00.000Z", "9", "0", "0", "Like", "ana-lopez"]])),
        "listening": ("mapped", write_rows(folder / "veille_1.csv", ["Lien", "Quand", "Aime", "Type"], [
            ["https://x.com/ana_x/status/31", "05/10/2021 08:30", "12", "Publication"],
            ["https://x.com/ana_x/status/32", "06/10/2021 08:30", "1", "Mention"]], delimiter=";")),
    }  # fmt: skip


def mutated(sample: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, the sample cut anywhere, the sample with a slice replaced by random bytes, or with text that is
    not valid Unicode put anywhere (a lone surrogate escape, bytes that are not UTF-8)."""
    size = len(sample)
    broken = st.sampled_from([b"\\ud83c", b"\\udc00", b"\xff", b"\xed\xa0\x80", b"\xc3"])
    return st.one_of(
        st.tuples(st.integers(0, size), broken).map(lambda t: sample[: t[0]] + t[1] + sample[t[0] :]),
        st.binary(max_size=600),
        st.integers(0, size).map(lambda n: sample[:n]),
        st.tuples(st.integers(0, size), st.integers(0, 30), st.binary(max_size=30)).map(
            lambda t: sample[: t[0]] + t[2] + sample[t[0] + t[1] :]
        ),
    )


def check(load: Callable[[Path, str, LoadContext], Export], path: Path, ctx: LoadContext) -> None:
    """Posts in the canonical schema, or an InputError whose every problem names the file on one line."""
    try:
        export = load(path, str(path), ctx)
    except InputError as exc:
        assert exc.problems
        assert all(p.path == str(path) for p in exc.problems)
        assert len(str(exc).splitlines()) == 1 and str(exc).startswith(str(path))
        return
    assert export.shown == str(path)
    assert set(export.posts.get_column("executive_id").unique().to_list()) <= {"ana", "bob"}


LOADERS = ["archive", "classic", "content", "creator", "shares", "activity", "listening"]


@pytest.mark.parametrize("which", LOADERS)
def test_any_bytes_give_posts_or_an_error_naming_the_file(tmp_path_factory: pytest.TempPathFactory, which: str) -> None:
    folder = tmp_path_factory.mktemp(which)
    fmt_name, path = samples(folder)[which]
    sample = path.read_bytes()
    load = next(f for f in FORMATS if f.name == fmt_name).load
    ctx = context("ana", (LISTENING,))
    check(load, path, ctx)  # the sample itself loads

    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(data=mutated(sample))
    def fuzz(data: bytes) -> None:
        path.write_bytes(data)
        check(load, path, ctx)

    fuzz()


cells = st.one_of(
    st.none(),
    st.text(max_size=25),
    st.integers(-5, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["10/4/2021", "2/30/2021", "Post URL", "Engagements", "Impressions", activity_url("7001000000000001")]
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(
    top=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=8),
    followers=st.lists(st.lists(cells, max_size=3), max_size=3),
    names=st.lists(
        st.sampled_from(["TOP POSTS", "FOLLOWERS", "DISCOVERY", "Other"]), min_size=1, max_size=3, unique=True
    ),
)
def test_any_cells_of_a_creator_workbook(tmp_path: Path, top, followers, names) -> None:
    path = tmp_path / "Content.xlsx"
    book = xlsxwriter.Workbook(path)
    for name in names:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(top if name != "FOLLOWERS" else [["Total followers on 10/31/2021:"], *followers]):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    book.close()
    check(next(f for f in FORMATS if f.name == "linkedin-creator").load, path, context())


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(which=st.sampled_from(LOADERS), data=st.data())
def test_the_command_line_never_shows_a_traceback(tmp_path_factory: pytest.TempPathFactory, which: str, data) -> None:
    root = workspace(
        tmp_path_factory.mktemp("ws"),
        [person("ana", "acme", ceo=True, x_handle="@ana_x", linkedin="ana-lopez"), person("bob", "acme")],
        toml="[[sources]]\npattern = 'veille_*.csv'\nplatform = 'x'\ndate_format = '%d/%m/%Y %H:%M'\n"
        "columns = { Lien = 'url', Quand = 'posted_at', Aime = 'reactions', Type = 'kind' }\n"
        "kinds = { Publication = 'post', Partage = 'repost', Mention = 'ignore' }\n",
    )
    _fmt, sample = samples(root.parent / f"{root.name}-samples")[which]
    path = root / "exports" / "ana" / sample.name
    path.parent.mkdir(parents=True)
    path.write_bytes(data.draw(mutated(sample.read_bytes())))
    out = root.parent / f"{root.name}-out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        # the file named; or, when nothing of it is a post of 2021, the exports folder (a year without any post)
        empty = f"Error: {root / 'exports'}: no post of 2021-10 nor of any earlier month of 2021 in any export"
        named = result.output.startswith(f"Error: {path}") or result.output.startswith(empty)
        assert named and len(result.output.splitlines()) == 1, result.output


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
TWEET_FIELDS = {
    "id_str": st.sampled_from(["123", "9" * 30, "١٢٣", "12.5"]),
    "created_at": st.sampled_from(["Tue Oct 05 08:00:00 +0000 2021", "Tue Feb 30 08:00:00 +0000 2021", ""]),
    "full_text": st.sampled_from(["RT @a: b", "@b hi", "x https://t.co/a", "RT @", "&amp;"]),
    "favorite_count": st.sampled_from(["1", "-1", "1e400", "nan", "1.5"]),
    "retweet_count": st.sampled_from(["0", "2"]),
    "in_reply_to_status_id_str": st.sampled_from(["1", ""]),
    "entities": st.fixed_dictionaries(
        {}, optional={"urls": json_values | st.just([{"url": "https://t.co/a", "expanded_url": "https://x.com/b/status/1"}]),
                      "user_mentions": json_values}),
    "edit_info": json_values | st.just({"initial": {"editTweetIds": ["123", "124", None, 5]}}),
}  # fmt: skip


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(
    records=st.lists(
        st.one_of(
            json_values,
            st.fixed_dictionaries({}, optional={k: v | json_values for k, v in TWEET_FIELDS.items()}),
        ).map(lambda t: {"tweet": t} if isinstance(t, dict) and len(t) % 2 else t),
        max_size=4,
    )
)
def test_any_json_in_an_archive(tmp_path: Path, records: list) -> None:
    import json

    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = " + json.dumps(records), encoding="utf-8")
    check(next(f for f in FORMATS if f.name == "x-archive").load, path, context())
