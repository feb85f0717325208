"""What the reports show of the content analysis (ranking.content.tone): the tone mix of each team and executive
against the sector's, the topics, and the posts the compliance watchlist flags.

`content_facts` gathers the frames once per run (from the year-to-date posts the pipeline classifies once); the builders
shape them into frozen contexts. The public leaderboard gets tones and topics only (`BoardContent` has no
field for flagged posts); the flagged posts of an executive go to their own company's report, nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from ranking.content.tone import TONES, tone_mix
from ranking.content.topics import top_topics
from ranking.content.watchlist import compliance_hits
from ranking.report.rows import described, link
from ranking.settings import Settings
from ranking.text.keywords import fold, keyword_pattern

#: The window the content pages describe: the year to date, the headline ranking (and posts.csv's window).
CONTENT_SCOPE = "ytd"
#: Topics shown per team: in the leaderboard's table, and in the company report.
BOARD_TOPICS = 3
COMPANY_TOPICS = 5
#: Characters of a flagged post the company report quotes, around the first term found.
FLAGGED_CHARS = 240


@dataclass(frozen=True)
class ContentFacts:
    """The content analysis of the year to date, as frames (computed once per run, whatever the language)."""

    scope: str
    teams: pl.DataFrame  # tone_mix by company
    executives: pl.DataFrame  # tone_mix by executive_id
    sector: pl.DataFrame  # tone_mix over all posts (one row; none without posts)
    topics: pl.DataFrame  # top_topics by company, every topic
    sector_topics: pl.DataFrame  # top_topics over all posts, every topic
    flagged: pl.DataFrame  # compliance_hits, with the local `day`
    topic_keys: tuple[str, ...]  # the settings' topics, in their order
    watchlist: int  # terms in the watchlist (0: no watchlist, nothing can be flagged)
    sector_handles: int
    sector_domains: int


def content_facts(posts: pl.DataFrame, settings: Settings, texts: pl.LazyFrame | None = None) -> ContentFacts:
    """The tone mixes, topics and flagged posts of the year to date, from its classified posts; posts held without
    their texts (ranking.content.classify.HELD) need `texts`, the merged posts, for the flagged ones."""
    timezone = settings.scoring.timezone
    flagged = compliance_hits(posts, texts).with_columns(
        pl.col("posted_at").dt.convert_time_zone(timezone).dt.date().alias("day")
    )
    return ContentFacts(
        scope=CONTENT_SCOPE,
        teams=tone_mix(posts, "company"),
        executives=tone_mix(posts, "executive_id"),
        sector=tone_mix(posts, None),
        topics=top_topics(posts, "company", None),
        sector_topics=top_topics(posts, None, None),
        flagged=flagged,
        topic_keys=tuple(settings.topics),
        watchlist=len(settings.compliance.watchlist),
        sector_handles=len(settings.tone.sector_handles),
        sector_domains=len(settings.tone.sector_domains),
    )


@dataclass(frozen=True)
class TonePart:
    """One tone's part of a mix: its share of the posts and of their influence (0..1)."""

    tone: str = described("the tone")
    posts: float = described("its share of the posts, 0..1")
    influence: float | None = described(
        "its share of their influence, 0..1 (none when the posts have no influence at all)"
    )


@dataclass(frozen=True)
class ToneMix:
    """The tone mix of a group of posts (a team's, an executive's or the sector's)."""

    posts: int = described("the posts (reposts included) the shares are taken over")
    parts: tuple[TonePart, ...] = described("one part per tone, in the order of the rules (ranking.content.tone.TONES)")

    @property
    def has_influence(self) -> bool:
        return any(p.influence is not None for p in self.parts)

    def share(self, tone: str) -> float:
        """The tone's share of the posts."""
        return next(p.posts for p in self.parts if p.tone == tone)


@dataclass(frozen=True)
class TopicLine:
    """One of a team's topics: the posts naming it, their share of the team's posts, and the sector's share."""

    rank: int = described("rank among the team's topics (1 = most posts)")
    topic: str = described("the settings' key; the templates show its label from the catalogue, or the key itself")
    posts: int = described("the team's posts naming it")
    share: float = described("their share of the team's posts (reposts excluded)")
    sector_share: float = described("the sector's share of posts naming it")


@dataclass(frozen=True)
class TeamContent:
    """A team's row of the leaderboard's tone page."""

    rank: int = described("the team's year-to-date rank")
    company: str = described("company id")
    name: str = described("company name")
    mix: ToneMix | None = described("the team's tone mix (none: no post since January)")
    topics: tuple[TopicLine, ...] = described("its most frequent topics")


@dataclass(frozen=True)
class SectorTopic:
    """One topic over the whole sector, and the team that posts most about it."""

    rank: int = described("rank among the sector's topics")
    topic: str = described("the settings' key")
    posts: int = described("the sector's posts naming it")
    share: float = described("their share of the sector's posts (reposts excluded: they carry no text)")
    leader: str | None = described("the team with the most posts naming it")
    leader_posts: int = described("that team's posts naming it")


@dataclass(frozen=True)
class BoardContent:
    """The leaderboard's tone and topic pages. Deliberately without the compliance flags: public document."""

    scope: str = described("the scope described: `ytd`")
    tones: tuple[str, ...] = described("the tones, in the order of the rules")
    teams: tuple[TeamContent, ...] = described("one row per team shown, in year-to-date order")
    sector: ToneMix | None = described("the sector's tone mix (none without posts)")
    topics: tuple[SectorTopic, ...] = described("every topic of the settings named at least once, most posts first")
    topic_keys: tuple[str, ...] = described("the settings' topics, in their order")
    sector_handles: int = described("sector handles in the settings")
    sector_domains: int = described("sector domains in the settings")


@dataclass(frozen=True)
class Fragment:
    """A piece of a quoted post: `hit` when it is a watchlist term the post names."""

    text: str = described("the piece of text")
    hit: bool = described("true when it is a watchlist term the post names")


@dataclass(frozen=True)
class FlaggedPost:
    """A post of the company's executives that names a watchlist term (the company report's appendix only)."""

    executive_id: str = described("executive id")
    name: str = described("the executive's name")
    role: str = described("role")
    day: date = described("the day it was posted (workspace time zone)")
    platform: str = described("`linkedin` or `x`")
    kind: str = described("`post`, `reply`, `quote` or `repost`")
    excerpt: tuple[Fragment, ...] = described("the text around the first term, in pieces")
    terms: tuple[str, ...] = described("the terms found, as written in the watchlist")
    link_text: str = described("its address as shown (shortened)")
    href: str | None = described("the link target: http(s) addresses only")


@dataclass(frozen=True)
class ExecutiveTone:
    """One executive's tone mix, in the company report."""

    executive_id: str = described("executive id")
    name: str = described("the executive's name")
    role: str = described("role")
    mix: ToneMix | None = described("the executive's tone mix (none: no post since January)")


@dataclass(frozen=True)
class CompanyContent:
    """The company report's tone and topic page and its appendix of flagged posts."""

    scope: str = described("the scope described: `ytd`")
    tones: tuple[str, ...] = described("the tones, in the order of the rules")
    team: ToneMix | None = described("the team's tone mix")
    sector: ToneMix | None = described("the sector's tone mix")
    executives: tuple[ExecutiveTone, ...] = described("each executive's tone mix, in year-to-date order")
    topics: tuple[TopicLine, ...] = described("the team's most frequent topics")
    flagged: tuple[FlaggedPost, ...] = described(
        "the posts naming a watchlist term: this company's executives only, most recent first"
    )
    watchlist: int = described("terms in the watchlist (0: none, nothing can be flagged)")


def _mix(row: dict | None) -> ToneMix | None:
    if row is None:
        return None
    parts = tuple(TonePart(t, row[f"tone_{t}"], row[f"tone_influence_{t}"]) for t in TONES)
    return ToneMix(row["tone_posts"], parts)


def _mixes(frame: pl.DataFrame, key: str) -> dict[str, ToneMix | None]:
    return {r[key]: _mix(r) for r in frame.iter_rows(named=True)}


def _sector(facts: ContentFacts) -> ToneMix | None:
    return _mix(facts.sector.row(0, named=True)) if facts.sector.height else None


def _topic_index(facts: ContentFacts, limit: int) -> dict[str, tuple[TopicLine, ...]]:
    """The `limit` most frequent topics of every team, grouped once (each document then looks its team up)."""
    sector = dict(facts.sector_topics.select("topic", "share").iter_rows())
    out: dict[str, list[TopicLine]] = {}
    for r in facts.topics.filter(pl.col("rank") <= limit).sort("company", "rank").iter_rows(named=True):
        line = TopicLine(r["rank"], r["topic"], r["posts"], r["share"], sector.get(r["topic"], 0.0))
        out.setdefault(r["company"], []).append(line)
    return {k: tuple(v) for k, v in out.items()}


def board_content(facts: ContentFacts, teams: pl.DataFrame) -> BoardContent:
    """The leaderboard's tone and topic pages; `teams` is the year-to-date team table (company, name, rank)."""
    mixes = _mixes(facts.teams, "company")
    names = dict(teams.select("company", "name").iter_rows())
    leaders = (
        facts.topics.sort(["posts", "company"], descending=[True, False])
        .group_by("topic", maintain_order=True)
        .agg(pl.col("company").first(), pl.col("posts").first().alias("leader_posts"))
    )
    leader = {r["topic"]: r for r in leaders.iter_rows(named=True)}
    topics = _topic_index(facts, BOARD_TOPICS)
    return BoardContent(
        scope=facts.scope,
        tones=TONES,
        teams=tuple(
            TeamContent(
                rank=r["rank"],
                company=r["company"],
                name=r["name"],
                mix=mixes.get(r["company"]),
                topics=topics.get(r["company"], ()),
            )
            for r in teams.iter_rows(named=True)
        ),
        sector=_sector(facts),
        topics=tuple(
            SectorTopic(
                rank=r["rank"],
                topic=r["topic"],
                posts=r["posts"],
                share=r["share"],
                leader=names.get(leader[r["topic"]]["company"]),
                leader_posts=leader[r["topic"]]["leader_posts"],
            )
            for r in facts.sector_topics.iter_rows(named=True)
        ),
        topic_keys=facts.topic_keys,
        sector_handles=facts.sector_handles,
        sector_domains=facts.sector_domains,
    )


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the character of `text` it comes from (folding
    may drop or add characters: accents go, a ligature becomes two letters)."""
    folded, origin = [], []
    for i, char in enumerate(text):
        for f in fold(char):
            folded.append(f)
            origin.append(i)
    return "".join(folded), origin


def hit_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where in `text` the watchlist terms occur (same matching as ranking.content.tone: case, accents, word bounds),
    as sorted, non-overlapping (start, end) spans."""
    folded, origin = _folded_with_offsets(text)
    spans = []
    for term in terms:
        for m in re.finditer(keyword_pattern(term), folded):
            if m.end() > m.start():
                spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt_around(text: str | None, terms: tuple[str, ...], limit: int = FLAGGED_CHARS) -> tuple[Fragment, ...]:
    """The post on one line, at most `limit` characters around the first term found (an ellipsis marks a cut),
    as fragments whose `hit` pieces are the terms."""
    flat = " ".join((text or "").split())
    spans = hit_spans(flat, terms)
    start, end = 0, len(flat)
    if len(flat) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 3, len(flat) - limit))
        if start > 0 and " " in flat[start:first]:
            start = flat.index(" ", start) + 1  # begin on a word
        end = min(len(flat), start + limit)
        if end < len(flat) and " " in flat[max(start, spans[0][1] if spans else start) : end]:
            end = flat.rindex(" ", start, end)  # end on a word, after the first term
    fragments = []
    at = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if s > at:
            fragments.append(Fragment(flat[at:s], False))
        fragments.append(Fragment(flat[s:e], True))
        at = e
    if at < end:
        fragments.append(Fragment(flat[at:end], False))
    if start > 0:
        fragments.insert(0, Fragment("… ", False))
    if end < len(flat):
        fragments.append(Fragment(" …", False))
    return tuple(fragments)


def _flagged(facts: ContentFacts, roster: pl.DataFrame) -> dict[str, tuple[FlaggedPost, ...]]:
    """Every flagged post, by company, most recent first (each post built once per run)."""
    people = roster.select("executive_id", "name", "role")
    ordered = facts.flagged.join(people, on="executive_id", how="left").sort(
        ["posted_at", "executive_id", "post_id"], descending=[True, False, False]
    )
    out: dict[str, list[FlaggedPost]] = {}
    for r in ordered.iter_rows(named=True):
        terms = tuple(r["compliance"])
        shown, href = link(r["url"])
        out.setdefault(r["company"], []).append(
            FlaggedPost(
                executive_id=r["executive_id"],
                name=r["name"] or r["executive_id"],
                role=r["role"] or "",
                day=r["day"],
                platform=r["platform"],
                kind=r["kind"],
                excerpt=excerpt_around(r["text"], terms),
                terms=terms,
                link_text=shown,
                href=href,
            )
        )
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class ContentIndex:
    """The content facts shaped once per run and keyed by company or executive: a company report's part is a
    lookup (rebuilding the tone mix of every executive for each company made the reports quadratic)."""

    facts: ContentFacts
    executives: dict[str, ToneMix | None]
    teams: dict[str, ToneMix | None]
    sector: ToneMix | None
    topics: dict[str, tuple[TopicLine, ...]]
    flagged: dict[str, tuple[FlaggedPost, ...]]


def content_index(facts: ContentFacts, roster: pl.DataFrame) -> ContentIndex:
    """The content facts of every company report, grouped once."""
    return ContentIndex(
        facts,
        _mixes(facts.executives, "executive_id"),
        _mixes(facts.teams, "company"),
        _sector(facts),
        _topic_index(facts, COMPANY_TOPICS),
        _flagged(facts, roster),
    )


def company_content(index: ContentIndex, company: str, executives: list[dict]) -> CompanyContent:
    """One company's tone and topic page and appendix; `executives` are its executives in year-to-date order
    (rows with executive_id, name, role)."""
    return CompanyContent(
        scope=index.facts.scope,
        tones=TONES,
        team=index.teams.get(company),
        sector=index.sector,
        executives=tuple(
            ExecutiveTone(r["executive_id"], r["name"], r["role"], index.executives.get(r["executive_id"]))
            for r in executives
        ),
        topics=index.topics.get(company, ()),
        flagged=index.flagged.get(company, ()),
        watchlist=index.facts.watchlist,
    )
