"""The reports: the leaderboard and the company PDFs show the tables' rows in order, in both languages, render
without warnings, identically twice, safely whatever the posts say, and fetch nothing but the project's assets."""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import pytest
import tinyhtml5
from pypdf import PdfReader

from ranking.load.workspace import load_workspace
from ranking.pipeline import compute, run
from ranking.render.environment import render
from ranking.render.pdf import _fetcher, allowed, write_pdf
from ranking.report.company import company_contexts
from ranking.report.leaderboard import leaderboard_context
from ranking.resources import templates_dir
from tests.workspaces import PERIOD, REPO, person, post, runs_in_fresh_processes, workspace

INJECTIONS = (
    '<img src="file:///etc/passwd">',
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>body { display: none }</style>",
    '<a href="javascript:alert(1)">click</a>',
)


def injected(root: Path, toml: str | None = None) -> Path:
    """A small workspace whose third-party texts try to be markup."""
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name="Bob Martin", role="<style>*{display:none}</style>"),
        person("cleo", "beta", ceo=True, name='<img src="file:///etc/hostname">'),
        person("dan", "gamma", ceo=True, name="Dan Idle"),
    ]
    posts = [
        post("1", "ana", "2021-10-05T10:00:00Z", reactions=12345, comments=2, shares=1, text=INJECTIONS[0],
             url="javascript:alert(1)"),
        post("2", "ana", "2021-10-06T10:00:00Z", reactions=5, text=INJECTIONS[1], url="file:///etc/passwd"),
        post("3", "bob", "2021-10-07T10:00:00Z", reactions=3, text=INJECTIONS[2] + " " + INJECTIONS[3],
             url="https://www.linkedin.com/feed/update/urn:li:activity:3/"),
        post("4", "cleo", "2021-09-05T10:00:00Z", reactions=4000, text="septembre"),
        post("5", "cleo", "2021-10-08T10:00:00Z", reactions=40, platform="x", text="octobre",
             url="https://x.com/cleo/status/5"),
    ]  # fmt: skip
    return workspace(root, people, posts, toml=toml)


class Recording:
    """Wraps the project's fetcher and records every URL WeasyPrint asks for."""

    def __init__(self, assets: tuple[Path, ...] = ()) -> None:
        inner = _fetcher(assets)
        urls: list[str] = []

        class Recorder(type(inner)):  # type: ignore[misc]
            def fetch(self, url, headers=None):
                urls.append(url)
                return super().fetch(url, headers)

        self.fetcher = Recorder()
        self.urls = urls


def data_of(pipeline, root: Path):
    """The report data of the workspace at `root`, as the run computes it."""
    return pipeline(root).report


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def normalised(text: str) -> str:
    """PDF text on one line, with the no-break spaces babel writes read as plain spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data.report


@pytest.fixture(scope="module")
def demo_pdfs(demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's leaderboard and one company report in both languages, rendered with warnings recorded."""
    out = tmp_path_factory.mktemp("demo")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        pdfs = {}
        for lang in ("fr", "en"):
            pdfs[f"leaderboard-{lang}"] = out / f"leaderboard-{lang}.pdf"
            write_pdf(render("leaderboard.html", leaderboard_context(demo, lang), lang), pdfs[f"leaderboard-{lang}"])
            context = next(c for c in company_contexts(demo, lang) if c.company == "isomedica")
            pdfs[f"company-{lang}"] = out / f"company-{lang}.pdf"
            write_pdf(render("company.html", context, lang), pdfs[f"company-{lang}"])
    finally:
        logger.removeHandler(handler)
    pdfs["warnings"] = records  # type: ignore[assignment]
    return pdfs


def test_no_weasyprint_warning_while_rendering(demo_pdfs) -> None:
    assert [r.getMessage() for r in demo_pdfs["warnings"]] == []


def test_html_ranking_tables_have_the_csv_rows_in_order(tmp_path: Path, demo_data) -> None:
    from ranking.outputs.staging import write_csv
    from ranking.score.ranks import table

    demo = demo_data
    scores, data = demo.scores, demo.report
    out = tmp_path / "out"
    out.mkdir()
    write_csv(table(scores, "companies"), out / "companies.csv")
    write_csv(table(scores, "executives"), out / "executives.csv")
    companies = list(csv.DictReader((out / "companies.csv").open(encoding="utf-8")))
    executives = list(csv.DictReader((out / "executives.csv").open(encoding="utf-8")))
    tree = tinyhtml5.parse(render("leaderboard.html", leaderboard_context(data, "fr"), "fr"))
    ns = "{http://www.w3.org/1999/xhtml}"

    def ids(kind: str, scope: str) -> list[str]:
        for table_ in tree.iter(f"{ns}table"):
            if kind in table_.get("class", "").split() and table_.get("data-scope") == scope:
                return [tr.get("data-id") for tr in table_.iter(f"{ns}tr") if tr.get("data-id")]
        raise AssertionError(f"no {kind} table for {scope}")

    top = data.settings.report.top_executives
    for scope in ("month", "ytd"):
        assert ids("teams", scope) == [r["company"] for r in companies if r["scope"] == scope]
        assert len(ids("teams", scope)) == 21
        wanted = [r["executive_id"] for r in executives if r["scope"] == scope]
        assert ids("executives", scope) == wanted[:top]
        ceos = [r["executive_id"] for r in executives if r["scope"] == scope and r["is_ceo"] == "true"]
        assert sorted(ids("ceos", scope)) == sorted(ceos)


def test_leaderboard_pages_and_labels_in_both_languages(demo_pdfs, demo) -> None:
    fr, en = PdfReader(demo_pdfs["leaderboard-fr"]), PdfReader(demo_pdfs["leaderboard-en"])
    # cover, podium, 2 team pages, CEOs, 2 executive pages, trends, tone, topics, 2 beyond volume, what works in the
    # sector, 3 methodology (the last: what works), data quality (1-2 pages)
    assert 16 <= len(fr.pages) <= 19 and 16 <= len(en.pages) <= 19
    names = demo.companies.get_column("name").to_list()
    for reader, title in ((fr, "Classement des équipes — cumul depuis janvier"), (en, "Team ranking — year to date")):
        pages = [normalised(p.extract_text()) for p in reader.pages]
        team_page = next(p for p in pages if title in p)
        assert all(name in team_page for name in names), "the 20-team ranking must fit on its page"
    text_fr, text_en = (
        normalised(text_of(demo_pdfs["leaderboard-fr"])),
        normalised(text_of(demo_pdfs["leaderboard-en"])),
    )
    for label in ("Octobre 2021 — cumul depuis janvier", "Méthodologie", "Qualité des données", "Classement des PDG",
                  "Hausses et baisses du mois", "108 885", "collectif", "une voix", "Au-delà du volume : la part de voix",
                  "Au-delà du volume : résonance et taux d'engagement", "Ce qui marche dans le secteur",
                  "Des associations, pas des causes"):  # fmt: skip
        assert label in text_fr, label
    for label in ("October 2021 — year to date", "Methodology", "Data quality", "CEO ranking",
                  "Climbers and fallers of the month", "108,885", "collective", "one voice",
                  "Beyond volume: share of voice", "Beyond volume: resonance and engagement rate",
                  "What works in the sector", "Associations, not causes"):  # fmt: skip
        assert label in text_en, label
    assert "Classement des" not in text_en and "Methodology" not in text_fr


def test_tone_and_topics_pages_in_both_languages(demo_pdfs, demo) -> None:
    fr, en = PdfReader(demo_pdfs["leaderboard-fr"]), PdfReader(demo_pdfs["leaderboard-en"])
    names = demo.companies.get_column("name").to_list()
    for reader, title, labels in (
        (fr, "Le ton des équipes", ("Moyenne du secteur", "Relais de l'entreprise", "Relais du secteur", "Veille",
                                    "Voix personnelle")),
        (en, "How the teams speak", ("Sector average", "Company relays", "Sector relays", "Curation", "Personal voice")),
    ):  # fmt: skip
        pages = [normalised(p.extract_text()) for p in reader.pages]
        tone = next(p for p in pages if title in p)
        assert all(name in tone for name in names), "the 20 teams' tones must fit on their page"
        assert all(label in tone for label in labels)
    text_fr, text_en = (
        normalised(text_of(demo_pdfs["leaderboard-fr"])),
        normalised(text_of(demo_pdfs["leaderboard-en"])),
    )
    for label in ("Les thèmes de l'année", "Production industrielle", "Souveraineté sanitaire", "R&D et innovation",
                  "Ton des publications", "Thèmes suivis : Covid-19, Souveraineté sanitaire"):  # fmt: skip
        assert label in text_fr, label
    for label in ("The topics of the year", "Manufacturing", "Health sovereignty", "R&D and innovation",
                  "Tone of the posts", "Topics followed: Covid-19, Health sovereignty"):  # fmt: skip
        assert label in text_en, label
    assert "rnd_innovation" not in text_fr + text_en and "Manufacturing" not in text_fr
    company_fr, company_en = normalised(text_of(demo_pdfs["company-fr"])), normalised(text_of(demo_pdfs["company-en"]))
    for label in ("Ton et thèmes", "Le ton de chaque dirigeant", "Ses thèmes", "Moyenne du secteur",
                  "Produits nommés dans les publications", "Termes trouvés"):  # fmt: skip
        assert label in company_fr, label
    for label in ("Tone and topics", "Each executive's tone", "Its topics", "Sector average",
                  "Products named in posts", "Terms found"):  # fmt: skip
        assert label in company_en, label
    flagged = demo.content.flagged.filter(company="isomedica")
    assert flagged.height > 0
    for terms in flagged.get_column("compliance"):
        assert all(term in company_fr and term in company_en for term in terms)


def test_methodology_states_the_settings_used(tmp_path: Path, pipeline) -> None:
    toml = '[scoring]\nreactions = 2\ncomments = 5\nshares = 7\ntimezone = "America/New_York"\n[report]\ncollective_threshold = 0.55\n'
    toml += "[measures]\nmin_posts = 4\n"
    data = data_of(pipeline, injected(tmp_path / "ws", toml))
    pdf = tmp_path / "l.pdf"
    write_pdf(render("leaderboard.html", leaderboard_context(data, "en"), "en"), pdf)
    text = normalised(text_of(pdf))
    assert "2 × reactions + 5 × comments + 7 × shares" in text
    assert "America/New_York" in text and "from 55%" in text
    assert "Beyond volume: how the measures are made" in text
    assert "Shown from 4 such posts" in text and "Below 4 own posts with a count there is no median" in text


def test_company_report_shows_ranks_peers_executives_and_posts(demo_pdfs, demo) -> None:
    text = normalised(text_of(demo_pdfs["company-fr"]))
    iso = demo.teams["ytd"].filter(demo.teams["ytd"]["company"] == "isomedica").row(0, named=True)
    assert "Isomédica" in text and f"{iso['rank']} / 21" in text
    for name in demo.roster.filter(demo.roster["company"] == "isomedica").get_column("name"):
        assert name in text
    ytd = demo.teams["ytd"].get_column("name").to_list()
    at = demo.teams["ytd"].get_column("company").to_list().index("isomedica")
    shown = ytd[:5] + ytd[max(0, at - 2) : at + 3]  # the peers chart: leaders, neighbours
    assert all(name in text for name in shown) and f"Moyenne du secteur ({len(ytd)} équipes)" in text
    assert "parle surtout d'une voix" in text and "Qualité des données de l'équipe" in text
    assert "linkedin.com/feed/update" in text  # the best posts' links
    assert "The team score, month by month" in normalised(text_of(demo_pdfs["company-en"]))


def test_only_the_embedded_open_font_is_used(demo_pdfs) -> None:
    for key in ("leaderboard-fr", "company-en"):
        fonts = set()
        for page in PdfReader(demo_pdfs[key]).pages:
            for font in page["/Resources"]["/Font"].values():
                fonts.add(str(font.get_object()["/BaseFont"]))
        assert fonts and all("Source-Sans-3" in f for f in fonts), fonts


def test_rerender_is_byte_identical_with_dates_from_the_period(demo, tmp_path: Path) -> None:
    html = render("company.html", company_contexts(demo, "en")[3], "en")
    write_pdf(html, tmp_path / "a.pdf")
    write_pdf(html, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    meta = PdfReader(tmp_path / "a.pdf").metadata
    assert meta is not None and str(meta["/CreationDate"]).startswith("D:20211101")


def test_two_runs_in_fresh_processes_write_identical_files(tmp_path: Path) -> None:
    root = injected(tmp_path / "ws")
    first, second = runs_in_fresh_processes(root, tmp_path)
    names = [*sorted(p.relative_to(first).as_posix() for p in first.rglob("*.pdf")), "ranking.xlsx"]
    assert "companies/gamma.pdf" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_post_texts_are_shown_as_text_and_nothing_is_fetched(tmp_path: Path, pipeline) -> None:
    data = data_of(pipeline, injected(tmp_path / "ws"))
    root = templates_dir().resolve()
    for template, context in (
        ("leaderboard.html", leaderboard_context(data, "fr")),
        *(("company.html", c) for c in company_contexts(data, "fr")),
    ):
        html = render(template, context, "fr")
        assert "<img src=" not in html and "<link rel=attachment" not in html and "<style>body" not in html
        recording = Recording()
        pdf = tmp_path / f"{getattr(context, 'company', 'leaderboard')}.pdf"
        write_pdf(html, pdf, fetcher=recording.fetcher)
        assert recording.urls, "the stylesheet and fonts are fetched through the project's fetcher"
        for url in recording.urls:
            assert allowed(url) is not None and allowed(url).is_relative_to(root), url  # type: ignore[union-attr]
        reader = PdfReader(pdf)
        assert not reader.attachments
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                uri = str(annot.get_object().get("/A", {}).get("/URI", ""))
                assert uri.startswith("https://"), uri
    acme = normalised(text_of(tmp_path / "acme.pdf"))
    assert INJECTIONS[0] in acme and "javascript:alert(1)" in acme and "file:///etc/passwd" in acme
    assert "<style>body { display: none }</style>" in acme and "<style>*{display:none}</style>" in acme
    assert '<img src="file:///etc/hostname">' in normalised(text_of(tmp_path / "leaderboard.pdf"))


def test_fetcher_serves_templates_and_the_logo_only(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>')
    css = (templates_dir() / "print.css").resolve()
    assert allowed(css.as_uri()) == css
    assert allowed(logo.as_uri(), (logo,)) == logo.resolve()
    for url in (logo.as_uri(), "file:///etc/passwd", "http://example.com/x.css", "data:text/css,body{}",
                (templates_dir() / ".." / "pyproject.toml").as_uri(), "file://remote/share/x.css"):  # fmt: skip
        assert allowed(url) is None, url


def test_publisher_logo_from_the_workspace_is_drawn(tmp_path: Path, pipeline) -> None:
    root = injected(tmp_path / "ws", '[report]\nlogo = "brand/logo.svg"\npublisher = "Acme Watch"\n')
    (root / "brand").mkdir()
    (root / "brand" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#123"/></svg>'
    )
    data = data_of(pipeline, root)
    recording = Recording((data.logo,))  # type: ignore[arg-type]
    html = render("leaderboard.html", leaderboard_context(data, "en"), "en")
    write_pdf(html, tmp_path / "l.pdf", fetcher=recording.fetcher)
    assert (root / "brand" / "logo.svg").resolve().as_uri() in recording.urls
    assert "Acme Watch" in text_of(tmp_path / "l.pdf")


@pytest.mark.parametrize("logo", ["../outside.svg", "missing.png", "/etc/passwd.png"])
def test_a_logo_outside_the_workspace_or_missing_is_an_error(tmp_path: Path, logo: str) -> None:
    from click.testing import CliRunner

    from ranking.cli import cli

    (tmp_path / "outside.svg").write_text("<svg/>")
    root = injected(tmp_path / "ws", f'[report]\nlogo = "{logo}"\n')
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert f"Error: {root}/ranking.toml: report.logo" in result.output


def test_run_writes_one_report_per_company_and_lists_them(tmp_path: Path) -> None:
    result = run(injected(tmp_path / "ws"), PERIOD, tmp_path / "out", lang="en", jobs=2)
    reports = sorted(p.name for p in (result.folder / "companies").iterdir())
    assert reports == ["acme.pdf", "beta.pdf", "gamma.pdf"]
    manifest = (result.folder / "manifest.json").read_text()
    assert all(f"companies/{name}" in manifest for name in reports)
    gamma = normalised(text_of(result.folder / "companies" / "gamma.pdf"))
    assert "Dan Idle" in gamma and "no data" in gamma
    assert "Executives without data" in gamma and "has no post counted since January" in gamma


def test_templates_hold_no_text_outside_the_catalogues() -> None:
    for path in templates_dir().glob("*.html"):
        source = path.read_text(encoding="utf-8")
        stripped = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
        stripped = re.sub(r"<!DOCTYPE[^>]*>|<[^>]+>|&#?\w+;", " ", stripped)
        assert not re.search(r"[^\W\d_]", stripped), f"{path.name}: {stripped.split()!r}"


def test_data_quality_shows_flags_missing_counts_and_export_dates(tmp_path: Path) -> None:
    from tests.workspaces import POST_FIELDS, write_csv

    root = injected(tmp_path / "ws")
    write_csv(
        root / "exports" / "bob" / "creator_2021-10-31.csv",
        [f for f in POST_FIELDS if f != "executive_id"],
        [
            post("20", "bob", "2021-10-12T10:00:00Z", reactions="", comments="", shares="", engagements=70),
            post("21", "bob", "2021-10-13T10:00:00Z", reactions="", comments="", shares=""),
        ],
    )
    ws = load_workspace(root)
    flagged = next(e for e in ws.exports if e.shown.endswith("creator_2021-10-31.csv"))
    flagged.flags += ["total only", "some new flag"]
    flagged.notes.append("2 rows without counts")
    data = compute(ws, PERIOD).report
    pdf = tmp_path / "l.pdf"
    write_pdf(render("leaderboard.html", leaderboard_context(data, "fr"), "fr"), pdf)
    text = normalised(text_of(pdf))
    assert "creator_2021-10-31.csv" in text.replace(" ", "")  # a long path wraps in its cell
    assert "31 octobre 2021" in text
    assert "total seul" in text and "some new flag" in text and "2 rows without counts" in text
    assert "1 publication sans compteurs · 1 publication avec un total seul" in text
    assert "Dan Idle" in text  # no export holds a post of his
    assert "31 octobre 2021 date de son nom" in text
    # Bob's score owes 70 to a total without reactions, comments or shares: marked, and explained on its page.
    board = [normalised(page.extract_text()) for page in PdfReader(pdf).pages]
    ranking = next(page for page in board if "Les 4 dirigeants les plus influents — cumul depuis janvier" in page)
    assert "73†" in ranking.replace(" ", "") and "partages : Bob Martin 70 sur 73." in ranking
    assert sum("†" in page for page in board) == 2  # the year to date's and the month's tables, nowhere else
    contexts = {c.company: c for c in company_contexts(data, "fr")}
    write_pdf(render("company.html", contexts["gamma"], "fr"), tmp_path / "gamma.pdf")
    gamma = normalised(text_of(tmp_path / "gamma.pdf"))
    # Dan has no data: no rank nor movement among the zeros, a dash
    assert "– – Dan Idle PDG sans données CEO 0 0 0 – –" in gamma
    acme = next(c for c in company_contexts(data, "en") if c.company == "acme")
    write_pdf(render("company.html", acme, "en"), tmp_path / "acme.pdf")
    appendix = normalised(text_of(tmp_path / "acme.pdf"))
    assert "creator_2021-10-31.csv" in appendix.replace(" ", "")
    assert "total only" in appendix and "Dan Idle" not in appendix
    assert "shares: Bob Martin 70 of 73." in appendix  # the company report explains the same score


def test_leaderboard_lists_the_top_teams_and_ceos_and_says_where_the_rest_is(tmp_path: Path, pipeline) -> None:
    people = [person(f"ceo{i}", f"co{i}", ceo=True) for i in range(4)]
    posts = [post(str(i), f"ceo{i}", "2021-10-05T10:00:00Z", reactions=10 * (i + 1)) for i in range(4)]
    root = workspace(tmp_path / "ws", people, posts, toml="[report]\ntop_teams = 2\ntop_ceos = 3\n")
    context = leaderboard_context(data_of(pipeline, root), "en")
    html = render("leaderboard.html", context, "en")
    tree = tinyhtml5.parse(html)
    ns = "{http://www.w3.org/1999/xhtml}"
    seen: dict[str, int] = {"teams": 0, "ceos": 0}
    for table_ in tree.iter(f"{ns}table"):
        classes = table_.get("class", "").split()
        ids = [tr.get("data-id") for tr in table_.iter(f"{ns}tr") if tr.get("data-id")]
        if "teams" in classes:
            assert ids == ["co3", "co2"]
            seen["teams"] += 1
        if "ceos" in classes:
            assert ids == ["ceo3", "ceo2", "ceo1"]
            seen["ceos"] += 1
    assert seen == {"teams": 2, "ceos": 2}  # both scopes
    text = normalised(html)
    assert "The first 2 of 4 ranked teams" in text and "The first 3 of 4 ranked CEOs" in text


def test_the_readme_settings_example_is_valid() -> None:
    import tomllib

    from ranking.settings import Settings, build

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Settings (`ranking.toml`)", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    settings = build(Settings, tomllib.loads(block))
    assert settings.report.top_teams == 50 and settings.sources
