"""Section 3 of the contract written twice more, the way a user would without `ranking`: DuckDB SQL and plain
pandas. Both read the merged posts from one Parquet file and return the same tables as `ours` (the executives,
companies and CEO tables of both scopes, columns and order as `ranking.scoring.table`), so that a run can check
they agree to the digit and time them side by side.

The windows (UTC instants of the local calendar months) are computed once by `windows()` for all three: turning
a period into instants is not what is compared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import polars as pl

from ranking.period import SCOPES, Period, previous_window, window
from ranking.score.ranks import COMPANY_COLUMNS, EXECUTIVE_COLUMNS, score, table, with_influence
from ranking.settings import Scoring

SCORING_COLUMNS = ["executive_id", "posted_at", "kind", "reactions", "comments", "shares", "engagements"]
ROUNDED = ("effective_contributors", "collectivity", "top_contributor_share")
Tables = dict[str, pl.DataFrame]  # "executives", "companies", "ceos"


def windows(period: Period, timezone: str) -> list[tuple[str, str, datetime, datetime]]:
    """(scope, "now" or "before", start, end) of every window the monthly ranking sums: month and previous month,
    year to date and the previous year to date (none in January)."""
    found = []
    for scope in SCOPES:
        now = window(period, scope, timezone)
        found.append((scope, "now", now.start, now.end))
        if before := previous_window(period, scope, timezone):
            found.append((scope, "before", before.start, before.end))
    return found


def ours(path: Path, roster: pl.DataFrame, companies: pl.DataFrame, weights: Scoring, period: Period) -> Tables:
    """`ranking.scoring.score` on the same file, as the three tables."""
    scores = score(with_influence(pl.scan_parquet(path), weights), roster, companies, weights, period)
    ceos = {name: replace(s, executives=s.ceos) for name, s in scores.items()}  # `table` of the CEO rankings
    return {
        "executives": table(scores, "executives"),
        "companies": table(scores, "companies"),
        "ceos": table(ceos, "executives"),
    }


# --- DuckDB ------------------------------------------------------------------------------------------------

_DUCKDB_POSTS = """
SELECT executive_id, posted_at, kind = 'repost' AS rep, reactions, comments, shares,
       CASE WHEN kind = 'repost' THEN 0
            WHEN reactions IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL
            THEN coalesce(reactions, 0) * $wr + coalesce(comments, 0) * $wc + coalesce(shares, 0) * $ws
            ELSE coalesce(engagements, 0) * $we END AS influence
FROM read_parquet($path)
WHERE posted_at >= $lo AND posted_at < $hi
"""
_DUCKDB_WINDOW = """count(*) FILTER (WHERE NOT rep AND {w}) AS posts_{i}, count(*) FILTER (WHERE rep AND {w}) AS reposts_{i},
sum(reactions) FILTER (WHERE NOT rep AND {w}) AS reactions_{i}, sum(comments) FILTER (WHERE NOT rep AND {w}) AS comments_{i},
sum(shares) FILTER (WHERE NOT rep AND {w}) AS shares_{i}, sum(influence) FILTER (WHERE {w}) AS influence_score_{i}"""


def _duckdb_totals(wins: list[tuple[str, str, datetime, datetime]]) -> tuple[str, str]:
    """One scan and one GROUP BY for every window (conditional aggregates), unpivoted to (scope, step, ...)."""
    windows_ = [f"posted_at >= TIMESTAMPTZ '{lo.isoformat()}' AND posted_at < TIMESTAMPTZ '{hi.isoformat()}'"
                for _s, _t, lo, hi in wins]  # fmt: skip
    aggregates = ",\n".join(_DUCKDB_WINDOW.format(w=w, i=i) for i, w in enumerate(windows_))
    stats = ("posts", "reposts", "reactions", "comments", "shares", "influence_score")
    unpivot = "\nUNION ALL\n".join(
        f"SELECT '{scope}' AS scope, '{step}' AS step, executive_id, "
        + ", ".join(f"{c}_{i} AS {c}" for c in stats)
        + " FROM totals"
        for i, (scope, step, _lo, _hi) in enumerate(wins)
    )
    return (
        f"CREATE TEMP TABLE totals AS SELECT executive_id, {aggregates} FROM ({_DUCKDB_POSTS}) GROUP BY executive_id",
        f"CREATE TEMP TABLE per AS {unpivot}",
    )


def _duckdb_segments(wins: list[tuple[str, str, datetime, datetime]]) -> tuple[str, str]:
    """The algorithm of `ranking.scoring.score` in SQL: one GROUP BY per executive and segment of time between the
    windows' bounds, then each window summed from its segments."""
    bounds = sorted({b for _s, _t, lo, hi in wins for b in (lo, hi)})
    segment = " + ".join(f"(posted_at >= TIMESTAMPTZ '{b.isoformat()}')::INTEGER" for b in bounds[1:-1]) or "0"
    totals = f"""CREATE TEMP TABLE seg AS
      SELECT executive_id, {segment} AS segment,
             count(*) FILTER (WHERE NOT rep) AS posts, count(*) FILTER (WHERE rep) AS reposts,
             sum(reactions) FILTER (WHERE NOT rep) AS reactions, sum(comments) FILTER (WHERE NOT rep) AS comments,
             sum(shares) FILTER (WHERE NOT rep) AS shares, sum(influence) AS influence_score
      FROM ({_DUCKDB_POSTS}) GROUP BY ALL"""
    parts = []
    for scope, step, lo, hi in wins:
        inside = [str(i) for i in range(len(bounds) - 1) if lo <= bounds[i] and bounds[i + 1] <= hi]
        parts.append(
            f"SELECT '{scope}' AS scope, '{step}' AS step, executive_id, sum(posts) AS posts, sum(reposts) AS reposts,"
            " sum(reactions) AS reactions, sum(comments) AS comments, sum(shares) AS shares,"
            f" sum(influence_score) AS influence_score FROM seg WHERE segment IN ({', '.join(inside)})"
            " GROUP BY executive_id"
        )
    return totals, "CREATE TEMP TABLE per AS " + "\nUNION ALL\n".join(parts)


_DUCKDB = """
WITH win(scope, step, lo, hi) AS (SELECT * FROM wins),
ex AS (
  SELECT w.scope, w.step, r.executive_id, r.name, r.company, r.role, r.is_ceo,
         coalesce(p.posts, 0)::BIGINT AS posts, coalesce(p.reposts, 0)::BIGINT AS reposts,
         coalesce(p.reactions, 0)::BIGINT AS reactions, coalesce(p.comments, 0)::BIGINT AS comments,
         coalesce(p.shares, 0)::BIGINT AS shares, coalesce(p.influence_score, 0)::{score_type} AS influence_score
  FROM roster r CROSS JOIN win w
  LEFT JOIN per p ON p.executive_id = r.executive_id AND p.scope = w.scope AND p.step = w.step
),
ranked AS (
  SELECT *, rank() OVER (PARTITION BY scope, step ORDER BY influence_score DESC) AS rank,
         CASE WHEN max(influence_score) OVER (PARTITION BY scope, step) > 0
              THEN round_even(100.0 * influence_score / max(influence_score) OVER (PARTITION BY scope, step), 1)
              ELSE 0.0 END AS index
  FROM ex
),
ceo AS (
  SELECT * EXCLUDE (rank, index),
         rank() OVER (PARTITION BY scope, step ORDER BY influence_score DESC) AS rank,
         CASE WHEN max(influence_score) OVER (PARTITION BY scope, step) > 0
              THEN round_even(100.0 * influence_score / max(influence_score) OVER (PARTITION BY scope, step), 1)
              ELSE 0.0 END AS index
  FROM ranked WHERE is_ceo
),
team AS (
  SELECT scope, step, company, sum(influence_score) AS team_score, count(*) AS members,
         count(*) FILTER (WHERE posts + reposts > 0) AS active_members,
         sum(influence_score::DOUBLE * influence_score::DOUBLE) AS squares,
         first(executive_id ORDER BY influence_score DESC, name) AS top_contributor,
         max(influence_score) AS top
  FROM ex GROUP BY ALL
),
co AS (
  SELECT w.scope, w.step, c.company, c.name,
         coalesce(t.team_score, 0)::{score_type} AS team_score, coalesce(t.members, 0)::BIGINT AS members,
         coalesce(t.active_members, 0)::BIGINT AS active_members,
         CASE WHEN t.team_score > 0 THEN t.team_score::DOUBLE * t.team_score::DOUBLE / t.squares ELSE 0.0 END
           AS effective_contributors,
         t.top_contributor,
         CASE WHEN t.team_score > 0 THEN t.top / t.team_score ELSE 0.0 END AS top_contributor_share
  FROM companies c CROSS JOIN win w
  LEFT JOIN team t ON t.company = c.company AND t.scope = w.scope AND t.step = w.step
),
co_ranked AS (
  SELECT *, CASE WHEN members > 0 THEN effective_contributors / members ELSE 0.0 END AS collectivity,
         rank() OVER (PARTITION BY scope, step ORDER BY team_score DESC) AS rank,
         CASE WHEN max(team_score) OVER (PARTITION BY scope, step) > 0
              THEN round_even(100.0 * team_score / max(team_score) OVER (PARTITION BY scope, step), 1)
              ELSE 0.0 END AS index
  FROM co
)
SELECT '{which}' AS which, n.*, (b.rank - n.rank)::BIGINT AS rank_change
FROM {table} n LEFT JOIN {table} b ON b.{key} = n.{key} AND b.scope = n.scope AND b.step = 'before'
WHERE n.step = 'now'
"""


def duckdb_tables(
    path: Path,
    roster: pl.DataFrame,
    companies: pl.DataFrame,
    weights: Scoring,
    period: Period,
    segments: bool = False,
) -> Tables:
    """Section 3 in DuckDB SQL over the Parquet file: the totals of every window in one scan, with a FILTER per
    window (what one would write), or with the segments of time `ranking.scoring.score` uses (`segments`)."""
    import duckdb

    whole = all(
        float(w).is_integer() for w in (weights.reactions, weights.comments, weights.shares, weights.engagements)
    )
    con = duckdb.connect()
    con.register("wins", pl.DataFrame(windows(period, weights.timezone), orient="row",
                                      schema=["scope", "step", "lo", "hi"]).to_arrow())  # fmt: skip
    con.register("roster", roster.select("executive_id", "name", "company", "role", "is_ceo").to_arrow())
    con.register("companies", companies.select("company", "name").to_arrow())
    params = {"path": str(path), "wr": weights.reactions, "wc": weights.comments, "ws": weights.shares,
              "we": weights.engagements}  # fmt: skip
    wins = windows(period, weights.timezone)
    params["lo"], params["hi"] = min(w[2] for w in wins), max(w[3] for w in wins)
    totals, per = _duckdb_segments(wins) if segments else _duckdb_totals(wins)
    con.execute(totals, params)  # the one pass over the posts; the rest works on a few thousand rows
    con.execute(per)
    out: Tables = {}
    for which, name, key in (("executives", "ranked", "executive_id"), ("companies", "co_ranked", "company"),
                             ("ceos", "ceo", "executive_id")):  # fmt: skip
        sql = _DUCKDB.format(which=which, table=name, key=key, score_type="BIGINT" if whole else "DOUBLE")
        out[which] = _ordered(pl.from_arrow(con.sql(sql).to_arrow_table()), which)  # type: ignore[arg-type]
    return out


# --- pandas --------------------------------------------------------------------------------------------------


def pandas_tables(
    path: Path, roster: pl.DataFrame, companies: pl.DataFrame, weights: Scoring, period: Period
) -> Tables:
    """Section 3 in plain pandas: read the columns, filter each window, group, merge, rank."""
    import numpy as np
    import pandas as pd

    posts = pd.read_parquet(path, columns=SCORING_COLUMNS)
    people = roster.select("executive_id", "name", "company", "role", "is_ceo").to_pandas()
    firms = companies.select("company", "name").to_pandas()
    whole = all(
        float(w).is_integer() for w in (weights.reactions, weights.comments, weights.shares, weights.engagements)
    )
    repost = (posts["kind"] == "repost").to_numpy()
    counts = posts[["reactions", "comments", "shares"]]
    split = counts.notna().any(axis=1).to_numpy()
    weighted = (
        counts["reactions"].fillna(0) * weights.reactions
        + counts["comments"].fillna(0) * weights.comments
        + counts["shares"].fillna(0) * weights.shares
    ).to_numpy(dtype="float64")
    total = posts["engagements"].fillna(0).to_numpy(dtype="float64") * weights.engagements
    posts["influence_score"] = np.where(repost, 0.0, np.where(split, weighted, total))
    posts["posts"] = (~repost).astype("int64")
    posts["reposts"] = repost.astype("int64")
    for c in ("reactions", "comments", "shares"):
        posts[c] = posts[c].where(~repost)

    def rank_and_index(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        frame["rank"] = frame[column].rank(method="min", ascending=False).astype("int64")
        leader = frame[column].max()
        frame["index"] = (100.0 * frame[column] / leader).round(1) if leader > 0 else 0.0
        return frame

    def executives_of(start: datetime, end: datetime) -> pd.DataFrame:
        inside = posts[(posts["posted_at"] >= start) & (posts["posted_at"] < end)]
        stats = inside.groupby("executive_id")[["posts", "reposts", "reactions", "comments", "shares",
                                                "influence_score"]].sum()  # fmt: skip
        frame = people.merge(stats, left_on="executive_id", right_index=True, how="left")
        zero = ["posts", "reposts", "reactions", "comments", "shares", "influence_score"]
        frame[zero] = frame[zero].fillna(0)
        frame[zero[:-1]] = frame[zero[:-1]].astype("int64")
        if whole:
            frame["influence_score"] = frame["influence_score"].round().astype("int64")
        return rank_and_index(frame, "influence_score")

    def companies_of(executives: pd.DataFrame) -> pd.DataFrame:
        e = executives.assign(squares=executives["influence_score"].astype("float64") ** 2,
                              active=(executives["posts"] + executives["reposts"] > 0).astype("int64"))  # fmt: skip
        teams = e.groupby("company").agg(team_score=("influence_score", "sum"), members=("executive_id", "size"),
                                         active_members=("active", "sum"), squares=("squares", "sum"))  # fmt: skip
        top = (
            e.sort_values(["influence_score", "name"], ascending=[False, True])
            .groupby("company", sort=False)
            .head(1)
            .set_index("company")[["executive_id", "influence_score"]]
            .rename(columns={"executive_id": "top_contributor", "influence_score": "top"})
        )
        frame = firms.merge(teams, left_on="company", right_index=True, how="left").merge(
            top, left_on="company", right_index=True, how="left"
        )
        frame[["team_score", "members", "active_members"]] = frame[["team_score", "members", "active_members"]].fillna(
            0
        )
        frame[["members", "active_members"]] = frame[["members", "active_members"]].astype("int64")
        if whole:
            frame["team_score"] = frame["team_score"].astype("int64")
        positive = frame["team_score"] > 0
        score_ = frame["team_score"].astype("float64")
        frame["effective_contributors"] = np.where(positive, score_**2 / frame["squares"].where(positive, 1.0), 0.0)
        frame["top_contributor_share"] = np.where(positive, frame["top"] / score_.where(positive, 1.0), 0.0)
        members = frame["members"].where(frame["members"] > 0, 1)
        frame["collectivity"] = np.where(frame["members"] > 0, frame["effective_contributors"] / members, 0.0)
        return rank_and_index(frame, "team_score")

    def ceos_of(executives: pd.DataFrame) -> pd.DataFrame:
        return rank_and_index(executives[executives["is_ceo"]].copy(), "influence_score")

    found: dict[str, list[pd.DataFrame]] = {"executives": [], "companies": [], "ceos": []}
    by_scope: dict[tuple[str, str], dict[str, pd.DataFrame]] = {}
    for scope, step, start, end in windows(period, weights.timezone):
        ex = executives_of(pd.Timestamp(start), pd.Timestamp(end))
        by_scope[(scope, step)] = {"executives": ex, "companies": companies_of(ex), "ceos": ceos_of(ex)}
    for scope in ("month", "ytd"):
        for which, key in (("executives", "executive_id"), ("companies", "company"), ("ceos", "executive_id")):
            now = by_scope[(scope, "now")][which]
            if (scope, "before") in by_scope:
                before = by_scope[(scope, "before")][which][[key, "rank"]].rename(columns={"rank": "previous"})
                now = now.merge(before, on=key, how="left")
                now["rank_change"] = (now["previous"] - now["rank"]).astype("Int64")
            else:
                now = now.assign(rank_change=pd.array([None] * len(now), dtype="Int64"))
            found[which].append(now.assign(scope=scope))
    return {which: _ordered(pl.from_pandas(pd.concat(frames)), which) for which, frames in found.items()}


def _ordered(frame: pl.DataFrame, which: str) -> pl.DataFrame:
    """A reference's table in the contract's columns, types, rounding and order."""
    columns = COMPANY_COLUMNS if which == "companies" else EXECUTIVE_COLUMNS
    key = "company" if which == "companies" else "executive_id"
    return (
        frame.select(columns)
        .with_columns([pl.col(c).cast(pl.Float64).round(3) for c in ROUNDED if c in columns])
        .with_columns(pl.col("rank", "rank_change").cast(pl.Int64), pl.col("index").cast(pl.Float64))
        .sort(pl.col("scope").replace_strict({"month": 0, "ytd": 1}), "rank", "name", key)
    )


def differences(expected: Tables, found: Tables) -> list[str]:
    """What differs between two sets of tables (empty when they agree); integers exactly, floats to 1e-9."""
    from polars.testing import assert_frame_equal

    problems = []
    for which, frame in expected.items():
        other = found[which]
        try:
            other = other.select(frame.columns).cast(dict(frame.schema))  # type: ignore[arg-type]
            assert_frame_equal(frame, other, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
        except Exception as exc:  # an AssertionError, or a cast that cannot be made
            problems.append(f"{which}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    return problems
