"""What the tests share besides their fixtures (tests/conftest.py): the period, the demo and the real export
samples, the small roster of the properties and the one hypothesis strategy of posts, `computed` (the run's own
computation on a workspace) and its cache behind the `pipeline` fixture, and small hand-made workspaces."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import strategies as st

from ranking import schema
from ranking.load.workspace import load_workspace
from ranking.period import Period
from ranking.pipeline import RunData, compute

REPO = Path(__file__).resolve().parent.parent
SHARED_FORMATS = REPO.parent / "shared" / "formats"
DEMO = REPO / "fixtures" / "demo"

#: The month the tests rank, as the demo does.
PERIOD = Period(2021, 10)

#: A small roster for the properties: three companies (and a fourth without anyone), five executives.
PEOPLE = ["a", "b", "c", "d", "e"]
ROSTER = pl.DataFrame(
    {
        "executive_id": PEOPLE,
        "name": ["Ann", "Bob", "Cid", "Dee", "Eve"],
        "company": ["x", "x", "y", "y", "z"],
        "role": [""] * 5,
        "is_ceo": [True, False, True, False, True],
    }
)
COMPANIES = pl.DataFrame({"company": ["x", "y", "z", "w"], "name": ["X", "Y", "Z", "W"]})


def post_rows(
    people: list[str] = PEOPLE,
    start: datetime = datetime(2021, 1, 1, tzinfo=UTC),
    hours: int = 330 * 24,
    max_count: int = 500,
    max_size: int = 40,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of canonical posts by `people`, posted hourly from `start` over `hours`, with any counts (or none),
    numbered 0, 1, …: the one strategy of posts every property draws from."""
    count = st.one_of(st.none(), st.integers(0, max_count))
    row = st.fixed_dictionaries(
        {
            "executive_id": st.sampled_from(people),
            "platform": st.sampled_from(["linkedin", "x"]),
            "kind": st.sampled_from(["post", "reply", "quote", "repost"]),
            "posted_at": st.integers(0, hours).map(lambda h: start + timedelta(hours=h)),
            "reactions": count,
            "comments": count,
            "shares": count,
            "engagements": count,
        }
    )
    return st.lists(row, max_size=max_size).map(lambda rows: [{**r, "post_id": str(i)} for i, r in enumerate(rows)])


def posts_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Drawn posts as the canonical posts table."""
    if not rows:
        return schema.empty_posts()
    return schema.conform(pl.DataFrame(rows, schema_overrides={"posted_at": schema.UTC_INSTANT})).collect()


def computed(root: Path, period: Period = PERIOD) -> RunData:
    """Load the workspace at `root` and compute the run of `period`, as `ranking run` does before it writes
    anything (scores, classified posts of each window, tables, report data): a fresh computation each time, for
    the few tests that change what it returns. The others share one through the `pipeline` fixture."""
    return compute(load_workspace(root), period)


Fingerprint = tuple[tuple[str, str | None], ...]


def fingerprint(root: Path) -> Fingerprint:
    """Every file under `root` (links followed, each folder once), by relative name, with a digest of its bytes
    (None when it cannot be read): a workspace whose files changed in any way has another fingerprint, however
    close in time the change (file times are only as fine as the kernel's clock tick)."""
    found: list[tuple[str, str | None]] = []
    seen: set[Path] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = Path(folder).resolve()
        if real in seen:
            dirs.clear()
            continue
        seen.add(real)
        for name in files:
            path = Path(folder) / name
            try:
                digest: str | None = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            except OSError:
                digest = None
            found.append((str(path.relative_to(root)), digest))
    return tuple(sorted(found))


class Pipeline:
    """`pipeline(root, period=PERIOD)`: `computed(root, period)`, computed once per workspace (its resolved root),
    period and files: the same RunData while the workspace's files are unchanged; a workspace changed since (a test
    that edits its tmp_path workspace and computes again) is computed again. The RunData is shared: a test must not
    change it (nor pass it to `ranking.pipeline.write(..., release_posts=True)`, which empties its `posts`); one
    that needs to uses `computed`. The last `keep` computations are kept."""

    def __init__(self, keep: int = 32) -> None:
        self.keep = keep
        self.computations = 0  # how many computations the cache could not spare
        self._runs: dict[tuple[Path, Period], tuple[Fingerprint, RunData]] = {}

    def __call__(self, root: Path, period: Period = PERIOD) -> RunData:
        key = (root.resolve(), period)
        files = fingerprint(key[0])
        known = self._runs.pop(key, None)
        if known is None or known[0] != files:
            known = (files, computed(root, period))
            self.computations += 1
        self._runs[key] = known  # the most recent last
        while len(self._runs) > self.keep:
            del self._runs[next(iter(self._runs))]
        return known[1]


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


def what_works_workspace(tmp_path: Path, toml: str | None = None) -> Path:
    """Five teams for what works (ranking.score.what_works), posts of October 2021 (Mondays to Fridays at 10:00
    UTC, a morning in Paris) with their format in the canonical `media` column:

    - `base`, the mass of the sector: 60 videos and 40 text posts of influence 8 to 12;
    - `vid`: 15 videos of influence 50 to 70 (clearly better than the sector's), 6 text posts of 10;
    - `noisy`: 9 videos of influence 2 to 40, median 12 (within noise);
    - `few`: 2 videos of influence 100 (under the minimum of 3);
    - `zone`: one text post at 23:30 UTC on Tuesday 5 October (Wednesday night in Paris, a Tuesday evening in
      UTC) and one without a stated format."""
    people = [person("base1", "base", ceo=True), person("base2", "base"), person("vid1", "vid", ceo=True),
              person("noisy1", "noisy", ceo=True), person("few1", "few", ceo=True), person("zone1", "zone", ceo=True)]  # fmt: skip
    days = [d for d in range(1, 32) if datetime(2021, 10, d).weekday() < 5]
    rows: list[dict[str, Any]] = []

    def add(who: str, media: str, reactions: list[int]) -> None:
        for i, r in enumerate(reactions):
            day = days[(len(rows) + i) % len(days)]
            when = f"2021-10-{day:02d}T10:{(len(rows) + i) % 60:02d}:00Z"
            rows.append(post(f"{who}-{media}-{i}", who, when, reactions=r, media=media))

    add("base1", "video", [8 + i % 5 for i in range(60)])
    add("base2", "text", [8 + i % 5 for i in range(40)])
    add("vid1", "video", [50 + (i * 7) % 21 for i in range(15)])
    add("vid1", "text", [10] * 6)
    add("noisy1", "video", [2, 30, 5, 25, 12, 40, 3, 20, 14])
    add("few1", "video", [100, 100])
    rows.append(post("zone-late", "zone1", "2021-10-05T23:30:00Z", reactions=10, media="text"))
    rows.append(post("zone-unknown", "zone1", "2021-10-06T10:00:00Z", reactions=10, media=""))
    root = workspace(tmp_path / "works", people, toml=toml)
    write_csv(root / "exports" / "posts.csv", [*POST_FIELDS, "media"], rows)
    return root
