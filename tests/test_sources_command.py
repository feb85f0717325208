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


def test_apify_inputs_carry_the_accounts_and_the_date_range_each_actor_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sources", "-w", str(team(tmp_path)), "-p", "2021-10", "--apify"])
    assert result.exit_code == 0, result.output
    inputs = json.loads(result.output)
    profiles = ["https://www.linkedin.com/in/ana-lopez/", "https://www.linkedin.com/in/bob-martin/"]
    harvest = inputs["harvestapi/linkedin-profile-posts"]
    assert harvest["targetUrls"] == profiles
    # a day (read at 00:00 UTC): the UTC day holding midnight of 1 January in Paris
    assert (harvest["postedLimitDate"], harvest["maxPosts"]) == ("2020-12-31", 400)
    supreme = inputs["supreme_coder/linkedin-post"]
    assert (supreme["urls"], supreme["scrapeUntil"], supreme["limitPerSource"]) == (profiles, "2020-12-31", 400)
    assert [i["username"] for i in inputs["apimaestro/linkedin-profile-posts"]] == ["ana-lopez", "bob-martin"]
    tweets = inputs["apidojo/tweet-scraper"]
    # twitterHandles would read the timeline whatever the dates: a search per handle, `until` excluding its day
    assert "twitterHandles" not in tweets and "start" not in tweets
    assert tweets["searchTerms"] == ["from:ana_x since:2020-12-31 until:2021-11-01"]
    assert (tweets["sort"], tweets["maxItems"]) == ("Latest", 400)


def test_apify_inputs_follow_the_collect_settings_and_the_time_zone(tmp_path: Path) -> None:
    root = team(tmp_path)
    (root / "ranking.toml").write_text(
        '[scoring]\ntimezone = "America/New_York"\n[collect]\nmax_items = 50\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["sources", "-w", str(root), "-p", "2021-10", "--apify"])
    assert result.exit_code == 0, result.output
    inputs = json.loads(result.output)
    # west of UTC: local midnight of 1 January is on 1 January UTC, the end of 31 October on 1 November UTC
    assert inputs["apidojo/tweet-scraper"]["searchTerms"] == ["from:ana_x since:2021-01-01 until:2021-11-02"]
    assert inputs["harvestapi/linkedin-profile-posts"]["maxPosts"] == 50


def test_a_bad_roster_is_one_error_line(tmp_path: Path) -> None:
    root = team(tmp_path)
    (root / "roster.csv").write_text("executive_id,name\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "-w", str(root), "-p", "2021-10"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
