"""Small hand-made workspaces for tests."""

from __future__ import annotations

import csv
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
