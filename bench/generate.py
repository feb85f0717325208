"""A seeded synthetic workspace at benchmark scale: canonical Parquet exports, roster.csv and companies.csv.

Everything is invented: ids are `co-0001` / `ex-00001`, names are numbered, domains use the reserved `.example`
TLD. The shape follows what agencies see: one export file per month (its date in the file name), each also
re-exporting a few per cent of the previous month's posts with newer counts (duplicates the merge resolves),
heavy-tailed activity (a tenth of the executives never post), both platforms, replies, quotes and reposts,
LinkedIn posts that only give an engagements total, and unique post texts.

Run: python bench/generate.py --out bench/data/ws --posts 5000000 --executives 10000
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20211
YEAR = 2021
DUPLICATE_SHARE = 0.04  # of a month's posts re-exported in the next month's file
MARKER = "generated.json"

OPENINGS = [
    "Fier de nos équipes", "Proud of our teams", "Belle rencontre aujourd'hui", "Great discussion today",
    "Retour sur la table ronde", "Back from the panel", "Une étape importante", "An important milestone",
    "Merci à tous les participants", "Thanks to everyone who joined", "Quelle semaine", "What a week",
    "Nous recrutons", "We are hiring", "Bravo à nos chercheurs", "Congratulations to our researchers",
]  # fmt: skip
SUBJECTS = [
    "sur l'innovation en santé", "on health innovation", "sur la souveraineté sanitaire", "on vaccine supply",
    "pour les patients", "for patients", "sur la transformation digitale", "on digital transformation",
    "autour de la RSE", "on sustainability", "sur nos sites de production", "at our manufacturing sites",
    "sur la diversité et les talents", "on talent and diversity", "sur la recherche clinique", "on clinical research",
    "face au covid", "on the covid response", "avec nos partenaires", "with our partners",
]  # fmt: skip
CLOSINGS = [
    "", " Lire l'étude : https://news.example/etude", " Read more: https://press.example/story",
    " #santé #innovation", " #health #pharma", " Rendez-vous le mois prochain.", " See you next month.",
]  # fmt: skip
ROLES = ["Directrice financière", "Directeur médical", "DRH", "Directrice R&D", "Directeur industriel",
         "Directrice des affaires publiques", "Directeur commercial", "Directrice de la communication"]  # fmt: skip

CANONICAL = ["platform", "post_id", "executive_id", "posted_at", "kind", "text", "url",
             "reactions", "comments", "shares", "engagements", "impressions", "media"]  # fmt: skip
#: Each post's format (issue 24), read from a hash of its id (the other columns' random draws stay the same):
#: formats in these proportions, in percent.
MEDIA_SHARES = {"text": 30, "image": 34, "video": 8, "document": 10, "link": 12, "article": 3, "poll": 2, "event": 1}
LINKEDIN_BASE = 6_800_000_000_000_000_000
X_BASE = 1_400_000_000_000_000_000


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The calendar month in UTC (the generator does not need local months: the windows do that)."""
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC) if month == 12 else datetime(year, month + 1, 1, tzinfo=UTC)
    return start, end


def _write_listings(root: Path, executives: int, companies: int, rng: np.random.Generator) -> pl.DataFrame:
    """companies.csv and roster.csv; returns the roster with what the post generator needs per executive."""
    ids = [f"co-{i:04d}" for i in range(1, companies + 1)]
    with (root / "companies.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["company", "name", "domains", "corporate_handles", "comms_emails"])
        for i, cid in enumerate(ids, start=1):
            handle = f"@{cid.replace('-', '')}_corp"
            writer.writerow([cid, f"Synthetic Labs {i:04d}", f"{cid}.example", handle, f"comms@{cid}.example"])
    # Every company gets its CEO first; the other executives go to companies of uneven size.
    sizes = rng.lognormal(0.0, 0.6, companies)
    others = rng.choice(companies, size=max(0, executives - companies), p=sizes / sizes.sum())
    company_of = np.concatenate([np.arange(min(companies, executives)), others])
    activity = rng.lognormal(0.0, 1.2, executives) * (rng.random(executives) > 0.1)  # a tenth never post
    audience = rng.lognormal(3.0, 1.1, executives)  # typical reactions per post
    on_linkedin = rng.beta(3, 2, executives)
    roster = pl.DataFrame(
        {
            "executive_id": [f"ex-{i:05d}" for i in range(1, executives + 1)],
            "name": [f"Executive {i:05d}" for i in range(1, executives + 1)],
            "company": [ids[c] for c in company_of],
            "role": [
                "Président-directeur général" if i < companies else ROLES[i % len(ROLES)] for i in range(executives)
            ],
            "is_ceo": ["true" if i < companies else "false" for i in range(executives)],
            "linkedin": [f"executive-{i:05d}" for i in range(1, executives + 1)],
            "x_handle": [f"@exec{i:05d}" for i in range(1, executives + 1)],
            "linkedin_followers": (audience * 120).astype(np.int64),
            "x_followers": (audience * 60).astype(np.int64),
        }
    )
    roster.write_csv(root / "roster.csv")
    return roster.with_columns(
        pl.Series("__activity", activity), pl.Series("__audience", audience), pl.Series("__linkedin", on_linkedin)
    )


def _month_posts(
    roster: pl.DataFrame, n: int, year: int, month: int, first_id: int, rng: np.random.Generator
) -> pl.DataFrame:
    """`n` posts of one month, in canonical columns."""
    start, end = month_bounds(year, month)
    activity = roster.get_column("__activity").to_numpy()
    who = rng.choice(len(activity), size=n, p=activity / activity.sum())
    linkedin = rng.random(n) < roster.get_column("__linkedin").to_numpy()[who]
    # kinds: LinkedIn mostly posts and reposts; X has the replies and quotes
    draw = rng.random(n)
    kind = np.where(
        linkedin,
        np.where(draw < 0.82, 0, np.where(draw < 0.86, 1, np.where(draw < 0.88, 2, 3))),
        np.where(draw < 0.55, 0, np.where(draw < 0.78, 1, np.where(draw < 0.86, 2, 3))),
    )
    seconds = int((end - start).total_seconds())
    posted = start.timestamp() * 1e6 + np.sort(rng.integers(0, seconds, n)) * 1e6
    reactions = (roster.get_column("__audience").to_numpy()[who] * rng.lognormal(0.0, 1.0, n)).astype(np.int64)
    comments = (reactions * rng.uniform(0.0, 0.12, n)).astype(np.int64)
    shares = (reactions * rng.uniform(0.0, 0.06, n)).astype(np.int64)
    total_only = linkedin & (rng.random(n) < 0.03)  # LinkedIn creator XLSX style: a total, no split
    no_comments = rng.random(n) < 0.01
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    frame = pl.DataFrame(
        {
            "__who": who,
            "__linkedin": linkedin,
            "__kind": kind,
            "__id": ids,
            "__a": rng.integers(0, len(OPENINGS), n),
            "__b": rng.integers(0, len(SUBJECTS), n),
            "__c": rng.integers(0, len(CLOSINGS), n),
            "posted_at": pl.Series(posted.astype(np.int64)).cast(pl.Datetime("us", "UTC")),
            "reactions": np.where(total_only, -1, reactions),
            "comments": np.where(total_only | no_comments, -1, comments),
            "shares": np.where(total_only, -1, shares),
            "engagements": np.where(total_only, reactions + comments + shares, -1),
            "impressions": np.where(linkedin, -1, reactions * 37),
        }
    )
    people = roster.select(
        pl.col("executive_id"), pl.col("x_handle").str.strip_chars_start("@").alias("__handle")
    ).with_row_index("__who")
    post_id = (
        pl.when(pl.col("__linkedin")).then(pl.col("__id") + LINKEDIN_BASE).otherwise(pl.col("__id") + X_BASE)
    ).cast(pl.String)
    return (
        frame.with_columns(pl.col("__who").cast(pl.UInt32))
        .join(people, on="__who", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("__linkedin")).then(pl.lit("linkedin")).otherwise(pl.lit("x")).alias("platform"),
            post_id.alias("post_id"),
            pl.col("__kind").replace_strict([0, 1, 2, 3], ["post", "reply", "quote", "repost"]).alias("kind"),
            pl.concat_str(
                pl.col("__a").replace_strict(list(range(len(OPENINGS))), OPENINGS),
                pl.lit(" "),
                pl.col("__b").replace_strict(list(range(len(SUBJECTS))), SUBJECTS),
                pl.lit(". Post n°"),
                pl.col("__id").cast(pl.String),
                pl.col("__c").replace_strict(list(range(len(CLOSINGS))), CLOSINGS),
            ).alias("text"),
            *[pl.col(c).replace(-1, None) for c in ("reactions", "comments", "shares", "engagements", "impressions")],
            _media().alias("media"),
        )
        .with_columns(
            pl.when(pl.col("__linkedin"))
            .then(pl.concat_str(pl.lit("https://www.linkedin.com/feed/update/urn:li:activity:"), pl.col("post_id")))
            .otherwise(pl.concat_str(pl.lit("https://x.com/"), pl.col("__handle"), pl.lit("/status/"), "post_id"))
            .alias("url")
        )
        .select(CANONICAL)
    )


def _media() -> pl.Expr:
    """A post's format from a hash of its id, in the proportions of MEDIA_SHARES."""
    bounds = np.cumsum(list(MEDIA_SHARES.values()))
    draw = (pl.col("__id").hash(SEED) % 100).cast(pl.Int64)
    chosen = pl.lit(list(MEDIA_SHARES)[-1])
    for name, bound in reversed(list(zip(MEDIA_SHARES, bounds, strict=True))[:-1]):
        chosen = pl.when(draw < int(bound)).then(pl.lit(name)).otherwise(chosen)
    return chosen


def generate(
    root: Path,
    posts: int = 5_000_000,
    executives: int = 10_000,
    companies: int | None = None,
    seed: int = SEED,
    year: int = YEAR,
) -> dict[str, object]:
    """Write the workspace at `root` (replacing its files) and return what was written."""
    companies = companies or max(1, executives // 10)
    rng = np.random.default_rng(seed)
    exports = root / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    for old in exports.glob("*.parquet"):
        old.unlink()
    (root / "ranking.toml").write_text(
        '[report]\ntitle = "Synthetic benchmark ranking"\nsector = "Synthetic"\npublisher = "bench"\n',
        encoding="utf-8",
    )
    roster = _write_listings(root, executives, companies, rng)
    days = np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype=np.float64)
    # the re-exported duplicates are part of the requested row count
    fresh = np.floor(posts / (1 + DUPLICATE_SHARE * 11 / 12) * days / days.sum()).astype(np.int64)
    next_id, rows, previous = 1, 0, None
    for month in range(1, 13):
        frame = _month_posts(roster, int(fresh[month - 1]), year, month, next_id, rng)
        next_id += frame.height
        if month == 12:  # the last file tops the total up to exactly the requested size
            wanted = posts - rows - frame.height
        else:
            wanted = int(frame.height * DUPLICATE_SHARE) if previous is None else int(previous.height * DUPLICATE_SHARE)
        again = None
        if previous is not None and wanted > 0:
            picked = np.sort(rng.choice(previous.height, size=min(wanted, previous.height), replace=False))
            grown = pl.col("reactions", "comments", "shares", "engagements", "impressions")
            again = previous[picked].with_columns((grown * 1.15).floor().cast(pl.Int64))
            frame = pl.concat([again, frame])
        last_day = calendar.monthrange(year, month)[1]
        name = f"posts_{year}-{month:02d}-01_{year}-{month:02d}-{last_day:02d}.parquet"
        frame.write_parquet(exports / name, compression="zstd", statistics=True, row_group_size=256 * 1024)
        rows += frame.height
        previous = frame if again is None else frame.slice(again.height)
    info: dict[str, object] = {
        "posts": rows,
        "executives": executives,
        "companies": companies,
        "seed": seed,
        "year": year,
        "files": 12,
        "media": True,
    }
    (root / MARKER).write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def ensure(root: Path, posts: int, executives: int, companies: int | None = None, seed: int = SEED) -> Path:
    """Generate the workspace unless `root` already holds the same one."""
    wanted = {"posts": posts, "executives": executives, "companies": companies or max(1, executives // 10),
              "media": True}  # fmt: skip
    marker = root / MARKER
    if marker.exists():
        have = json.loads(marker.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in wanted.items()) and have.get("seed") == seed:
            return root
    generate(root, posts, executives, companies, seed)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench/data/ws"), help="workspace folder to write")
    parser.add_argument("--posts", type=int, default=5_000_000, help="number of post rows (default 5,000,000)")
    parser.add_argument("--executives", type=int, default=10_000, help="roster size (default 10,000)")
    parser.add_argument("--companies", type=int, default=None, help="companies (default executives / 10)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.posts, args.executives, args.companies, args.seed)))


if __name__ == "__main__":
    main()
