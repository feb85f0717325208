"""The settings of a workspace as frozen dataclasses: every default is the contract's."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from ranking.settings.taxonomy import DEFAULT_TOPICS

LANGS = ("fr", "en")
SMTP_SECURITY = ("starttls", "ssl", "none")
#: The longest deadline of [smtp] (a day): beyond it a stuck server would hold the month's lock for days.
MAX_DEADLINE = 86_400
#: What a `[[sources]]` column may map onto: the contract's post fields, or whose post it is.
SOURCE_FIELDS = (
    "platform", "post_id", "executive_id", "handle", "posted_at", "kind", "text", "url", "reactions", "comments",
    "shares", "engagements", "impressions", "links", "mentions", "reposted_from", "snapshot", "media",
)  # fmt: skip
SOURCE_KINDS = ("post", "reply", "quote", "repost", "ignore")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
#: The parts of a company report after its first page (rank, movement, the team's trend and its peers, always
#: printed), in the order they print; `report.sections` lists those a workspace's reports print.
COMPANY_SECTIONS = (
    "executives", "posts", "beyond_volume", "tone", "executive_tones", "topics", "what_works", "data_quality",
    "compliance",
)  # fmt: skip


#: The largest weight: three counts (each below 2^53) times it must fit the 64-bit integer of one post's influence
#: (their sums are then checked by ranking.overflow).
MAX_WEIGHT = 100


@dataclass(frozen=True)
class Scoring:
    """Weights of the influence of a post, and the window the scores are taken over."""

    reactions: float = 1
    comments: float = 2
    shares: float = 3
    engagements: float = 1
    timezone: str = "Europe/Paris"


@dataclass(frozen=True)
class Text:
    """A text a reader sees, in each language: `title = { fr = "…", en = "…" }`, or one string for a workspace of
    one language (`title = "…"`, taken to be in `report.lang`, printed as it is in the other language, which
    `validate` warns about: ranking.settings.checks.untranslated)."""

    by_lang: Mapping[str, str] = field(default_factory=lambda: types.MappingProxyType({}))
    plain: str = ""  # the one string of a workspace of one language

    @classmethod
    def read(cls, name: str, value: Any) -> Text:
        """A setting's value: a string, or a table of one string per language (fr, en). Raises ValueError."""
        if isinstance(value, str):
            return cls(plain=value)
        if not isinstance(value, dict) or not value:
            raise ValueError(f'{name} must be a string or a table such as {{ fr = "…", en = "…" }}, not {value!r}')
        for lang, text in value.items():
            if lang not in LANGS:
                raise ValueError(f"unknown language '{name}.{lang}' (known: {', '.join(LANGS)})")
            if not isinstance(text, str):
                raise ValueError(f"{name}.{lang} must be a string, not {text!r}")
        return cls(by_lang=types.MappingProxyType(dict(value)))

    @classmethod
    def of(cls, **by_lang: str) -> Text:
        return cls(by_lang=types.MappingProxyType(by_lang))

    def get(self, lang: str) -> str:
        """The text in `lang`: its own, else the one string, else the first language given."""
        return self.by_lang.get(lang) or self.plain or next(iter(self.by_lang.values()), "")

    def missing(self, lang: str, default_lang: str) -> bool:
        """Whether a document in `lang` would print this text in another language (`default_lang`: the one a
        plain string is taken to be in)."""
        if self.by_lang:
            return lang not in self.by_lang
        return bool(self.plain) and lang != default_lang

    def values(self) -> tuple[str, ...]:
        return tuple(self.by_lang.values()) if self.by_lang else (self.plain,)


@dataclass(frozen=True)
class Report:
    """What the documents say about themselves. The texts a reader sees (title, subtitle, sector, publisher) are
    given in each language (`Text`)."""

    lang: str = "fr"
    title: Text = Text.of(fr="Classement de l'influence des dirigeants", en="Executive influence ranking")
    subtitle: Text = Text()  # a line under the cover's title (none when empty)
    sector: Text = Text.of(fr="Pharma", en="Pharma")
    publisher: Text = Text(plain="Ranking")
    logo: str = ""  # the publisher's logo: a .png, .jpg or .svg file of the workspace (path relative to it)
    top_executives: int = 25
    # Teams and CEOs listed in the leaderboard's tables and charts: a printed ranking of a thousand teams helps
    # nobody (and takes minutes to lay out); every one is still ranked in companies.csv and ranking.xlsx.
    top_teams: int = 50
    top_ceos: int = 50
    collective_threshold: float = 0.4  # collectivity from which a team reads "collective" (below: "one voice")
    # A company report quotes the team's `team_posts` best posts of the month (at most `best_posts` of one
    # executive): one page for any team, where three posts of every executive made large teams' reports long.
    best_posts: int = 3
    team_posts: int = 6
    movers: int = 3  # climbers and fallers of the month shown on the trends page
    # A company report's peers chart: the leaders and the teams ranked either side of the company (and the
    # sector's average), so that a report is as long at 1,000 companies as at 20.
    peer_leaders: int = 5
    peer_neighbours: int = 2
    # The parts each company report prints after its first page (COMPANY_SECTIONS, always in that order): all by
    # default. Fewer parts make shorter reports, and a run of many companies faster (each part's share of the
    # rendering time: bench/results/latest.md).
    sections: tuple[str, ...] = COMPANY_SECTIONS


@dataclass(frozen=True)
class Measures:
    """The measures beyond volume (ranking.score.measures): how many posts a median needs to be shown."""

    # A median of one or two posts is an anecdote, not a habit: below this many posts with a count, an
    # executive's or a team's median influence is left empty (and takes no percentile).
    min_posts: int = 3


@dataclass(frozen=True)
class Tone:
    """Sector actors (associations, agencies, institutions): a post relaying them has the `sector` tone."""

    sector_handles: tuple[str, ...] = ()  # X handles / LinkedIn slugs, with or without "@"
    sector_domains: tuple[str, ...] = ()  # web domains; their subdomains match too


#: `[topics]`: topic name -> keywords. A free-keyed table, so a mapping rather than a dataclass
#: (build() rejects keys a dataclass does not declare). A workspace's [topics] replaces the default taxonomy.
Topics = Mapping[str, tuple[str, ...]]


def _default_topics() -> Topics:
    return types.MappingProxyType(dict(DEFAULT_TOPICS))


@dataclass(frozen=True)
class Compliance:
    """Product names (brands and INNs) executives must not promote: a post naming one is flagged."""

    watchlist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Smtp:
    """How `ranking send` reaches the mail server. The password is deliberately not a setting: it is read
    from RANKING_SMTP_PASSWORD only, so that no file (nor the manifest, which lists the settings) holds it."""

    host: str = "localhost"
    port: int = 0  # 0: the usual port of `security` (587, 465 or 25)
    security: str = "starttls"
    sender: str = ""  # the From address
    user: str = ""
    ca_file: str = ""  # a CA bundle to trust instead of the system's (a private CA); relative to the workspace
    attempts: int = 5  # tries per message on temporary failures
    max_wait: float = 60  # seconds, the longest wait between two tries
    timeout: float = 30  # seconds, per network operation
    # The socket's timeout restarts with every byte: a server trickling a line every half second would hold a
    # message (and the month's lock) for ever. These bound the whole of it, whatever the server does.
    deadline_seconds: float = 300  # seconds, one message: connecting, every try and the waits between them
    send_deadline_seconds: float = 3600  # seconds, one `ranking send`: what is left then is not sent

    #: Environment variables that override the settings above (RANKING_SMTP_PASSWORD is read by `ranking send`).
    ENVIRONMENT: typing.ClassVar[dict[str, str]] = {
        "RANKING_SMTP_HOST": "host",
        "RANKING_SMTP_PORT": "port",
        "RANKING_SMTP_USER": "user",
        "RANKING_SMTP_SECURITY": "security",
        "RANKING_SMTP_FROM": "sender",
        "RANKING_SMTP_CA_FILE": "ca_file",
    }

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]

    def with_environment(self, environ: Mapping[str, str]) -> Smtp:
        """These settings overridden by the RANKING_SMTP_* variables that are set and not empty.

        Raises ValueError naming the variable when its value is wrong.
        """
        changes: dict[str, Any] = {}
        for variable, name in self.ENVIRONMENT.items():
            value = environ.get(variable, "").strip()
            if not value:
                continue
            if name == "port":
                if not value.isdigit():
                    raise ValueError(f"{variable} must be a whole number, not {value!r}")
                changes[name] = int(value)
            else:
                changes[name] = value
        smtp = replace(self, **changes)
        for variable, name in self.ENVIRONMENT.items():
            if name in changes:
                check_smtp(smtp, only=name, shown=variable)
        return smtp


def check_smtp(smtp: Smtp, only: str | None = None, shown: str | None = None) -> None:
    """Raise ValueError on a wrong SMTP setting (all of them, or the one named `only`, shown as `shown`)."""
    seconds = f"must be more than 0 and at most {MAX_DEADLINE:,} seconds"  # nan and inf too: no bound at all
    rules: dict[str, tuple[bool, str]] = {
        "security": (smtp.security in SMTP_SECURITY, f"must be one of {', '.join(SMTP_SECURITY)}"),
        "port": (0 <= smtp.port <= 65535, "must be a port number (1-65535, or 0 for the usual one)"),
        "attempts": (smtp.attempts >= 1, "must be at least 1"),
        "max_wait": (smtp.max_wait >= 0, "must not be negative"),
        "timeout": (0 < smtp.timeout <= MAX_DEADLINE, seconds),
        "deadline_seconds": (0 < smtp.deadline_seconds <= MAX_DEADLINE, seconds),
        "send_deadline_seconds": (0 < smtp.send_deadline_seconds <= MAX_DEADLINE, seconds),
    }
    for name, (ok, reason) in rules.items():
        if not ok and only in (None, name):
            raise ValueError(f"{shown or 'smtp.' + name} {reason}, not {getattr(smtp, name)!r}")


@dataclass(frozen=True)
class Inputs:
    """`[inputs]`: how the workspace's files are found, and how strictly the exports are read."""

    allow_links_outside: bool = False  # follow symbolic links that lead out of the workspace (refused by default)
    # Posts of accounts that are not in the roster (in a search or feed download) are skipped and counted; with
    # `strict`, each is an error instead.
    strict: bool = False
    # The limits of what is read (issue 23): a file past one is refused with one error naming it, before the
    # memory or the time it would take is spent. Each is well above what a real export holds.
    max_file_mb: int = 512  # the size of one input file, checked before it is read
    max_field_kb: int = 128  # one text field (a CSV cell, a JSON string, an XLSX cell), in thousands of characters
    max_columns: int = 10_000  # the columns of one table (an Apify CSV flattens lists into ~1,500)
    max_sheet_cells: int = 20_000_000  # the rows x columns an XLSX sheet spans (its reader allocates them all)
    max_inflated_mb: int = 256  # the size an XLSX workbook inflates to, from its zip directory
    max_roster_rows: int = 200_000  # the rows of roster.csv and of companies.csv

    #: The limits, in the order `check_input_limits` reports them.
    LIMITS: typing.ClassVar[tuple[str, ...]] = (
        "max_file_mb", "max_field_kb", "max_columns", "max_sheet_cells", "max_inflated_mb", "max_roster_rows",
    )  # fmt: skip


#: The actors `ranking collect` can start, by platform: those whose results the loaders read and whose input is
#: known (../shared/formats/scrapers/ACTOR-INPUTS.md); ranking.collect.inputs builds each one's input.
COLLECT_ACTORS = {
    "linkedin": (
        "harvestapi/linkedin-profile-posts",
        "supreme_coder/linkedin-post",
        "apimaestro/linkedin-profile-posts",
    ),
    "x": ("apidojo/tweet-scraper",),
}
COLLECT_SERVICES = ("apify",)


def _default_prices() -> Mapping[str, float]:
    # USD per 1,000 items, from the actors' store pages (ACTOR-INPUTS.md): estimates, the service bills its own
    return types.MappingProxyType({
        "harvestapi/linkedin-profile-posts": 2.0,
        "supreme_coder/linkedin-post": 2.0,
        "apimaestro/linkedin-profile-posts": 5.0,
        "apidojo/tweet-scraper": 0.4,
    })  # fmt: skip


@dataclass(frozen=True)
class Collect:
    """`[collect]`: how `ranking collect` fetches the month's posts from a scraping service. The token is not a
    setting: it is read from RANKING_APIFY_TOKEN (else APIFY_TOKEN) only, so that no file holds it."""

    service: str = "apify"
    linkedin_actor: str = "harvestapi/linkedin-profile-posts"
    x_actor: str = "apidojo/tweet-scraper"
    # the posts of the last N months before the period are fetched again (their counts still grow); an executive
    # never collected before is fetched from 1 January
    refresh_months: int = 2
    max_items: int = 400  # per profile and run, passed to the actor in its own input field
    max_cost_usd: float = 20  # a `collect` never starts runs whose estimated cost would pass this
    price_per_1000_items_usd: Mapping[str, float] = field(default_factory=_default_prices)
    profiles_per_run: int = 50  # profiles batched in one run, where the actor takes a list
    deadline_minutes: float = 60  # the longest a `collect` waits for the service (runs, retries of 429 and 5xx)


@dataclass(frozen=True)
class Source:
    """A scraper or listening export whose columns carry other names than the contract's (`[[sources]]`)."""

    pattern: str  # glob on the file's name, or on its path under exports/ when it holds a `/`
    columns: dict[str, str]  # the file's column -> contract field (url, posted_at, reactions, ..., or handle)
    name: str = ""  # how `validate` names the files it maps
    platform: str = ""  # linkedin or x, for files with neither a platform column nor post URLs
    date_format: str = ""  # strftime layout of the posted_at column where it is not ISO 8601
    kinds: dict[str, str] = field(default_factory=dict)  # values of the kind column -> post/reply/quote/repost/ignore
    timezone: str = ""  # the zone of times written without an offset (UTC when empty)
    # what marks a repost in a file without a kind column: this field non-empty, or matching `repost_pattern`
    repost_field: str = ""
    repost_pattern: str = ""  # a regular expression (case-insensitive) on `repost_field`


@dataclass(frozen=True)
class Settings:
    """All settings of a workspace. Built by `load_settings`, never mutated."""

    scoring: Scoring = field(default_factory=Scoring)
    report: Report = field(default_factory=Report)
    tone: Tone = field(default_factory=Tone)
    topics: Topics = field(default_factory=_default_topics)
    compliance: Compliance = field(default_factory=Compliance)
    measures: Measures = field(default_factory=Measures)
    smtp: Smtp = field(default_factory=Smtp)
    sources: tuple[Source, ...] = ()
    inputs: Inputs = field(default_factory=Inputs)
    collect: Collect = field(default_factory=Collect)

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    """A settings value as JSON-ready data (asdict cannot copy the read-only mappings)."""
    if isinstance(value, Text):
        return dict(value.by_lang) if value.by_lang else value.plain
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    return value
