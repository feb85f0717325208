"""Scraper and listening exports whose columns carry other names: mapped onto the contract by `[[sources]]`.

A `[[sources]]` table of ranking.toml names the files it maps (`pattern`), which column is which field
(`columns`), and where needed the platform, the date layout and what the values of the kind column mean. One
mapping ships ready: the columns of the common LinkedIn activity extractors
(`postUrl, postContent, postDate, likeCount, commentCount, repostCount, action, profileUrl`), recognised by header.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePosixPath

import polars as pl

from ranking import schema
from ranking.errors import InputError
from ranking.load.accounting import NOT_POSTS, OFF_ROSTER, OTHER_AUTHOR, PLACEHOLDERS
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import SUFFIXES, read_any, to_canonical
from ranking.load.flat import JSON_SUFFIXES, XLSX_SUFFIXES, read_flat, read_head
from ranking.load.scraped import authorship
from ranking.load.sniff import header_of
from ranking.load.tabular import LINE, decode
from ranking.load.values import media_value, normalise_handle, platform_from_url, problems_where
from ranking.settings import SOURCE_FIELDS, Source
from ranking.text.phrase import Phrase
from ranking.text.phrase import skipped as skipped_note

NAME = "mapped"
DESCRIPTION = "files named by [[sources]] in ranking.toml, or with the columns postUrl, postDate, likeCount, ..."

#: The ready mapping of the LinkedIn activity extractors' columns. What the profile did to someone else's post
#: (liked it, commented on it) is not a post of the profile's: those rows are left out.
LINKEDIN_ACTIVITY = Source(
    name="LinkedIn activity extractor",
    pattern="*",
    columns={
        "postUrl": "url",
        "postContent": "text",
        "postDate": "posted_at",
        "likeCount": "reactions",
        "commentCount": "comments",
        "repostCount": "shares",
        "action": "kind",
        "profileUrl": "handle",
    },
    platform="linkedin",
    kinds={
        **dict.fromkeys(("post", "posted", "posts", "share", "shared", "published", "article"), "post"),
        **dict.fromkeys(("repost", "reposted", "reposts", "reshare", "reshared"), "repost"),
        **dict.fromkeys(("quote", "quoted", "repost with thoughts"), "quote"),
        **dict.fromkeys(
            ("like", "liked", "likes", "react", "reacted", "reaction", "comment", "commented", "comments", "reply"),
            "ignore",
        ),
    },
)
BUILT_IN = (LINKEDIN_ACTIVITY,)

_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%T", "%R", "%X", "%c", "%s", "%r")
_ZONE_DIRECTIVES = ("%z", "%#z", "%:z", "%Z")


def _label(source: Source) -> str:
    return source.name or source.pattern


def pattern_matches(source: Source, path: Path, shown: str) -> bool:
    """Whether a `[[sources]]` pattern names this file: its name, or its path's end when the pattern has a `/`."""
    pattern = source.pattern.strip().lower()
    if "/" in pattern:
        return PurePosixPath(shown.replace("\\", "/").lower()).match(pattern)
    return fnmatch.fnmatchcase(path.name.lower(), pattern)


def _builtin_for(path: Path, head: bytes) -> Source | None:
    """The ready mapping whose columns all stand in the file's header (CSV) or first record (JSON)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES or suffix == ".parquet":
        return None
    if suffix in (".json", ".jsonl", ".ndjson"):
        text = decode(head)
        return next((s for s in BUILT_IN if all(f'"{c}"' in text for c in s.columns)), None)
    header = header_of(head)
    return next((s for s in BUILT_IN if all(c.lower() in header for c in s.columns)), None)


def matches(path: Path, head: bytes) -> bool:
    """A file with the columns of a ready mapping (files named by `[[sources]]` are recognised before any format)."""
    return _builtin_for(path, head) is not None


def _field(name: str) -> str:
    """A mapped field's name as it is looked up: `stats.total_reactions` is the flattened `stats/total_reactions`."""
    return name.strip().lower().replace(".", "/")


def _select(frame: pl.DataFrame, source: Source, shown: str) -> pl.DataFrame:
    """The mapped columns under their contract names, plus the file's columns already named like the contract.

    Several columns mapped onto one field give its first non-empty value, in the mapping's order (a repost's
    time before the post's): those the file lacks are left out (a download without reposts has no repost time),
    as long as one of them is there."""
    by_lower = {c.strip().lower(): c for c in frame.columns if c != LINE}
    by_lower.update({_field(c): c for c in frame.columns if c != LINE and _field(c) not in by_lower})
    by_lower.update({c.strip().lower(): by_lower[_field(c)] for c in source.columns if _field(c) in by_lower})
    targets = list(dict.fromkeys(source.columns.values()))
    columns = {t: [c for c, target in source.columns.items() if target == t] for t in targets}
    missing = [found[0] for found in columns.values() if all(c.strip().lower() not in by_lower for c in found)]
    if missing:
        raise InputError.one(
            shown,
            f"missing column '{missing[0]}' of the mapping '{_label(source)}' "
            f"(the file has: {', '.join(c for c in frame.columns if c != LINE)})",
            1,
        )
    present = {
        t: [by_lower[c.strip().lower()] for c in found if c.strip().lower() in by_lower] for t, found in columns.items()
    }
    taken = {c for found in present.values() for c in found}
    kept = [c for c in frame.columns if c in SOURCE_FIELDS and c not in targets and c not in taken]
    chosen = [_first(found).alias(target) for target, found in present.items()]
    return frame.select(*chosen, *kept, LINE)


def _first(columns: list[str]) -> pl.Expr:
    """A column, or the first non-empty value of several (read as text)."""
    if len(columns) == 1:
        return pl.col(columns[0])
    values = [pl.col(c).cast(pl.String).str.strip_chars() for c in columns]
    return pl.coalesce([pl.when(v != "").then(v) for v in values])


def _kinds(frame: pl.DataFrame, source: Source) -> tuple[pl.DataFrame, list[str]]:
    """Map the kind column's values; rows mapped to `ignore`, or not mapped at all, are left out with a note."""
    if "kind" not in frame.columns or not source.kinds:
        return frame, []
    lookup = {value.strip().lower(): kind for value, kind in source.kinds.items()}
    raw = pl.col("kind").cast(pl.String).str.strip_chars()
    mapped = raw.str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.String)
    frame = frame.with_columns(raw.alias("__raw"), mapped.alias("kind"))
    dropped = frame.filter(pl.col("__raw").is_not_null() & (pl.col("kind").is_null() | (pl.col("kind") == "ignore")))
    notes: list[str] = [
        Phrase(
            f"{count} row{'s' if count > 1 else ''} with {value!r} left out "
            + ("(not a post of the profile's)" if kind == "ignore" else "(a value the mapping does not know)"),
            "note.kind_ignored" if kind == "ignore" else "note.kind_unknown",
            count,
            value=value,
        )
        for value, kind, count in dropped.group_by("__raw", "kind").len().sort("__raw").iter_rows()
    ]
    kept = frame.filter(pl.col("__raw").is_null() | (pl.col("kind").is_not_null() & (pl.col("kind") != "ignore")))
    return kept.drop("__raw"), notes


def _dates(frame: pl.DataFrame, source: Source, ctx: LoadContext, shown: str) -> pl.DataFrame:
    """posted_at read with the mapping's layout (UTC where it gives a time, local midnight for a date alone)."""
    layout = source.date_format
    if not layout or "posted_at" not in frame.columns or frame.schema["posted_at"] != pl.String:
        return frame
    raw = pl.col("posted_at").str.strip_chars()
    parsed = raw.str.to_datetime(layout, strict=False, time_unit="us")
    if any(d in layout for d in _ZONE_DIRECTIVES):
        instant = parsed.dt.convert_time_zone("UTC")
    elif any(d in layout for d in _TIME_DIRECTIVES):
        instant = parsed.dt.replace_time_zone(source.timezone or "UTC", non_existent="null", ambiguous="earliest")
    else:  # a date alone: local midnight
        instant = parsed.dt.replace_time_zone(ctx.timezone, non_existent="null", ambiguous="earliest")
    text = instant.dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S+00:00")
    try:
        frame = frame.with_columns(text.alias("__parsed"))
    except pl.exceptions.PolarsError:
        raise InputError.one(
            shown, f"date_format {layout!r} of the mapping '{_label(source)}' is not a layout"
        ) from None
    problems = problems_where(
        frame,
        pl.col("posted_at").is_not_null() & pl.col("__parsed").is_null(),
        shown,
        pl.format("posted_at does not fit the date_format {}: '{}'", pl.lit(repr(layout)), pl.col("posted_at")),
    )
    if problems:
        raise InputError(problems)
    return frame.with_columns(pl.col("__parsed").alias("posted_at")).drop("__parsed")


def _read(path: Path, shown: str) -> pl.DataFrame:
    """The file's records: nested JSON and XLSX flattened into `a/b/c` columns, as Apify writes them in CSV."""
    suffix = path.suffix.lower()
    if suffix in (*JSON_SUFFIXES, *XLSX_SUFFIXES):
        return read_flat(path, shown)
    return read_any(path, shown)


def _reposts(raw: pl.DataFrame, frame: pl.DataFrame, source: Source, shown: str) -> pl.DataFrame:
    """Mark as reposts the rows the mapping's `repost_field` marks (present, or matching `repost_pattern`)."""
    if not source.repost_field:
        return frame
    by_name = {_field(c): c for c in raw.columns if c != LINE}
    column = by_name.get(_field(source.repost_field))
    if column is None:
        return frame  # a download without the field (a field selection) holds no marked repost
    value = pl.col(column).cast(pl.String).str.strip_chars()
    if source.repost_pattern:
        marked = value.str.contains("(?i)" + source.repost_pattern).fill_null(False)
    else:
        marked = (value.fill_null("") != "") & ~value.str.to_lowercase().is_in(["false", "0", "no", "null"])
    try:
        flags = raw.select(marked.alias("__repost")).get_column("__repost")
    except pl.exceptions.PolarsError:
        raise InputError.one(shown, f"repost_pattern {source.repost_pattern!r} is not a regular expression") from None
    kind = pl.col("kind") if "kind" in frame.columns else pl.lit("post")
    return frame.with_columns(pl.when(flags).then(pl.lit("repost")).otherwise(kind).alias("kind"))


def _placeholders(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Leave out the records that stand for no post: an id of 0 or below, or neither a date nor a URL (how many)."""
    date = pl.col("posted_at").cast(pl.String) if "posted_at" in frame.columns else pl.lit(None, pl.String)
    link = pl.col("url").cast(pl.String) if "url" in frame.columns else pl.lit(None, pl.String)
    number = pl.col("post_id").cast(pl.String) if "post_id" in frame.columns else pl.lit(None, pl.String)
    empty = date.str.strip_chars().fill_null("").eq("") & link.str.strip_chars().fill_null("").eq("")
    none = empty | number.str.strip_chars().str.contains(r"^(?:-\d+|0+)$").fill_null(False)
    if "posted_at" not in frame.columns:
        return frame, 0  # a file without dates at all is told so by the conversion
    return frame.filter(~none), frame.filter(none).height


def _in_folder(frame: pl.DataFrame, ctx: LoadContext, source: Source) -> tuple[pl.DataFrame, int]:
    """A file in an executive's folder whose records name their author: another account's post is the
    executive's repost of it (in their feed), else skipped (how many); the folder then says whose each record is."""
    if ctx.executive_id is None or "handle" not in frame.columns or "executive_id" in frame.columns:
        return frame, 0
    url = pl.col("url").cast(pl.String) if "url" in frame.columns else pl.lit(None, pl.String)
    given = pl.col("platform").cast(pl.String).str.to_lowercase() if "platform" in frame.columns else pl.lit(None)
    told = frame.with_columns(
        pl.coalesce(given, platform_from_url(url), pl.lit(source.platform or None, pl.String)).alias("platform"),
        (pl.col("kind") if "kind" in frame.columns else pl.lit("post")).fill_null("post").alias("kind"),
        (pl.col("reposted_from") if "reposted_from" in frame.columns else pl.lit(None, pl.String)).alias(
            "reposted_from"
        ),
        pl.col("handle").cast(pl.String),
    )
    told = authorship(told, ctx, ctx.executive_id)
    others = told.filter(pl.col("kind") == "__other").height
    return told.filter(pl.col("kind") != "__other").drop("handle"), others


def _owned(frame: pl.DataFrame, ctx: LoadContext) -> tuple[pl.DataFrame, int]:
    """Leave out the rows of a multi-author file whose handle is no roster executive's (how many were)."""
    if ctx.executive_id is not None or ctx.strict or "handle" not in frame.columns or "executive_id" in frame.columns:
        return frame, 0
    known = ctx.handles().get_column("handle").implode()
    handle = normalise_handle(pl.col("handle").cast(pl.String))
    off = handle.is_not_null() & ~handle.is_in(known)
    return frame.filter(~off), frame.filter(off).height


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load a file through the first `[[sources]]` mapping that names it, else the ready mapping it matches."""
    source = next((s for s in ctx.sources if pattern_matches(s, path, shown)), None)
    if source is None:
        source = _builtin_for(path, read_head(path, shown))
    if source is None:
        raise InputError.one(shown, "no [[sources]] mapping names this file")
    raw = _read(path, shown)
    records = raw.height
    frame = _reposts(raw, _select(raw, source, shown), source, shown)
    frame, notes = _kinds(frame, source)
    skipped = {NOT_POSTS: records - frame.height} if frame.height < records else {}
    frame, placeholders = _placeholders(frame)
    if placeholders:
        skipped[PLACEHOLDERS] = placeholders
        notes.append(f"{placeholders} record{'s' if placeholders != 1 else ''} skipped: {PLACEHOLDERS}")
    frame, off = _owned(frame, ctx)
    frame, others = _in_folder(frame, ctx, source)
    if others:
        skipped[OTHER_AUTHOR] = others
        notes.append(f"{others} record{'s' if others != 1 else ''} skipped: {OTHER_AUTHOR}")
    if off:
        skipped[OFF_ROSTER] = off
        notes.append(skipped_note(off, OFF_ROSTER))
    when = export_date(path)
    label = Phrase(f"mapped ({_label(source)})", "format.mapped", source=_label(source))
    platform = source.platform or None
    if frame.height == 0 and skipped:
        return Export(path, shown, label, schema.empty_posts(), when, notes, platform=platform, records=records,
                      skipped=skipped)  # fmt: skip
    if "platform" not in frame.columns and source.platform:
        frame = frame.with_columns(pl.lit(source.platform).alias("platform"))
    frame = _dates(frame, source, ctx, shown)
    if "media" in frame.columns:
        # a tool's own word for the format (Photo, Carousel…): read as the schema's, unknown words left unknown
        frame = frame.with_columns(media_value(pl.col("media")).alias("media"))
    posts, problems = to_canonical(frame, ctx, shown, when, source.timezone or "UTC")
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    # A repost's counts are its original's, never the profile's.
    counts = [pl.when(pl.col("kind") == "repost").then(None).otherwise(pl.col(c)).alias(c) for c in schema.COUNTS]
    posts = posts.with_columns(counts)
    return Export(path, shown, label, posts, when, notes, platform=platform, records=records, skipped=skipped)
