"""What the readers of scraping services' results share: finding fields in a flattened download, whose post
each record is, the records left out (error records, accounts not in the roster) and the count of each.

A reader (a `Reader` in a module of `formats/`) says how its service's fields make the scraped columns
(`SCRAPED`); this module turns them into posts:
- a file in exports/<executive_id>/ is that executive's; a file on top (a search, a feed, a dataset of many
  profiles) is matched record by record on `handle` (X handle, LinkedIn slug or profile URL); records of
  accounts not in the roster are skipped and counted (errors with `[inputs] strict`);
- a repost is the reposter's record of the original post: `handle` is the reposter (a repost without one is
  the file's own account's, when the file has one), `post_id` the original's, its counts are not the reposter's;
- `alias` is a post's second LinkedIn number (share or ugcPost URN), linked to its `post_id` for the merge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError
from ranking.load.accounting import ERROR_RECORDS, NO_AUTHOR, NOT_POSTS, OFF_ROSTER
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.flat import SUFFIXES, field_names, has_fields, read_flat
from ranking.load.tabular import LINE
from ranking.load.values import Check, check_problems, normalise_handle, reduce_post_id

#: The columns a reader makes of a service's fields (all strings, but `error`, a boolean).
#: `media` is a canonical format (ranking.schema.MEDIA: `ranking.load.values.media_value` reads a service's word
#: for it), null where the download does not say.
SCRAPED = ("platform", "post_id", "kind", "media", "posted_at", "text", "url", "reactions", "comments", "shares",
           "impressions", "handle", "reposted_from", "snapshot", "followers", "alias", "error")  # fmt: skip


class Fields:
    """The columns of a flattened download, found by name whatever their case (`.` or `/` between parts)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame
        self._by_lower = {c.lower(): c for c in frame.columns if c != LINE}

    def has(self, name: str) -> bool:
        return name.replace(".", "/").lower() in self._by_lower

    def get(self, *names: str) -> pl.Expr:
        """The first non-empty value of these fields (null where none is there): services rename fields."""
        found = [self._by_lower[n.replace(".", "/").lower()] for n in names if self.has(n)]
        if not found:
            return pl.lit(None, dtype=pl.String)
        values = [pl.col(c).cast(pl.String).str.strip_chars() for c in found]
        return pl.coalesce([pl.when(v != "").then(v) for v in values])

    def any(self, *names: str) -> pl.Expr:
        """Whether any of these fields holds a value (a nested object is there when one of its fields is)."""
        prefixes = [n.replace(".", "/").lower() for n in names]
        found = [c for low, c in self._by_lower.items() if any(low == p or low.startswith(p + "/") for p in prefixes)]
        if not found:
            return pl.lit(False)
        return pl.any_horizontal([pl.col(c).cast(pl.String).str.strip_chars().fill_null("") != "" for c in found])

    def present(self, *names: str) -> bool:
        """Whether the download has any of these fields at all (a nested object: any field of it), on any record."""
        prefixes = [n.replace(".", "/").lower() for n in names]
        return any(low == p or low.startswith(p + "/") for low in self._by_lower for p in prefixes)

    def media(self, *stated: pl.Expr, fields: tuple[str, ...]) -> pl.Expr:
        """A post's format: the first of `stated` (canonical values or nulls) that says it; `text` for a record
        that says none when the download has any of `fields` (the service states the format of each post it
        gives), null when it has none of them (a download without them says nothing)."""
        plain = [pl.lit("text")] if self.present(*fields) else []
        return pl.coalesce([*stated, *plain, pl.lit(None, pl.String)])

    def true(self, *names: str) -> pl.Expr:
        """Whether a boolean field is true (written `true`, `True`, `1` or `yes`, as services write them)."""
        return self.get(*names).str.to_lowercase().is_in(["true", "1", "yes"]).fill_null(False)


def number(value: pl.Expr) -> pl.Expr:
    """A post number from an id, a URN or a post URL (null when there is none)."""
    reduced = reduce_post_id(value)
    return pl.when(reduced.str.contains(r"^\d+$")).then(reduced)


@dataclass(frozen=True)
class Reader:
    """A built-in reader of one service's results: what its files hold, and how its fields make SCRAPED."""

    name: str
    description: str
    platform: str
    #: The fields that tell the service's files (any one set, all of its fields): services let users download a
    #: selection of fields, so a reader asks for few.
    signatures: tuple[tuple[str, ...], ...]
    convert: Callable[[Fields], dict[str, pl.Expr]]

    def matches(self, path: Path, head: bytes) -> bool:
        """Whether a file holds this service's fields (whatever its name)."""
        if path.suffix.lower() not in SUFFIXES:
            return False
        found = field_names(path, head)
        return any(has_fields(found, signature) for signature in self.signatures)

    def load(self, path: Path, shown: str, ctx: LoadContext) -> Export:
        return load_scraped(self, path, shown, ctx)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _owners(frame: pl.DataFrame, ctx: LoadContext) -> pl.DataFrame:
    """executive_id of every record: the folder's, else the roster's for its handle (null when not in it)."""
    if ctx.executive_id is not None:
        return frame.with_columns(pl.lit(ctx.executive_id).alias("executive_id"), pl.lit("").alias("__handle"))
    handle = normalise_handle(pl.col("handle"))
    own = frame.filter(pl.col("kind") != "repost").select(handle.alias("h")).drop_nulls().unique()
    # a repost that does not say who reposted is the file's account's, when the file is one account's
    sole = own.item(0, 0) if own.height == 1 else None
    frame = frame.with_columns(
        pl.when(pl.col("kind") == "repost").then(handle.fill_null(pl.lit(sole))).otherwise(handle).alias("__handle")
    )
    handles = ctx.handles().lazy().rename({"handle": "__handle"}).collect()
    return frame.join(handles, on="__handle", how="left", maintain_order="left")


def load_scraped(reader: Reader, path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load a service's download through its reader: posts, what was skipped and why, links between ids."""
    flat = read_flat(path, shown)
    found = Fields(flat)
    exprs = reader.convert(found)
    columns = [
        exprs.get(name, pl.lit(None)).cast(pl.Boolean if name == "error" else pl.String).alias(name) for name in SCRAPED
    ]
    # a service writes a record per input it failed on (a warning or an error, and no post): not a post at all
    failed = found.any("error", "errorMessage", "warning", "warning_code") & ~found.any("id", "url")
    frame = flat.select(*columns, failed.alias("__failed"), pl.col(LINE)).with_columns(
        (pl.col("error").fill_null(False) | (pl.col("__failed") & pl.col("post_id").is_null())).alias("error"),
        pl.col("platform").fill_null(reader.platform),
        pl.col("kind").fill_null("post"),
    )
    records = frame.height
    skipped: dict[str, int] = {}
    notes: list[str] = []

    def skip(mask: pl.Expr, reason: str) -> None:
        nonlocal frame
        count = frame.filter(mask).height
        if count:
            skipped[reason] = skipped.get(reason, 0) + count
            notes.append(f"{_plural(count, 'record')} skipped: {reason}")
            frame = frame.filter(~mask)

    skip(pl.col("error"), ERROR_RECORDS)
    skip(pl.col("kind") == "ignore", NOT_POSTS)
    frame = _owners(frame, ctx)
    if ctx.strict and ctx.executive_id is None:
        unknown = Check(
            pl.col("executive_id").is_null(),
            pl.format("account '{}' is not in the roster ([inputs] strict)", pl.col("handle").fill_null("?")),
        )
        problems = check_problems(frame, [unknown], shown)
        if problems:
            raise InputError(problems)
    skip(pl.col("executive_id").is_null() & pl.col("__handle").is_not_null(), OFF_ROSTER)
    skip(pl.col("executive_id").is_null(), NO_AUTHOR)
    when = export_date(path)
    fmt = reader.name + ("" if path.suffix.lower() == ".json" else f" ({path.suffix.lstrip('.').lower()})")
    if frame.height == 0:
        return Export(path, shown, fmt, schema.empty_posts(), when, notes, platform=reader.platform,
                      records=records, skipped=skipped)  # fmt: skip
    canonical = frame.select(
        "executive_id", "platform", "post_id", "kind", "media", "posted_at", "text", "url", *schema.COUNTS[:3],
        "impressions", "reposted_from", "snapshot", LINE,
    )  # fmt: skip
    posts, problems = to_canonical(canonical, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    # A repost's counts are its original's, never the reposter's.
    posts = posts.with_columns(
        [pl.when(pl.col("kind") == "repost").then(None).otherwise(pl.col(c)).alias(c) for c in schema.COUNTS]
    )
    linked = frame.select(number(pl.col("alias")).alias("a"), number(pl.col("post_id")).alias("p"), "platform")
    aliases = dict(
        linked.filter((pl.col("platform") == "linkedin") & pl.col("a").is_not_null() & pl.col("p").is_not_null())
        .filter(pl.col("a") != pl.col("p"))
        .select("a", "p")
        .unique(subset="a", keep="first", maintain_order=True)
        .iter_rows()
    )
    followers = dict(
        frame.filter(pl.col("kind") != "repost")
        .select("executive_id", pl.col("followers").str.replace_all(r"[,\s]", "").cast(pl.Int64, strict=False))
        .drop_nulls()
        # the count most records state: one record scraped a second later may be off by a few
        .group_by("executive_id", "followers")
        .len()
        .sort(["len", "followers"], descending=True)
        .unique(subset="executive_id", keep="first")
        .select("executive_id", "followers")
        .iter_rows()
    )
    return Export(path, shown, fmt, posts, when, notes, followers=followers, platform=reader.platform,
                  records=records, skipped=skipped, aliases=aliases)  # fmt: skip
