"""E-mail addresses and header text: the one rule that `validate`, when it reads companies.csv and ranking.toml,
and `send`, when it builds the messages, apply (it imports nothing of ranking: settings, load and deliver share
it)."""

from __future__ import annotations

import re

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
#: `address` or `Display Name <address>`, nothing else (no lists, no comments, no groups).
_ENTRY = re.compile(r'^(?:"?(?P<name>[^"<>]*?)"?\s*<(?P<inner>[^<>\s]+)>|(?P<bare>[^<>\s"]+))$')


def check_header_text(text: str, what: str) -> None:
    """Raise ValueError when `text` holds a line break: in a header, it would start a header of its own."""
    if "\r" in text or "\n" in text:
        raise ValueError(f"{what} holds a line break")


def parse_address(entry: str) -> tuple[str, str | None]:
    """`jane@x.example` or `Jane Doe <jane@x.example>` -> (address with the domain lower-cased, name or None).

    Raises ValueError with the reason. Only plain ASCII addresses are accepted (no SMTPUTF8 needed).
    """
    check_header_text(entry, f"address {entry!r}")
    parts = _ENTRY.match(entry.strip())
    address = (parts.group("inner") or parts.group("bare")) if parts else ""
    if not ADDRESS.match(address) or len(address) > 254:
        raise ValueError(f"{entry!r} is not an e-mail address")
    local, domain = address.rsplit("@", 1)
    name = parts.group("name") if parts else None
    return f"{local}@{domain.lower()}", (name or "").strip() or None
