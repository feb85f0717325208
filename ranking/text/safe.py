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


def for_terminal(text: str) -> str:
    """Third-party text as the terminal shows it: isolated, and without control characters (escape sequences
    would drive the terminal)."""
    return isolate(without_controls(text).replace("\x1b", ""))
