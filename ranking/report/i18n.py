"""Every text a reader sees, in French or English: gettext message catalogues (templates/locale/), numbers, percents
and dates formatted by Babel.

The catalogues are `templates/locale/<lang>/LC_MESSAGES/messages.po`, one per language, compiled to `messages.mo`
when the package is built (setup.py) or by `make i18n`; a checkout without a compiled catalogue (or with one older
than its .po) compiles the .po in memory, so an edit of a .po shows at the next run.

Message ids are symbolic keys (`cover.period`, `quality.no_counts`) translated in both languages, so that a key
built at run time (`t("tone." ~ tone)`) works and a call site never changes with the wording. Placeholders are
gettext's python-format (`%(month)s`); a plural entry (msgid_plural) is read with `plural(key, n)`, whose `%(n)s`
is the count formatted for the language. docs/architecture.md has the recipe to add a label."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from ranking.resources import templates_dir
from ranking.text.phrase import Phrase

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DOMAIN = "messages"


def catalogue_path(lang: str, suffix: str = ".po") -> Path:
    """The catalogue of one language: templates/locale/<lang>/LC_MESSAGES/messages.po (or .mo)."""
    return templates_dir() / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of one language: its .mo when it is up to date, else its .po compiled in memory."""
    if lang not in LOCALES:
        raise KeyError(f"no catalogue for the language {lang!r} (known: {', '.join(LOCALES)})")
    po, mo = catalogue_path(lang), catalogue_path(lang, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The singular messages of one language, key -> text (plural entries are read with `Translator.plural`)."""
    # GNUTranslations keeps its messages in `_catalog` (plural forms under (key, index)); gettext() alone cannot
    # tell a missing label from one whose text is its key.
    return {k: v for k, v in translations(lang)._catalog.items() if isinstance(k, str) and k}


@cache
def plurals(lang: str) -> frozenset[str]:
    """The keys of the plural entries of one language."""
    return frozenset(k[0] for k in translations(lang)._catalog if isinstance(k, tuple))


@dataclass(frozen=True)
class Translator:
    """Labels and number/date formats of one language, as the templates (`t`, `tn`) and the code use them."""

    lang: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        """The message `key`, its `%(name)s` placeholders filled with `values`."""
        text = catalogue(self.lang).get(key)
        if text is None:
            raise KeyError(f"label {key!r} is missing from the {self.lang} catalogue")
        return text % values

    def of(self, family: str, member: str, **values: object) -> str:
        """The label of one member of a family of keys built at run time (`of("scope", "ytd")`: `scope.ytd`),
        each declared in ranking.report.labels so that `pybabel extract` keeps it."""
        return self(f"{family}.{member}", **values)

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """The plural entry `key` in the form `count` takes in the language (`1 publication`, `2 publications`;
        French: `0 publication`), its `%(n)s` being `count` formatted (`1 200`, `1,200`) unless `values` give `n`."""
        if key not in plurals(self.lang):
            raise KeyError(f"plural label {key!r} is missing from the {self.lang} catalogue")
        text = translations(self.lang).ngettext(key, key, int(count))
        return text % {"n": self.number(count), **values}

    def say(self, text: str) -> str:
        """What a loader said about a file (a format's name, a remark), in this language: a `Phrase` through its
        label, any other text as it is."""
        if not isinstance(text, Phrase):
            return text
        # a tuple of phrases is a sum (`3 posts + 1 repost`): its terms are joined by " + "
        values = {
            k: " + ".join(self.say(x) for x in v) if isinstance(v, tuple) else self.say(v) if isinstance(v, str) else v
            for k, v in text.values.items()
        }
        if text.n is not None:
            return self.plural(text.key, text.n, **values)
        return self(text.key, **values)

    def number(self, value: float | int | None, decimals: int = 0) -> str:
        """`value` with `decimals` decimals at most: trailing zeros dropped (`601`, never `601,0`; `13,6`)."""
        if value is None:
            return "–"
        pattern = "#,##0" if decimals == 0 else "#,##0." + "#" * decimals
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, decimals: int = 0) -> str:
        """`value` (a fraction) as a percentage with `decimals` decimals at most, the locale's spacing kept
        (`34 %` in French, `34%` in English)."""
        if value is None:
            return "–"
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if decimals:
            pattern = pattern.replace("#,##0", "#,##0." + "#" * decimals)
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
        return key in catalogue(self.lang) or key in plurals(self.lang)
