"""The `pipeline` fixture's cache (tests.workspaces.Pipeline): one computation per workspace, period and files."""

from __future__ import annotations

from pathlib import Path

from ranking.period import Period
from tests.workspaces import POST_FIELDS, Pipeline, person, post, workspace, write_csv


def test_the_same_workspace_is_computed_once_and_again_once_changed(tmp_path: Path) -> None:
    people = [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)]
    posts = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10), post("2", "bob", "2021-10-06T10:00:00Z", 3)]
    root = workspace(tmp_path / "ws", people, posts)
    pipeline = Pipeline()
    first = pipeline(root)
    assert pipeline(root) is first and pipeline(tmp_path / "." / "ws") is first and pipeline.computations == 1
    assert pipeline(root, Period(2021, 9)) is not first and pipeline.computations == 2
    # the same size, written at once (within the file times' clock tick): still another workspace
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, [{**posts[0], "reactions": 90}, posts[1]])
    again = pipeline(root)
    assert again is not first and pipeline.computations == 3
    ana = again.scores["month"].executives.filter(executive_id="ana").row(0, named=True)
    assert ana["influence_score"] == 90
    (root / "exports" / "more.csv").write_text((root / "exports" / "posts.csv").read_text())  # a file added
    assert pipeline(root) is not again and pipeline.computations == 4


def test_only_the_last_computations_are_kept(tmp_path: Path) -> None:
    people = [person("ana", "acme", ceo=True)]
    roots = [workspace(tmp_path / f"ws{i}", people, [post("1", "ana", "2021-10-05T10:00:00Z", i)]) for i in range(3)]
    pipeline = Pipeline(keep=2)
    kept = [pipeline(r) for r in roots]
    assert pipeline(roots[2]) is kept[2] and pipeline(roots[1]) is kept[1] and pipeline.computations == 3
    assert pipeline(roots[0]) is not kept[0] and pipeline.computations == 4
