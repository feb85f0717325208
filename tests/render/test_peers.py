"""A company report's peers: the leaders, the neighbours in the ranking and the sector's average, so that its
length does not depend on the number of companies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ranking.render.environment import render
from ranking.render.pdf import write_pdf
from ranking.render.pool import Document, company_documents, renderer
from ranking.report.company import iter_company_contexts, peer_positions
from tests.workspaces import person, post, workspace


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))), st.integers(0, 8),
       st.integers(0, 4))  # fmt: skip
def test_peer_positions_are_the_leaders_and_the_neighbours(teams_at: tuple[int, int], leaders: int, near: int) -> None:
    teams, at = teams_at
    chosen = peer_positions(at, teams, leaders, near)
    assert chosen == sorted(set(chosen)) and all(0 <= i < teams for i in chosen)
    assert at in chosen and set(range(min(leaders, teams))) <= set(chosen)
    assert {i for i in chosen if abs(i - at) <= near} == set(range(max(0, at - near), min(teams, at + near + 1)))
    assert len(chosen) <= leaders + 2 * near + 1  # bounded, whatever the number of teams


def sector(root: Path, companies: int) -> Path:
    """`companies` teams of two executives, each with one post of the month, scores spread evenly."""
    people, posts = [], []
    for i in range(companies):
        company = f"co{i:03d}"
        for j, role in enumerate(("ceo", "cfo")):
            who = f"{company}-{role}"
            people.append(person(who, company, ceo=j == 0, name=f"Person {i:03d} {role.upper()}"))
            posts.append(post(f"{i}{j}", who, "2021-10-05T10:00:00Z", reactions=10 + i, text="Proud of our teams"))
    return workspace(root, people, posts)


def test_a_company_report_has_the_same_pages_at_20_and_200_companies(tmp_path: Path, pipeline) -> None:
    pages = {}
    for companies in (20, 200):
        data = pipeline(sector(tmp_path / f"ws{companies}", companies)).report
        ranked = data.teams["ytd"].get_column("company").to_list()
        middle = ranked[len(ranked) // 2]
        (context,) = iter_company_contexts(data, "en", [middle])
        for scope in context.peers:
            places = [p.rank for p in scope.peers]
            assert len(places) == 5 + 2 * 2 + 1 and sum(p.own for p in scope.peers) == 1
            assert scope.average.teams == companies and sum(p.gap for p in scope.peers) == 1
        pdf = tmp_path / f"{companies}.pdf"
        write_pdf(render("company.html", context, "en"), pdf)
        pages[companies] = len(PdfReader(pdf).pages)
        text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert f"Sector average ({companies} teams)" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert pages[20] == pages[200]


def test_the_first_and_the_last_teams_see_the_leaders_and_their_neighbours(tmp_path: Path, pipeline) -> None:
    data = pipeline(sector(tmp_path / "ws", 12)).report
    ranked = data.teams["ytd"].get_column("company").to_list()
    first, last = iter_company_contexts(data, "en", [ranked[0], ranked[-1]])
    assert [p.rank for p in first.peers.ytd.peers] == [1, 2, 3, 4, 5] and first.peers.ytd.peers[0].own
    assert not any(p.gap for p in first.peers.ytd.peers)
    assert [p.rank for p in last.peers.ytd.peers] == [1, 2, 3, 4, 5, 10, 11, 12]
    assert [p.gap for p in last.peers.ytd.peers] == [False] * 5 + [True, False, False]
    scores = data.teams["ytd"].get_column("team_score")
    assert last.peers.ytd.average.team_score == scores.mean()


def test_the_pool_takes_a_stream_of_documents_a_few_at_a_time(tmp_path: Path, pipeline) -> None:
    data = pipeline(sector(tmp_path / "ws", 8)).report
    made: list[Path] = []
    done_when_asked: list[int] = []

    def documents() -> Iterator[Document]:
        for document in company_documents(iter_company_contexts(data, "en"), tmp_path / "out"):
            done_when_asked.append(sum(p.exists() for p in made))
            made.append(document.target)
            yield document

    with renderer(2) as pdfs:
        pages = pdfs.render(documents(), "en", ordered=True, total=8)
    assert sorted(pages) == sorted(made) and all(p.exists() and pages[p] > 0 for p in made)
    # at most 2 × jobs documents handed out and not finished: the stream is never read ahead of the workers
    assert all(done >= asked - 4 + 1 for asked, done in enumerate(done_when_asked) if asked >= 4)
