"""What became of every record of every export file: posts kept, reposts, records skipped (and why), and those
merged with the same post read in another file (or twice in one), for `validate` and the manifest; and the
reasons a reader skips a record (`NOT_POSTS`, `OFF_ROSTER`, ...), shared by every format.

Also the links between the two LinkedIn numbers of one post (its activity, and its share or ugcPost URN), which
the merge applies to every export: a post is one post wherever any export links its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ranking.load.base import Export, export_numbered, export_rows
from ranking.text.phrase import Phrase, plural

#: Why a reader leaves a record out (the words `validate`, the manifest and the data-quality pages show): the
#: same reason in the same words whichever format skipped it, so that the counts of two files add up.
NOT_POSTS: str = Phrase("not a post of the profile's (a like, a comment)", "reason.not_posts")
OFF_ROSTER: str = Phrase("not in the roster", "reason.off_roster")
NO_AUTHOR: str = Phrase("no author to tell whose post it is", "reason.no_author")
ERROR_RECORDS: str = Phrase("error records of the dataset", "reason.error_records")
OTHER_AUTHOR: str = Phrase(
    "written by another account, in the folder of an executive who did not repost it", "reason.other_author"
)
PLACEHOLDERS: str = Phrase(
    "notices and placeholders of the service, not posts (an id of 0 or below, or no date and no URL)",
    "reason.placeholders",
)


@dataclass(frozen=True)
class Accounting:
    """The records of one file: `records` = `posts` + `reposts` + the sum of `skipped`; `merged` of the posts
    and reposts also stand in another row (another export's, or the same file's), and were merged with it."""

    file: str
    records: int
    posts: int
    reposts: int
    skipped: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    #: The executives the file holds posts of (before the merge): the data-quality pages list a file under them.
    executives: frozenset[str] = frozenset()
    #: Characters that were not valid Unicode, read as U+FFFD (ranking.load.repair).
    replaced: int = 0
    #: One record of each reason skipped, as the file shows it.
    examples: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.phrase)

    @property
    def phrase(self) -> Phrase:
        """`5 records = 3 posts + 1 repost + 1 skipped: not in the roster` (for `validate`, in its language)."""
        parts = [Phrase(plural(self.posts, "post"), "inventory.posts", self.posts)]
        if self.reposts:
            parts.append(Phrase(plural(self.reposts, "repost"), "inventory.reposts", self.reposts))
        parts += [
            Phrase(f"{count} skipped: {reason}", "inventory.skipped", count, reason=reason)
            for reason, count in sorted(self.skipped.items())
        ]
        records = Phrase(plural(self.records, "record"), "inventory.records", self.records)
        text = f"{records} = " + " + ".join(parts)
        if self.merged:
            text += f" ({self.merged} merged with the same post in another export)"
            merged = Phrase(text, "inventory.merged", self.merged)
            said = Phrase(text, "inventory.accounting.merged", records=records, parts=tuple(parts), merged=merged)
        else:
            said = Phrase(text, "inventory.accounting", records=records, parts=tuple(parts))
        if not self.replaced:
            return said
        # text that was not valid Unicode is no record: said after the sum, not in it
        replaced = Phrase(
            f"{self.replaced} character{'s' if self.replaced != 1 else ''} not valid Unicode read as U+FFFD",
            "inventory.replaced",
            self.replaced,
        )
        return Phrase(f"{said}; {replaced}", "inventory.accounting.replaced", accounting=said, replaced=replaced)

    def examples_lines(self) -> list[Phrase]:
        """One record of each reason skipped, for `validate` (the record quoted as the file has it)."""
        return [
            Phrase(
                f"e.g. {reason}: {self.examples[reason]}",
                "inventory.example",
                reason=reason,
                record=self.examples[reason],
            )
            for reason in sorted(self.examples)
        ]

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "records": self.records, "posts": self.posts, "reposts": self.reposts,
                "skipped": dict(sorted(self.skipped.items())), "merged": self.merged,
                **({"replaced": self.replaced} if self.replaced else {})}  # fmt: skip


def account(export: Export, merged: int) -> Accounting:
    """The accounting of an export read, `merged` of its rows merged with others.

    Its reposts and executives are counted by one query of two columns: a file read lazily stays unread (its
    texts are never loaded for this), and no later stage needs to read the file again to list them."""
    rows = export_rows(export)
    reposts, executives = 0, frozenset[str]()
    if rows:
        found = (
            export_numbered(export)
            .select(
                (pl.col("kind") == "repost").sum().cast(pl.Int64).alias("reposts"),
                pl.col("executive_id").drop_nulls().unique().implode().alias("executives"),
            )
            .collect()
            .row(0)
        )
        reposts, executives = int(found[0]), frozenset(found[1])
    records = export.records if export.records is not None else rows + sum(export.skipped.values())
    return Accounting(export.shown, records, rows - reposts, reposts, dict(export.skipped), merged, executives,
                      export.replaced, dict(export.examples))  # fmt: skip


def linked_ids(exports: list[Export]) -> dict[str, str]:
    """Every LinkedIn number an export links to another -> the number the post is keyed by (followed through
    chains, a cycle stopped where it closes)."""
    links: dict[str, str] = {}
    for export in exports:
        for other, key in export.aliases.items():
            links.setdefault(other, key)
    resolved: dict[str, str] = {}
    for start in links:
        seen = {start}
        target = links[start]
        while target in links and links[target] not in seen:
            seen.add(target)
            target = links[target]
        if target != start:
            resolved[start] = target
    return resolved


def relink(numbered: pl.LazyFrame, links: dict[str, str]) -> pl.LazyFrame:
    """The posts of an export with every linked LinkedIn number replaced by the post's key."""
    if not links:
        return numbered
    post_id = pl.col("post_id")
    return numbered.with_columns(
        pl.when(pl.col("platform") == "linkedin").then(post_id.replace(links)).otherwise(post_id).alias("post_id")
    )
