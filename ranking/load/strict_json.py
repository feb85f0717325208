"""JSON read strictly: an object naming a key twice is an error (json keeps the last one silently, so one of two
exported counts would vanish), and a document nested too deep for the parser is an error, not a crash. A lone
surrogate escape (`"\\ud83c"`) is read as U+FFFD, counted, never kept to break every later write."""

from __future__ import annotations

import json
from typing import Any

from ranking.load.repair import clean, may_hold_surrogates


class DuplicateKey(ValueError):
    """An object of the document names the same key twice."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(f"key '{key}' appears twice in one object")


class TooDeep(ValueError):
    """The document nests arrays or objects deeper than the parser goes."""

    def __init__(self) -> None:
        super().__init__("nested too deep")


class TooLarge(ValueError):
    """A number of the document has more digits than Python converts (4,300)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


#: A decoder for `raw_decode` with the same rules as `loads`.
DECODER = json.JSONDecoder(object_pairs_hook=_pairs)


def loads(text: str | bytes) -> Any:
    """`json.loads`, raising DuplicateKey and TooDeep (both ValueError) besides JSONDecodeError; a lone surrogate
    escaped in a string is read as U+FFFD (counted: ranking.load.repair)."""
    try:
        loaded = json.loads(text, object_pairs_hook=_pairs)
    except RecursionError:
        raise TooDeep() from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError | DuplicateKey):
            raise
        raise TooLarge(str(exc).split(";")[0]) from None
    if isinstance(text, str) and may_hold_surrogates(text):
        return clean(loaded)
    return loaded
