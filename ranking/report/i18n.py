"""Labels in French and English (catalogues in templates/i18n/), numbers and dates formatted by babel."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from ranking.load.accounting import REASON_KEYS
from ranking.resources import templates_dir

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_SKIPPED = re.compile(r"^(\d+) records? skipped: (.+)$")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The labels of one language."""
    return tomllib.loads((templates_dir() / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Translator:
    """Labels and number/date formats of one language, as the templates use them."""

    lang: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        text = catalogue(self.lang).get(key)
        if text is None:
            raise KeyError(f"label {key!r} is missing from the {self.lang} catalogue")
        return text.format(**values) if values else text

    def note(self, text: str) -> str:
        """A loader's note in the reader's language where it says records were skipped and why (the reasons of
        ranking.load.accounting); any other note as it is."""
        found = _SKIPPED.match(text)
        key = REASON_KEYS.get(found.group(2)) if found else None
        if found is None or key is None:
            return text
        count = int(found.group(1))
        form = "one" if Locale.parse(self.locale).plural_form(count) == "one" else "other"
        return self(f"quality.skipped.{form}", n=self.number(count), reason=self(f"skip.{key}"))

    def plural(self, key: str, n: int, **values: object) -> str:
        """The label `<key>.<form>` for the count `n`, the form its language's plural rule gives (CLDR, by
        babel: `one` or `other` in English; `one` for 0 and 1 in French, `many` for whole millions), `{n}` in it
        formatted as a number; `<key>.other` when the catalogue has no label of that form."""
        form = Locale.parse(self.locale).plural_form(n)
        chosen = f"{key}.{form}" if self.has(f"{key}.{form}") else f"{key}.other"
        return self(chosen, n=self.number(n), **values)

    def number(self, value: float | int | None, decimals: int = 0) -> str:
        if value is None:
            return "–"
        pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, decimals: int = 0) -> str:
        if value is None:
            return "–"
        # The locale's own pattern keeps its spacing (`34 %` in French, `34%` in English).
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if decimals:
            pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals)
        return format_percent(value, format=pattern, locale=self.locale)

    def month(self, year: int, month: int) -> str:
        """`octobre 2021` / `October 2021`."""
        return format_date(date(year, month, 1), "LLLL y", locale=self.locale)

    def day(self, value: date) -> str:
        """`5 octobre 2021` / `5 October 2021`."""
        return format_date(value, "long", locale=self.locale)

    def short_day(self, value: date) -> str:
        """`5 oct. 2021` / `5 Oct 2021`."""
        return format_date(value, "medium", locale=self.locale)

    def month_initial(self, year: int, month: int) -> str:
        """The month's initial for a chart axis: `J`, `F`, `M`…"""
        return format_date(date(year, month, 1), "LLLLL", locale=self.locale)

    def month_abbr(self, year: int, month: int) -> str:
        """`oct.` / `Oct`."""
        return format_date(date(year, month, 1), "LLL", locale=self.locale)

    def has(self, key: str) -> bool:
        """Whether the catalogue has a label (for open-ended values such as an export's flags)."""
        return key in catalogue(self.lang)
