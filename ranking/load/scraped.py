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

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError
from ranking.load.accounting import ERROR_RECORDS, NO_AUTHOR, NOT_POSTS, OFF_ROSTER, OTHER_AUTHOR, PLACEHOLDERS
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.flat import JSON_SUFFIXES, SUFFIXES, Expand, field_names, has_fields, read_flat
from ranking.load.tabular import LINE
from ranking.load.values import Check, check_problems, normalise_handle, reduce_post_id
from ranking.text.phrase import Phrase
from ranking.text.phrase import skipped as skipped_note

#: The columns a reader makes of a service's fields (all strings, but `error`, a boolean).
#: `media` is a canonical format (ranking.schema.MEDIA: `ranking.load.values.media_value` reads a service's word
#: for it), null where the download does not say.
SCRAPED = ("platform", "post_id", "kind", "media", "posted_at", "text", "url", "reactions", "comments", "shares",
           "impressions", "handle", "reposted_from", "snapshot", "followers", "alias", "error")  # fmt: skip


class Fields:
    """The columns of a flattened download, found by name whatever their case (`.` or `/` between parts)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame
        # `a.b` as some tools flatten (twarc's CSV: `public_metrics.like_count`) is `a/b` as Apify does
        self._by_lower = {c.lower().replace(".", "/"): c for c in frame.columns if c != LINE}

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


#: The services' names as documents print them (the first word of a reader's name).
SERVICES = {"apify": "Apify", "brightdata": "Bright Data", "phantombuster": "PhantomBuster"}


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
    #: How the service's JSON records hold posts, when not one per record (pages, profiles): unnested first.
    expand: Expand | None = None
    #: Whether only JSON downloads hold the service's records (a CSV would flatten the nested posts away).
    json_only: bool = False

    def matches(self, path: Path, head: bytes) -> bool:
        """Whether a file holds this service's fields (whatever its name)."""
        if path.suffix.lower() not in (JSON_SUFFIXES if self.json_only else SUFFIXES):
            return False
        found = field_names(path, head)
        return any(has_fields(found, signature) for signature in self.signatures)

    def load(self, path: Path, shown: str, ctx: LoadContext) -> Export:
        return load_scraped(self, path, shown, ctx)

    def shown(self, suffix: str) -> Phrase:
        """The format's name as documents print it: `Apify — LinkedIn (supreme_coder), CSV` (`apify-linkedin-post
        (supreme_coder) (csv)` on the terminal; a JSON download, the services' own, without its suffix)."""
        english = self.name + ("" if suffix == "json" else f" ({suffix})")
        service = SERVICES.get(self.name.split("-", 1)[0], self.name.split("-", 1)[0])
        actor = self.name.split("(", 1)[1].rstrip(")") if "(" in self.name else ""
        key = "format.scraped" + (".actor" if actor else "") + ("" if suffix == "json" else ".file")
        platform = {"linkedin": "LinkedIn", "x": "X"}.get(self.platform, self.platform)
        return Phrase(english, key, service=service, platform=platform, actor=actor, file=suffix.upper())


def placeholder() -> pl.Expr:
    """A record that stands for no post: a service's notice or placeholder (`{"id": -1, "text": "Since you are a
    free user…"}`: an id of 0 or below), or a record with neither a date nor a URL. A post with an unreadable
    field is not one: its date or URL is there, and it stays an error naming the record."""
    numbered = pl.col("post_id").str.strip_chars().str.contains(r"^(?:-\d+|0+)$").fill_null(False)
    return numbered | (pl.col("posted_at").is_null() & pl.col("url").is_null())


#: How much of a skipped record `validate` quotes: its first few fields, each cut short.
_EXAMPLE_FIELDS = 4
_EXAMPLE_WIDTH = 60


def example(flat: pl.DataFrame, line: int) -> str:
    """A record of a flattened download as `validate` quotes it: its number and first few fields."""
    row = flat.filter(pl.col(LINE) == line).row(0, named=True)
    shown = []
    for name, value in row.items():
        if name == LINE or value is None or not str(value).strip():
            continue
        text = str(value).replace("\n", " ")
        text = text if len(text) <= _EXAMPLE_WIDTH else text[: _EXAMPLE_WIDTH - 1] + "…"
        shown.append(f"{name}={json.dumps(text, ensure_ascii=False)}")
        if len(shown) == _EXAMPLE_FIELDS:
            break
    return f"record {line}: " + ", ".join(shown)


def authorship(frame: pl.DataFrame, ctx: LoadContext, owner: str) -> pl.DataFrame:
    """The records of a file in an executive's folder, each told by its author.

    A record whose author is known and is not the executive's is never the executive's own post: when the file
    is the executive's feed (some record is theirs), a post or quote of another account is the executive's
    repost of it, dated as the record says (its counts are the original's: left out); a reply of another
    account, and any record of another account in a file that is not the executive's feed (a search), are
    skipped (`kind` "__other"). An author the roster cannot compare (no handle of the executive) changes nothing.
    The frame has `platform`, `kind`, `handle` and `reposted_from` (a mapped file's too: formats/mapped.py).
    """
    row = ctx.roster.filter(pl.col("executive_id") == owner)
    handles = {
        platform: row.select(normalise_handle(pl.col(column))).to_series().drop_nulls().to_list()
        for platform, column in (("x", "x_handle"), ("linkedin", "linkedin"))
        if column in row.columns
    }
    # the executive's handle on the record's platform (an X handle is no LinkedIn slug)
    mine = pl.col("platform").replace_strict(
        {p: found[0] for p, found in handles.items() if found}, default=None, return_dtype=pl.String
    )
    author = normalise_handle(pl.col("handle"))
    known = author.is_not_null() & mine.is_not_null()
    other = known & (author != mine)
    feed = frame.select((known & ~other).any()).item()
    own_kind = pl.col("kind").is_in(["post", "quote"])
    return frame.with_columns(
        pl.when(other & (pl.col("kind") != "repost") & own_kind & pl.lit(feed))
        .then(pl.col("handle"))
        .otherwise(pl.col("reposted_from"))
        .alias("reposted_from"),
        pl.when(~other | (pl.col("kind") == "repost"))
        .then(pl.col("kind"))
        .when(own_kind & pl.lit(feed))
        .then(pl.lit("repost"))
        .otherwise(pl.lit("__other"))
        .alias("kind"),
    )


def _owners(frame: pl.DataFrame, ctx: LoadContext) -> pl.DataFrame:
    """executive_id of every record: the folder's, else the roster's for its handle (null when not in it)."""
    if ctx.executive_id is not None:
        frame = authorship(frame, ctx, ctx.executive_id)
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
    flat = read_flat(path, shown, reader.expand)
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
    examples: dict[str, str] = {}
    notes: list[str] = []

    def skip(mask: pl.Expr, reason: str) -> None:
        nonlocal frame
        left_out = frame.filter(mask)
        if left_out.height:
            skipped[reason] = skipped.get(reason, 0) + left_out.height
            examples.setdefault(reason, example(flat, left_out.item(0, LINE)))
            notes.append(skipped_note(left_out.height, reason))
            frame = frame.filter(~mask)

    skip(pl.col("error"), ERROR_RECORDS)
    skip(placeholder(), PLACEHOLDERS)
    skip(pl.col("kind") == "ignore", NOT_POSTS)
    frame = _owners(frame, ctx)
    skip(pl.col("kind") == "__other", OTHER_AUTHOR)
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
    fmt = reader.shown(path.suffix.lstrip(".").lower())
    if frame.height == 0:
        return Export(path, shown, fmt, schema.empty_posts(), when, notes, platform=reader.platform,
                      records=records, skipped=skipped, examples=examples)  # fmt: skip
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
                  records=records, skipped=skipped, aliases=aliases, examples=examples)  # fmt: skip
