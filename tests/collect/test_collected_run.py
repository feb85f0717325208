"""`ranking run` on a collected workspace gives the figures of the same items placed in exports/ by hand: the
downloads are named, dated and filed as the loaders expect, and the manifest lists them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ranking.cli import cli
from tests.collect.items import ACTORS, PEOPLE
from tests.collect.standin import StandIn
from tests.workspaces import workspace


def by_hand(root: Path) -> Path:
    """Each account's posts of the year, downloaded by hand into its executive's folder."""
    linkedin = ACTORS["harvestapi/linkedin-profile-posts"]
    tweets = ACTORS["apidojo/tweet-scraper"]
    files = {
        "ana": [("linkedin-profile-posts", linkedin({"targetUrls": ["https://www.linkedin.com/in/ana-lopez/"]})),
                ("tweet-scraper", tweets({"searchTerms": ["from:ana_x since:2021-01-01 until:2022-01-01"]}))],
        "bob": [("linkedin-profile-posts", linkedin({"targetUrls": ["https://www.linkedin.com/in/bob-martin/"]}))],
        "carl": [("tweet-scraper", tweets({"searchTerms": ["from:carl_x since:2021-01-01 until:2022-01-01"]}))],
    }  # fmt: skip
    for executive, downloads in files.items():
        for actor, items in downloads:
            path = root / "exports" / executive / f"dataset_{actor}_2021-12-31_12-00-00-000.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(items), encoding="utf-8")
    return root


#: The company reports' first page only: the figures compared are the tables', the PDFs are another test's.
SHORT = "[report]\nsections = []\n"


def executives_csv(root: Path, out: Path, period: str) -> str:
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", period, "-o", str(out), "--quiet", "-j", "1"])
    assert result.exit_code == 0, result.output
    return (out / period / "executives.csv").read_text(encoding="utf-8")


def test_run_on_collected_posts_equals_run_on_the_same_posts_placed_by_hand(
    standin: StandIn, team: Path, tmp_path: Path
) -> None:
    hand = by_hand(workspace(tmp_path / "hand", PEOPLE, toml=SHORT))
    (team / "ranking.toml").write_text(SHORT, encoding="utf-8")
    for period in ("2021-10", "2021-11"):  # the second month asks only the refresh window
        assert CliRunner().invoke(cli, ["collect", "-w", str(team), "-p", period]).exit_code == 0
        collected = executives_csv(team, tmp_path / "out-collected", period)
        assert collected == executives_csv(hand, tmp_path / "out-hand", period)
        assert collected.count("\n") > 4  # every executive with posts is ranked
    manifest = (tmp_path / "out-collected" / "2021-11" / "manifest.json").read_text(encoding="utf-8")
    for path in (team / "exports").glob("dataset_*.json"):
        assert path.name in manifest


def test_run_collect_collects_first_and_stops_when_collect_fails(standin: StandIn, team: Path, tmp_path: Path) -> None:
    standin.fail.add("apidojo/tweet-scraper")
    (team / "ranking.toml").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "--collect", "-w", str(team), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 1 and "not refreshed: ana, carl" in result.stderr
    assert not (out / "2021-10").exists()
    standin.fail.clear()
    result = CliRunner().invoke(
        cli, ["run", "--collect", "-w", str(team), "-p", "2021-10", "-o", str(out), "-q", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "2021-10" / "executives.csv").exists() and len(standin.started()) == 3
