"""Every kind of bad input gives one `Error: <file>:<row>: <what>` line, exit 1, and no output folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from tests.workspaces import POST_FIELDS, person, post, workspace, write_csv


def base(root: Path) -> Path:
    people = [person("ana", "acme", ceo=True, x_handle="@ana"), person("bob", "acme")]
    posts = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10), post("2", "bob", "2021-10-06T10:00:00Z")]
    return workspace(root, people, posts)


def replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / name
        path.write_text(path.read_text().replace(old, new, 1))

    return change


def export(rows: list[dict], name: str = "exports/posts.csv", fields: list[str] = POST_FIELDS):
    return lambda root: write_csv(root / name, fields, rows)


CASES = {
    "missing roster": (lambda r: (r / "roster.csv").unlink(), "roster.csv: file not found"),
    "missing companies": (lambda r: (r / "companies.csv").unlink(), "companies.csv: file not found"),
    "missing column": (
        replace_in("roster.csv", "is_ceo", "ceo"),
        "roster.csv:1: missing column 'is_ceo' (required: executive_id, name, company, role, is_ceo)",
    ),
    "unknown company": (
        replace_in("roster.csv", "bob,Bob,acme", "bob,Bob,nope"),
        "roster.csv:3: unknown company 'nope' (not in companies.csv)",
    ),
    "duplicate executive": (
        replace_in("roster.csv", "bob,Bob", "ana,Bob"),
        "roster.csv:3: duplicate executive_id 'ana'",
    ),
    "bad executive id": (
        replace_in("roster.csv", "bob,Bob", "Bob B,Bob"),
        "roster.csv:3: executive_id 'Bob B' must be lower-case letters, digits, '_' or '-'",
    ),
    "bad ceo flag": (
        replace_in("roster.csv", "false", "maybe"),
        "roster.csv:3: is_ceo must be true/false, 1/0, yes/no or oui/non, not 'maybe'",
    ),
    "unknown executive": (
        export([post("1", "zed", "2021-10-05T10:00:00Z")]),
        "exports/posts.csv:2: unknown executive 'zed' (not in roster.csv)",
    ),
    "unknown handle": (
        export(
            [{"handle": "@zed", "url": "https://x.com/zed/status/1", "posted_at": "2021-10-01"}],
            fields=["handle", "url", "posted_at"],
        ),
        "exports/posts.csv:2: unknown handle '@zed' (no roster executive has it)",
    ),
    "unknown folder": (
        export([post("1", "ana", "2021-10-05T10:00:00Z")], "exports/zed/posts.csv"),
        "exports/zed/posts.csv: folder exports/zed/ names no executive of roster.csv",
    ),
    "non-numeric count": (
        export(
            [
                post("1", "ana", "2021-10-05T10:00:00Z"),
                post("2", "ana", "2021-10-05T10:00:00Z", reactions="12k"),
            ]
        ),
        "exports/posts.csv:3: reactions is not a number: '12k'",
    ),
    "negative count": (
        export([post("1", "ana", "2021-10-05T10:00:00Z", shares=-3)]),
        "exports/posts.csv:2: shares is negative: -3",
    ),
    "unparsable date": (
        export([post("1", "ana", "5 octobre 2021")]),
        "exports/posts.csv:2: posted_at is not a date: '5 octobre 2021'",
    ),
    "missing date": (export([post("1", "ana", "")]), "exports/posts.csv:2: posted_at is missing"),
    "bad kind": (
        export([post("1", "ana", "2021-10-05", kind="story")]),
        "exports/posts.csv:2: kind must be one of post, reply, quote, repost, not 'story'",
    ),
    "empty export": (lambda r: (r / "exports" / "posts.csv").write_text(""), "exports/posts.csv: empty file"),
    "header only": (
        lambda r: (r / "exports" / "posts.csv").write_text(",".join(POST_FIELDS) + "\n"),
        "exports/posts.csv: no posts in the file",
    ),
    "truncated csv": (
        lambda r: (r / "exports" / "posts.csv").write_text((r / "exports" / "posts.csv").read_text()[:-25]),
        "exports/posts.csv:3: expected 12 fields, found 4 (truncated row?)",
    ),
    "truncated quoted csv": (
        lambda r: (r / "exports" / "posts.csv").write_text(
            (r / "exports" / "posts.csv").read_text() + 'ana,linkedin,9,2021-10-01,post,"never closed\n'
        ),
        "exports/posts.csv:4: malformed CSV (unexpected end of data); is the file truncated?",
    ),
    "truncated json": (
        lambda r: (r / "exports" / "x.json").write_text('[{"executive_id": "ana", "posted_at": "2021-10-01", "ur'),
        "exports/x.json:1: not valid JSON (Unterminated string starting at); is the file truncated?",
    ),
    "truncated jsonl": (
        lambda r: (r / "exports" / "x.jsonl").write_text(
            '{"executive_id": "ana", "posted_at": "2021-10-01", "post_id": "1", "platform": "x"}\n{"executive_id": "an'
        ),
        "exports/x.jsonl:2: not valid JSON",
    ),
    "unknown format": (
        lambda r: (r / "exports" / "notes.txt").write_text("hello"),
        "exports/notes.txt: unknown export format; `ranking validate` describes the file and proposes a [[sources]] mapping. Known formats: canonical",
    ),
    "empty roster": (lambda r: (r / "roster.csv").write_text(""), "roster.csv: empty file"),
    "bad toml": (lambda r: (r / "ranking.toml").write_text("[scoring\n"), "ranking.toml:1: not valid TOML"),
    "bad weight": (
        lambda r: (r / "ranking.toml").write_text("[scoring]\nshares = 'three'\n"),
        "ranking.toml: scoring.shares must be a number, not 'three'",
    ),
    "bad time zone": (
        lambda r: (r / "ranking.toml").write_text("[scoring]\ntimezone = 'Mars/Olympus'\n"),
        "ranking.toml: scoring.timezone: unknown time zone 'Mars/Olympus'",
    ),
    "negative peers": (
        lambda r: (r / "ranking.toml").write_text("[report]\npeer_neighbours = -1\n"),
        "ranking.toml: report.peer_neighbours must not be negative",
    ),
    "peers not a number": (
        lambda r: (r / "ranking.toml").write_text("[report]\npeer_leaders = 'five'\n"),
        "ranking.toml: report.peer_leaders must be a whole number, not 'five'",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_error_line_and_no_output(tmp_path: Path, case: str) -> None:
    breaking, expected = CASES[case]
    root = base(tmp_path / "ws")
    breaking(root)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {root}/{expected}"), lines[0]
    assert not out.exists() or list(out.iterdir()) == []


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    root = base(tmp_path / "ws")
    write_csv(
        root / "exports" / "posts.csv",
        POST_FIELDS,
        [
            post("1", "zed", "2021-10-05T10:00:00Z"),
            post("2", "ana", "yesterday"),
            post("3", "ana", "2021-10-05", reactions=-1),
        ],
    )
    (root / "exports" / "notes.txt").write_text("hello")
    result = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors[0].startswith(
        f"Error: {root}/exports/notes.txt: unknown export format; `ranking validate` describes the file and proposes a [[sources]] mapping. Known formats: canonical (canonical CSV/JSON/Parquet"
        " with the contract's field names (posted_at, post_id or url, ...)); x-archive (X archive tweets.js, tweet.js,"
        " tweets-part<n>.js); x-analytics-classic (tweet_activity_metrics_<handle>_<start>_<end>_en.csv);"
        " x-analytics-content (account_analytics_content_<start>_<end>.csv); linkedin-creator (LinkedIn creator"
        " analytics .xlsx); linkedin-member (LinkedIn member export Shares.csv, Comments.csv); mapped (files named by"
        " [[sources]] in ranking.toml, or with the columns postUrl, postDate, likeCount, ...); apify-"
    )
    assert "; brightdata-x-posts (" in errors[0] and "; phantombuster-linkedin-activity (" in errors[0]
    assert errors[1:-1] == [
        f"Error: {root}/exports/posts.csv:2: unknown executive 'zed' (not in roster.csv)",
        f"Error: {root}/exports/posts.csv:3: posted_at is not a date: 'yesterday'",
        f"Error: {root}/exports/posts.csv:4: reactions is negative: -1",
    ]
    assert errors[-1] == "Error: 4 problems found"


def test_run_says_how_many_more_problems_there_are(tmp_path: Path) -> None:
    root = base(tmp_path / "ws")
    write_csv(
        root / "exports" / "posts.csv",
        POST_FIELDS,
        [post("1", "ana", "yesterday"), post("2", "ana", "tomorrow")],
    )
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and result.stdout == ""
    # stderr is no terminal here: the progress lines of the stages reached come first, the error is the last line
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {root}/exports/posts.csv:2: posted_at is not a date: 'yesterday' "
        "(and 1 more problem: see `ranking validate`)"
    )
    assert not [line for line in result.stderr.splitlines() if "Error" in line][:-1]


def test_windows_1252_semicolon_roster_with_bom_free_accents(tmp_path: Path) -> None:
    root = base(tmp_path / "ws")
    write_csv(
        root / "roster.csv",
        ["executive_id", "name", "company", "role", "is_ceo"],
        [
            {
                "executive_id": "ana",
                "name": "Anaïs Lefèvre",
                "company": "acme",
                "role": "Présidente",
                "is_ceo": "oui",
            },
            {"executive_id": "bob", "name": "Bob", "company": "acme", "role": "DAF", "is_ceo": "non"},
        ],
        delimiter=";",
        encoding="cp1252",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "Anaïs Lefèvre,acme,Présidente,true" in (out / "2021-10" / "executives.csv").read_text(encoding="utf-8")


def test_utf8_bom_tab_separated_companies(tmp_path: Path) -> None:
    root = base(tmp_path / "ws")
    (root / "companies.csv").write_bytes("\ufeffcompany\tname\nacme\tAcmé Santé\n".encode())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "acme,Acmé Santé,10" in (out / "2021-10" / "companies.csv").read_text(encoding="utf-8")
