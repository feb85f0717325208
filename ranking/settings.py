"""Typed settings read from a workspace's `ranking.toml`; every default is the contract's."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ranking.errors import InputError, Problem

LANGS = ("fr", "en")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


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
    collective_threshold: float = 0.4  # collectivity from which a team reads "collective" (below: "one voice")
    best_posts: int = 3  # posts shown for each executive in the company reports
    movers: int = 3  # climbers and fallers of the month shown on the trends page


@dataclass(frozen=True)
class Settings:
    """All settings of a workspace. Built by `load_settings`, never mutated."""

    scoring: Scoring = field(default_factory=Scoring)
    report: Report = field(default_factory=Report)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    if not 0 < settings.report.collective_threshold <= 1:
        raise ValueError("report.collective_threshold must be above 0 and at most 1")
    for name in ("best_posts", "movers"):
        if getattr(settings.report, name) < 0:
            raise ValueError(f"report.{name} must not be negative")
    if settings.report.logo and Path(settings.report.logo).suffix.lower() not in LOGO_SUFFIXES:
        raise ValueError(f"report.logo must be a {', '.join(LOGO_SUFFIXES)} file, not {settings.report.logo!r}")


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
