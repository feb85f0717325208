"""`report.sections`: the parts a company report prints after its first page, always in the report's own order;
every part by default; a name that is not a part is a one-line error naming the settings file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ranking.cli import cli
from ranking.render.environment import render
from ranking.report.company import company_contexts
from ranking.settings import COMPANY_SECTIONS, Settings
from tests.workspaces import person, post, workspace

#: The `id` of the HTML section each part prints in (tone, executive_tones and topics share the tone page).
PAGE_OF = {
    "executives": "executives",
    "posts": "posts",
    "beyond_volume": "beyond-volume",
    "tone": "tone",
    "executive_tones": "tone",
    "topics": "tone",
    "what_works": "what-works",
    "data_quality": "appendix",
    "compliance": "compliance",
}
#: A class or heading only that part prints.
MARK_OF = {
    "executives": 'class="ranking company-executives"',
    "posts": 'class="team-posts"',
    "beyond_volume": 'class="ranking beyond-executives"',
    "tone": 'class="tone-compare"',
    "executive_tones": 'class="ranking executive-tones"',
    "topics": 'class="topics-block"',
    "what_works": 'class="heatmap"',
    "data_quality": 'id="appendix"',
    "compliance": 'id="compliance"',
}


def _workspace(root: Path, toml: str | None = None) -> Path:
    people = [person("ceo", "acme", ceo=True), person("cmo", "acme"), person("rival", "beta", ceo=True)]
    posts = [
        post(f"p{i}", who, f"2021-10-{i + 2:02d}T10:00:00Z", reactions=10 * i) for i, who in enumerate(["ceo"] * 3)
    ]
    posts += [post("q1", "cmo", "2021-09-07T10:00:00Z", reactions=5), post("r1", "rival", "2021-10-07T10:00:00Z")]
    return workspace(root, people, posts, toml=toml)


def _report(pipeline, root: Path) -> str:
    acme = next(c for c in company_contexts(pipeline(root).report, "en") if c.company == "acme")
    return render("company.html", acme, "en")


def _sections(html: str) -> list[str]:
    return re.findall(r'<section[^>]*id="([^"]+)"', html)


def test_every_part_is_printed_by_default_in_the_reports_order(tmp_path: Path, pipeline) -> None:
    assert Settings().report.sections == COMPANY_SECTIONS
    html = _report(pipeline, _workspace(tmp_path / "ws"))
    assert _sections(html) == ["overview", *dict.fromkeys(PAGE_OF[s] for s in COMPANY_SECTIONS)]
    assert all(mark in html for mark in MARK_OF.values())


@pytest.mark.parametrize(
    "chosen",
    [
        ("compliance", "posts", "executives"),  # given out of order: printed in the report's order
        ("executive_tones",),  # one part of the tone page without the others
        ("topics", "data_quality"),
        (),
    ],
)
def test_only_the_chosen_parts_are_printed(tmp_path: Path, chosen: tuple[str, ...], pipeline) -> None:
    listed = ", ".join(f'"{s}"' for s in chosen)
    html = _report(pipeline, _workspace(tmp_path / "ws", f"[report]\nsections = [{listed}]\n"))
    expected = ["overview", *dict.fromkeys(PAGE_OF[s] for s in COMPANY_SECTIONS if s in chosen)]
    assert _sections(html) == expected
    for part, mark in MARK_OF.items():
        assert (mark in html) == (part in chosen), part
    assert 'class="tiles"' in html and 'class="peers"' in html  # the first page is always there


def test_a_shorter_report_from_the_cli(tmp_path: Path) -> None:
    titles = {"The executives": "executives", "Beyond volume: against the sector": "", "The team's data quality": ""}
    texts = {}
    for name, toml in {"full": "", "short": 'sections = ["executives", "posts"]'}.items():
        root = _workspace(tmp_path / name, f'[report]\nlang = "en"\n{toml}\n')
        out = tmp_path / f"out-{name}"
        result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        reader = PdfReader(out / "2021-10" / "companies" / "acme.pdf")
        texts[name] = (len(reader.pages), " ".join(p.extract_text() for p in reader.pages).replace("\u2019", "'"))
    assert texts["short"][0] < texts["full"][0]
    for title, kept in titles.items():
        assert title in texts["full"][1]
        assert (title in texts["short"][1]) == bool(kept), title


def test_a_part_that_does_not_exist_is_an_error_naming_the_file(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", '[report]\nsections = ["posts", "tones"]\n')
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"Error: {root / 'ranking.toml'}: report.sections[1]: 'tones' is not a part")
    assert "executive_tones" in last and not (tmp_path / "out" / "2021-10").exists()
