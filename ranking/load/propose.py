"""What `validate` says of a file no format recognises: what it looks like (JSON of N records with keys …, CSV of
N columns), and, when it holds post-like fields, a `[[sources]]` mapping guessed from the fields' names and
values, ready to paste into ranking.toml.

The guess names each field the mapping can read (`ranking.load.formats.mapped`): the post's link and id, its date
(and the layout, where it is not one the loader reads by itself), text, counts, author (for a file on top of
exports/, whose records are matched to the roster by it) and what marks a repost (a kind column, a flag, the
original post nested in the record, `RT @`). Fields that describe another post (the quoted or reposted one, a
repost's header) are never taken for the record's own. A file whose posts are nested in a list inside each record
(pages, profiles) gets no mapping: a mapping reads one post per record.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ranking.errors import InputError
from ranking.load.flat import JSON_SUFFIXES, XLSX_SUFFIXES, read_flat
from ranking.load.tabular import LINE
from ranking.load.values import instant_expr

#: How much of the file the guess reads: the first records tell the fields.
SAMPLE_ROWS = 500
#: Path parts naming another post than the record's own (the quoted, reposted or replied-to post, a header).
_OTHER_POST = re.compile(
    r"(?:^|/)(?:quote|quoted|quoted_status|quotedtweet|quoted_post|retweet|retweeted_status|retweetedtweet|"
    r"reshared_post|resharedpost|repost|parent_post_details|in_reply_to\w*|header|input|query|discovery_input|"
    r"attributes|entities|media|images|videos|photos|document|article|mentions|hashtags)(?:/|$)",
    re.IGNORECASE,
)
_POST_URL = r"(?i)linkedin\.com/(?:posts/|feed/update/|pulse/)|(?:twitter|x)\.com/[^/]+/status(?:es)?/\d+"
_LAYOUTS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M",
            "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d %H:%M", "%Y/%m/%d")  # fmt: skip
#: Names of each field, best first, compared without case or punctuation on a column's last part (or its
#: whole path, for the nested counts of some services: `stats/total_reactions`, `public_metrics/like_count`).
_NAMES: dict[str, tuple[str, ...]] = {
    "post_id": ("idstr", "postid", "tweetid", "id", "entityid"),
    "url": ("url", "posturl", "linkedinurl", "permalink", "tweeturl", "link", "twitterurl", "shareurl"),
    "text": ("fulltext", "text", "posttext", "content", "postcontent", "description", "commentary", "body", "title",
             "texte", "contenu", "message"),
    "reactions": ("likecount", "likes", "numlikes", "favoritecount", "totalreactions", "reactions", "likescount",
                  "reactioncount", "numreactions", "engagementlikes", "publicmetricslikecount", "statstotalreactions",
                  "jaime", "aime", "mentionsjaime"),
    "comments": ("replycount", "replies", "numcomments", "comments", "commentcount", "commentscount",
                 "engagementcomments", "publicmetricsreplycount", "statscomments", "commentaires", "reponses"),
    "shares": ("retweetcount", "reposts", "numshares", "shares", "repostcount", "sharecount", "sharescount",
               "retweets", "engagementshares", "publicmetricsretweetcount", "statsreposts", "statsshares", "partages",
               "republications"),
    "impressions": ("viewcount", "views", "impressioncount", "impressions", "publicmetricsimpressioncount", "vues"),
    "handle": ("authorusername", "authorscreenname", "userscreenname", "authorpublicidentifier", "authorpublicid",
               "authoruniversalname", "userposted", "username", "screenname", "userid", "authorprofileurl",
               "profileurl", "handle", "author", "auteur", "compte"),
}  # fmt: skip
_REPOST_WORDS = ("repost", "reposted", "retweet", "retweeted", "reshare", "reshared", "share")
_QUOTE_WORDS = ("quote", "quoted", "repost with thoughts")
_POST_WORDS = ("post", "regular", "original", "tweet", "article", "posted", "published")
_IGNORE_WORDS = ("like", "liked", "comment", "commented", "reaction", "reacted")


@dataclass(frozen=True)
class Proposal:
    """What `validate` prints for an unknown file: its description, and a `[[sources]]` block or why none."""

    description: str
    block: str | None = None
    reason: str | None = None

    def lines(self) -> list[str]:
        """The description, then the block to paste (or the reason there is none)."""
        out = [f"looks like {self.description}"]
        if self.block is not None:
            out.append("a [[sources]] mapping guessed from its fields (check it, then paste it into ranking.toml):")
            out += ["  " + line for line in self.block.splitlines()]
        elif self.reason:
            out.append(f"no [[sources]] mapping proposed: {self.reason}")
        return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _depth(name: str) -> int:
    return name.count("/")


def _values(frame: pl.DataFrame, column: str) -> pl.Series:
    values = frame.get_column(column).cast(pl.String).str.strip_chars().drop_nulls()
    return values.filter(values != "")


def _share(values: pl.Series, test: pl.Expr) -> float:
    """The share of the values (as column `v`) where `test` holds (0 when there is none)."""
    if values.len() == 0:
        return 0.0
    return float(values.to_frame("v").select(test.fill_null(False).mean()).item() or 0.0)


def _own_columns(frame: pl.DataFrame) -> list[str]:
    """The columns that may be the record's own fields: no list item, nothing of another post."""
    return [
        c for c in frame.columns
        if c != LINE and not re.search(r"(?:^|/)\d+(?:/|$)", c) and not _OTHER_POST.search(c)
    ]  # fmt: skip


def _named(columns: list[str], field: str) -> list[str]:
    """The columns named like `field`, best name first, then the shallowest."""
    names = _NAMES[field]
    ranked = []
    for column in columns:
        last, whole = _key(column.rsplit("/", 1)[-1]), _key(column)
        rank = min((i for i, n in enumerate(names) if n in (last, whole)), default=None)
        if rank is not None:
            ranked.append((rank, _depth(column), column))
    return [c for _, _, c in sorted(ranked)]


def _counts(frame: pl.DataFrame, columns: list[str], field: str) -> str | None:
    whole = pl.col("v").str.replace_all(r"[,\s\u202f\u00a0]", "").str.contains(r"^\d+(?:\.0+)?$")
    return next((c for c in _named(columns, field) if _share(_values(frame, c), whole) >= 0.9), None)


def _instants(frame: pl.DataFrame, column: str, timezone: str) -> float:
    return _share(_values(frame, column), instant_expr(pl.col("v"), timezone).is_not_null())


def _dates(frame: pl.DataFrame, columns: list[str], timezone: str) -> tuple[list[str], str]:
    """The date columns (a repost's time first, where there is one) and the layout they need ('' when none)."""
    dated = [c for c in columns if re.search(r"date|time|created|posted|published|_at$|at/", c, re.IGNORECASE)]

    def rank(column: str) -> tuple[int, int, int]:
        # a post's time is named for it; a bare `timestamp` is often the scrape's (Bright Data, Phantombuster)
        name = _key(column)
        tier = 0 if re.search(r"posted|created|published|postdate|tweetdate", name) else 1 if "date" in name else 2
        epoch = 0 if "timestamp" in name else 1  # epoch milliseconds: the truth, where a local date sits beside
        return (tier, epoch, _depth(column))

    # named for a date first; else any column of dates (but counts and ids, whose digits an epoch would take)
    texts = [c for c in columns if not _values(frame, c).str.contains(r"^\d+$").all()]
    readable = sorted((c for c in dated if _instants(frame, c, timezone) >= 0.8), key=rank) or [
        c for c in texts if _instants(frame, c, timezone) >= 0.8
    ]
    readable = [c for c in readable if not re.search(r"repost", c, re.IGNORECASE)]
    if readable:
        best = readable[0]
        # reposts dated when reposted (harvestapi's repostedAt): that time first, the post's where there is none
        reposted = [
            c for c in frame.columns
            if re.search(r"(?i)repost\w*at(?:/timestamp)?$", c) and _instants(frame, c, timezone) >= 0.8
        ]  # fmt: skip
        return [*reposted[:1], best], ""
    for column in [*dated, *(c for c in texts if c not in dated)]:
        values = _values(frame, column)
        for layout in _LAYOUTS:
            parsed = pl.col("v").str.to_datetime(layout, strict=False).is_not_null()
            if _share(values, parsed) >= 0.8:
                return [column], layout
    return [], ""


_KIND_WORDS = (("repost", _REPOST_WORDS), ("quote", _QUOTE_WORDS), ("post", _POST_WORDS), ("ignore", _IGNORE_WORDS))


def _kind_of(value: str) -> str:
    """The kind a value of a kind column names ('' when none)."""
    return next((kind for kind, words in _KIND_WORDS if value in words), "")


def _repost(frame: pl.DataFrame, columns: list[str], text: str | None) -> tuple[dict[str, str], str, str]:
    """What marks a repost: (kinds of a kind column, or {}), the repost_field and its pattern."""
    for column in columns:
        if _key(column.rsplit("/", 1)[-1]) not in ("posttype", "type", "kind", "action", "activitytype"):
            continue
        values = sorted(set(_values(frame, column).str.to_lowercase().to_list()))
        if 0 < len(values) <= 12 and any(v in _REPOST_WORDS for v in values):
            kinds = {value: _kind_of(value) for value in values}
            if "" in kinds.values():
                return {}, "", ""  # a value of unknown meaning: no kind column to trust
            return {column: "kind", **kinds}, "", ""
    flags = [c for c in columns if _key(c.rsplit("/", 1)[-1]) in ("isretweet", "isrepost", "isactivity", "reposted")]
    if flags:
        return {}, flags[0], "^(true|1|yes)$"
    nested = [c for c in frame.columns if re.fullmatch(r"(?i)(retweeted_status|retweetedtweet|retweet)/id(_str)?", c)]
    if nested:
        return {}, nested[0], ""
    for column in frame.columns:
        if re.fullmatch(r"(?i)referenced_tweets/\d+/type", column) and (_values(frame, column) == "retweeted").any():
            return {}, column, "^retweeted$"
    by = [c for c in frame.columns if re.fullmatch(r"(?i)repostedby/\w+", c)]
    if by:
        return {}, by[0], ""
    if text is not None and _values(frame, text).str.starts_with("RT @").any():
        return {}, text, "^RT @"
    return {}, "", ""


def _pattern(path: Path) -> str:
    """A glob for this file and the later downloads of the same kind (dates and numbers as `*`)."""
    stem = re.sub(r"\d+(?:[-_.:T]\d+)*", "*", path.stem)
    return stem + path.suffix.lower()


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _describe(path: Path, frame: pl.DataFrame) -> str:
    columns = [c for c in frame.columns if c != LINE]
    suffix = path.suffix.lower()
    n = frame.height
    if suffix in JSON_SUFFIXES:
        keys = list(dict.fromkeys(c.split("/", 1)[0] for c in columns))
        shown = ", ".join(keys[:15]) + (", …" if len(keys) > 15 else "")
        kind = "JSON Lines" if suffix != ".json" else "JSON"
        return f"{kind} of {n} record{'s' if n != 1 else ''} with keys {shown}"
    kind = "XLSX" if suffix in XLSX_SUFFIXES else "CSV"
    shown = ", ".join(columns[:15]) + (", …" if len(columns) > 15 else "")
    return f"{kind} of {len(columns)} columns and {n} row{'s' if n != 1 else ''}: {shown}"


def propose(path: Path, shown: str, on_top: bool, timezone: str = "UTC") -> Proposal:
    """The description of a file and, when its fields look like posts', a `[[sources]]` mapping for it.

    `on_top`: the file sits on top of exports/ (its records are then matched to the roster by their author)."""
    try:
        frame = read_flat(path, shown)
    except InputError as exc:
        return Proposal("a file this tool cannot read as records", reason=exc.problems[0].message)
    description = _describe(path, frame)
    sample = frame.head(SAMPLE_ROWS)
    columns = _own_columns(sample)
    nested = [c for c in sample.columns if re.fullmatch(r"(?i)(data|posts|updates|statuses|items)/0/.*", c)]
    # the link: a column named so, else any column of post URLs (a listening tool names it in its own language)
    linked = [c for c in columns if _share(_values(sample, c), pl.col("v").str.contains(_POST_URL)) >= 0.5]
    url = next((c for c in _named(columns, "url") if c in linked), linked[0] if linked else None)
    # every id column, `id_str` first (a tool may write one record's id as a number only)
    ids = [c for c in _named(columns, "post_id")
           if _depth(c) == 0 and _share(_values(sample, c), pl.col("v").str.contains(r"^\d+$|urn:li:")) >= 0.9]  # fmt: skip
    post_id = ids[0] if ids else None
    dates, layout = _dates(sample, columns, timezone)
    if not dates or (url is None and post_id is None):
        why = "no field looks like a post's date and link (or id)"
        if nested:
            why = f"its posts are nested in a list (`{nested[0].split('/', 1)[0]}`), which a mapping cannot read"
        return Proposal(description, reason=why)
    mapping: dict[str, str] = {}
    if url is not None:
        mapping[url] = "url"
    if url is None:  # else a post's link gives its number (the original's, on a repost)
        mapping.update(dict.fromkeys(ids, "post_id"))
    for column in dates:
        mapping[column] = "posted_at"
    text = next((c for c in _named(columns, "text") if _depth(c) == 0), None)
    if text is not None:
        mapping[text] = "text"
    for field in ("reactions", "comments", "shares", "impressions"):
        found = _counts(sample, columns, field)
        if found is not None and found not in mapping:
            mapping[found] = field
    # the scrape time of each record (Bright Data's `timestamp`): a later download's counts win
    stamp = next((c for c in columns if _key(c) in ("timestamp", "scrapedat", "scrapetime") and c not in mapping
                  and _instants(sample, c, timezone) >= 0.8), None)  # fmt: skip
    if stamp is not None:
        mapping[stamp] = "snapshot"
    kinds, repost_field, repost_pattern = _repost(sample, columns, text)
    kind_column = next((c for c, v in kinds.items() if v == "kind"), None)
    if kind_column is not None:
        mapping[kind_column] = "kind"
        kinds.pop(kind_column)
    if on_top:
        reposters = [c for c in sample.columns if re.fullmatch(r"(?i)repostedby/(publicidentifier|username)", c)]
        handle = next((c for c in _named(columns, "handle") if c not in mapping), None)
        for column in [*reposters, *([handle] if handle else [])]:
            mapping[column] = "handle"
    urls = _values(sample, url) if url is not None else pl.Series([], dtype=pl.String)
    platform = ""
    if urls.len():
        platform = "linkedin" if _share(urls, pl.col("v").str.contains("linkedin")) >= 0.5 else "x"
    else:  # no link: the platform's own words in the field names
        names = " ".join(_key(c) for c in sample.columns)
        if re.search(r"tweet|screenname|favorite|publicmetrics", names):
            platform = "x"
        elif re.search(r"linkedin|urnli|activityurn", names):
            platform = "linkedin"
    lines = [
        "[[sources]]",
        f"name = {_toml('guessed from ' + path.name)}",
        f"pattern = {_toml(_pattern(path))}",
    ]
    if platform:
        lines.append(f"platform = {_toml(platform)}")
    if layout:
        lines.append(f"date_format = {_toml(layout)}")
    lines.append("columns = { " + ", ".join(f"{_toml(c)} = {_toml(f)}" for c, f in mapping.items()) + " }")
    if kinds:
        lines.append("kinds = { " + ", ".join(f"{_toml(v)} = {_toml(k)}" for v, k in kinds.items()) + " }")
    if repost_field:
        lines.append(f"repost_field = {_toml(repost_field)}")
        if repost_pattern:
            lines.append(f"repost_pattern = {_toml(repost_pattern)}")
    return Proposal(description, "\n".join(lines))
