"""Third-party text (names, post texts, server replies) kept inside its field in every output.

- Bidirectional controls: an unclosed RIGHT-TO-LEFT OVERRIDE in a company name reversed the sentence and the
  dates around it. `isolate` drops the explicit controls (embeddings, overrides, isolates: what could reach
  past the field) and wraps text that has right-to-left letters in FIRST STRONG ISOLATE … POP DIRECTIONAL
  ISOLATE, so that it is laid out on its own and cannot reorder its surroundings. Left-to-right text without
  controls comes out unchanged (the PDFs of ordinary data stay byte for byte what they were).
- Control characters (NUL and the other C0/C1 controls but tab and line breaks) mean nothing in a cell and break
  readers: `without_controls` drops them from what goes into CSV and XLSX.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FSI, PDI = "\u2068", "\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_RTL_RANGES = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
#: C0 and C1 controls, DEL, but tab, line feed and carriage return (kept: post texts have paragraphs).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROLS_PATTERN = _CONTROLS.pattern


def _has_rtl(text: str) -> bool:
    return bool(_RTL_RANGES.search(text)) and any(
        unicodedata.bidirectional(c) in ("R", "AL") for c in text if _RTL_RANGES.match(c)
    )


def isolate(text: str) -> str:
    """`text` laid out on its own: explicit bidi controls dropped, isolated when it holds right-to-left letters."""
    cleaned = _BIDI.sub("", text)
    if cleaned is text or cleaned == text:
        return f"{FSI}{text}{PDI}" if _has_rtl(text) else text
    return f"{FSI}{cleaned}{PDI}"


def without_controls(text: str) -> str:
    """`text` without NUL and the other control characters a spreadsheet cell cannot hold (tab, LF, CR kept)."""
    return _CONTROLS.sub("", text)


#: Every character that breaks a line or drives a terminal: C0 and C1 controls (tab, LF and CR too), DEL, and
#: the Unicode line and paragraph separators.
_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` on one line, every control character and line break shown escaped as Python writes it (`\\n`,
    `\\x1b`, `\\u2028`): a file name holding a newline stays one name in one `Error:` line, and stays
    recognisable (dropping the characters would name another file)."""
    return _BREAKING.sub(lambda m: repr(m.group())[1:-1], text)


def for_terminal(text: str) -> str:
    """Third-party text as the terminal shows it: isolated, and without control characters (escape sequences
    would drive the terminal)."""
    return isolate(without_controls(text).replace("\x1b", ""))


#: The longest name of a file the tool writes, in bytes: most file systems stop at 255 (ext4, XFS, APFS, NTFS's
#: 255 UTF-16 units), whatever the ids and addresses a name is made of.
MAX_NAME_BYTES = 255
#: The hash that keeps a shortened name unique: 12 hex digits of the sha256 of the whole name.
_HASH_CHARACTERS = 12


def file_name(stem: str, suffix: str) -> str:
    """`stem + suffix` when it fits in MAX_NAME_BYTES; otherwise a readable prefix of `stem`, `-`, a short hash
    of the whole stem, and `suffix` (`acme-…-0123456789ab.eml`): the same stem always gives the same name, two
    different stems (almost surely) different ones."""
    name = stem + suffix
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:_HASH_CHARACTERS]
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - _HASH_CHARACTERS - 1
    prefix = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return f"{prefix}-{digest}{suffix}"
