"""LinkedIn member export ("download your data"): `Shares.csv` (`Shares_<n>.csv`), and `Comments.csv` ignored.

`Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility`: the link is a URL-encoded URN (share, ugcPost,
activity, groupPost); a multi-line commentary has every line wrapped in stray `"` (a LinkedIn bug, stripped here);
a post with several media stands once per medium. There is no count at all: the posts are activity, never
influence, and the file is flagged "no counts". A share without commentary, link or medium is a repost.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ranking import schema
from ranking.errors import InputError
from ranking.load.base import Export, LoadContext, export_date
from ranking.load.convert import to_canonical
from ranking.load.reading import reading
from ranking.load.sniff import has_columns, named, owner, pick_columns
from ranking.load.tabular import read_table
from ranking.load.values import link_media
from ranking.text.phrase import Phrase

NAME = "linkedin-member"
DESCRIPTION = "LinkedIn member export Shares.csv, Comments.csv"
NO_COUNTS = "no counts"

_SHARES = {
    "Date": "posted_at",
    "ShareLink": "url",
    "ShareCommentary": "text",
    "SharedUrl": "shared",
    "MediaUrl": "media",
}


def _is_comments(path: Path, head: bytes) -> bool:
    return named(path.name, r"comments(?:_\d+)?\.csv") or has_columns(head, "date", "link", "message")


def matches(path: Path, head: bytes) -> bool:
    """`Shares.csv` by its name or its `ShareLink`, `ShareCommentary` header; `Comments.csv` likewise."""
    if path.suffix.lower() != ".csv":
        return False
    shares = named(path.name, r"shares(?:_\d+)?\.csv") or has_columns(head, "sharelink", "sharecommentary")
    return shares or _is_comments(path, head)


def strip_stray_quotes(column: str) -> pl.Expr:
    """Undo LinkedIn's multi-line bug: each line after the first starts with `"`, each before the last ends with one.

    Only texts where every line shows the bug are changed, so that a quote the author typed is kept.
    """
    lines = pl.col(column).str.split("\n")
    index = pl.int_range(pl.len())
    last = pl.len() - 1
    buggy = (
        (lines.list.len() > 1)
        & lines.list.eval((index == last) | pl.element().str.ends_with('"')).list.all()
        & lines.list.eval((index == 0) | pl.element().str.starts_with('"')).list.all()
    )
    fixed = lines.list.eval(
        pl.when(index == 0)
        .then(pl.element())
        .otherwise(pl.element().str.strip_prefix('"'))
        .pipe(lambda e: pl.when(index == last).then(e).otherwise(e.str.strip_suffix('"')))
    ).list.join("\n")
    return pl.when(buggy.fill_null(False)).then(fixed).otherwise(pl.col(column)).alias(column)


def _media(media: pl.Expr, shared: pl.Expr) -> pl.Expr:
    """A share's format: its medium's, told by the path of `MediaUrl` (LinkedIn's media server files a video, a
    document and an image under `/video`, `/document`, `/image`), else the shared page's (`SharedUrl`: a LinkedIn
    article, or an outside link), else `text`; null on a repost (a bare row says nothing of the original)."""
    url = media.str.to_lowercase()
    kind = (
        pl.when(url.str.contains("video")).then(pl.lit("video"))
        .when(url.str.contains("document")).then(pl.lit("document"))
        .when(url.str.contains("image")).then(pl.lit("image"))
    )  # fmt: skip
    bare = pl.col("text").is_null() & shared.is_null() & media.is_null()
    return pl.when(bare).then(None).otherwise(pl.coalesce(kind, link_media(shared), pl.lit("text")))


def load(path: Path, shown: str, ctx: LoadContext) -> Export:
    """Load `Shares.csv`: the member's posts and reposts, with no counts."""
    head = reading(path, shown).head()
    when = export_date(path)
    if _is_comments(path, head) and not has_columns(head, "sharelink"):
        note = Phrase("comments on other members' posts are not posts: ignored", "note.member_comments")
        fmt = Phrase("LinkedIn member export (comments, ignored)", "format.linkedin_member.comments")
        return Export(path, shown, fmt, schema.empty_posts(), when, [note])
    owner(ctx, shown, "a LinkedIn member export")
    frame = pick_columns(
        read_table(path, shown), _SHARES, shown, "the LinkedIn Shares export", ("SharedUrl", "MediaUrl")
    )
    for column in ("shared", "media"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    bare = pl.col("text").is_null() & pl.col("shared").is_null() & pl.col("media").is_null()
    frame = frame.with_columns(
        strip_stray_quotes("text"),
        pl.lit("linkedin").alias("platform"),
        pl.when(bare).then(pl.lit("repost")).otherwise(pl.lit("post")).alias("kind"),
        pl.concat_list(pl.col("shared")).list.drop_nulls().alias("links"),
        _media(pl.col("media"), pl.col("shared")).alias("__media"),
    )
    frame = frame.drop("shared", "media").rename({"__media": "media"})
    posts, problems = to_canonical(frame, ctx, shown, when)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    # A post with several media stands once per medium: it is one post.
    posts = posts.unique(subset=["post_id"], keep="first", maintain_order=True)
    fmt = Phrase("LinkedIn member export (Shares)", "format.linkedin_member.shares")
    return Export(path, shown, fmt, posts, when, flags=[NO_COUNTS], platform="linkedin")
