"""Reading `ranking.toml`: each table built into its dataclass, every key and value checked."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any

from ranking.errors import InputError, Problem
from ranking.settings.checks import check_settings
from ranking.settings.model import Settings, Text


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
    if kind is Text:
        return Text.read(name, value)
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


def load_settings(path: Path, content: bytes | None = None) -> Settings:
    """Read `ranking.toml` (absent means all defaults), or parse `content`, its bytes as the caller read them.
    Raises InputError naming the file and the key."""
    if content is None and not path.exists():
        return Settings()
    try:
        raw = path.read_bytes() if content is None else content
        data = tomllib.loads(raw.decode("utf-8-sig"))
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
        check_settings(settings)
    except ValueError as exc:
        raise InputError.one(path, str(exc)) from None
    return settings
