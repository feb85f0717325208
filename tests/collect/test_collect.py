"""`ranking collect` against the stand-in of the Apify API (tests/collect/standin.py) on fictional accounts
(tests/collect/items.py): what it asks, what it writes, what it records, how it fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.collect.log import CollectLog
from tests.collect.items import POSTS, posts_until
from tests.collect.standin import StandIn

HARVEST, TWEETS = "harvestapi/linkedin-profile-posts", "apidojo/tweet-scraper"


def collect(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["collect", "-w", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def steps(root: Path) -> list[dict[str, Any]]:
    return CollectLog(root).read()


def downloads(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Every dataset file under exports/, by path relative to the workspace, with its items."""
    return {
        str(p.relative_to(root)): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((root / "exports").rglob("dataset_*.json"))
    }


def test_a_full_month_asks_the_year_to_date_and_files_each_dataset_where_the_loaders_look(
    standin: StandIn, team: Path
) -> None:
    code, out, err = collect(team, "-p", "2021-10")
    assert code == 0, out + err
    # one run per actor, its profiles batched; the window from 1 January (the UTC day holding its Paris midnight)
    (harvest,) = standin.inputs(HARVEST)
    assert harvest["targetUrls"] == [
        "https://www.linkedin.com/in/ana-lopez/",
        "https://www.linkedin.com/in/bob-martin/",
    ]
    assert (harvest["postedLimitDate"], harvest["maxPosts"]) == ("2020-12-31", 400)
    (tweets,) = standin.inputs(TWEETS)
    assert tweets["searchTerms"] == [
        "from:ana_x since:2020-12-31 until:2021-11-01",
        "from:carl_x since:2020-12-31 until:2021-11-01",
    ]
    assert [r.query["maxItems"] for r in standin.started()] == ["800", "800"]  # the charged items' cap
    files = downloads(team)
    assert list(files) == [
        "exports/dataset_linkedin-profile-posts_2021-11-02_06-03-00-137.json",  # the run's finish time, UTC
        "exports/dataset_tweet-scraper_2021-11-02_06-06-00-274.json",
    ]
    linkedin, x = files.values()
    # harvestapi has no end date: November's and December's posts come too (the loaders leave them out of October)
    assert len(linkedin) == len(POSTS["ana-lopez"]) + len(POSTS["bob-martin"])
    assert len(x) == posts_until("ana_x", _day("2021-10-31")) + posts_until("carl_x", _day("2021-10-31"))
    recorded = [(s["step"], s.get("run_id")) for s in steps(team)]
    assert recorded == [("starting", None), ("started", "run0001"), ("starting", None), ("started", "run0002"),
                        ("finished", "run0001"), ("downloaded", "run0001"), ("finished", "run0002"),
                        ("downloaded", "run0002")]  # fmt: skip
    done = [s for s in steps(team) if s["step"] == "downloaded"]
    assert [s["items"] for s in done] == [len(linkedin), len(x)]
    assert all(len(s["input_sha256"]) == 64 for s in steps(team))
    assert CollectLog(team).intents() == []  # every run asked for has its id
    assert "test-token" not in (team / "collect.jsonl").read_text(encoding="utf-8")
    assert "ana" in out and "dora" not in out  # the summary: who was collected (dora has no account)
    result = CliRunner().invoke(cli, ["validate", "-w", str(team)])
    assert result.exit_code == 0, result.output


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def test_the_next_month_asks_only_the_refresh_window(standin: StandIn, team: Path) -> None:
    assert collect(team, "-p", "2021-10")[0] == 0
    code, out, err = collect(team, "-p", "2021-11")
    assert code == 0, out + err
    # refresh_months = 2: from 1 September (Paris), i.e. the UTC day 31 August, to the end of November
    assert standin.inputs(HARVEST)[1]["postedLimitDate"] == "2021-08-31"
    assert standin.inputs(TWEETS)[1]["searchTerms"] == [
        "from:ana_x since:2021-08-31 until:2021-12-01",
        "from:carl_x since:2021-08-31 until:2021-12-01",
    ]
    assert len(downloads(team)) == 4  # October's downloads stay beside November's


def test_a_second_collect_of_the_month_starts_nothing_again_unless_refresh(standin: StandIn, team: Path) -> None:
    assert collect(team, "-p", "2021-10")[0] == 0
    code, out, _ = collect(team, "-p", "2021-10")
    assert code == 0 and len(standin.started()) == 2
    assert "0 runs" in out
    assert collect(team, "-p", "2021-10", "--refresh")[0] == 0
    assert len(standin.started()) == 4


def test_a_failed_run_names_its_executives_as_not_refreshed_and_the_rest_is_kept(standin: StandIn, team: Path) -> None:
    standin.fail.add(TWEETS)
    code, _out, err = collect(team, "-p", "2021-10")
    assert code == 1
    assert "apidojo/tweet-scraper run run0002 FAILED: not refreshed: ana, carl" in err
    assert "2 executives not refreshed" in err
    assert list(downloads(team)) == ["exports/dataset_linkedin-profile-posts_2021-11-02_06-03-00-137.json"]
    assert [s["step"] for s in steps(team) if s.get("run_id") == "run0002"] == ["started", "finished", "failed"]
    # the next collect starts again only what failed
    standin.fail.clear()
    assert collect(team, "-p", "2021-10")[0] == 0
    assert [r.path.split("/")[3] for r in standin.started()] == [
        "harvestapi~linkedin-profile-posts", "apidojo~tweet-scraper", "apidojo~tweet-scraper"
    ]  # fmt: skip


def test_a_run_still_running_at_the_deadline_is_aborted_and_named(standin: StandIn, team: Path) -> None:
    (team / "ranking.toml").write_text("[collect]\ndeadline_minutes = 0.02\n", encoding="utf-8")
    standin.hold = True
    code, _, err = collect(team, "-p", "2021-10")
    assert code == 1
    assert "run run0001 past the deadline: not refreshed: ana, bob" in err
    assert "run run0002 past the deadline: not refreshed: ana, carl" in err
    assert sorted(r.path for r in standin.requests if r.path.endswith("/abort")) == [
        "/v2/actor-runs/run0001/abort", "/v2/actor-runs/run0002/abort"
    ]  # fmt: skip
    assert downloads(team) == {}


@pytest.mark.parametrize("endpoint", ["start", "get", "items"])
@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_or_failing_answers_are_retried(standin: StandIn, team: Path, endpoint: str, status: int) -> None:
    standin.faults[endpoint] = [status, status]
    code, out, err = collect(team, "-p", "2021-10")
    assert code == 0, out + err
    assert len(standin.runs) == 2  # retried, never started twice
    assert len(downloads(team)) == 2


def test_answers_failing_until_the_deadline_are_one_error_line(standin: StandIn, team: Path) -> None:
    (team / "ranking.toml").write_text("[collect]\ndeadline_minutes = 0.01\n", encoding="utf-8")
    standin.faults["start"] = [500] * 10_000
    code, _out, err = collect(team, "-p", "2021-10")
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("Error: Apify answered 500 to start")
    # the run may exist (a 500 can come after the service started it): the next collect looks for it
    assert downloads(team) == {} and [s["step"] for s in steps(team)] == ["starting"]
    standin.faults.clear()
    assert collect(team, "-p", "2021-10")[0] == 0
    assert [s["step"] for s in steps(team)][:3] == ["starting", "not started", "starting"]
    assert len(standin.runs) == 2 and len(downloads(team)) == 2


def test_a_refused_token_is_one_error_line_at_once(
    standin: StandIn, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RANKING_APIFY_TOKEN", "not-the-token")
    code, out, err = collect(team, "-p", "2021-10", "--quiet")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "Error: Apify refused the token (401) while trying to start harvestapi/linkedin-profile-posts: "
        "check RANKING_APIFY_TOKEN"
    ]
    assert "not-the-token" not in err
    assert len(standin.requests) == 1 and downloads(team) == {}
    assert [s["step"] for s in steps(team)] == ["starting", "not started"]


def test_no_token_is_one_error_line_naming_the_variables(
    standin: StandIn, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RANKING_APIFY_TOKEN")
    code, _, err = collect(team, "-p", "2021-10")
    assert code == 1 and "Error: RANKING_APIFY_TOKEN: not set (nor APIFY_TOKEN)" in err
    assert standin.requests == []


def test_a_dataset_is_read_page_after_page_whole(standin: StandIn, team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANKING_APIFY_PAGE_SIZE", "7")
    assert collect(team, "-p", "2021-10")[0] == 0
    pages = [int(r.query["offset"]) for r in standin.requests if r.path == "/v2/datasets/dataset0001/items"]
    total = len(POSTS["ana-lopez"]) + len(POSTS["bob-martin"])
    assert pages == list(range(0, total, 7)) and len(pages) > 2
    assert next(len(items) for items in downloads(team).values()) == total
    assert len({json.dumps(i, sort_keys=True) for i in next(iter(downloads(team).values()))}) == total


def test_a_run_of_one_profile_goes_to_its_folder_and_an_empty_one_is_still_written(
    standin: StandIn, team: Path
) -> None:
    # carl's only X account, in January (Paris), has no post yet in the stand-in's fixtures before 2021-01-05
    code, out, err = collect(team, "-p", "2021-01", "--only", "carl")
    assert code == 0, out + err
    (path,) = downloads(team)
    assert path.startswith("exports/carl/dataset_tweet-scraper_")
    written = downloads(team)[path]
    assert written == [] or all(i["author"]["userName"] == "carl_x" for i in written)
    result = CliRunner().invoke(cli, ["validate", "-w", str(team)])
    assert result.exit_code == 0, result.output


def test_an_empty_dataset_is_written_as_collected_nothing_posted(standin: StandIn, team: Path) -> None:
    standin.actors[TWEETS] = lambda _input: []
    assert collect(team, "-p", "2021-10", "--only", "carl")[0] == 0
    (path,) = downloads(team)
    assert path.startswith("exports/carl/") and downloads(team)[path] == []
    assert [s["items"] for s in steps(team) if s["step"] == "downloaded"] == [0]
    result = CliRunner().invoke(cli, ["validate", "-w", str(team)])
    assert result.exit_code == 0 and "empty-download" in result.output


def test_the_cost_cap_starts_no_run_that_would_pass_it(standin: StandIn, team: Path) -> None:
    # LinkedIn: 2 profiles x 400 items x $2 per 1,000 = $1.60; X: 2 x 400 x $0.40 per 1,000 = $0.32
    code, out, err = collect(team, "-p", "2021-10", "--max-cost", "1")
    assert code == 1
    assert [r.path for r in standin.started()] == ["/v2/actors/apidojo~tweet-scraper/runs"]
    assert "harvestapi/linkedin-profile-posts run not started (estimated $1.60 would pass the cost cap)" in err
    assert "not refreshed: ana, bob" in err
    assert "not refreshed (not started: over the cost cap)" in out


def test_the_cost_cap_of_the_settings(standin: StandIn, team: Path) -> None:
    (team / "ranking.toml").write_text("[collect]\nmax_cost_usd = 0.3\n", encoding="utf-8")
    assert collect(team, "-p", "2021-10")[0] == 1
    assert standin.started() == []


def test_a_dry_run_starts_nothing_and_needs_no_token(
    standin: StandIn, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RANKING_APIFY_TOKEN")
    code, out, err = collect(team, "-p", "2021-10", "--dry-run")
    assert code == 0, out + err
    assert standin.requests == [] and not (team / "collect.jsonl").exists()
    assert "harvestapi/linkedin-profile-posts" in out and "2021-01-01" in out and "$1.60" in out
    assert "Estimated cost: $1.92 for 2 runs (cap $20.00)" in out


def test_bad_collect_settings_are_refused_by_validate(team: Path) -> None:
    (team / "ranking.toml").write_text('[collect]\nx_actor = "someone/else"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-w", str(team)])
    assert result.exit_code == 1
    assert "collect.x_actor: 'someone/else' is not an actor `ranking collect` can start" in result.output


def test_another_linkedin_actor_gets_its_own_input(standin: StandIn, team: Path) -> None:
    (team / "ranking.toml").write_text('[collect]\nlinkedin_actor = "supreme_coder/linkedin-post"\n', encoding="utf-8")
    assert collect(team, "-p", "2021-10")[0] == 0
    (sent,) = standin.inputs("supreme_coder/linkedin-post")
    assert (sent["scrapeUntil"], sent["limitPerSource"]) == ("2020-12-31", 400)
    assert any(p.startswith("exports/dataset_linkedin-post_") for p in downloads(team))


def test_only_an_executive_of_the_roster(standin: StandIn, team: Path) -> None:
    code, _, err = collect(team, "-p", "2021-10", "--only", "ana,zoe")
    assert code == 2 and "--only: not an executive_id of roster.csv: zoe" in err
    assert standin.requests == []


def test_a_start_answered_500_after_the_service_started_the_run_is_not_started_twice(
    standin: StandIn, team: Path
) -> None:
    standin.start_then_fail = 1
    code, out, err = collect(team, "-p", "2021-10")
    assert code == 0, out + err
    assert len(standin.runs) == 2  # the LinkedIn run was found by its input, not started again
    assert len(standin.started(HARVEST)) == 1 and len(downloads(team)) == 2


def test_quiet_prints_nothing_when_all_went_well(standin: StandIn, team: Path) -> None:
    assert collect(team, "-p", "2021-10", "--quiet") == (0, "", "")


def test_a_run_the_service_no_longer_knows_is_named_and_never_blocks_the_next_collects(
    standin: StandIn, team: Path
) -> None:
    standin.hold = True
    (team / "ranking.toml").write_text("[collect]\ndeadline_minutes = 0.01\n", encoding="utf-8")
    standin.faults["abort"] = [500] * 10_000  # the runs cannot even be aborted: they stay under way in the log
    assert collect(team, "-p", "2021-10")[0] == 1
    standin.faults.clear()
    (team / "ranking.toml").unlink()
    standin.runs.clear()  # past the service's retention
    standin.hold = False
    code, _, err = collect(team, "-p", "2021-10")
    assert code == 1 and "run0001 unknown to the service: not refreshed: ana, bob" in err
    code, _, err = collect(team, "-p", "2021-10")  # started again, downloaded
    assert code == 0, err
    assert len(downloads(team)) == 2 and sorted(standin.runs) == ["run0003", "run0004"]


def test_one_collect_at_a_time(standin: StandIn, team: Path) -> None:
    with CollectLog(team).locked():
        code, _, err = collect(team, "-p", "2021-10")
    assert code == 1 and "another `ranking collect` is working on this workspace" in err
    assert standin.requests == []
