"""An export's date is the one the file states (the service's run time or a date in its name, its content); only
when it states none is it the file's modification time, and then the documents say so (ranking.load.base)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ranking.load.workspace import load_workspace
from tests.workspaces import POST_FIELDS, person, post, workspace, write_csv

MODIFIED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # a clone's date, years after the posts


@pytest.mark.parametrize(
    ("name", "dated", "day"),
    [
        ("dataset_linkedin-post_2021-11-02_08-15-00-123.csv", "run", "2021-11-02"),
        ("veille_2021-10-31.csv", "name", "2021-10-31"),
        ("ana-posts.csv", "modified", "2026-12-07"),
    ],
)
def test_each_export_says_how_its_date_was_found(tmp_path: Path, name: str, dated: str, day: str) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)], [post("0", "ana", "2021-10-01T10:00:00Z")])
    path = write_csv(
        root / "exports" / "ana" / name,
        [f for f in POST_FIELDS if f != "executive_id"],
        [post("1", "ana", "2021-10-05T10:00:00Z", reactions=3)],
    )
    os.utime(path, (MODIFIED.timestamp(), MODIFIED.timestamp()))
    export = next(e for e in load_workspace(root).exports if e.path.name == name)
    assert (export.dated, export.snapshot.date().isoformat()) == (dated, day)


def test_a_date_read_from_the_content_is_the_content_s(tmp_path: Path) -> None:
    """An X archive's manifest dates the archive: neither its name nor its file's time."""
    root = workspace(
        tmp_path / "ws", [person("ana", "acme", ceo=True, x_handle="ana")], [post("0", "ana", "2021-10-01T10:00:00Z")]
    )
    manifest = root / "exports" / "ana" / "manifest.js"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        'window.__THAR_CONFIG = {\n  "archiveInfo" : {\n    "generationDate" : "2021-10-20T09:00:00.000Z"\n  }\n}'
    )
    os.utime(manifest, (MODIFIED.timestamp(), MODIFIED.timestamp()))
    export = next(e for e in load_workspace(root).exports if e.path.name == "manifest.js")
    assert (export.dated, export.snapshot.date().isoformat()) == ("content", "2021-10-20")
