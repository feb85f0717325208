"""`ranking collect` against the stand-in of the Apify API (tests/collect/standin.py) on fictional accounts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ranking.cli import cli
from tests.collect.standin import StandIn


def collect(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["collect", "-w", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def log(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "collect.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_full_month_downloads_every_account_s_posts_of_the_year_to_date(standin: StandIn, team: Path) -> None:
    code, out, err = collect(team, "-p", "2021-10")
    print([(r.method, r.path, r.query) for r in standin.requests])
    assert code == 0, out + err
    print(out, err)
    print(sorted(str(p.relative_to(team)) for p in (team / "exports").rglob("*")))
