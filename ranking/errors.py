"""Domain errors: raised where a problem is found, turned into one `Error:` line at the CLI edge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class RankingError(Exception):
    """Base class of every error the CLI reports as a one-line message."""


#: Every character that breaks a line (those of str.splitlines), shown escaped.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


@dataclass(frozen=True)
class Problem:
    """One problem with the input: the file, the row or line where it applies, and what is wrong."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        path = self.path.translate(_LINE_BREAKS)  # a file's name may hold a newline too
        where = path if self.line is None else f"{path}:{self.line}"
        # Messages quote exported values, which may hold line breaks: an error stays one line.
        return f"{where}: {self.message.translate(_LINE_BREAKS)}"


class InputError(RankingError):
    """Bad input. Carries every problem found so that `validate` can list them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''}: see `ranking validate`)" if more else ""
        super().__init__(first + suffix)

    @classmethod
    def one(cls, path: str | Path, message: str, line: int | None = None) -> InputError:
        return cls([Problem(str(path), message, line)])


class UsageError(RankingError):
    """A wrong value given on the command line (exit status 2)."""
