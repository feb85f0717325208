"""`ranking sources`: what to give a scraping service for the roster, as lines and as Apify actors' input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ranking.cli import cli
from tests.workspaces import person, workspace


def team(tmp_path: Path) -> Path:
    return workspace(tmp_path / "ws", [
        person("ana", "acme", ceo=True, linkedin="https://www.linkedin.com/in/Ana-Lopez?trk=x", x_handle="@Ana_X"),
        person("bob", "acme", linkedin="bob-martin"),
        person("carl", "acme"),
    ])  # fmt: skip


def test_plain_lines_list_the_profiles_handles_and_the_year_to_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sources", "-w", str(team(tmp_path)), "-p", "2024-02"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "# Posts from 2024-01-01 to 2024-02-29",
        "# LinkedIn profiles (2)",
        "https://www.linkedin.com/in/ana-lopez/",
        "https://www.linkedin.com/in/bob-martin/",
        "# X accounts (1)",
        "ana_x",
        "# No LinkedIn profile nor X handle in roster.csv (1): carl",
    ]


def test_apify_inputs_carry_the_accounts_and_the_date_range(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sources", "-w", str(team(tmp_path)), "-p", "2021-10", "--apify"])
    assert result.exit_code == 0, result.output
    inputs = json.loads(result.output)
    profiles = ["https://www.linkedin.com/in/ana-lopez/", "https://www.linkedin.com/in/bob-martin/"]
    assert inputs["harvestapi/linkedin-profile-posts"]["targetUrls"] == profiles
    assert inputs["harvestapi/linkedin-profile-posts"]["postedLimitDate"].startswith("2021-01-01")
    assert inputs["supreme_coder/linkedin-post"]["urls"] == profiles
    assert [i["username"] for i in inputs["apimaestro/linkedin-profile-posts"]] == ["ana-lopez", "bob-martin"]
    tweets = inputs["apidojo/tweet-scraper"]
    assert (tweets["twitterHandles"], tweets["start"], tweets["end"]) == (["ana_x"], "2021-01-01", "2021-10-31")


def test_a_bad_roster_is_one_error_line(tmp_path: Path) -> None:
    root = team(tmp_path)
    (root / "roster.csv").write_text("executive_id,name\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "-w", str(root), "-p", "2021-10"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
