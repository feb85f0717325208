"""The loading core: any reader's frame into the canonical posts table, and files read as generic tables.

Every format's reader (`formats/`) makes a frame whose columns carry the contract's names (`executive_id` or
`handle`, `platform`, `post_id` or `url`, `posted_at`, counts, ...) and hands it to `to_canonical`, which checks
each row and converts it (`canonical_plan` is the same conversion as a lazy query, for a file read lazily). The
containers a canonical file may come in (JSON, JSON Lines, Parquet, delimited text) are read here as tables of
their own columns plus LINE, so that any format (canonical, a `[[sources]]` mapping) reads them the same way.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path

import polars as pl

import ranking.load.strict_json as strict_json
from ranking import schema
from ranking.errors import InputError, Problem
from ranking.load.base import LoadContext
from ranking.load.reading import LongRun, reading, too_long
from ranking.load.repair import decode_utf8
from ranking.load.tabular import LINE, read_table, refuse_long_fields, refuse_wide
from ranking.load.values import (
    Check,
    check_problems,
    count_value,
    instant_value,
    normalise_handle,
    platform_from_url,
    post_id_from_url,
    reduce_post_id,
)

#: The containers `read_any` reads.
SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet")
_LIST_FIELDS = ("links", "mentions")
#: The columns `canonical_plan` reads.
_READ = {*schema.POSTS, "handle", "url", "snapshot", LINE}


def json_records(path: Path, shown: str) -> tuple[list[dict[str, object]], list[int]]:
    """The objects of a JSON array, or of one object per line, with the record (or line) number of each."""
    source = reading(path, shown)
    try:
        # A value too long to keep is refused as soon as it is read, before it is parsed (parsing a 200 MB string
        # takes ten times its size): 6 bytes a character, the most one takes in JSON (\uXXXX).
        data = source.data(runs=6 * source.limits.field_chars)
    except OSError as exc:
        raise InputError.one(shown, f"cannot be read ({exc.strerror or exc})") from None
    except LongRun as exc:
        raise InputError.one(shown, too_long(source.limits), exc.line) from None
    text = decode_utf8(data)
    del data
    if not text.strip():
        raise InputError.one(shown, "empty file")
    records: list[dict[str, object]] = []
    lines: list[int] = []
    try:
        loaded = strict_json.loads(text)
        records = loaded if isinstance(loaded, list) else [loaded]
        lines = list(range(1, len(records) + 1))
    except (json.JSONDecodeError, strict_json.DuplicateKey, strict_json.TooDeep, strict_json.TooLarge) as exc:
        if text.lstrip().startswith("[") or isinstance(exc, strict_json.TooDeep | strict_json.TooLarge):
            raise InputError.one(shown, _json_problem(exc), getattr(exc, "lineno", None)) from None
        # not one document: JSON Lines, read line by line (which also says where a bad object is)
        # JSON Lines: records end at "\n" only (a U+2028 inside a text is part of it, as JSON allows)
        for number, row in enumerate(text.split("\n"), start=1):
            if not row.strip():
                continue
            try:
                records.append(strict_json.loads(row))
            except json.JSONDecodeError as bad:
                raise InputError.one(shown, f"not valid JSON ({bad.msg}); is the file truncated?", number) from None
            except ValueError as bad:
                raise InputError.one(shown, f"not valid JSON ({bad})", number) from None
            lines.append(number)
    for record, line in zip(records, lines, strict=True):
        if not isinstance(record, dict):
            raise InputError.one(shown, "expected JSON objects (one per post)", line)
    return records, lines


def read_json(path: Path, shown: str) -> pl.DataFrame:
    """Read a JSON array of objects, or one object per line, into string columns plus LINE (record number)."""
    records, lines = json_records(path, shown)
    found: dict[str, None] = {}  # the keys in order of appearance (a dict: a list's `in` is quadratic)
    for record in records:
        found.update(dict.fromkeys(record))
    keys = list(found)
    refuse_wide(keys, shown)

    def cell(value: object) -> object:
        if value is None or isinstance(value, list):
            return value
        return str(value) if not isinstance(value, str) else value

    columns = {key: [cell(r.get(key)) for r in records] for key in keys}
    frame = pl.DataFrame(
        {
            k: pl.Series(k, v, dtype=pl.List(pl.String) if k in _LIST_FIELDS else pl.String, strict=False)
            for k, v in columns.items()
        }
    )
    return refuse_long_fields(frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64)), shown)


def _json_problem(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg}); is the file truncated?"
    return f"not valid JSON ({exc})"


def read_parquet(path: Path, shown: str) -> pl.DataFrame:
    """Read a Parquet file whole, its columns as they are typed plus LINE (row number, from 1)."""
    try:
        data = reading(path, shown).data()  # read once (and hashed): the manifest's sha256 is of what is parsed
    except OSError as exc:
        raise InputError.one(shown, f"cannot be read ({exc.strerror or exc})") from None
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # polars raises several kinds for a damaged file
        raise InputError.one(shown, f"not a readable Parquet file ({type(exc).__name__}); is it truncated?") from None
    refuse_wide(frame.columns, shown)
    return frame.with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))


def read_any(path: Path, shown: str) -> pl.DataFrame:
    """Read a file of any of the containers of SUFFIXES (Parquet, JSON, JSON Lines, else delimited text)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return read_parquet(path, shown)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path, shown)
    return read_table(path, shown)


def executive_checks(
    frame: pl.LazyFrame, names: Collection[str], ctx: LoadContext, shown: str, clean: bool = False
) -> tuple[pl.LazyFrame, list[Check]]:
    """Fill `executive_id` from the folder, the column itself, or a `handle` column (lazily), with the checks
    that report unknown ones. `names` are the frame's columns; `clean`: the ids need no stripping."""
    if ctx.executive_id is not None and "executive_id" not in names and "handle" not in names:
        return frame.with_columns(pl.lit(ctx.executive_id).alias("executive_id")), []
    executive = pl.col("executive_id")
    if "executive_id" in names:
        known = ctx.roster.get_column("executive_id").implode()
        if not clean:
            frame = frame.with_columns(executive.cast(pl.String).str.strip_chars())
        checks = [
            Check(
                executive.is_not_null() & ~executive.is_in(known),
                pl.format("unknown executive '{}' (not in roster.csv)", executive),
            ),
            Check(executive.is_null(), "executive_id is missing"),
        ]
    elif "handle" in names:
        handles = ctx.handles().lazy().rename({"handle": "__handle"})
        frame = frame.with_columns(normalise_handle(pl.col("handle").cast(pl.String)).alias("__handle")).join(
            handles, on="__handle", how="left", maintain_order="left"
        )
        checks = [
            Check(
                executive.is_null() & pl.col("handle").is_not_null(),
                pl.format("unknown handle '{}' (no roster executive has it)", pl.col("handle")),
            ),
            Check(pl.col("handle").is_null(), "handle is missing"),
        ]
    else:
        raise InputError.one(shown, "no executive_id or handle column (or put the file in exports/<executive_id>/)", 1)
    if ctx.executive_id is not None:
        checks.append(
            Check(
                executive.is_not_null() & (executive != ctx.executive_id),
                pl.format("post of '{}' in the folder of '{}'", executive, pl.lit(ctx.executive_id)),
            )
        )
    return frame, checks


def canonical_plan(
    frame: pl.LazyFrame,
    names: Mapping[str, pl.DataType],
    ctx: LoadContext,
    shown: str,
    exported: datetime,
    clean: Collection[str] = (),
    naive_zone: str = "UTC",
) -> tuple[pl.LazyFrame, list[Check]]:
    """The conversion of a frame whose columns carry canonical names (`names`, with their types) into canonical
    posts, as a lazy query, with the row checks that report what cannot be converted.

    The query keeps the frame's other columns (LINE among them) and the raw values the messages quote; select
    `schema.POSTS` from it for the posts. Structural problems (a missing column) raise at once. The columns named
    in `clean` are known to be canonical on every row already (see `clean_columns`): they are taken as read.
    """
    frame, checks = executive_checks(frame, names, ctx, shown, "executive_id" in clean)
    have = set(names) | {"executive_id"}
    url = pl.col("url")
    if "url" in have:
        frame = frame.with_columns(url.cast(pl.String))
    if "platform" not in have and "url" not in have:
        raise InputError.one(shown, "missing column 'platform' (or a 'url' to tell it from)", 1)
    if "platform" not in clean:
        if "platform" not in have:
            platform = platform_from_url(url)
        else:
            platform = pl.coalesce(pl.col("platform"), platform_from_url(url)) if "url" in have else pl.col("platform")
        platform = platform.cast(pl.String).str.strip_chars().str.to_lowercase()
        frame = frame.with_columns(platform.replace({"twitter": "x", "li": "linkedin"}).alias("platform"))
    checks.append(
        Check(
            ~pl.col("platform").is_in(list(schema.PLATFORMS)).fill_null(False),
            pl.format("platform must be linkedin or x, not '{}'", pl.col("platform").fill_null("")),
        )
    )
    if "post_id" not in have and "url" not in have:
        raise InputError.one(shown, "missing column 'post_id' (or a 'url' to read it from)", 1)
    if "post_id" not in clean:
        if "post_id" not in have:
            post_id = post_id_from_url(url)
        else:
            post_id = reduce_post_id(pl.col("post_id").cast(pl.String))
            post_id = pl.coalesce(post_id, post_id_from_url(url)) if "url" in have else post_id
        frame = frame.with_columns(post_id.str.strip_chars().alias("post_id"))
    checks.append(Check(pl.col("post_id").is_null(), "no post_id (nor a post URL to read it from)"))
    if "posted_at" not in have:
        raise InputError.one(shown, "missing column 'posted_at'", 1)
    # the raw values the messages quote are kept beside the converted ones (a column already canonical is only
    # renamed back and forth, which filters see through: they still reach the file's statistics)
    raws: list[pl.Expr] = []
    values: list[pl.Expr] = []
    for name in ("posted_at", *[c for c in schema.COUNTS if c in have]):
        raw = pl.col(f"__raw_{name}")
        if name == "posted_at":
            value, found = instant_value(raw, names[name], name, ctx.timezone, naive_zone)
        else:
            value, found = count_value(raw, names[name], name)
        checks += found
        raws.append(pl.col(name).alias(f"__raw_{name}"))
        values.append(value.alias(name))
    if "kind" in have:
        if "kind" not in clean:
            values.append(pl.col("kind").cast(pl.String).str.strip_chars().str.to_lowercase().fill_null("post"))
        checks.append(
            Check(
                ~pl.col("kind").is_in(list(schema.KINDS)),
                pl.format("kind must be one of post, reply, quote, repost, not '{}'", pl.col("kind")),
            )
        )
    else:
        values.append(pl.lit("post").alias("kind"))
    if "media" in have:
        # optional: a canonical file states a post's format in the schema's words (any case); empty: not said
        raws.append(pl.col("media").alias("__raw_media"))
        given = pl.col("__raw_media").cast(pl.String).str.strip_chars()
        values.append(pl.when(given != "").then(given.str.to_lowercase()).alias("media"))
        checks.append(
            Check(
                pl.col("media").is_not_null() & ~pl.col("media").is_in(list(schema.MEDIA)),
                pl.format(f"media must be one of {', '.join(schema.MEDIA)} or empty, not '{{}}'", pl.col("media")),
            )
        )
    if "text" in have and names["text"] != pl.String:
        values.append(pl.col("text").cast(pl.String))
    for name in _LIST_FIELDS:
        if name in have and names[name] == pl.String:
            values.append(pl.col(name).str.split(";").list.eval(pl.element().str.strip_chars()))
    if "snapshot" in have:
        raws.append(pl.col("snapshot").alias("__raw_snapshot"))
        stamp, found = instant_value(pl.col("__raw_snapshot"), names["snapshot"], "snapshot", ctx.timezone)
        checks += found[1:]  # a missing snapshot is the export's date, not a problem
        values.append(stamp.fill_null(exported).alias("snapshot"))
    else:
        values.append(pl.lit(exported, dtype=schema.UTC_INSTANT).alias("snapshot"))
    values.append(pl.lit(shown).alias("source"))
    return frame.with_columns(raws).with_columns(values), checks


def to_canonical(
    frame: pl.DataFrame, ctx: LoadContext, shown: str, exported: datetime, naive_zone: str = "UTC"
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check and convert a frame whose columns carry canonical names into the canonical posts table.

    `exported` is the export's date, used for the rows that carry no `snapshot` of their own; `naive_zone` the
    zone of the times written without an offset.
    """
    if frame.height == 0:
        raise InputError.one(shown, "no posts in the file")
    # only the columns the conversion reads: a file's others (thousands, in a wide one) would slow every step
    frame = frame.select([c for c in frame.columns if c in _READ])
    query, checks = canonical_plan(frame.lazy(), frame.schema, ctx, shown, exported, naive_zone=naive_zone)
    converted = query.collect()
    return schema.conform(converted).collect(), check_problems(converted, checks, shown)


def clean_columns(scan: pl.LazyFrame, names: Mapping[str, pl.DataType]) -> set[str]:
    """The text columns whose every value is already canonical (no space to strip, no case to fold, nothing to
    read from the URL): their conversion would change nothing, so it is left out of every later query."""
    string = [c for c in ("platform", "post_id", "executive_id", "kind") if names.get(c) == pl.String]
    if not string:
        return set()
    tests = {
        "platform": pl.col("platform").is_in(list(schema.PLATFORMS)),
        "post_id": pl.col("post_id") == reduce_post_id(pl.col("post_id")),
        "executive_id": (pl.col("executive_id") == pl.col("executive_id").str.strip_chars()).fill_null(True),
        "kind": pl.col("kind").is_in(list(schema.KINDS)),
    }
    found = scan.select([tests[c].fill_null(False).all().alias(c) for c in string]).collect(engine="streaming")
    return {c for c, ok in found.row(0, named=True).items() if ok}
