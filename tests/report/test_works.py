"""What works in the documents (ranking.report.works): the company page's sentences, table and heat map, the
leaderboard's sector page, both languages, `ranking explain --cell`, byte-identical re-renders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
from click.testing import CliRunner
from markupsafe import escape
from pypdf import PdfReader

from ranking.cli import cli
from ranking.render.environment import render
from ranking.render.pdf import write_pdf
from ranking.report.company import company_contexts
from ranking.report.i18n import Translator
from ranking.report.leaderboard import leaderboard_context
from ranking.score.what_works import SLOTS
from tests.workspaces import what_works_workspace


def _context(data, company: str, lang: str):
    return next(c for c in company_contexts(data.report, lang) if c.company == company)


def test_plurals_follow_each_language_s_rule() -> None:
    en, fr = Translator("en"), Translator("fr")
    assert [en.plural("works.posts", n) for n in (0, 1, 2)] == ["0 posts", "1 post", "2 posts"]
    assert [fr.plural("works.posts", n) for n in (0, 1, 2)] == ["0 publication", "1 publication", "2 publications"]
    # gettext's French rule has two forms (n > 1): a million takes the plural form
    assert fr.plural("works.posts", 1_000_000) == "1\u202f000\u202f000 publications"


def test_the_sentences_state_the_figure_its_interval_and_the_posts(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    row = data.works.cells.filter(
        (pl.col("company") == "vid") & (pl.col("dimension") == "media") & (pl.col("value") == "video")
    ).row(0, named=True)
    for lang, word in (("en", "videos"), ("fr", "vidéos")):
        t = Translator(lang)
        works = _context(data, "vid", lang).works
        first = works.sentences[0]
        assert len(works.sentences) == 3
        assert word in first.lower() and t.number(row["ratio"], 1) in first
        assert t.number(row["ratio_low"], 1) in first and t.number(row["ratio_high"], 1) in first
        assert t.plural("works.posts", 15) in first
        assert [c.value for c in works.above] == ["video"] and works.cells[0].value == "video"
    noisy = _context(data, "noisy", "en").works
    assert not noisy.above and noisy.sentences[0].startswith("No format or topic")
    assert [c.verdict for c in noisy.cells if c.value == "video"] == ["same"]
    # no slot of its own clearly above: the sentence names the sector's best slot and the team's posts there
    sector = data.works.sector.filter(pl.col("dimension") == "slot").sort("median_influence", descending=True)
    assert "in the sector, posts on" in noisy.sentences[2]
    assert Translator("en").number(sector.get_column("median_influence")[0], 1) in noisy.sentences[2]


def test_the_heat_map_has_every_slot_and_says_its_figures(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    works = _context(data, "zone", "en").works
    assert [s.slot for s in works.slots] == list(SLOTS)
    squares = {s.slot: s for s in works.slots}
    assert squares["wed-night"].posts == 1 and squares["wed-afternoon"].posts == 1
    assert sum(s.posts for s in works.slots) == 2
    assert "Wednesday night, 1 post" in works.slot_text
    assert all(0.0 <= s.shade <= 1.0 for s in works.slots)
    assert works.unknown_media == 1
    # the team's posts are dots: area for posts (radius the square root of the share of the busiest slot)
    assert works.busiest == 1 and squares["wed-night"].dot == 1.0 and squares["mon-night"].dot == 0.0
    vid = _context(data, "vid", "en").works
    for s in vid.slots:
        assert s.dot == (s.posts / vid.busiest) ** 0.5


def test_the_heat_map_draws_no_figure_letter_by_letter(tmp_path: Path, pipeline) -> None:
    """WeasyPrint lays out an SVG text one letter at a time: the map's only texts are its 11 axis labels, the
    figures are in its text alternative and the legend."""
    data = pipeline(what_works_workspace(tmp_path))
    for lang in ("en", "fr"):
        context = _context(data, "vid", lang)
        html = render("company.html", context, lang)
        svg = html[html.index('<svg class="heatmap"') : html.index("</svg>", html.index('<svg class="heatmap"'))]
        assert svg.count("<text") == 7 + 4
        assert context.works.slot_text.split(" ")[-1].rstrip(".") in svg  # the alternative, in the <title>
        busiest = Translator(lang).plural("works.heatmap.dots", context.works.busiest)
        assert str(escape(busiest)) in html


def test_at_most_lines_cells_of_a_group_get_their_figures_and_the_others_are_named(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    context = _context(data, "vid", "en")
    assert context.works.above and context.works.lines >= 1
    label = context.works.above[0].label
    full = render("company.html", context, "en")
    assert f"{label} (format): " in full and "more:" not in full
    short = dataclasses.replace(context, works=dataclasses.replace(context.works, lines=0))
    html = render("company.html", short, "en")
    assert f"{label} (format): " not in html
    assert f"and {len(context.works.above)} more: {label}" in html


def test_the_leaderboard_s_sector_page_ranks_formats_by_median(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    page = leaderboard_context(data.report, "en").works
    medians = [c.median for c in page.formats]
    assert [c.value for c in page.formats] == ["video", "text"] and medians == sorted(medians, reverse=True)
    assert page.formats[0].bar == 100.0 and page.unknown_media == 1


def test_the_page_renders_in_both_languages_identically_twice(tmp_path: Path, pipeline) -> None:
    data = pipeline(what_works_workspace(tmp_path))
    for lang, title in (("en", "What works for your team"), ("fr", "Ce qui marche pour votre équipe")):
        html = render("company.html", _context(data, "vid", lang), lang)
        assert title in html and 'class="heatmap"' in html
        write_pdf(html, tmp_path / f"{lang}-a.pdf")
        write_pdf(html, tmp_path / f"{lang}-b.pdf")
        assert (tmp_path / f"{lang}-a.pdf").read_bytes() == (tmp_path / f"{lang}-b.pdf").read_bytes()
        text = " ".join(p.extract_text() for p in PdfReader(tmp_path / f"{lang}-a.pdf").pages)
        assert title in text


def test_explain_shows_the_posts_behind_a_cell(tmp_path: Path) -> None:
    root = what_works_workspace(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "--cell", "vid:media:video"])
    assert result.exit_code == 0, result.output
    assert "15 posts" in result.output and "verdict better" in result.output
    assert all(f"vid1-video-{i} " in result.output or f"vid1-video-{i}\n" in result.output for i in range(15))
    assert "vid1-text-0" not in result.output
    bad = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "--cell", "vid:format:video"])
    assert bad.exit_code == 2 and "dimension is one of media, topic, slot" in bad.output
    unknown = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "--cell", "nope:media:video"])
    assert unknown.exit_code == 1 and "unknown company 'nope'" in unknown.output
    both = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "vid1", "--cell", "vid:media:video"])
    assert both.exit_code == 2
