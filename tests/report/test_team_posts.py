"""A company report quotes the team's best posts of the month: `report.team_posts` at most, and at most
`report.best_posts` of one executive, so that its length does not grow with the team."""

from __future__ import annotations

from pathlib import Path

import tinyhtml5

from ranking.render.environment import render
from ranking.report.company import company_contexts
from tests.workspaces import person, post, workspace

XHTML = "{http://www.w3.org/1999/xhtml}"


def _team(root: Path, toml: str, members: int = 3) -> Path:
    people = [person("ceo", "acme", ceo=True), *[person(f"m{i}", "acme") for i in range(members - 1)]]
    people += [person("rival", "beta", ceo=True), person("idle", "acme", name="Ida Idle")]
    posts = [post(f"c{r}", "ceo", f"2021-10-{r // 100 + 2:02d}T10:00:00Z", reactions=r) for r in (100, 400, 500, 300)]
    posts += [
        post(f"m{i}-{r}", f"m{i}", "2021-10-07T10:00:00Z", reactions=r + i)
        for i in range(members - 1)
        for r in (50, 60, 1000)
    ]
    posts += [post("old", "ceo", "2021-09-07T10:00:00Z", reactions=9_999)]  # not a post of the month
    posts += [post("r1", "rival", "2021-10-07T10:00:00Z", reactions=50_000)]  # another company's
    return workspace(root, people, posts, toml=toml)


def _acme(pipeline, root: Path):
    return next(c for c in company_contexts(pipeline(root).report, "en") if c.company == "acme")


def test_the_team_best_posts_are_the_most_influential_of_the_month_capped_per_executive(
    tmp_path: Path, pipeline
) -> None:
    acme = _acme(pipeline, _team(tmp_path / "ws", "[report]\nteam_posts = 4\nbest_posts = 2\n"))
    quoted = [(p.executive_id, p.post.influence) for p in acme.posts]
    # m0 and m1 have 1,000; the CEO's two best (500, 400) come before the members' 60s; the CEO's third is left out
    assert quoted == [("m1", 1001.0), ("m0", 1000.0), ("ceo", 500.0), ("ceo", 400.0)]
    assert acme.quiet == ("Ida Idle",)


def test_the_posts_section_holds_team_posts_whatever_the_team_size(tmp_path: Path, pipeline) -> None:
    def quoted(members: int) -> list[str]:
        root = _team(tmp_path / f"ws{members}", "[report]\nteam_posts = 5\n", members)
        tree = tinyhtml5.parse(render("company.html", _acme(pipeline, root), "en"))
        section = next(s for s in tree.iter(f"{XHTML}section") if s.get("id") == "posts")
        return [d.get("data-id") for d in section.iter(f"{XHTML}div") if d.get("class") == "post"]

    small, large = quoted(2), quoted(12)
    assert len(small) == len(large) == 5
    assert set(large) <= {"ceo", *(f"m{i}" for i in range(11))}
