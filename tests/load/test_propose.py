"""An unknown file gets a description and, when post-like, a `[[sources]]` mapping guessed from its fields. The
guess is tested honestly: on every real sample of ../shared/formats/scrapers/ and on fixtures of each built-in
shape, the mapping pasted into ranking.toml (the built-in reader left aside) reads the same posts and counts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.load.base import Export, LoadContext
from ranking.load.formats import MAPPED, detect, load_file
from ranking.load.propose import propose
from ranking.settings import load_settings
from tests.load.native_exports import context
from tests.load.shapes import v1_tweets, v2_page
from tests.load.test_scraper_fuzz import ERROR_RECORD, RECORDS, write_download
from tests.workspaces import SHARED_FORMATS, person, workspace

SCRAPERS = SHARED_FORMATS / "scrapers"
#: Each real sample, and the roster it is read with: one account's feed in its folder, a search on top.
SAMPLES: dict[str, tuple[str | None, dict[str, str]]] = {
    "apify_linkedin_profile_posts_apimaestro": ("ana", {"linkedin": "valeriejasica"}),
    "apify_linkedin_profile_posts_harvestapi": ("ana", {"linkedin": "https://www.linkedin.com/in/nikitbassi/"}),
    "apify_linkedin_post_supremecoder": ("ana", {"linkedin": "cartersupple"}),
    "apify_tweet_scraper_apidojo": (None, {"x_handle": "isaelbuba"}),
    "brightdata_x_posts": (None, {"x_handle": "satyanadella"}),
}


def _context(executive: str | None, handles: dict[str, str]) -> LoadContext:
    roster = pl.DataFrame(
        {"executive_id": ["ana"], "x_handle": [handles.get("x_handle")], "linkedin": [handles.get("linkedin")]},
        schema={"executive_id": pl.String, "x_handle": pl.String, "linkedin": pl.String},
    )
    return LoadContext(roster, "Europe/Paris", executive)


def _facts(export: Export) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Own posts (author, time, counts) and reposts (reposter, time), in order: what the figures are made of."""
    posts = export.posts
    own = posts.filter(pl.col("kind") != "repost").select(
        "executive_id", "posted_at", "reactions", "comments", "shares", "impressions"
    )
    reposts = posts.filter(pl.col("kind") == "repost").select("executive_id", "posted_at")
    return sorted(own.rows(), key=repr), sorted(reposts.rows(), key=repr)


def _pasted(tmp_path: Path, block: str) -> Any:
    """The mapping as `ranking` reads it once pasted into ranking.toml."""
    toml = tmp_path / "ranking.toml"
    toml.write_text(block + "\n", encoding="utf-8")
    return load_settings(toml).sources


def _same_through_the_proposal(path: Path, ctx: LoadContext, tmp_path: Path) -> str:
    built = load_file(path, str(path), ctx)
    proposal = propose(path, str(path), on_top=ctx.executive_id is None, timezone=ctx.timezone)
    assert proposal.block is not None, proposal.lines()
    sources = _pasted(tmp_path, proposal.block)
    assert detect(path, str(path), sources) is MAPPED
    guessed = load_file(path, str(path), replace(ctx, sources=sources))
    own, reposts = _facts(built)
    assert own, "the built-in reader reads no post: nothing to compare"
    assert _facts(guessed) == (own, reposts), proposal.block
    return proposal.block


@pytest.mark.parametrize("folder", sorted(SAMPLES))
def test_the_proposal_reads_each_real_sample_as_its_built_in_reader(tmp_path: Path, folder: str) -> None:
    if not (SCRAPERS / folder).is_dir():
        pytest.skip("../shared/formats/scrapers is not here")
    executive, handles = SAMPLES[folder]
    [path] = [p for p in (SCRAPERS / folder).iterdir() if p.is_file()]
    _same_through_the_proposal(path, _context(executive, handles), tmp_path)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_the_proposal_reads_a_fixture_of_each_built_in_reader(tmp_path: Path, name: str) -> None:
    path = write_download(tmp_path / "dataset_2021-10-31.json", [RECORDS[name], ERROR_RECORD])
    _same_through_the_proposal(path, context(None), tmp_path)


@pytest.mark.parametrize("executive", [None, "ana"])
def test_the_proposal_reads_the_x_api_timelines(tmp_path: Path, executive: str | None) -> None:
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps(v1_tweets()), encoding="utf-8")
    block = _same_through_the_proposal(v1, context(executive), tmp_path)
    assert '"retweeted_status/id_str"' in block or '"retweeted_status/id"' in block
    page = v2_page()
    users = {u["id"]: u for u in page["includes"]["users"]}
    flat = [{**t, "author": users[t["author_id"]]} for t in page["data"]]
    v2 = tmp_path / "v2.jsonl"
    v2.write_text("".join(json.dumps(t) + "\n" for t in flat), encoding="utf-8")
    _same_through_the_proposal(v2, context(executive), tmp_path)


def test_a_file_of_pages_gets_a_description_and_the_reason_it_gets_no_mapping(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(v2_page()), encoding="utf-8")
    proposal = propose(path, "pages.json", on_top=True)
    assert proposal.description == "JSON of 1 record with keys data, includes, meta"
    assert proposal.block is None and proposal.reason is not None and "nested in a list (`data`)" in proposal.reason


def test_validate_describes_an_unknown_file_and_run_points_to_validate(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True, x_handle="@ana_x")])
    (root / "exports").mkdir()
    rows = [{"Quand": f"05/10/2021 0{i}:00", "Lien": f"https://x.com/ana_x/status/{10 + i}", "Aime": str(i),
             "Auteur": "ana_x"} for i in range(3)]  # fmt: skip
    lines = ["Quand;Lien;Aime;Auteur", *(";".join(r.values()) for r in rows)]
    (root / "exports" / "veille_2021-10.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 1
    assert "looks like CSV of 4 columns and 3 rows: Quand, Lien, Aime, Auteur" in result.output
    block = result.output.split("paste it into ranking.toml):\n", 1)[1]
    block = "\n".join(line[4:] for line in block.splitlines() if line.startswith("    "))
    assert 'date_format = "%d/%m/%Y %H:%M"' in block
    (root / "ranking.toml").write_text(block + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "3 posts" in result.output
    (root / "ranking.toml").unlink()
    run = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "out"), "-q"])
    assert run.exit_code == 1
    errors = [line for line in run.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "ranking validate" in errors[0]
