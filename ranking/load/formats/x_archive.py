"""X account archive: `tweets.js` (`tweet.js` in older archives, `tweets-part<n>.js` when split).

The file is JavaScript, `window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]` (older archives: no wrapper).
Every number is a string. A retweet (`RT @…`) is a repost whose counts are the original's, never the
executive's; replies carry `in_reply_to_status_id_str`; there is no reply, quote or impression count.
Other archive files (`deleted-tweets.js`, `like.js`, …) are recognised and ignored with a note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from ranking import schema
from ranking.errors import InputError, Problem
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.reading import LongRun, reading, too_long
from ranking.load.repair import clean, may_hold_surrogates
from ranking.load.sniff import named, owner, unescape
from ranking.load.strict_json import DECODER, DuplicateKey
from ranking.load.tabular import LINE, decode
from ranking.load.values import media_value, normalise_handle
from ranking.text.phrase import Phrase

NAME = "x-archive"
TWEETS_FORMAT = Phrase("X archive tweets", "format.x_archive.tweets")
DESCRIPTION = "X archive tweets.js, tweet.js, tweets-part<n>.js"

_ASSIGNMENT = re.compile(r"\s*window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=\s*")
_MANIFEST = re.compile(r"\s*window\.__THAR_CONFIG\s*=")
_GENERATED = re.compile(r'"generationDate"\s*:\s*"([^"]+)"')
_FILE_NAME = r"(?:deleted-)?tweets?(?:-part\d+)?\.js"
_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"
_STATUS_URL = re.compile(r"(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/\d+")
_RETWEET = re.compile(r"^RT @(\w+)")
_TWEETS = ("tweets", "tweet")


def matches(path: Path, head: bytes) -> bool:
    """A `.js` file of an X archive: `window.YTD.<data>.part<n> = …`, or the name of a tweets file."""
    if path.suffix.lower() != ".js":
        return False
    start = decode(head[:256]).lstrip("\ufeff")
    return bool(_ASSIGNMENT.match(start) or _MANIFEST.match(start)) or named(path.name, _FILE_NAME)


def archive_date(path: Path) -> datetime:
    """The archive's generation date from the `manifest.js` beside the file, else the file's export date.

    The file's modification time is a poor date for an archive: copying or checking it out resets it, and the
    archive would then beat genuinely newer analytics exports for every count.
    """
    manifest = path.with_name("manifest.js")
    if manifest.is_file():
        with manifest.open("rb") as handle:  # its start only, whatever its size
            found = _GENERATED.search(decode(handle.read(1 << 16)))
        if found:
            try:
                return datetime.fromisoformat(found.group(1).replace("Z", "+00:00")).astimezone(UTC)
            except ValueError:
                pass
    return export_date(path)


def _records(text: str, start: int, shown: str) -> Iterator[tuple[int, Any]]:
    """The elements of the JSON array at `start`, each with the line it starts on."""
    decoder = DECODER
    length = len(text)
    surrogates = may_hold_surrogates(text)
    line, counted = 1, 0

    def skip(i: int) -> int:
        while i < length and text[i] in " \t\r\n":
            i += 1
        return i

    def line_at(i: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, i)
        counted = i
        return line

    i = skip(start)
    if i >= length or text[i] != "[":
        raise InputError.one(
            shown, "expected a JSON array of tweets after `window.YTD…part0 =`", line_at(min(i, length))
        )
    i = skip(i + 1)
    if i < length and text[i] == "]":
        return
    while True:
        try:
            record, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise InputError.one(shown, f"not valid JSON ({exc.msg}); is the file truncated?", exc.lineno) from None
        except DuplicateKey as exc:
            raise InputError.one(shown, f"not valid JSON ({exc})", line_at(i)) from None
        except (ValueError, RecursionError):
            raise InputError.one(shown, "not valid JSON (nested too deep)", line_at(i)) from None
        yield line_at(i), clean(record) if surrogates else record
        i = skip(end)
        if i < length and text[i] == ",":
            i = skip(i + 1)
            continue
        if i < length and text[i] == "]":
            break
        raise InputError.one(
            shown, "expected ',' or ']' after a tweet; is the file truncated?", line_at(min(i, length))
        )
    rest = text[i + 1 :].strip()
    if rest not in ("", ";"):
        raise InputError.one(shown, "unexpected text after the array of tweets", line_at(i))


def _text(value: Any) -> str | None:
    """A scalar as the archive writes it (numbers as strings); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _items(value: Any, key: str) -> list[str]:
    """`key` of every object of a list (entities.urls[].expanded_url, …), skipping what is not there."""
    if not isinstance(value, list):
        return []
    found = (_text(item.get(key)) for item in value if isinstance(item, dict))
    return [item for item in found if item]


def _edit_chain(tweet: dict[str, Any]) -> list[str]:
    """The ids of every version of an edited tweet (`edit_info.initial` or `edit_info.edit.editControlInitial`)."""
    info = tweet.get("edit_info")
    ids: list[str] = []
    for part in info.values() if isinstance(info, dict) else []:
        for holder in (part, part.get("editControlInitial")) if isinstance(part, dict) else ():
            if isinstance(holder, dict) and isinstance(holder.get("editTweetIds"), list):
                ids += [i for i in map(_text, holder["editTweetIds"]) if i and i.isascii() and i.isdigit()]
    return ids


def _row(line: int, record: Any, profile: str, shown: str) -> tuple[dict[str, Any] | None, Problem | None, list[str]]:
    """One canonical row from an archive record, or the problem with it; plus the ids of its edit chain."""
    tweet = record.get("tweet", record) if isinstance(record, dict) else None
    if not isinstance(tweet, dict):
        return None, Problem(shown, "expected a tweet object", line), []
    tweet_id = _text(tweet.get("id_str")) or _text(tweet.get("id"))
    if not tweet_id or not (tweet_id.isascii() and tweet_id.isdigit()):
        return None, Problem(shown, f"tweet without a numeric id_str ({tweet_id or 'missing'})", line), []
    text = _text(tweet.get("full_text")) or _text(tweet.get("text")) or ""
    entities: dict[str, Any] = tweet["entities"] if isinstance(tweet.get("entities"), dict) else {}
    links = _items(entities.get("urls"), "expanded_url")
    retweet = _RETWEET.match(text)
    reposted_from = None
    if retweet or isinstance(tweet.get("retweeted_status"), dict):
        kind = "repost"
        reposted_from = retweet.group(1) if retweet else None
    elif _text(tweet.get("in_reply_to_status_id_str")) or _text(tweet.get("in_reply_to_status_id")):
        kind = "reply"
    else:
        kind = "post"
        quoted = [m for m in (_STATUS_URL.match(u) for u in links) if m]
        # The archive has no quote field: a quote tweet ends with the t.co link to the quoted status.
        short = _items(entities.get("urls"), "url")
        if _text(tweet.get("quoted_status_id_str")) or (quoted and short and text.rstrip().endswith(short[-1])):
            kind = "quote"
            reposted_from = quoted[-1].group(1) if quoted else None
    counted = kind != "repost"  # a retweet shows the original's counts (or "0"): never the executive's
    row = {
        LINE: line,
        "platform": "x",
        "post_id": tweet_id,
        "posted_at": _text(tweet.get("created_at")),
        "kind": kind,
        "text": text,
        "url": f"https://x.com/{profile}/status/{tweet_id}",
        "reactions": _text(tweet.get("favorite_count")) if counted else None,
        "shares": _text(tweet.get("retweet_count")) if counted else None,
        "links": links,
        "mentions": _items(entities.get("user_mentions"), "screen_name"),
        "reposted_from": reposted_from,
        "media": _media(tweet, links),
    }
    return row, None, _edit_chain(tweet)


def _media(tweet: dict[str, Any], links: list[str]) -> str:
    """The tweet's format: its first media entity's (photo, video, animated_gif: read by
    ranking.load.values.media_value), else `link` when it links to a page that is not a tweet, else `text`."""
    for holder in ("extended_entities", "entities"):
        found = tweet.get(holder)
        media = found.get("media") if isinstance(found, dict) else None
        if isinstance(media, list) and media and isinstance(media[0], dict) and _text(media[0].get("type")):
            return str(_text(media[0].get("type")))
    return "link" if any(not _STATUS_URL.match(u) for u in links) else "text"


def _profile(ctx: LoadContext, executive: str) -> str:
    """The executive's X handle for post URLs (`i` when the roster has none: x.com/i/status/<id> resolves too)."""
    if "x_handle" not in ctx.roster.columns:
        return "i"
    found = ctx.roster.filter(pl.col("executive_id") == executive).select(normalise_handle(pl.col("x_handle")))
    handle = found.item() if found.height == 1 else None
    return handle or "i"


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load one X archive file: the tweets of a tweets file, nothing (with a note) from the archive's other files."""
    source = reading(path, shown)
    try:  # as a JSON file: a value too long is refused before it is parsed
        text = decode(source.data(runs=6 * source.limits.field_chars))
    except LongRun as exc:
        raise InputError.one(shown, too_long(source.limits), exc.line) from None
    found = _ASSIGNMENT.match(text.lstrip("\ufeff"))
    start = len(text) - len(text.lstrip("\ufeff")) + (found.end() if found else 0)
    if _MANIFEST.match(text.lstrip("\ufeff")):
        note = Phrase("the archive's manifest: its generationDate dates the archive's files", "note.x_manifest")
        fmt = Phrase("X archive (manifest)", "format.x_archive.manifest")
        return Export(path, shown, fmt, schema.empty_posts(), archive_date(path), [note])
    data = found.group(1) if found else ("deleted_tweets" if path.name.lower().startswith("deleted") else "tweets")
    when = archive_date(path)
    if data not in _TWEETS:
        deleted = data == "deleted_tweets"
        reason = "deleted tweets are not counted" if deleted else "it holds no tweets of the executive"
        note = Phrase(f"{reason}: ignored", "note.x_deleted" if deleted else "note.x_not_tweets")
        fmt = Phrase(f"X archive ({data}, ignored)", "format.x_archive.ignored", data=data)
        return Export(path, shown, fmt, schema.empty_posts(), when, [note])
    executive = owner(ctx, shown, "an X archive")
    profile = _profile(ctx, executive)
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    chains: dict[str, list[str]] = {}
    for line, record in _records(text, start, shown):
        row, problem, chain = _row(line, record, profile, shown)
        if problem is not None:
            problems.append(problem)
        elif row is not None:
            rows.append(row)
            chains[row["post_id"]] = chain
    if problems:
        raise InputError(problems[:20])
    notes: list[str] = []
    present = set(chains)
    # An edited tweet stands once per version (up to five), all listed in its edit chain: keep the newest present.
    superseded = {tweet for tweet, chain in chains.items() if any(int(o) > int(tweet) for o in chain if o in present)}
    if superseded:
        rows = [r for r in rows if r["post_id"] not in superseded]
        count = len(superseded)
        english = f"{count} earlier version{'s' if count > 1 else ''} of edited tweets ignored (the newest counts)"
        notes.append(Phrase(english, "note.x_edits", count))
    if not rows:
        none = Phrase("no tweets", "note.no_tweets")
        return Export(path, shown, TWEETS_FORMAT, schema.empty_posts(), when, [*notes, none], platform="x")
    frame = pl.DataFrame(
        rows,
        schema={
            LINE: pl.Int64,
            "platform": pl.String,
            "post_id": pl.String,
            "posted_at": pl.String,
            "kind": pl.String,
            "text": pl.String,
            "url": pl.String,
            "reactions": pl.String,
            "shares": pl.String,
            "links": pl.List(pl.String),
            "mentions": pl.List(pl.String),
            "reposted_from": pl.String,
            "media": pl.String,
        },
    )
    iso = pl.col("posted_at").str.to_datetime(_CREATED_AT, strict=False).dt.convert_time_zone("UTC")
    frame = frame.with_columns(
        pl.coalesce(iso.dt.to_string("%Y-%m-%dT%H:%M:%S+00:00"), pl.col("posted_at")).alias("posted_at"),
        unescape("text"),
        media_value(pl.col("media")).alias("media"),  # X's words (photo, animated_gif) in the schema's
    )
    posts, problems = to_canonical(frame, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return Export(path, shown, TWEETS_FORMAT, posts, when, notes, platform="x")
