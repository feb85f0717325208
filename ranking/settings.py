"""Typed settings read from a workspace's `ranking.toml`; every default is the contract's."""

from __future__ import annotations

import math
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ranking.errors import InputError, Problem
from ranking.patterns import check_patterns
from ranking.taxonomy import DEFAULT_TOPICS
from ranking.text import keyword_pattern, keyword_problem, normalise_domain

LANGS = ("fr", "en")
SMTP_SECURITY = ("starttls", "ssl", "none")
#: What a `[[sources]]` column may map onto: the contract's post fields, or whose post it is.
SOURCE_FIELDS = (
    "platform", "post_id", "executive_id", "handle", "posted_at", "kind", "text", "url", "reactions", "comments",
    "shares", "engagements", "impressions", "links", "mentions", "reposted_from", "snapshot",
)  # fmt: skip
SOURCE_KINDS = ("post", "reply", "quote", "repost", "ignore")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
#: The parts of a company report after its first page (rank, movement, the team's trend and its peers, always
#: printed), in the order they print; `report.sections` lists those a workspace's reports print.
COMPANY_SECTIONS = (
    "executives", "posts", "beyond_volume", "tone", "executive_tones", "topics", "data_quality", "compliance",
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
class Report:
    """What the documents say about themselves."""

    lang: str = "fr"
    title: str = "Classement de l'influence des dirigeants"
    sector: str = "Pharma"
    publisher: str = "Ranking"
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
    rules: dict[str, tuple[bool, str]] = {
        "security": (smtp.security in SMTP_SECURITY, f"must be one of {', '.join(SMTP_SECURITY)}"),
        "port": (0 <= smtp.port <= 65535, "must be a port number (1-65535, or 0 for the usual one)"),
        "attempts": (smtp.attempts >= 1, "must be at least 1"),
        "max_wait": (smtp.max_wait >= 0, "must not be negative"),
        "timeout": (smtp.timeout > 0, "must be more than 0"),
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

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    """A settings value as JSON-ready data (asdict cannot copy the read-only mappings)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    return value


def _check_value(name: str, value: Any, kind: Any) -> Any:
    """Check `value` against the annotation `kind` and return it, raising ValueError with a plain reason."""
    origin = typing.get_origin(kind)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, not {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, not {value!r}")
        return value
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise ValueError(f"{name} must be a list, not {value!r}")
        (item,) = typing.get_args(kind)[:1]
        return tuple(_check_value(f"{name}[{i}]", v, item) for i, v in enumerate(value))
    if origin in (dict, Mapping):
        if not isinstance(value, dict):
            raise ValueError(f"{name} must be a table, not {value!r}")
        _, item = typing.get_args(kind)
        return types.MappingProxyType({k: _check_value(f"{name}.{k}", v, item) for k, v in value.items()})
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise ValueError(f"{name} must be a table, not {value!r}")
        return build(kind, value, prefix=f"{name}.")
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(kind):
            try:
                return _check_value(name, value, option)
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(errors[0])
    return value


def build(cls: Any, data: dict[str, Any], prefix: str = "") -> Any:
    """Build the frozen dataclass `cls` from a TOML table, rejecting unknown keys by their full name."""
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in known:
            raise ValueError(f"unknown setting '{prefix}{key}' (known: {', '.join(sorted(known))})")
    values = {}
    for name, f in known.items():
        if name in data:
            values[name] = _check_value(f"{prefix}{name}", data[name], hints[name])
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ValueError(f"missing setting '{prefix}{name}'")
    return cls(**values)


def _validate(settings: Settings) -> None:
    try:
        ZoneInfo(settings.scoring.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"scoring.timezone: unknown time zone {settings.scoring.timezone!r}") from None
    if settings.report.lang not in LANGS:
        raise ValueError(f"report.lang must be one of {', '.join(LANGS)}, not {settings.report.lang!r}")
    for name in ("reactions", "comments", "shares", "engagements"):
        weight = getattr(settings.scoring, name)
        if weight < 0:
            raise ValueError(f"scoring.{name} must not be negative")
        if not math.isfinite(weight) or weight > MAX_WEIGHT:  # nan too: a sum with it is no ranking
            raise ValueError(f"scoring.{name} must be a number from 0 to {MAX_WEIGHT:,}, not {weight!r}")
    for name in ("top_executives", "top_teams", "top_ceos"):
        if getattr(settings.report, name) < 1:
            raise ValueError(f"report.{name} must be at least 1")
    if not 0 < settings.report.collective_threshold <= 1:
        raise ValueError("report.collective_threshold must be above 0 and at most 1")
    for name in ("best_posts", "team_posts", "movers", "peer_leaders", "peer_neighbours"):
        if getattr(settings.report, name) < 0:
            raise ValueError(f"report.{name} must not be negative")
    for i, section in enumerate(settings.report.sections):
        if section not in COMPANY_SECTIONS:
            known = ", ".join(COMPANY_SECTIONS)
            raise ValueError(f"report.sections[{i}]: {section!r} is not a part of the company report (known: {known})")
    if settings.measures.min_posts < 1:
        raise ValueError(f"measures.min_posts must be at least 1, not {settings.measures.min_posts}")
    if settings.report.logo and Path(settings.report.logo).suffix.lower() not in LOGO_SUFFIXES:
        raise ValueError(f"report.logo must be a {', '.join(LOGO_SUFFIXES)} file, not {settings.report.logo!r}")
    for number, source in enumerate(settings.sources):
        _validate_source(f"sources[{number}]", source)
    _validate_content(settings)


def _validate_content(settings: Settings) -> None:
    """Keywords and names must be matchable: not blank, `*` only at the end of a word, domains with a dot."""
    for topic, keywords in settings.topics.items():
        if not topic.strip():
            raise ValueError("topics: a topic name must not be empty")
        if not keywords:
            raise ValueError(f"topics.{topic} must list at least one keyword")
        for i, keyword in enumerate(keywords):
            if reason := keyword_problem(keyword):
                raise ValueError(f"topics.{topic}[{i}]: {reason}")
        if reason := check_patterns([keyword_pattern(k) for k in keywords]):
            raise ValueError(f"topics.{topic}: {reason}")
    for i, term in enumerate(settings.compliance.watchlist):
        if reason := keyword_problem(term):
            raise ValueError(f"compliance.watchlist[{i}]: {reason}")
    for i, handle in enumerate(settings.tone.sector_handles):
        if not handle.strip().lstrip("@").strip():
            raise ValueError(f"tone.sector_handles[{i}] must not be empty")
    for i, domain in enumerate(settings.tone.sector_domains):
        if "." not in normalise_domain(domain).strip("."):
            raise ValueError(f"tone.sector_domains[{i}]: {domain!r} is not a web domain (e.g. leem.org)")
    check_smtp(settings.smtp)


def _validate_source(name: str, source: Source) -> None:
    if not source.pattern.strip():
        raise ValueError(f"{name}.pattern must name the files it maps, e.g. 'scraper_*.csv'")
    if not source.columns:
        raise ValueError(f'{name}.columns must map at least one column, e.g. {{ likeCount = "reactions" }}')
    for column, target in source.columns.items():
        if not isinstance(target, str) or target not in SOURCE_FIELDS:
            raise ValueError(f"{name}.columns.{column}: {target!r} is not a field (known: {', '.join(SOURCE_FIELDS)})")
    targets = list(source.columns.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise ValueError(f"{name}.columns: two columns map onto '{twice[0]}'")
    if source.platform not in ("", "linkedin", "x"):
        raise ValueError(f"{name}.platform must be linkedin or x, not {source.platform!r}")
    if source.timezone:
        try:
            ZoneInfo(source.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name}.timezone: unknown time zone {source.timezone!r}") from None
    if source.repost_pattern:
        if not source.repost_field:
            raise ValueError(f"{name}.repost_pattern needs the repost_field it is matched on")
        try:
            re.compile(source.repost_pattern)
        except re.error as exc:
            raise ValueError(f"{name}.repost_pattern is not a regular expression: {exc}") from None
    for value, kind in source.kinds.items():
        if kind not in SOURCE_KINDS:
            raise ValueError(f"{name}.kinds.{value}: {kind!r} must be one of {', '.join(SOURCE_KINDS)}")


def load_settings(path: Path) -> Settings:
    """Read `ranking.toml` (absent means all defaults). Raises InputError naming the file and the key."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError.one(path, "not UTF-8 text") from None
    except OSError as exc:  # a folder, unreadable
        raise InputError.one(path, f"cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        reason = str(exc).split(" (at line")[0]
        raise InputError([Problem(str(path), f"not valid TOML: {reason}", line)]) from None
    try:
        settings = build(Settings, data)
        _validate(settings)
    except ValueError as exc:
        raise InputError.one(path, str(exc)) from None
    return settings
