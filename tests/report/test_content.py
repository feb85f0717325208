"""Tone, topics and watchlist in the reports (issue 5): the bars show `tone_mix`'s shares, the public leaderboard
never shows a flagged post, a company report lists exactly its own flagged posts, labels come from the catalogues,
and the documents stay identical from one run to the next."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5

from ranking.content.tone import TONES, tone_mix
from ranking.content.topics import top_topics
from ranking.pipeline import RunData
from ranking.render.environment import render
from ranking.report.company import company_contexts
from ranking.report.content import FlaggedPost, excerpt_around, hit_spans
from ranking.report.i18n import Translator
from ranking.report.leaderboard import leaderboard_context
from ranking.text.keywords import fold, keyword_pattern
from tests.workspaces import person, post, runs_in_fresh_processes, workspace, write_csv

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
TOML = """
[tone]
sector_handles = ["leem_fictif"]
sector_domains = ["leem.example"]

[topics]
covid = ["covid*", "vaccin*"]
my_own_topic = ["zorblax"]

[compliance]
watchlist = ["Zentrix", "Dermolène"]
"""


def toned(root: Path, toml: str = TOML) -> Path:
    """Two teams whose posts take every tone in known proportions, some naming watched products."""
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name="Bob Martin"),
        person("cleo", "beta", ceo=True, name="Cleo Durand"),
    ]
    posts = [
        # acme: ana 1 corporate, 1 sector, 1 curation, 1 personal; bob 1 corporate (a repost), 1 personal
        post("1", "ana", "2021-10-02T08:00:00Z", reactions=10, text="Fiers de @acme_officiel et du vaccin"),
        post("2", "ana", "2021-10-03T08:00:00Z", reactions=20, text="Le rapport https://www.leem.example/r covid"),
        post("3", "ana", "2021-09-04T08:00:00Z", reactions=30, text="À lire https://news.example/a zorblax"),
        post("4", "ana", "2021-08-05T08:00:00Z", reactions=40, text="Merci à nos équipes pour #Zentrix"),
        post("5", "bob", "2021-10-06T08:00:00Z", kind="repost", text="RT @acme_officiel: nouvelles"),
        post("6", "bob", "2021-06-07T08:00:00Z", reactions=6, text="Une belle journée, rien sur Zentrixa"),
        # beta: cleo relays acme (sector for her) and names a watched product with its accent dropped
        post("7", "cleo", "2021-10-08T08:00:00Z", reactions=8, text="Bravo @acme_officiel pour dermolene"),
        post("8", "cleo", "2021-05-09T08:00:00Z", reactions=9, text="Zentrix, une avancée"),
        post("9", "cleo", "2020-12-30T08:00:00Z", reactions=99, text="Zentrix l'an dernier"),  # outside the year
    ]  # fmt: skip
    root = workspace(root, people, posts, toml=toml)
    write_csv(
        root / "companies.csv",
        ["company", "name", "domains", "corporate_handles"],
        [
            {"company": "acme", "name": "Acme", "domains": "acme.example", "corporate_handles": "acme_officiel"},
            {"company": "beta", "name": "Beta", "domains": "beta.example", "corporate_handles": "beta_officiel"},
        ],
    )
    return root


def tree_of(html: str) -> Any:
    return tinyhtml5.parse(html)


def classes(element: Any) -> list[str]:
    return element.get("class", "").split()


def row(tree: Any, table_class: str, data_id: str) -> Any:
    for table in tree.iter(f"{NS}table"):
        if table_class in classes(table):
            for tr in table.iter(f"{NS}tr"):
                if tr.get("data-id") == data_id:
                    return tr
    raise AssertionError(f"no row {data_id} in table.{table_class}")


def bar_shares(svg: Any) -> dict[str, float]:
    """The share each tone's rectangle draws: its width over the bar's width."""
    width = float(svg.get("viewBox").split()[2])
    return {r.get("data-tone"): float(r.get("width")) / width for r in svg.iter(f"{SVG}rect") if r.get("data-tone")}


def bars(element: Any) -> dict[str, Any]:
    return {svg.get("data-measure"): svg for svg in element.iter(f"{SVG}svg") if svg.get("data-measure")}


def expected(mix_row: dict, measure: str) -> dict[str, float]:
    column = "tone_{}" if measure == "posts" else "tone_influence_{}"
    return {t: mix_row[column.format(t)] for t in TONES if mix_row[column.format(t)]}


def text_of(element: Any) -> str:
    """An element's text on one line, the no-break spaces babel writes read as plain spaces."""
    return " ".join("".join(element.itertext()).replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, pipeline) -> RunData:
    return pipeline(toned(tmp_path_factory.mktemp("toned") / "ws"))


def test_tone_bars_draw_the_shares_of_tone_mix(small) -> None:
    data, ytd = small.report, small.posts["ytd"]
    teams = {r["company"]: r for r in tone_mix(ytd, "company").iter_rows(named=True)}
    sector = tone_mix(ytd, None).row(0, named=True)
    # By hand: acme 2 corporate, 1 sector, 1 curation, 2 personal of 6; over both teams, 8 posts of 2021.
    assert teams["acme"]["tone_corporate"] == pytest.approx(2 / 6) and sector["tone_posts"] == 8
    assert teams["beta"]["tone_sector"] == pytest.approx(1 / 2)
    for lang in ("fr", "en"):
        board = tree_of(render("leaderboard.html", leaderboard_context(data, lang), lang))
        for key, mix in (*teams.items(), ("sector", sector)):
            drawn = bars(row(board, "tones", key))
            for measure in ("posts", "influence"):
                got, want = bar_shares(drawn[measure]), expected(mix, measure)
                assert got.keys() == want.keys(), (key, measure)
                assert all(got[t] == pytest.approx(want[t], abs=1e-4) for t in want), (key, measure, got, want)
        for context in company_contexts(data, lang):
            page = tree_of(render("company.html", context, lang))
            compare = next(t for t in page.iter(f"{NS}table") if "tone-compare" in classes(t))
            own, average = [bars(tr) for tr in compare.iter(f"{NS}tr")]
            assert bar_shares(own["posts"]) == pytest.approx(expected(teams[context.company], "posts"), abs=1e-4)
            assert bar_shares(own["influence"]) == pytest.approx(
                expected(teams[context.company], "influence"), abs=1e-4
            )
            assert bar_shares(average["posts"]) == pytest.approx(expected(sector, "posts"), abs=1e-4)
            people = {r["executive_id"]: r for r in tone_mix(ytd, "executive_id").iter_rows(named=True)}
            for e in context.content.executives:
                drawn = bars(row(page, "executive-tones", e.executive_id))
                assert bar_shares(drawn["posts"]) == pytest.approx(expected(people[e.executive_id], "posts"), abs=1e-4)


def test_topics_shown_are_the_top_topics_with_their_labels(small) -> None:
    data, ytd = small.report, small.posts["ytd"]
    acme = top_topics(ytd, "company", 3).filter(company="acme")
    assert acme.get_column("topic").to_list() == ["covid", "my_own_topic"]
    board = tree_of(render("leaderboard.html", leaderboard_context(data, "fr"), "fr"))
    cells = [text_of(td) for td in row(board, "team-topics", "acme").iter(f"{NS}td")]
    # The default taxonomy's key has its label; the workspace's own topic has none and shows its key.
    assert cells[2].startswith("Covid-19 ") and cells[3].startswith("my_own_topic ")
    assert cells[2] == "Covid-19 40 %" and acme.row(0, named=True)["share"] == pytest.approx(2 / 5)
    report = next(c for c in company_contexts(data, "en") if c.company == "acme")
    english = tree_of(render("company.html", report, "en"))
    cells = {k: [text_of(td) for td in row(english, "company-topics", k).iter(f"{NS}td")] for k in acme["topic"]}
    # rank, label, posts, the bar (its text alternative), the team's share, the sector's (2 of the sector's 7 posts
    # other than reposts)
    assert cells["covid"] == ["1", "Covid-19", "2", "40% of the posts, sector: 29%", "40%", "29%"]
    assert cells["my_own_topic"] == ["2", "my_own_topic", "1", "20% of the posts, sector: 14%", "20%", "14%"]


def walk(value: Any) -> list[Any]:
    """Every value reachable in a context (dataclass fields, tuples)."""
    found = [value]
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            found += walk(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            found += walk(item)
    return found


def named_terms(text: str, terms: tuple[str, ...]) -> list[str]:
    folded = fold(text)
    return [term for term in terms if re.search(keyword_pattern(term), folded)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_leaderboard_never_shows_compliance_flags(lang: str, demo_data: RunData) -> None:
    demo = demo_data
    data, watchlist = demo.report, demo.workspace.settings.compliance.watchlist
    assert data.content.flagged.height > 5, "the demo must have flagged posts for this test to mean anything"
    context = leaderboard_context(data, lang)
    assert not [v for v in walk(context) if isinstance(v, FlaggedPost)]
    html = render("leaderboard.html", context, lang)
    page = text_of(tree_of(html))
    assert named_terms(page, watchlist) == []
    for text in data.content.flagged.get_column("text"):
        assert " ".join(text.split())[:60] not in page
    for label in ("company.compliance", "company.compliance.col.terms"):
        assert Translator(lang)(label) not in page
    assert "flagged" not in html and 'class="hit"' not in html


def test_a_company_report_lists_exactly_its_own_flagged_posts(small, tmp_path: Path) -> None:
    data = small.report
    reports = {c.company: c for c in company_contexts(data, "en")}
    acme = tree_of(render("company.html", reports["acme"], "en"))
    flagged = next(t for t in acme.iter(f"{NS}table") if "flagged" in classes(t))
    lines = [tr for tr in flagged.iter(f"{NS}tr") if tr.get("data-id")]
    assert [tr.get("data-id") for tr in lines] == ["ana"]  # not bob's near miss "Zentrixa", none of cleo's
    assert "#Zentrix" in text_of(lines[0]) and "Zentrix" in [text_of(b) for b in lines[0].iter(f"{NS}b")]
    acme_text = text_of(acme)
    assert "Cleo Durand" not in acme_text and "dermolene" not in acme_text and "une avancée" not in acme_text
    beta = tree_of(render("company.html", reports["beta"], "en"))
    flagged = next(t for t in beta.iter(f"{NS}table") if "flagged" in classes(t))
    texts = [text_of(tr) for tr in flagged.iter(f"{NS}tr") if tr.get("data-id")]
    assert len(texts) == 2 and "dermolene" in texts[0] and "Dermolène" in texts[0]  # most recent first
    assert "l'an dernier" not in text_of(beta)  # a post of 2020 is outside the year to date
    assert all("Ana Lopez" not in t for t in texts)


def test_every_demo_report_lists_its_company_s_flagged_posts_only(demo_data: RunData) -> None:
    data = demo_data.report
    roster = dict(data.roster.select("executive_id", "company").iter_rows())
    hits = data.content.flagged
    for context in company_contexts(data, "fr"):
        page = tree_of(render("company.html", context, "fr"))
        tables = [t for t in page.iter(f"{NS}table") if "flagged" in classes(t)]
        ids = [tr.get("data-id") for t in tables for tr in t.iter(f"{NS}tr") if tr.get("data-id")]
        own = hits.filter(company=context.company)
        assert sorted(ids) == sorted(own.get_column("executive_id").to_list())
        assert all(roster[i] == context.company for i in ids)
        assert (own.height > 0) == bool(tables)


def test_no_watchlist_and_no_topics_read_plainly(tmp_path: Path, pipeline) -> None:
    data = pipeline(toned(tmp_path / "ws", "[topics]\n")).report
    acme = render("company.html", next(c for c in company_contexts(data, "en") if c.company == "acme"), "en")
    assert "No product watchlist is set in the settings" in acme and 'class="ranking flagged"' not in acme
    board = render("leaderboard.html", leaderboard_context(data, "en"), "en")
    assert "No post has named a followed topic since January." in board
    assert "No topic is followed in the settings of this edition." in board


def test_hit_spans_follow_the_matching_rules() -> None:
    text = "Fiers de #Dermolène et de DERMOLENE, pas de Dermolènex ; Zentrix-2 oui"
    spans = hit_spans(text, ("Dermolène", "Zentrix"))
    assert [text[s:e] for s, e in spans] == ["Dermolène", "DERMOLENE", "Zentrix"]
    assert hit_spans("ﬁer de Zentrix", ("Zentrix",)) == [(7, 14)]  # a ligature folds to two letters


def test_excerpt_around_shows_the_term_even_far_in_a_long_post() -> None:
    text = "Début. " + "mot " * 200 + "Enfin Zentrix arrive. " + "fin " * 100
    parts = excerpt_around(text, ("Zentrix",), limit=120)
    joined = "".join(p.text for p in parts)
    assert joined.startswith("… ") and joined.endswith(" …") and len(joined) <= 124
    assert [p.text for p in parts if p.hit] == ["Zentrix"]
    short = excerpt_around("Un  texte\ncourt", ("Zentrix",))
    assert [(p.text, p.hit) for p in short] == [("Un texte court", False)]


def test_two_runs_in_fresh_processes_write_identical_reports_with_tones(tmp_path: Path) -> None:
    root = toned(tmp_path / "ws")
    first, second = runs_in_fresh_processes(root, tmp_path)
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.pdf"))
    assert names == ["companies/acme.pdf", "companies/beta.pdf", "leaderboard.pdf"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
