"""Matching posts against names: folded text, the handles and links a post points at, and which company or sector
actor each of them names. Polars expressions only: the posts are never looped over in Python."""

from __future__ import annotations

import polars as pl

from ranking.settings import Tone

#: The row number `classify` gives each post while it matches them.
ROW = "__row"

# Hosts of the platforms and their link shorteners: a link there is a post, a profile or a photo, not a site.
PLATFORM_HOST = r"(?:^|\.)(?:linkedin\.com|x\.com|twitter\.com|t\.co|lnkd\.in)$"
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


def fold_expr(text: pl.Expr) -> pl.Expr:
    """`fold` as a polars expression."""
    return (
        text.fill_null("")
        .str.replace_all("[’‘]", "'")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
    )


def domain_expr(text: pl.Expr) -> pl.Expr:
    return (
        text.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^[a-z][a-z0-9+.-]*://", "")
        .str.replace(r"^[^/?#]*@", "")
        .str.extract(r"^([^/?#:]*)", 1)
        .str.strip_chars(".")
    )


def handle_expr(text: pl.Expr) -> pl.Expr:
    """A handle or slug as it is matched: lower case, no `@`; a platform URL is reduced to its handle."""
    lowered = text.str.strip_chars().str.to_lowercase()
    from_url = pl.coalesce([lowered.str.extract(_HANDLE_IN_URL, i) for i in (1, 2, 3)])
    handle = pl.coalesce(from_url, lowered).str.strip_chars_start("@").str.strip_chars("/ ")
    return pl.when(handle != "").then(handle)


def _actors(companies: pl.DataFrame, column: str, settings_values: tuple[str, ...]) -> pl.LazyFrame:
    """key -> owner: the company a handle or domain belongs to (null owner: a sector actor of the settings)."""
    normalise = handle_expr if column == "corporate_handles" else domain_expr
    own = companies.lazy().select(pl.col("company").alias("owner"), pl.col(column).alias("key")).explode("key")
    sector = pl.LazyFrame(
        {"owner": [None] * len(settings_values), "key": list(settings_values)}, schema=own.collect_schema()
    )
    keys = pl.concat([own, sector]).with_columns(normalise(pl.col("key")).alias("key"))
    if column == "domains":
        keys = keys.with_columns(pl.col("key").str.strip_prefix("www."))
    return keys.filter(pl.col("key").is_not_null() & (pl.col("key") != "")).unique()


def references(base: pl.LazyFrame) -> pl.LazyFrame:
    """Every handle and link a post points at, one row each: via (repost, quote, mention, link), handle, url."""
    kind, text = pl.col("kind"), pl.col("text").fill_null("")
    source = pl.coalesce(pl.col("reposted_from"), pl.when(kind == "repost").then(text.str.extract(r"^RT @(\w+)", 1)))
    shared = base.select(
        ROW,
        pl.when(kind == "quote").then(pl.lit("quote")).otherwise(pl.lit("repost")).alias("via"),
        source.alias("raw"),
        pl.lit(0).alias("order"),
    )
    in_text = text.str.extract_all(_MENTION_IN_TEXT).list.eval(pl.element().str.extract(r"@(\w+)", 1))
    mentions = base.select(
        ROW,
        pl.lit("mention").alias("via"),
        pl.when(pl.col("mentions").is_not_null()).then(pl.col("mentions")).otherwise(in_text).alias("raw"),
        pl.lit(1).alias("order"),
    ).explode("raw")
    handles = (
        pl.concat([shared, mentions])
        .with_columns(handle_expr(pl.col("raw")).alias("handle"), pl.lit(None, pl.String).alias("url"))
        .filter(pl.col("handle").is_not_null())
    )
    urls = pl.when(pl.col("links").is_not_null()).then(pl.col("links")).otherwise(text.str.extract_all(_URL_IN_TEXT))
    links = (
        base.select(ROW, pl.lit("link").alias("via"), urls.alias("url"), pl.lit(2).alias("order"))
        .explode("url")
        .with_columns(pl.col("url").str.strip_chars().str.strip_chars_end(_TRAILING))
        .filter(pl.col("url").is_not_null() & (pl.col("url") != ""))
        .with_columns(pl.col("url").alias("raw"), handle_expr(pl.col("url")).alias("handle"))
        .with_columns(
            pl.when(pl.col("handle").is_in(_NOT_HANDLES) | ~pl.col("url").str.contains(_HANDLE_IN_URL))
            .then(None)
            .otherwise(pl.col("handle"))
            .alias("handle")
        )
    )
    columns = [ROW, "via", "order", "handle", "url"]
    refs = pl.concat([handles.select(columns), links.select(columns)])
    return refs.with_columns(
        pl.int_range(pl.len()).over(ROW).alias("position"),
        domain_expr(pl.col("url")).alias("host"),
    ).with_row_index("__ref")


def matches(refs: pl.LazyFrame, companies: pl.DataFrame, tone: Tone) -> pl.LazyFrame:
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


def grouped(frame: pl.DataFrame | pl.LazyFrame, by: str | None) -> tuple[pl.LazyFrame, str]:
    """`frame` as a query, and the column to group it by: `by`, or one group of every row when `by` is None."""
    if by is None:
        return frame.lazy().with_columns(pl.lit("all").alias("__all")), "__all"
    return frame.lazy(), by
