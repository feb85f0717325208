"""Reading the posts: the tone of each post, its topics, and the watched product names it names.

Tone, first rule that applies (issue 5):

1. `corporate`: a repost or quote of, a mention of, or a link to the executive's own company
   (its `corporate_handles` or `domains` in companies.csv);
2. `sector`: the same toward another company of companies.csv or a sector actor of `[tone]`;
3. `curation`: a link to any other site;
4. `personal`: none of the above.

Links come from the export's expanded URLs (`links`) where it has them, else from the text; mentions from
`mentions`, else from the `@handles` of the text. A link to the platforms themselves (a profile, a post) is
read as a reference to the handle in its path, never as an outside site; a domain matches its subdomains.
Topics and watchlist terms match ignoring case and accents, on word boundaries, `*` ending a word.

Everything is polars expressions: the regular expressions are built once from the settings, the posts are
never looped over in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import polars as pl

from ranking.patterns import contains_any
from ranking.scoring import Period, in_window, influence
from ranking.settings import Settings, Tone

#: The tones, in the order their rules apply.
TONES = ("corporate", "sector", "curation", "personal")
#: Columns `classify` adds to the posts.
CLASSIFIED = ("company", "influence", "tone", "tone_match", "tone_reason", "topics", "compliance")
#: The tone columns appended to executives.csv and companies.csv (shares of posts, reposts included).
TONE_COLUMNS = tuple(f"tone_{t}" for t in TONES)
#: The columns of posts.csv.
POSTS_CSV_COLUMNS = (
    "executive_id", "company", "platform", "post_id", "posted_at", "kind", "influence", "tone", "topics", "compliance",
)  # fmt: skip

# Hosts of the platforms and their link shorteners: a link there is a post, a profile or a photo, not a site.
_PLATFORM_HOST = r"(?:^|\.)(?:linkedin\.com|x\.com|twitter\.com|t\.co|lnkd\.in)$"
# The handle or slug in the path of a platform link (a quoted tweet, a company page, a LinkedIn post).
_HANDLE_IN_URL = (
    r"(?i)^(?:https?://)?(?:[a-z0-9-]+\.)?(?:"
    r"(?:x|twitter)\.com/(?:#!/)?([a-z0-9_]{1,15})(?:[/?#]|$)"
    r"|linkedin\.com/(?:in|company|showcase|school)/([^/?#]+)"
    r"|linkedin\.com/posts/([^_/?#]+)_)"
)
_NOT_HANDLES = ["i", "intent", "search", "hashtag", "home", "share", "explore", "settings", "messages"]
_URL_IN_TEXT = r"(?i)\b(?:https?://|www\.)[^\s<>\"«»]+"
_MENTION_IN_TEXT = r"(?:^|[^\w@.])@\w{1,30}"
_TRAILING = ".,;:!?)]}»…'\""
_ROW = "__row"
# Characters that have a meaning in a regular expression (polars uses Rust's syntax, which accepts these escaped).
_META = set("\\.+*?()|[]{}^$#&-~")


def fold(text: str) -> str:
    """Text as it is matched: lower case, no accents, typographic apostrophes made plain."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def fold_expr(text: pl.Expr) -> pl.Expr:
    """`fold` as a polars expression."""
    return (
        text.fill_null("")
        .str.replace_all("[’‘]", "'")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
    )


def keyword_problem(keyword: str) -> str | None:
    """Why a topic keyword or watchlist term cannot be matched, or None when it can."""
    words = fold(keyword).split()
    if not words:
        return "a keyword must not be empty"
    for word in words:
        if "*" in word.rstrip("*") or word.count("*") > 1:
            return f"'*' may only end a word, not stand inside {keyword!r}"
        if word == "*":
            return f"'*' must follow a word in {keyword!r}"
    return None


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _META else c for c in text)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def keyword_pattern(keyword: str) -> str:
    """The regular expression of a keyword, to search in folded text: word boundaries, `*` = any word ending,
    any spacing between words. A keyword starting or ending with a symbol (`#`, `&`) keeps it as it is."""
    words = fold(keyword).split()
    parts = [_escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words]
    first, last = words[0], words[-1].rstrip("*")
    start = r"\b" if _is_word(first[0]) else r"\B"
    end = r"\b" if words[-1].endswith("*") or _is_word(last[-1]) else r"\B"
    return start + r"\s+".join(parts) + end


def normalise_domain(text: str) -> str:
    """A configured domain as it is matched: lower case, without scheme, path, port or a leading `www.`."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.strip().lower())
    host = re.split(r"[/?#:]", host.split("@")[-1], maxsplit=1)[0].strip(".")
    return host.removeprefix("www.")


def _domain_expr(text: pl.Expr) -> pl.Expr:
    return (
        text.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^[a-z][a-z0-9+.-]*://", "")
        .str.replace(r"^[^/?#]*@", "")
        .str.extract(r"^([^/?#:]*)", 1)
        .str.strip_chars(".")
    )


def _handle_expr(text: pl.Expr) -> pl.Expr:
    """A handle or slug as it is matched: lower case, no `@`; a platform URL is reduced to its handle."""
    lowered = text.str.strip_chars().str.to_lowercase()
    from_url = pl.coalesce([lowered.str.extract(_HANDLE_IN_URL, i) for i in (1, 2, 3)])
    handle = pl.coalesce(from_url, lowered).str.strip_chars_start("@").str.strip_chars("/ ")
    return pl.when(handle != "").then(handle)


def _actors(companies: pl.DataFrame, column: str, settings_values: tuple[str, ...]) -> pl.LazyFrame:
    """key -> owner: the company a handle or domain belongs to (null owner: a sector actor of the settings)."""
    normalise = _handle_expr if column == "corporate_handles" else _domain_expr
    own = companies.lazy().select(pl.col("company").alias("owner"), pl.col(column).alias("key")).explode("key")
    sector = pl.LazyFrame(
        {"owner": [None] * len(settings_values), "key": list(settings_values)}, schema=own.collect_schema()
    )
    keys = pl.concat([own, sector]).with_columns(normalise(pl.col("key")).alias("key"))
    if column == "domains":
        keys = keys.with_columns(pl.col("key").str.strip_prefix("www."))
    return keys.filter(pl.col("key").is_not_null() & (pl.col("key") != "")).unique()


def _references(base: pl.LazyFrame) -> pl.LazyFrame:
    """Every handle and link a post points at, one row each: via (repost, quote, mention, link), handle, url."""
    kind, text = pl.col("kind"), pl.col("text").fill_null("")
    source = pl.coalesce(pl.col("reposted_from"), pl.when(kind == "repost").then(text.str.extract(r"^RT @(\w+)", 1)))
    shared = base.select(
        _ROW,
        pl.when(kind == "quote").then(pl.lit("quote")).otherwise(pl.lit("repost")).alias("via"),
        source.alias("raw"),
        pl.lit(0).alias("order"),
    )
    in_text = text.str.extract_all(_MENTION_IN_TEXT).list.eval(pl.element().str.extract(r"@(\w+)", 1))
    mentions = base.select(
        _ROW,
        pl.lit("mention").alias("via"),
        pl.when(pl.col("mentions").is_not_null()).then(pl.col("mentions")).otherwise(in_text).alias("raw"),
        pl.lit(1).alias("order"),
    ).explode("raw")
    handles = (
        pl.concat([shared, mentions])
        .with_columns(_handle_expr(pl.col("raw")).alias("handle"), pl.lit(None, pl.String).alias("url"))
        .filter(pl.col("handle").is_not_null())
    )
    urls = pl.when(pl.col("links").is_not_null()).then(pl.col("links")).otherwise(text.str.extract_all(_URL_IN_TEXT))
    links = (
        base.select(_ROW, pl.lit("link").alias("via"), urls.alias("url"), pl.lit(2).alias("order"))
        .explode("url")
        .with_columns(pl.col("url").str.strip_chars().str.strip_chars_end(_TRAILING))
        .filter(pl.col("url").is_not_null() & (pl.col("url") != ""))
        .with_columns(pl.col("url").alias("raw"), _handle_expr(pl.col("url")).alias("handle"))
        .with_columns(
            pl.when(pl.col("handle").is_in(_NOT_HANDLES) | ~pl.col("url").str.contains(_HANDLE_IN_URL))
            .then(None)
            .otherwise(pl.col("handle"))
            .alias("handle")
        )
    )
    columns = [_ROW, "via", "order", "handle", "url"]
    refs = pl.concat([handles.select(columns), links.select(columns)])
    return refs.with_columns(
        pl.int_range(pl.len()).over(_ROW).alias("position"),
        _domain_expr(pl.col("url")).alias("host"),
    ).with_row_index("__ref")


def _matches(refs: pl.LazyFrame, companies: pl.DataFrame, tone: Tone) -> pl.LazyFrame:
    """__ref -> owner for every reference that names a company or a sector actor."""
    by_handle = refs.join(
        _actors(companies, "corporate_handles", tone.sector_handles), left_on="handle", right_on="key"
    ).select("__ref", "owner", pl.lit(True).alias("matched"))
    # A domain matches its subdomains: try every suffix of the host of two labels or more.
    labels = pl.col("host").str.split(".")
    suffixes = (
        refs.filter(pl.col("host").is_not_null() & pl.col("handle").is_null())
        .select("__ref", labels.alias("labels"))
        .with_columns(pl.int_ranges(0, pl.col("labels").list.len() - 1).alias("start"))
        .explode("start")
        .filter(pl.col("start").is_not_null())
        .select("__ref", pl.col("labels").list.slice(pl.col("start")).list.join(".").alias("suffix"))
    )
    by_domain = suffixes.join(
        _actors(companies, "domains", tone.sector_domains), left_on="suffix", right_on="key"
    ).select("__ref", "owner", pl.lit(True).alias("matched"))
    return pl.concat([by_handle, by_domain])


def _tone_of(base: pl.LazyFrame, companies: pl.DataFrame, tone: Tone) -> pl.LazyFrame:
    """Per post: the tone, the reference that decided it and why (posts without a verdict are personal)."""
    refs = _references(base).join(base.select(_ROW, "company"), on=_ROW, how="left")
    found = refs.join(_matches(refs, companies, tone), on="__ref", how="left")
    matched = pl.col("matched").fill_null(False)
    own = matched & (pl.col("owner") == pl.col("company")).fill_null(False)
    outside = pl.col("url").is_not_null() & pl.col("handle").is_null() & ~pl.col("host").str.contains(_PLATFORM_HOST)
    rank = pl.when(own).then(1).when(matched).then(2).when(outside).then(3)
    what = (
        pl.when(pl.col("via") == "link")
        .then(pl.format("link to {}", pl.col("url")))
        .otherwise(pl.format("{} of @{}", pl.col("via"), pl.col("handle")))
    )
    actor = (
        pl.when(own)
        .then(pl.format(" (own company {})", pl.col("company")))
        .when(matched & pl.col("owner").is_not_null())
        .then(pl.format(" (company {})", pl.col("owner")))
        .when(matched)
        .then(pl.lit(" (sector actor)"))
        .otherwise(pl.lit(""))
    )
    return (
        found.with_columns(
            rank.alias("__rank"),
            pl.coalesce(pl.col("url"), pl.format("@{}", pl.col("handle"))).alias("tone_match"),
            (what + actor).alias("tone_reason"),
        )
        .filter(pl.col("__rank").is_not_null())
        .sort(["__rank", "order", "position"])
        .group_by(_ROW)
        .agg(pl.col("__rank", "tone_match", "tone_reason").first())
        .with_columns(pl.col("__rank").replace_strict({1: "corporate", 2: "sector", 3: "curation"}).alias("tone"))
        .drop("__rank")
    )


def _hits(folded: pl.Expr, names: Mapping[str, tuple[str, ...]]) -> pl.Expr:
    """The names (in settings order) any of whose keywords occurs in the folded text."""
    if not names:
        return pl.lit([], dtype=pl.List(pl.String))
    found = [
        pl.when(contains_any(folded, [keyword_pattern(k) for k in keywords])).then(pl.lit(name))
        for name, keywords in names.items()
    ]
    return pl.concat_list(found).list.drop_nulls()


def classify(
    posts: pl.DataFrame | pl.LazyFrame, companies: pl.DataFrame, roster: pl.DataFrame, settings: Settings
) -> pl.DataFrame:
    """The posts with what they say about their author's voice, in the columns of CLASSIFIED:

    - `company`: the executive's company (roster); `influence`: the post's influence (scoring settings);
    - `tone`: `corporate`, `sector`, `curation` or `personal` (the first rule that applies);
    - `tone_match`: the handle (`@acme`) or URL that decided the tone (null for `personal`);
    - `tone_reason`: the same in words, e.g. `repost of @acme_officiel (own company acme)`,
      `link to https://fr.leem.example/x (sector actor)`, `link to https://news.example/a`;
    - `topics`: the `[topics]` whose keywords the text names (list, settings order, empty when none);
    - `compliance`: the `[compliance] watchlist` terms the text names, as written in the settings.

    `posts` has the canonical columns (ranking.schema.POSTS); `companies` and `roster` are the workspace's.
    Rows keep their order. Window the result with `in_scope` before aggregating it.
    """
    lazy = posts.lazy()
    lazy = lazy.drop([c for c in CLASSIFIED if c in lazy.collect_schema().names()])
    base = (
        lazy.join(roster.lazy().select("executive_id", "company"), on="executive_id", how="left", maintain_order="left")
        .with_row_index(_ROW)
        .with_columns(influence(settings.scoring).alias("influence"))
    )
    folded = fold_expr(pl.col("text"))
    watchlist = {term: (term,) for term in settings.compliance.watchlist}
    return (
        base.join(_tone_of(base, companies, settings.tone), on=_ROW, how="left", maintain_order="left")
        .with_columns(
            pl.col("tone").fill_null("personal"),
            pl.col("tone_reason").fill_null("no company or sector reference, no outside link"),
            _hits(folded, settings.topics).alias("topics"),
            _hits(folded, watchlist).alias("compliance"),
        )
        .drop(_ROW)
        .collect()
    )


def in_scope(classified: pl.DataFrame, period: Period, scope: str, timezone: str) -> pl.DataFrame:
    """The classified posts of one scope's window (`month` or `ytd`, as in ranking.scoring)."""
    return in_window(classified.lazy(), period, scope, timezone).collect()


def _grouped(frame: pl.DataFrame, by: str | None) -> tuple[pl.DataFrame, str]:
    if by is None:
        return frame.with_columns(pl.lit("all").alias("__all")), "__all"
    return frame, by


def tone_mix(classified: pl.DataFrame, by: str | None = "executive_id") -> pl.DataFrame:
    """Tone mix of windowed classified posts, one row per `by` value (`executive_id`, `company`, or None for a
    single row over all the posts given: the sector average, every post weighing the same).

    Columns: `by`, `tone_posts` (posts and reposts the shares are taken over), `tone_<tone>` (share of those
    posts, 0..1, summing to 1) and `tone_influence_<tone>` (share of their influence; null when it is 0).
    Reposts count as posts here: relaying the company is a tone. Groups without posts have no row.
    """
    frame, key = _grouped(classified, by)
    total = pl.col("influence").sum()
    mix = frame.group_by(key).agg(
        pl.len().cast(pl.Int64).alias("tone_posts"),
        *[(pl.col("tone") == t).mean().alias(f"tone_{t}") for t in TONES],
        *[
            pl.when(total > 0)
            .then(pl.col("influence").filter(pl.col("tone") == t).sum() / total)
            .otherwise(None)
            .cast(pl.Float64)
            .alias(f"tone_influence_{t}")
            for t in TONES
        ],
    )
    return mix.sort(key).drop("__all", strict=False)


def with_tone_shares(
    scores_table: pl.DataFrame, classified: pl.DataFrame, period: Period, timezone: str, by: str
) -> pl.DataFrame:
    """A contract table (ranking.scoring.table: both scopes) with TONE_COLUMNS appended at the end, each row's
    shares taken over its scope's window (3 decimals; empty for an entity without posts in the window)."""
    scopes = scores_table.get_column("scope").unique(maintain_order=True).to_list()
    mixes = [
        tone_mix(in_scope(classified, period, scope, timezone), by)
        .select(pl.lit(scope).alias("scope"), by, *TONE_COLUMNS)
        .cast({by: scores_table.schema[by]})
        for scope in scopes
    ]
    empty = pl.DataFrame(
        schema={"scope": pl.String, by: scores_table.schema[by], **dict.fromkeys(TONE_COLUMNS, pl.Float64)}
    )
    shares = pl.concat(mixes) if mixes else empty
    return scores_table.join(shares, on=["scope", by], how="left", maintain_order="left").with_columns(
        [pl.col(c).round(3) for c in TONE_COLUMNS]
    )


def top_topics(classified: pl.DataFrame, by: str | None = "company", limit: int | None = 3) -> pl.DataFrame:
    """The most frequent topics of windowed classified posts, per `by` value (None: over all posts given).

    Columns: `by`, `rank` (1 = most posts; ties by influence, then name), `topic`, `posts` (posts naming it),
    `share` (of the group's posts, reposts excluded: they carry no text), `influence` (of those posts).
    At most `limit` topics per group (None: all); groups and topics without posts have no row.
    """
    frame, key = _grouped(classified.filter(pl.col("kind") != "repost"), by)
    totals = frame.group_by(key).agg(pl.len().alias("__total"))
    counted = (
        frame.select(key, "topics", "influence")
        .explode("topics")
        .filter(pl.col("topics").is_not_null())
        .group_by(key, "topics")
        .agg(pl.len().cast(pl.Int64).alias("posts"), pl.col("influence").sum().alias("influence"))
        .join(totals, on=key)
        .sort([key, "posts", "influence", "topics"], descending=[False, True, True, False])
        .with_columns(
            (pl.int_range(pl.len()).over(key) + 1).cast(pl.Int64).alias("rank"),
            (pl.col("posts") / pl.col("__total")).alias("share"),
        )
    )
    if limit is not None:
        counted = counted.filter(pl.col("rank") <= limit)
    return counted.select(key, "rank", pl.col("topics").alias("topic"), "posts", "share", "influence").drop(
        "__all", strict=False
    )


def compliance_hits(classified: pl.DataFrame) -> pl.DataFrame:
    """The posts naming a watchlist term (for the company report's appendix, never the public leaderboard):
    executive_id, company, platform, post_id, posted_at, kind, url, text, compliance (terms found)."""
    columns = ["executive_id", "company", "platform", "post_id", "posted_at", "kind", "url", "text", "compliance"]
    return (
        classified.filter(pl.col("compliance").list.len() > 0)
        .select(columns)
        .sort(["company", "executive_id", "posted_at", "post_id"])
    )


def local_time(column: str, timezone: str) -> pl.Expr:
    """An instant as ISO 8601 text in the workspace's time zone, with its offset (2021-10-05T12:00:00+02:00)."""
    return pl.col(column).dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


def posts_table(classified: pl.DataFrame, period: Period, timezone: str) -> pl.DataFrame:
    """posts.csv: one row per post of the year-to-date window, POSTS_CSV_COLUMNS, lists `;`-separated (empty
    when none), `posted_at` in the workspace's time zone with its offset."""
    return (
        in_scope(classified, period, "ytd", timezone)
        .sort(["posted_at", "executive_id", "platform", "post_id"])
        .with_columns(
            local_time("posted_at", timezone),
            *[
                pl.when(pl.col(c).list.len() > 0).then(pl.col(c).list.join(";")).alias(c)
                for c in ("topics", "compliance")
            ],
        )
        .select(POSTS_CSV_COLUMNS)
    )
