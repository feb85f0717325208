"""Small hand-made workspaces for tests."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROSTER_FIELDS = ["executive_id", "name", "company", "role", "is_ceo", "linkedin", "x_handle",
                 "linkedin_followers", "x_followers"]  # fmt: skip
POST_FIELDS = ["executive_id", "platform", "post_id", "posted_at", "kind", "text", "url", "reactions", "comments",
               "shares", "engagements", "snapshot"]  # fmt: skip


def write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]], **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    encoding = kwargs.pop("encoding", "utf-8")
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fields, restval="", extrasaction="ignore", **kwargs)
        writer.writeheader()
        writer.writerows(rows)
    return path


def person(pid: str, company: str, ceo: bool = False, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "executive_id": pid,
        "name": name or pid.replace("-", " ").title(),
        "company": company,
        "role": "CEO" if ceo else "CFO",
        "is_ceo": "true" if ceo else "false",
        **extra,
    }


def post(
    pid: str,
    who: str,
    when: str,
    reactions: Any = 0,
    comments: Any = 0,
    shares: Any = 0,
    kind: str = "post",
    platform: str = "linkedin",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "executive_id": who,
        "platform": platform,
        "post_id": pid,
        "posted_at": when,
        "kind": kind,
        "reactions": reactions,
        "comments": comments,
        "shares": shares,
        **extra,
    }


def workspace(
    root: Path,
    people: list[dict[str, Any]],
    posts: list[dict[str, Any]] | None = None,
    companies: list[str] | None = None,
    toml: str | None = None,
) -> Path:
    """Write a workspace: companies (ids, named after themselves), roster and one canonical posts file."""
    root.mkdir(parents=True, exist_ok=True)
    ids = companies if companies is not None else sorted({p["company"] for p in people})
    write_csv(
        root / "companies.csv",
        ["company", "name", "domains", "corporate_handles", "comms_emails"],
        [{"company": c, "name": c.title()} for c in ids],
    )
    write_csv(root / "roster.csv", ROSTER_FIELDS, people)
    if posts is not None:
        write_csv(root / "exports" / "posts.csv", POST_FIELDS, posts)
    if toml is not None:
        (root / "ranking.toml").write_text(toml, encoding="utf-8")
    return root


def runs_in_fresh_processes(root: Path, out: Path, period: str = "2021-10") -> tuple[Path, Path]:
    """Two `ranking run` of the workspace at `root` in fresh processes (other hash seeds, one and two jobs):
    their month folders, whose files must be byte-identical."""
    folders = []
    for n, seed in ((1, "1"), (2, "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        target = out / f"o{n}"
        command = [sys.executable, "-m", "ranking", "run", "-w", str(root), "-p", period, "-o", str(target), "-q"]
        subprocess.run([*command, "--jobs", str(n)], check=True, env=env, cwd=Path(__file__).resolve().parent.parent)
        folders.append(target / period)
    return folders[0], folders[1]


def small_workspace(tmp_path: Path) -> Path:
    """Two companies, three executives (names and roles a spreadsheet would read as formulas), posts of January and
    October: a repost, a post with an engagements total only, one without any count, one at 23:30 UTC on
    31 January (February in Paris)."""
    people = [
        person("ana", "acme", ceo=True, name="Ana Lopez"),
        person("bob", "acme", name='=HYPERLINK("http://evil","x")', role="+33 1 23"),
        person("cleo", "beta", ceo=True, name="@Cleo", role="-CFO"),
    ]
    posts = [
        post("1", "ana", "2021-01-31T23:30:00Z", reactions=10),  # 1 February in Paris
        post("2", "ana", "2021-10-05T10:00:00Z", reactions=7, comments=1, platform="x"),
        post("3", "ana", "2021-10-06T10:00:00Z", reactions=20, shares=1),
        post("4", "ana", "2021-10-07T10:00:00Z", reactions=20, shares=1),
        post("5", "ana", "2021-10-08T10:00:00Z", reactions=1),
        post("6", "bob", "2021-10-09T10:00:00Z", reactions="", comments="", shares="", engagements=50),
        post("7", "bob", "2021-10-10T10:00:00Z", reactions="", comments="", shares=""),
        post("8", "bob", "2021-10-11T10:00:00Z", reactions=99, kind="repost"),
        post("9", "cleo", "2021-09-11T10:00:00Z", reactions=500),
        post("10", "cleo", "2021-10-11T10:00:00Z", reactions=2),
    ]
    return workspace(tmp_path / "ws", people, posts)


def measures_workspace(tmp_path: Path, toml: str | None = None) -> Path:
    """Three teams for the measures beyond volume (ranking.score.measures), all in October 2021:

    - acme: ana (1,000 LinkedIn and 500 X followers): LinkedIn posts of influence 10 (1,000 impressions) and 30
      (20 reactions + 5 comments, 500 impressions), an X post of 4 without impressions, a repost of 99 and a
      post without any count (both left out); bob (no follower count): two posts of 6, under the minimum of 3,
      one with 0 impressions;
    - beta: cleo (200 X followers): one viral post of 1,000 and three of 3, 5 and 7 (an even number);
    - gamma: dan, three posts with an engagements total of 8 only (a tie with himself), and one in January."""
    people = [
        person("ana", "acme", ceo=True, linkedin_followers=1000, x_followers=500),
        person("bob", "acme"),
        person("cleo", "beta", ceo=True, x_followers=200),
        person("dan", "gamma", ceo=True),
    ]
    no_counts = {"reactions": "", "comments": "", "shares": ""}
    posts = [
        post("a1", "ana", "2021-10-04T10:00:00Z", reactions=10, impressions=1000),
        post("a2", "ana", "2021-10-05T10:00:00Z", reactions=20, comments=5, impressions=500),
        post("a3", "ana", "2021-10-06T10:00:00Z", reactions=4, platform="x"),
        post("a4", "ana", "2021-10-07T10:00:00Z", reactions=99, kind="repost", impressions=10),
        post("a5", "ana", "2021-10-08T10:00:00Z", **no_counts, impressions=300),
        post("b1", "bob", "2021-10-04T11:00:00Z", reactions=6, impressions=0),
        post("b2", "bob", "2021-10-05T11:00:00Z", reactions=6),
        post("c1", "cleo", "2021-10-04T12:00:00Z", reactions=1000, platform="x"),
        post("c2", "cleo", "2021-10-05T12:00:00Z", reactions=3, platform="x"),
        post("c3", "cleo", "2021-10-06T12:00:00Z", reactions=5, platform="x"),
        post("c4", "cleo", "2021-10-07T12:00:00Z", reactions=7, platform="x"),
        *[post(f"d{i}", "dan", f"2021-10-1{i}T10:00:00Z", **no_counts, engagements=8) for i in range(3)],
        post("d9", "dan", "2021-01-15T10:00:00Z", reactions=100),
    ]
    root = workspace(tmp_path / "measures", people, toml=toml)
    write_csv(root / "exports" / "posts.csv", [*POST_FIELDS, "impressions"], posts)
    return root
