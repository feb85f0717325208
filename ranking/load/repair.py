"""Text that is not valid Unicode, made valid and counted: a lone surrogate escape in a JSON string (`"\\ud83c"`,
an emoji a scraper cut in half) and bytes that are not UTF-8 in a UTF-8 file become U+FFFD.

Neither can be written anywhere (polars, Parquet, a PDF and the terminal refuse lone surrogates), and neither
is a reason to refuse a file: the character is replaced, and `validate` says how many were, file by file. The
count is kept for the file being loaded (`counting()`, around one reader's `load`), so that every reader that
decodes text reports it without carrying a counter through its signatures.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A `\uD800`-`\uDFFF` escape in JSON text: only then can a parsed string hold a lone surrogate (a pair is joined
#: into one character by the parser), so that the records of a clean file are never walked.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass
class Tally:
    """The characters replaced by U+FFFD in the file being loaded."""

    replaced: int = 0


_current: ContextVar[Tally | None] = ContextVar("ranking_unicode_tally", default=None)


@contextmanager
def counting() -> Iterator[Tally]:
    """Count the characters replaced while loading one file (nested uses count separately)."""
    tally = Tally()
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)


def _note(count: int) -> None:
    tally = _current.get()
    if tally is not None and count:
        tally.replaced += count


def _counted_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _note(1)
    return REPLACEMENT, exc.end


codecs.register_error("ranking-replace", _counted_replace)


def decode_utf8(data: bytes) -> str:
    """UTF-8 (a byte order mark dropped), each invalid byte sequence as U+FFFD, counted."""
    return data.decode("utf-8-sig", errors="ranking-replace")


def utf8_reads_better(chunks: Iterator[bytes]) -> bool:
    """`mostly_utf8`'s choice for bytes read as a stream (nothing kept): whether they hold at least as many valid
    multi-byte UTF-8 characters as invalid sequences (or start with UTF-8's byte order mark)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="ranking-replace")
    valid, first = 0, True
    with counting() as probe:
        for chunk in chunks:
            if first and chunk.startswith(codecs.BOM_UTF8):
                return True
            first = False
            text = decoder.decode(chunk)
            valid += len(text) - len(text.encode("ascii", "ignore"))
        text = decoder.decode(b"", final=True)
        valid += len(text) - len(text.encode("ascii", "ignore"))
    valid -= probe.replaced
    return valid > 0 and valid >= probe.replaced


def mostly_utf8(data: bytes) -> str | None:
    """Bytes that are not all valid UTF-8, decoded as UTF-8 when they start with its byte order mark or hold at
    least as many valid multi-byte characters as invalid sequences (a UTF-8 file with a few broken cells, each
    invalid sequence then U+FFFD, counted); None when they read better in another encoding (French text in
    Windows-1252 has no valid multi-byte character at all)."""
    with counting() as probe:
        text = data.decode("utf-8-sig", errors="ranking-replace")
    valid = len(text) - len(text.encode("ascii", "ignore")) - probe.replaced
    if not data.startswith(codecs.BOM_UTF8) and (valid == 0 or valid < probe.replaced):
        return None
    _note(probe.replaced)
    return text


def clean_text(text: str) -> str:
    """A string with every lone surrogate replaced by U+FFFD (counted)."""
    found = _SURROGATE.findall(text)
    if not found:
        return text
    _note(len(found))
    return _SURROGATE.sub(REPLACEMENT, text)


def may_hold_surrogates(json_text: str) -> bool:
    """Whether JSON text escapes a surrogate (its parsed strings may then hold a lone one)."""
    return _ESCAPED_SURROGATE.search(json_text) is not None


def clean(value: Any) -> Any:
    """A parsed JSON value with every lone surrogate of its strings (keys too) replaced by U+FFFD (counted)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): clean(item) for key, item in value.items()}
    return value
