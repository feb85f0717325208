"""A text the loaders say about a file (a format's name, a remark such as "3 records skipped: not in the roster")
that documents print in their own language.

A `Phrase` is the English text (a `str`: the terminal, the manifest and the logs show it as before) that also
carries its label in the catalogues (templates/locale/) and the values to fill it with, so that a French document
prints "3 publications ignorées : hors de la liste des dirigeants" (ranking.report.i18n.Translator.say). The
loaders sit below the catalogues (ranking.report): they name the label, they do not translate it."""

from __future__ import annotations

from typing import Any


class Phrase(str):
    """English text, with the label `key` (a plural label when `n` is given) and its `values` (which may be
    phrases themselves, translated in turn)."""

    key: str
    n: int | None  # the count a plural label takes its form from (not `count`: str.count is a method)
    values: dict[str, Any]

    def __new__(cls, english: str, key: str, n: int | None = None, **values: Any) -> Phrase:
        self = super().__new__(cls, english)
        self.key, self.n, self.values = key, n, values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling would call __new__ with the text alone (the render workers receive the contexts)
        return (_rebuilt, (str(self), self.key, self.n, self.values))


def _rebuilt(english: str, key: str, n: int | None, values: dict[str, Any]) -> Phrase:
    return Phrase(english, key, n, **values)


def plural(count: int, word: str) -> str:
    """`1 record`, `2 records` (English, for the Phrase's own text)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def skipped(count: int, reason: str) -> Phrase:
    """`3 records skipped: not in the roster`, `reason` being one of ranking.load.accounting's."""
    return Phrase(f"{plural(count, 'record')} skipped: {reason}", "note.skipped", count, reason=reason)
