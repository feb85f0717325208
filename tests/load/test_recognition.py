"""Recognition reads what it needs: a CSV's whole header line (bounded), a JSON file's first records' keys
whatever their size."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.errors import InputError
from ranking.load.flat import HEAD_BYTES, MAX_HEAD_BYTES, flatten
from ranking.load.formats import detect, load_file
from tests.load.native_exports import context
from tests.load.test_scraper_fuzz import RECORDS
from tests.workspaces import person, workspace

SUPREME = "apify-linkedin-post (supreme_coder)"


def _wide_csv(path: Path, columns: int) -> Path:
    """A supreme_coder download whose posts mention many people: `columns` columns in all, its own (the
    signature `numLikes`, `postedAtTimestamp`) last."""
    own = flatten(RECORDS[SUPREME])
    filler = [f"attributes/{i // 40}/mentionedPerson/profilePictureUrl{i % 40}" for i in range(columns - len(own))]
    header = [*filler, *own]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow([*([""] * len(filler)), *(own[k] or "" for k in own)])
    return path


def test_a_csv_of_2000_columns_with_its_signature_last_is_recognised_and_read(tmp_path: Path) -> None:
    path = _wide_csv(tmp_path / "dataset_linkedin-post.csv", 2000)
    header = path.read_bytes().split(b"\n", 1)[0]
    assert len(header) > HEAD_BYTES and header.rstrip().endswith(b"inputUrl")
    assert detect(path, str(path)).name == SUPREME
    export = load_file(path, str(path), context(None))
    assert export.posts.height == 1 and export.posts.item(0, "reactions") == 1234


def test_a_header_line_past_the_limit_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b",".join(b"c%07d" % i for i in range(MAX_HEAD_BYTES // 8 + 10)) + b"\n1\n")
    with pytest.raises(InputError) as caught:
        detect(path, "huge.csv")
    assert str(caught.value).startswith("huge.csv:1: the header line is longer than 4 MB")


def test_validate_says_so_in_one_line(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)])
    (root / "exports").mkdir()
    (root / "exports" / "huge.csv").write_bytes(b"a," * (MAX_HEAD_BYTES // 2 + 1) + b"\n")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "huge.csv:1: the header line is longer than 4 MB" in result.output


def test_a_json_whose_first_record_is_large_is_recognised_by_its_later_keys(tmp_path: Path) -> None:
    # a first record of 200 KB: the keys that tell the service come after its long text
    record = {"text": "x" * (200 * 1024), **{k: v for k, v in RECORDS[SUPREME].items() if k != "text"}}
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    assert path.read_bytes().find(b"numLikes") > HEAD_BYTES
    assert detect(path, str(path)).name == SUPREME
