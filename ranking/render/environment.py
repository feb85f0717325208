"""Jinja2: one Environment factory (one per language and process) and one `render()` entry point for every
document and e-mail. Autoescape is always on: third-party text is data, never markup."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from ranking.report.i18n import Translator, translations
from ranking.resources import templates_dir
from ranking.text.safe import isolate


@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja environment of one language: autoescape always on, undefined names are errors.

    One per language and process: it keeps the compiled templates, which would otherwise be parsed and
    compiled again for every document (a seventh of a company report's time)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # every value printed is isolated: a bidi control in a name cannot reorder the text around it
        finalize=lambda value: isolate(value) if type(value) is str else value,
        extensions=["jinja2.ext.i18n"],
    )
    # gettext's own functions (`_`, `gettext`, `ngettext`, newstyle: `_("key", name=x)`) read the same catalogue as
    # `t` (a label) and `tn` (a plural label, `tn("key", n)`), which the templates use: see ranking.report.i18n.
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    t = Translator(lang)
    env.globals["t"] = t
    env.globals["tn"] = t.plural
    env.filters["num"] = t.number
    env.filters["say"] = t.say
    env.filters["pct"] = t.percent
    env.filters["day"] = t.day
    env.filters["short_day"] = t.short_day
    return env


def render(template: str, context: Any, lang: str) -> str:
    """Render `template` with one document context (a frozen dataclass, reachable as `doc`)."""
    return environment(lang).get_template(template).render(doc=context)
