"""Typed settings read from a workspace's `ranking.toml`; every default is the contract's."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ranking.errors import InputError, Problem

LANGS = ("fr", "en")
#: What a `[[sources]]` column may map onto: the contract's post fields, or whose post it is.
SOURCE_FIELDS = (
    "platform", "post_id", "executive_id", "handle", "posted_at", "kind", "text", "url", "reactions", "comments",
    "shares", "engagements", "impressions", "links", "mentions", "reposted_from", "snapshot",
)  # fmt: skip
SOURCE_KINDS = ("post", "reply", "quote", "repost", "ignore")


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
    logo: str = ""
    top_executives: int = 25


@dataclass(frozen=True)
class Source:
    """A scraper or listening export whose columns carry other names than the contract's (`[[sources]]`)."""

    pattern: str  # glob on the file's name, or on its path under exports/ when it holds a `/`
    columns: dict[str, str]  # the file's column -> contract field (url, posted_at, reactions, ..., or handle)
    name: str = ""  # how `validate` names the files it maps
    platform: str = ""  # linkedin or x, for files with neither a platform column nor post URLs
    date_format: str = ""  # strftime layout of the posted_at column where it is not ISO 8601
    kinds: dict[str, str] = field(default_factory=dict)  # values of the kind column -> post/reply/quote/repost/ignore


@dataclass(frozen=True)
class Settings:
    """All settings of a workspace. Built by `load_settings`, never mutated."""

    scoring: Scoring = field(default_factory=Scoring)
    report: Report = field(default_factory=Report)
    sources: tuple[Source, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    """Dataclasses and read-only mappings as plain dicts (dataclasses.asdict cannot copy a mappingproxy)."""
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
    if origin is dict:
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
        if getattr(settings.scoring, name) < 0:
            raise ValueError(f"scoring.{name} must not be negative")
    if settings.report.top_executives < 1:
        raise ValueError("report.top_executives must be at least 1")
    for number, source in enumerate(settings.sources):
        _validate_source(f"sources[{number}]", source)


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
