"""The command line: help everywhere, the run end to end, bad input as one `Error:` line and no output."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ranking.cli import cli
from tests.workspaces import POST_FIELDS, person, post, workspace, write_csv

REPO = Path(__file__).resolve().parent.parent


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


@pytest.mark.parametrize("path", [p for p, _ in commands(cli)], ids=lambda p: " ".join(p) or "ranking")
def test_every_command_has_help_an_example_and_helped_options(path: tuple[str, ...]) -> None:
    command = dict(commands(cli))[path]
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(cli, [*path, flag])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output
    assert command.help and "Example" in command.help, f"{path}: docstring needs an example"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path}: option {param.name} has no help="


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "ranking, version" in result.output


def small(tmp_path: Path) -> Path:
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name="Bob Martin"),
        person("cleo", "beta", ceo=True, name='=HYPERLINK("http://evil")'),
    ]
    posts = [
        post("1", "ana", "2021-10-05T10:00:00Z", reactions=10, comments=2, shares=1),
        post("2", "bob", "2021-09-05T10:00:00Z", reactions=4),
        post("3", "cleo", "2021-10-07T10:00:00Z", reactions=3),
    ]
    return workspace(tmp_path / "ws", people, posts)


def test_run_writes_the_contract_outputs(tmp_path: Path) -> None:
    root = small(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    folder = out / "2021-10"
    assert sorted(p.name for p in folder.iterdir()) == [
        "companies",
        "companies.csv",
        "executives.csv",
        "leaderboard.html",
        "leaderboard.pdf",
        "manifest.json",
        "posts.csv",
        "ranking.xlsx",
        "what_works.csv",
    ]
    assert sorted(p.name for p in (folder / "companies").iterdir()) == ["acme.pdf", "beta.pdf"]
    executives = (folder / "executives.csv").read_text(encoding="utf-8").splitlines()
    assert executives[0].startswith(  # the contract's columns first (tone shares follow: issue 5)
        "scope,rank,executive_id,name,company,role,is_ceo,posts,reposts,reactions,comments,"
        "shares,influence_score,index,rank_change,"
    )
    assert executives[1].startswith("month,1,ana,Ana Lopez,acme,CEO,true,1,0,10,2,1,17,100.0,1,")
    rows = list(csv.DictReader(executives))
    assert rows[1]["name"] == '\'=HYPERLINK("http://evil")'  # a formula is neutralised
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["period"] == "2021-10" and manifest["counts"]["posts"] == 3
    assert {Path(i["path"]).name for i in manifest["inputs"]} == {"companies.csv", "roster.csv", "posts.csv"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    text = "".join(page.extract_text() for page in PdfReader(folder / "leaderboard.pdf").pages)
    assert "Team ranking" in text and "Ana Lopez" in text and "Methodology" in text
    assert "Top teams" in result.output and "Acme" in result.output


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    root = small(tmp_path)
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0 and result.output == ""


def test_progress_on_a_log_names_each_stage_and_counts_the_pdfs(tmp_path: Path) -> None:
    root = small(tmp_path)
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()  # not a terminal: one line per stage, each with the time since the start
    assert all(re.match(r"\[ *\d+\.\d s\] ", line) for line in lines), lines
    said = [line.split("] ", 1)[1] for line in lines]
    assert said[:3] == ["starting", "reading the workspace", "scoring 3 posts of 3 executives"]
    assert "rendering PDFs: leaderboard.pdf (1/3)" in said  # too few PDFs done for an estimate yet
    assert "writing the web page" in said and "Top teams" not in result.stderr


def test_the_estimate_follows_the_pace_of_the_latest_documents() -> None:
    from ranking.render.pool import PACE_OVER, remaining

    assert remaining([1.0, 2.0], 10) == "" and remaining([1.0, 2.0, 3.0], 3) == "" and remaining([1, 2, 3], None) == ""
    assert remaining([0.0, 2.0, 4.0], 23) == ", about 40 s left"  # 2 s a document, 20 to go
    assert remaining([0.0, 3.0, 6.0], 126) == ", about 6 min 09 s left"
    slow_first = [30.0, *(30.0 + 0.5 * k for k in range(1, PACE_OVER + 1))]  # the leaderboard took 30 s
    assert remaining(slow_first, len(slow_first) + 100) == ", about 50 s left"


def test_a_rerun_replaces_the_folder_whole(tmp_path: Path) -> None:
    root = small(tmp_path)
    out = tmp_path / "out"
    (out / "2021-10").mkdir(parents=True)
    (out / "2021-10" / "stale.txt").write_text("old")
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert not (out / "2021-10" / "stale.txt").exists()
    assert [p.name for p in out.iterdir()] == ["2021-10"]


def test_validate_reports_ok(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "-w", str(small(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "3 executives" in result.output and "OK" in result.output


@pytest.mark.parametrize("period", ["2021-13", "21-10", "octobre"])
def test_wrong_period_is_misuse(tmp_path: Path, period: str) -> None:
    result = CliRunner().invoke(cli, ["run", "-w", str(small(tmp_path)), "-p", period, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "period must be YYYY-MM" in result.output
    assert not (tmp_path / "o").exists()


def test_demo_workspace_validates() -> None:
    result = CliRunner().invoke(cli, ["validate", "-w", str(REPO / "fixtures" / "demo")])
    assert result.exit_code == 0, result.output


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    root = small(tmp_path)
    (root / "ranking.toml").write_text("[scoring]\nlikes = 2\n")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 1
    assert f"Error: {root}/ranking.toml: unknown setting 'scoring.likes'" in result.output


def test_a_later_failure_leaves_no_partial_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ranking.pipeline

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ranking.pipeline, "write_json", broken)  # the last write of a run, after the PDFs
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(small(tmp_path)), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code != 0
    assert not out.exists()  # not even an empty folder (issue 14)


def test_multi_executive_files_by_handle_and_folders(tmp_path: Path) -> None:
    people = [person("ana", "acme", ceo=True, x_handle="@AnaL", linkedin="https://www.linkedin.com/in/ana-lopez/")]
    root = workspace(tmp_path / "ws", people)
    (root / "exports").mkdir()
    (root / "exports" / "x.jsonl").write_text(
        '{"handle": "anal", "url": "https://x.com/AnaL/status/111", "posted_at": "2021-10-02T08:00:00Z", "reactions": 3}\n'
        '{"handle": "@ANAL", "url": "https://x.com/AnaL/status/112", "posted_at": "2021-10-03T08:00:00Z", "reactions": 4}\n'
    )
    write_csv(
        root / "exports" / "linkedin.csv",
        ["handle", "url", "posted_at", "reactions"],
        [
            {
                "handle": "ana-lopez",
                "url": "https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000001/",
                "posted_at": "2021-10-04",
                "reactions": 5,
            }
        ],
        delimiter=";",
        encoding="cp1252",
    )
    write_csv(
        root / "exports" / "ana" / "more.csv",
        [f for f in POST_FIELDS if f != "executive_id"],
        [post("9", "ana", "2021-10-05T10:00:00Z", reactions=6, platform="x")],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    line = (out / "2021-10" / "executives.csv").read_text().splitlines()[1]
    assert line.split(",")[7] == "4" and line.split(",")[9] == "18"
