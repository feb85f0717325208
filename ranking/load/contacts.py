"""The comms directors of companies.csv: each `comms_emails` entry parsed, one problem per entry that `send` could
not mail, named by file and line. `validate` and `run` (through the workspace reader) and `send` (through
ranking.deliver.message) apply these same rules."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ranking.errors import Problem
from ranking.load.tabular import LINE
from ranking.text.address import check_header_text, parse_address


@dataclass(frozen=True)
class Recipient:
    """One comms director: the company, its name, the checked address, and the display name, if any."""

    company: str
    company_name: str
    address: str
    name: str | None


def recipients(companies: pl.DataFrame, shown: str) -> tuple[list[Recipient], list[Problem]]:
    """One recipient per distinct address of each company's comms_emails (a list column, as load_companies
    reads it), and the problems found, each naming `shown` and the company's line."""
    found: list[Recipient] = []
    problems: list[Problem] = []
    for row in companies.iter_rows(named=True):
        try:  # the name goes into the message's headers
            check_header_text(row["name"] or "", f"company name {row['name']!r}")
        except ValueError as exc:
            problems.append(Problem(shown, str(exc), row[LINE]))
            continue
        seen: set[str] = set()
        for entry in row["comms_emails"]:
            try:
                address, name = parse_address(entry)
            except ValueError as exc:
                problems.append(Problem(shown, f"comms_emails: {exc}", row[LINE]))
                continue
            if address.lower() not in seen:
                seen.add(address.lower())
                found.append(Recipient(row["company"], row["name"], address, name))
    return found, problems
