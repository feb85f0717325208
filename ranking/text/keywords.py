"""Text as keywords and domains are matched: folded (case, accents), keywords as regular expressions.

Plain Python, importing nothing of ranking: the settings check their keywords with it, the content stage
(ranking.content) matches the posts with the same rules."""

from __future__ import annotations

import re
import unicodedata

# Characters that have a meaning in a regular expression (polars uses Rust's syntax, which accepts these escaped).
_META = set("\\.+*?()|[]{}^$#&-~")


def fold(text: str) -> str:
    """Text as it is matched: lower case, no accents, typographic apostrophes made plain."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def keyword_problem(keyword: str) -> str | None:
    """Why a topic keyword or watchlist term cannot be matched, or None when it can."""
    words = fold(keyword).split()
    if not words:
        return "a keyword must not be empty"
    for word in words:
        if "*" in word.rstrip("*") or word.count("*") > 1:
            return f"'*' may only end a word, not stand inside {keyword!r}"
        if word == "*":
            return f"'*' must follow a word in {keyword!r}"
    return None


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _META else c for c in text)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def keyword_pattern(keyword: str) -> str:
    """The regular expression of a keyword, to search in folded text: word boundaries, `*` = any word ending,
    any spacing between words. A keyword starting or ending with a symbol (`#`, `&`) keeps it as it is."""
    words = fold(keyword).split()
    parts = [_escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words]
    first, last = words[0], words[-1].rstrip("*")
    start = r"\b" if _is_word(first[0]) else r"\B"
    end = r"\b" if words[-1].endswith("*") or _is_word(last[-1]) else r"\B"
    return start + r"\s+".join(parts) + end


def normalise_domain(text: str) -> str:
    """A configured domain as it is matched: lower case, without scheme, path, port or a leading `www.`."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.strip().lower())
    host = re.split(r"[/?#:]", host.split("@")[-1], maxsplit=1)[0].strip(".")
    return host.removeprefix("www.")
