"""The monthly job without `--period`: the last complete month in the workspace's time zone, said on stderr; a month
without any post is an error and nothing is written, an executive without a post of the month a warning."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from ranking.cli import cli
from ranking.period import Period
from ranking.score.monthly import TODAY_VARIABLE, last_complete_month, today
from tests.workspaces import person, post, workspace


def monthly(tmp_path: Path, toml: str | None = None) -> Path:
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name="Bob Martin"),
        person("cleo", "beta", ceo=True, name="Cleo Durand"),
    ]
    posts = [
        post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1),
        post("2", "bob", "2021-09-05T10:00:00Z", reactions=4),
        post("3", "cleo", "2021-10-07T10:00:00Z", reactions=3),
    ]
    return workspace(tmp_path / "ws", people, posts, toml=toml)


def invoke(args: list[str], today_: str, **env: str) -> Result:
    return CliRunner().invoke(cli, args, env={TODAY_VARIABLE: today_, **env})


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 11, 1), Period(2021, 10)),
        (date(2021, 11, 30), Period(2021, 10)),
        (date(2022, 1, 3), Period(2021, 12)),
    ],
)
def test_the_last_complete_month_is_the_one_before_today(day: date, expected: Period) -> None:
    assert last_complete_month(day) == expected


def local_day(instant: datetime, timezone: str) -> date:
    """The date of an instant in a time zone, as `today` reads the clock (datetime.now(ZoneInfo(timezone)))."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def test_today_is_read_in_the_workspace_time_zone() -> None:
    instant = datetime(2021, 10, 31, 23, 30, tzinfo=UTC)  # 1 November 00:30 in Paris, still 31 October in New York
    assert last_complete_month(local_day(instant, "Europe/Paris")) == Period(2021, 10)
    assert last_complete_month(local_day(instant, "America/New_York")) == Period(2021, 9)
    assert today("Europe/Paris", {TODAY_VARIABLE: "2021-11-02"}) == date(2021, 11, 2)


def test_run_without_period_ranks_the_last_complete_month_and_says_so(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    out = tmp_path / "o"
    result = invoke(["run", "-w", str(root), "-o", str(out)], "2021-11-03")
    assert result.exit_code == 0, result.output
    assert "Period: 2021-10 (the last complete month in Europe/Paris" in result.stderr
    assert "Warning: bob (Bob Martin): no post of 2021-10 in the exports" in result.stderr
    assert "ana (" not in result.stderr and "cleo (" not in result.stderr
    manifest = json.loads((out / "2021-10" / "manifest.json").read_text())
    assert manifest["period"] == "2021-10"
    assert "bob (Bob Martin): no post of 2021-10 in the exports" in manifest["warnings"]
    assert (out / "2021-10" / "leaderboard.pdf").is_file()


def test_quiet_says_no_period_but_keeps_the_warnings(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    result = invoke(["run", "-w", str(root), "-o", str(tmp_path / "o"), "-q"], "2021-11-03")
    assert result.exit_code == 0, result.output
    assert "Period:" not in result.stderr and "Warning: bob (Bob Martin)" in result.stderr
    assert result.stdout == ""


def test_the_time_zone_of_the_settings_decides(tmp_path: Path) -> None:
    root = monthly(tmp_path, toml='[scoring]\ntimezone = "America/New_York"\n')
    result = invoke(["run", "-w", str(root), "-o", str(tmp_path / "o"), "-q", "--jobs", "1"], "2021-11-01")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "2021-10" / "manifest.json").is_file()


def test_a_month_whose_exports_are_not_there_yet_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    out = tmp_path / "o"
    result = invoke(["run", "-w", str(root), "-o", str(out), "--send"], "2021-12-02")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {root}/exports: no post of 2021-11 in any export: are the month's exports there yet? "
                      "(or give --period YYYY-MM)"]  # fmt: skip
    assert "Period: 2021-11" in result.stderr
    assert not (out / "2021-11").exists()


def test_a_given_month_after_posts_of_its_year_is_ranked_and_says_it_is_empty(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-11", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    warning = "no post of 2021-11 in any export: the month's ranking is all zeros (the year to date stands)"
    assert result.stderr == f"Warning: {warning}\n"  # one line, not one per executive
    assert warning in json.loads((out / "2021-11" / "manifest.json").read_text())["warnings"]
    cover = pdf_text(out / "2021-11" / "leaderboard.pdf", last=1)
    assert "Aucune publication de novembre 2021 dans les exports" in " ".join(cover.split())
    first = "".join(pdf_text(out / "2021-11" / "companies" / "acme.pdf", last=1).split())
    assert "1/2" in first and "–/2" in first  # the year to date's rank; none of a month nobody posted in


def pdf_text(pdf: Path, last: int) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-l", str(last), str(pdf), "-"], check=True, capture_output=True, text=True)
    return done.stdout


@pytest.mark.parametrize("period", ["2020-06", "2021-01"])  # the posts are of September and October 2021
def test_a_given_month_without_any_post_of_its_year_is_an_error_unless_allowed(tmp_path: Path, period: str) -> None:
    root = monthly(tmp_path)
    out = tmp_path / "o"
    refused = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", period, "-o", str(out), "--send"])
    assert refused.exit_code == 1
    year = period[:4]
    assert [line for line in refused.stderr.splitlines() if not line.startswith("[")] == [
        f"Error: {root}/exports: no post of {period} nor of any earlier month of {year} in any export: nothing to "
        "rank (--allow-empty ranks it all the same)"
    ]
    assert not (out / period).exists()
    allowed = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", period, "-o", str(out), "-q", "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stderr.startswith(f"Warning: no post of {period} nor of any earlier month of {year}")
    assert "Aucune publication de janvier à" in " ".join(pdf_text(out / period / "leaderboard.pdf", last=1).split())


def test_a_month_without_posts_is_never_mailed_and_validate_says_so_first(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    out = tmp_path / "o"
    env = {"RANKING_SMTP_FROM": "ranking@example.com"}
    ran = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-11", "-o", str(out), "-q", "--send"], env=env)
    assert ran.exit_code == 1
    refusal = (
        f"Error: {out}/2021-11/manifest.json: no post of 2021-11 in the run's exports: the reports of a month "
        "without posts are never mailed"
    )
    assert refusal in ran.stderr.splitlines()
    sent = CliRunner().invoke(cli, ["send", "-w", str(root), "-p", "2021-11", "-o", str(out), "--dry-run"], env=env)
    assert sent.exit_code == 1 and refusal in sent.stderr.splitlines()
    assert not (out / "2021-11" / "outbox").exists()
    checked = CliRunner().invoke(cli, ["validate", "-w", str(root), "-p", "2021-11"], env=env)
    assert checked.exit_code == 1
    assert f"Error: {root}/exports: no post of 2021-11 in any export" in checked.stderr
    assert CliRunner().invoke(cli, ["validate", "-w", str(root), "-p", "2021-10"], env=env).exit_code == 0


def test_a_wrong_today_is_misuse(tmp_path: Path) -> None:
    result = invoke(["run", "-w", str(monthly(tmp_path)), "-o", str(tmp_path / "o")], "03/11/2021")
    assert result.exit_code == 2 and f"{TODAY_VARIABLE} must be a date YYYY-MM-DD" in result.output


def test_explain_and_send_default_to_the_same_month(tmp_path: Path) -> None:
    root = monthly(tmp_path)
    explained = invoke(["explain", "-w", str(root), "ana"], "2021-11-03")
    assert explained.exit_code == 0, explained.output
    assert "Period: 2021-10" in explained.stderr and "2021-10" in explained.stdout
    args = ["send", "-w", str(root), "-o", str(tmp_path / "o"), "--dry-run"]
    sent = invoke(args, "2021-11-03", RANKING_SMTP_FROM="ranking@example.com")
    assert sent.exit_code == 1
    assert "Period: 2021-10" in sent.stderr
    assert f"Error: {tmp_path / 'o' / '2021-10' / 'leaderboard.pdf'}: not found" in sent.stderr


def test_the_readme_quotes_what_the_monthly_job_prints(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")
    cron = next(line for line in readme.splitlines() if line.startswith("0 7 3 * *"))
    assert "--send" in cron and "--period" not in cron and " -p " not in cron
    root = monthly(tmp_path)
    ok = invoke(["run", "-w", str(root), "-o", str(tmp_path / "o"), "-q"], "2021-11-03")
    warning = next(line for line in ok.stderr.splitlines() if line.startswith("Warning:"))
    assert f"`{warning}`" in readme
    late = invoke(["run", "-w", str(root), "-o", str(tmp_path / "o"), "-q"], "2021-12-03")
    error = late.stderr.strip().replace(str(root), "workspace").replace("2021-11", "2021-10")
    assert late.exit_code == 1 and f"`{error}`" in readme
