"""Conformance on the real scraper results of ../shared/formats/scrapers/: the facts its README states, read with
no mapping, by file and by workspace (own posts, reposts, period figures)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from ranking.load.base import Export
from ranking.load.formats import detect
from ranking.load.workspace import Workspace, check_workspace, load_workspace
from ranking.period import Period
from ranking.score.ranks import score, with_influence
from tests.load.native_exports import context
from tests.workspaces import person, workspace

APIMAESTRO = "apify_linkedin_profile_posts_apimaestro/dataset_linkedin-profile-posts_2025-12-06_11-28-56-790.json"
HARVESTAPI = "apify_linkedin_profile_posts_harvestapi/dataset_linkedin-profile-posts_2026-06-08_10-29-48-888.json"
SUPREME = "apify_linkedin_post_supremecoder/dataset_linkedin-post_2026-02-16_17-09-37-178.csv"
APIDOJO = "apify_tweet_scraper_apidojo/dataset_tweet-scraper_2025-11-21_21-51-32-246.json"
BRIGHTDATA_X = "brightdata_x_posts/twitter_date_range_posts.json"
EXPECTED = {
    APIMAESTRO: "apify-linkedin-profile-posts (apimaestro)",
    HARVESTAPI: "apify-linkedin-profile-posts (harvestapi)",
    SUPREME: "apify-linkedin-post (supreme_coder)",
    APIDOJO: "apify-tweet-scraper (apidojo)",
    BRIGHTDATA_X: "brightdata-x-posts",
}


@pytest.fixture
def scrapers(formats_dir: Path) -> Path:
    folder = formats_dir / "scrapers"
    if not folder.is_dir():
        pytest.skip("../shared/formats/scrapers is not here")
    return folder


#: The LinkedIn account of each one-account sample: the roster's `linkedin` of the executive whose folder holds it.
ACCOUNTS = {APIMAESTRO: "valeriejasica", HARVESTAPI: "nikitbassi", SUPREME: "cartersupple"}


def load(scrapers: Path, name: str, executive: str | None = "ana") -> Export:
    path = scrapers / name
    ctx = context(executive)
    if name in ACCOUNTS:
        roster = ctx.roster.with_columns(
            pl.Series("linkedin", [f"https://www.linkedin.com/in/{ACCOUNTS[name]}/", None])
        )
        ctx = replace(ctx, roster=roster)
    return detect(path, str(path)).load(path, str(path), ctx)


def own(posts: pl.DataFrame) -> pl.DataFrame:
    return posts.filter(pl.col("kind") != "repost")


def sums(posts: pl.DataFrame) -> tuple[int, int, int]:
    return tuple(posts.select(pl.col(c).sum() for c in ("reactions", "comments", "shares")).row(0))  # type: ignore


def one_account(scrapers: Path, tmp_path: Path, name: str, slug: str, as_name: str | None = None) -> Workspace:
    """A workspace of one executive (LinkedIn slug `slug`) whose folder holds the sample (renamed `as_name`)."""
    root = workspace(tmp_path / "ws", [person("exec", "acme", ceo=True, linkedin=slug)])
    (root / "exports" / "exec").mkdir(parents=True)
    (root / "exports" / "exec" / (as_name or Path(name).name)).write_bytes((scrapers / name).read_bytes())
    ws = load_workspace(root)
    return ws


def figures(ws: Workspace, period: str, scope: str) -> tuple[int, int, int, int, int, float]:
    scores = score(
        with_influence(ws.posts, ws.settings.scoring),
        ws.roster,
        ws.companies,
        ws.settings.scoring,
        Period.parse(period),
    )
    row = scores[scope].executives.row(0, named=True)
    return tuple(row[c] for c in ("posts", "reposts", "reactions", "comments", "shares", "influence_score"))  # type: ignore


def test_every_scraper_sample_is_recognised_by_its_fields_whatever_its_name(scrapers: Path, tmp_path: Path) -> None:
    samples = sorted(str(p.relative_to(scrapers)) for p in scrapers.rglob("*") if p.is_file() and p.suffix != ".md")
    assert samples == sorted(EXPECTED)
    for name, expected in EXPECTED.items():
        renamed = tmp_path / ("export" + Path(name).suffix)
        renamed.write_bytes((scrapers / name).read_bytes())
        assert detect(scrapers / name, name).name == expected
        assert detect(renamed, "export").name == expected


def test_apimaestro(scrapers: Path, tmp_path: Path) -> None:
    export = load(scrapers, APIMAESTRO)
    posts = export.posts
    assert export.records == 50 and posts.height == 50
    assert dict(posts.group_by("kind").len().iter_rows()) == {"post": 14, "quote": 28, "repost": 8}
    assert own(posts).height == 42 and sums(own(posts)) == (245, 31, 17)
    # the four /posts/<slug>_<title>-ugcPost-<id>-<hash> URLs are read, as every repost's original number
    reposts = posts.filter(pl.col("kind") == "repost")
    assert reposts.get_column("post_id").str.contains(r"^\d{19}$").all()
    assert reposts.filter(pl.col("url").str.contains("-ugcPost-")).height == 4
    # every own post is keyed by its activity number, its share or ugcPost number linked to it (42), and so is
    # the original of the 4 reposts whose URL gives its activity (the 4 others name it by its ugcPost number)
    assert len(export.aliases) == 46
    records = json.loads((scrapers / APIMAESTRO).read_text(encoding="utf-8"))
    assert all(export.aliases[r["urn"]["ugcPost_urn"] or r["urn"]["share_urn"]] == r["urn"]["activity_urn"]
               for r in records if r["post_type"] != "repost")  # fmt: skip
    ws = one_account(scrapers, tmp_path, APIMAESTRO, "valeriejasica")
    assert figures(ws, "2025-12", "ytd") == (42, 8, 245, 31, 17, 358)
    assert figures(ws, "2025-12", "month")[0] == 1 and figures(ws, "2025-12", "month")[-1] == 9


def test_apimaestro_local_date_is_not_taken_for_utc(scrapers: Path) -> None:
    posts = load(scrapers, APIMAESTRO).posts
    record = json.loads((scrapers / APIMAESTRO).read_text(encoding="utf-8"))[0]
    first = posts.row(0, named=True)["posted_at"]
    assert int(first.timestamp() * 1000) == record["posted_at"]["timestamp"]


def test_harvestapi(scrapers: Path, tmp_path: Path) -> None:
    export = load(scrapers, HARVESTAPI)
    posts = export.posts
    assert export.records == 142 and posts.height == 142
    assert dict(posts.group_by("kind").len().iter_rows()) == {"post": 131, "quote": 1, "repost": 10}
    assert own(posts).height == 132 and sums(own(posts)) == (24_935, 2_686, 469)
    # a repost is dated when it was reposted, and keyed by the original post's number
    records = json.loads((scrapers / HARVESTAPI).read_text(encoding="utf-8"))
    reposted = [r for r in records if r.get("repostedAt")]
    dates = posts.filter(pl.col("kind") == "repost").get_column("posted_at").to_list()
    assert sorted(int(d.timestamp() * 1000) for d in dates) == sorted(r["repostedAt"]["timestamp"] for r in reposted)
    assert not set(posts.filter(pl.col("kind") == "repost").get_column("post_id")) & {r["id"] for r in reposted}
    ws = one_account(scrapers, tmp_path, HARVESTAPI, "https://www.linkedin.com/in/nikitbassi/")
    assert figures(ws, "2026-06", "ytd") == (63, 4, 5_352, 565, 128, 6_866)
    month = figures(ws, "2026-06", "month")
    assert (month[0], month[-1]) == (2, 140)


def test_supreme_coder_csv(scrapers: Path, tmp_path: Path) -> None:
    export = load(scrapers, SUPREME)
    posts = export.posts
    with (scrapers / SUPREME).open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == 1_530 and export.records == 26
    assert dict(posts.group_by("kind").len().iter_rows()) == {"post": 8, "quote": 10, "repost": 8}
    ws = one_account(scrapers, tmp_path, SUPREME, "cartersupple")
    assert figures(ws, "2026-02", "ytd") == (12, 8, 126, 13, 5, 167)
    month = figures(ws, "2026-02", "month")
    assert (month[0], month[1], month[-1]) == (8, 1, 161)


def test_apidojo_keyword_search_keeps_the_roster_s_accounts_and_counts_the_others(
    scrapers: Path, tmp_path: Path
) -> None:
    people = [
        person("isael", "acme", ceo=True, x_handle="@isaelbuba"),
        person("chidi", "acme", x_handle="ChidiOdinkalu"),
    ]
    root = workspace(tmp_path / "ws", people)
    (root / "exports").mkdir()
    (root / "exports" / Path(APIDOJO).name).write_bytes((scrapers / APIDOJO).read_bytes())
    ws = load_workspace(root)
    [counted] = ws.accounting
    assert (counted.records, counted.posts, counted.reposts, counted.skipped) == (10, 4, 0, {"not in the roster": 6})
    assert ws.warnings == [f"{root}/exports/{Path(APIDOJO).name}: 6 records skipped: not in the roster"]
    scores = score(
        with_influence(ws.posts, ws.settings.scoring),
        ws.roster,
        ws.companies,
        ws.settings.scoring,
        Period.parse("2025-11"),
    )
    rows = {r["executive_id"]: r for r in scores["month"].executives.iter_rows(named=True)}
    assert [rows["isael"][c] for c in ("posts", "reactions", "comments", "shares", "influence_score")] == [
        2, 2_103, 41, 1_096, 5_473]  # fmt: skip
    assert [rows["chidi"][c] for c in ("posts", "reactions", "comments", "shares", "influence_score")] == [
        2, 308, 14, 248, 1_080]  # fmt: skip
    followers = dict(ws.roster.select("executive_id", "x_followers").iter_rows())
    assert followers == {"isael": 74_583, "chidi": 148_619}


def test_apidojo_with_a_field_selection_reads_the_handle_from_the_url(scrapers: Path, tmp_path: Path) -> None:
    records = json.loads((scrapers / APIDOJO).read_text(encoding="utf-8"))
    trimmed = [{k: v for k, v in r.items() if k not in ("author", "isReply")} for r in records]
    # and with counts and booleans written as strings, as CSV-minded downloads do
    trimmed = [{k: (str(v) if isinstance(v, int | bool) else v) for k, v in r.items()} for r in trimmed]
    path = tmp_path / "dataset_tweet-scraper_2025-11-21_22-00-00-000.json"
    path.write_text(json.dumps(trimmed), encoding="utf-8")
    export = detect(path, "x").load(path, "x", context(None))
    assert export.skipped == {"not in the roster": 10} and export.records == 10


def test_brightdata_x(scrapers: Path, tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("satya", "msft", ceo=True, x_handle="satyanadella")])
    (root / "exports").mkdir()
    (root / "exports" / "posts.json").write_bytes((scrapers / BRIGHTDATA_X).read_bytes())
    ws = load_workspace(root)
    [counted] = ws.accounting
    assert counted.records == 108 and counted.posts == 6
    assert counted.skipped == {"error records of the dataset": 1, "not in the roster": 101}
    posts = ws.posts
    assert posts.height == 6 and sums(posts) == (70_923, 2_595, 5_619)
    days = posts.get_column("posted_at").dt.date()
    assert (str(days.min()), str(days.max())) == ("2025-01-15", "2025-01-27")
    assert ws.roster.get_column("x_followers").to_list() == [3_356_282]
    # each record's scrape time is its snapshot: a later download of the same posts wins their counts
    assert posts.get_column("snapshot").dt.date().unique().to_list() == [pl.Series(["2025-02-03"]).str.to_date()[0]]


def test_strict_makes_an_off_roster_account_an_error(scrapers: Path, tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("satya", "msft", ceo=True, x_handle="satyanadella")],
                     toml="[inputs]\nstrict = true\n")  # fmt: skip
    (root / "exports").mkdir()
    (root / "exports" / "posts.json").write_bytes((scrapers / BRIGHTDATA_X).read_bytes())
    problems = check_workspace(root).problems
    assert problems and all("'FabrizioRomano' is not in the roster ([inputs] strict)" in p.message for p in problems)
