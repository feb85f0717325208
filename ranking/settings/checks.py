"""The rules a workspace's settings must follow beyond their types, checked when `ranking.toml` is read, so that
`validate` rejects what `run` and `send` would."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ranking.settings.model import (
    COLLECT_ACTORS,
    COLLECT_SERVICES,
    COMPANY_SECTIONS,
    LANGS,
    LOGO_SUFFIXES,
    MAX_WEIGHT,
    SOURCE_FIELDS,
    SOURCE_KINDS,
    Settings,
    Source,
    check_smtp,
)
from ranking.text.address import check_header_text, parse_address
from ranking.text.keywords import keyword_pattern, keyword_problem, normalise_domain
from ranking.text.patterns import check_patterns


def check_settings(settings: Settings) -> None:
    """Raise ValueError, naming the setting, on the first rule `settings` breaks (SETTINGS_RULES, in order)."""
    for rule in SETTINGS_RULES:
        rule(settings)


def check_timezone(settings: Settings) -> None:
    """scoring.timezone is a time zone of the tz database."""
    try:
        ZoneInfo(settings.scoring.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"scoring.timezone: unknown time zone {settings.scoring.timezone!r}") from None


def check_lang(settings: Settings) -> None:
    """report.lang is a language the documents are written in."""
    if settings.report.lang not in LANGS:
        raise ValueError(f"report.lang must be one of {', '.join(LANGS)}, not {settings.report.lang!r}")


def check_weights(settings: Settings) -> None:
    """Each weight of the influence is a finite number from 0 to MAX_WEIGHT."""
    for name in ("reactions", "comments", "shares", "engagements"):
        weight = getattr(settings.scoring, name)
        if weight < 0:
            raise ValueError(f"scoring.{name} must not be negative")
        if not math.isfinite(weight) or weight > MAX_WEIGHT:  # nan too: a sum with it is no ranking
            raise ValueError(f"scoring.{name} must be a number from 0 to {MAX_WEIGHT:,}, not {weight!r}")


def check_report_sizes(settings: Settings) -> None:
    """The leaderboard lists at least one of each; the badge's threshold is a share; counts are not negative."""
    for name in ("top_executives", "top_teams", "top_ceos"):
        if getattr(settings.report, name) < 1:
            raise ValueError(f"report.{name} must be at least 1")
    if not 0 < settings.report.collective_threshold <= 1:
        raise ValueError("report.collective_threshold must be above 0 and at most 1")
    for name in ("best_posts", "team_posts", "movers", "peer_leaders", "peer_neighbours"):
        if getattr(settings.report, name) < 0:
            raise ValueError(f"report.{name} must not be negative")


def check_input_limits(settings: Settings) -> None:
    """Each limit of [inputs] lets something through: a whole number of at least 1."""
    for name in settings.inputs.LIMITS:
        if getattr(settings.inputs, name) < 1:
            raise ValueError(f"inputs.{name} must be at least 1, not {getattr(settings.inputs, name)}")


def check_sections(settings: Settings) -> None:
    """report.sections names parts of the company report."""
    for i, section in enumerate(settings.report.sections):
        if section not in COMPANY_SECTIONS:
            known = ", ".join(COMPANY_SECTIONS)
            raise ValueError(f"report.sections[{i}]: {section!r} is not a part of the company report (known: {known})")


def check_min_posts(settings: Settings) -> None:
    """A median needs at least one post."""
    if settings.measures.min_posts < 1:
        raise ValueError(f"measures.min_posts must be at least 1, not {settings.measures.min_posts}")


def check_logo_suffix(settings: Settings) -> None:
    """report.logo is an image the documents can draw (whether the file exists: ranking.settings.files)."""
    if settings.report.logo and Path(settings.report.logo).suffix.lower() not in LOGO_SUFFIXES:
        raise ValueError(f"report.logo must be a {', '.join(LOGO_SUFFIXES)} file, not {settings.report.logo!r}")


def check_header_texts(settings: Settings) -> None:
    """report.publisher and report.title go into every message's From and Subject: no line break in them."""
    for text in settings.report.publisher.values():
        check_header_text(text, "report.publisher")
    for text in settings.report.title.values():
        check_header_text(text, "report.title")


def check_sender(settings: Settings) -> None:
    """smtp.sender, when set, is one address (RANKING_SMTP_FROM, which overrides it: ranking.settings.files)."""
    if settings.smtp.sender:
        try:
            parse_address(settings.smtp.sender)
        except ValueError as exc:
            raise ValueError(f"smtp.sender: {exc}") from None


def check_sources(settings: Settings) -> None:
    """Each `[[sources]]` mapping can be applied."""
    for number, source in enumerate(settings.sources):
        _validate_source(f"sources[{number}]", source)


def check_smtp_values(settings: Settings) -> None:
    """The [smtp] values' ranges (those of the environment's overrides: ranking.settings.files)."""
    check_smtp(settings.smtp)


def check_content(settings: Settings) -> None:
    """Keywords and names must be matchable: not blank, `*` only at the end of a word, domains with a dot."""
    for topic, keywords in settings.topics.items():
        if not topic.strip():
            raise ValueError("topics: a topic name must not be empty")
        if not keywords:
            raise ValueError(f"topics.{topic} must list at least one keyword")
        for i, keyword in enumerate(keywords):
            if reason := keyword_problem(keyword):
                raise ValueError(f"topics.{topic}[{i}]: {reason}")
        if reason := check_patterns([keyword_pattern(k) for k in keywords]):
            raise ValueError(f"topics.{topic}: {reason}")
    for i, term in enumerate(settings.compliance.watchlist):
        if reason := keyword_problem(term):
            raise ValueError(f"compliance.watchlist[{i}]: {reason}")
    for i, handle in enumerate(settings.tone.sector_handles):
        if not handle.strip().lstrip("@").strip():
            raise ValueError(f"tone.sector_handles[{i}] must not be empty")
    for i, domain in enumerate(settings.tone.sector_domains):
        if "." not in normalise_domain(domain).strip("."):
            raise ValueError(f"tone.sector_domains[{i}]: {domain!r} is not a web domain (e.g. leem.org)")


def check_collect(settings: Settings) -> None:
    """[collect] names a known service and actors of the right platform, each with a price; sizes are positive."""
    collect = settings.collect
    if collect.service not in COLLECT_SERVICES:
        raise ValueError(f"collect.service must be one of {', '.join(COLLECT_SERVICES)}, not {collect.service!r}")
    for name, platform in (("linkedin_actor", "linkedin"), ("x_actor", "x")):
        actor = getattr(collect, name)
        if actor not in COLLECT_ACTORS[platform]:
            known = ", ".join(COLLECT_ACTORS[platform])
            raise ValueError(f"collect.{name}: {actor!r} is not an actor `ranking collect` can start (known: {known})")
        price = collect.price_per_1000_items_usd.get(actor)
        if price is None:
            raise ValueError(f"collect.price_per_1000_items_usd has no price for {actor!r} (the cost cap needs one)")
    for actor, price in collect.price_per_1000_items_usd.items():
        if not math.isfinite(price) or price < 0:
            raise ValueError(f"collect.price_per_1000_items_usd.{actor} must be a number of dollars, not {price!r}")
    for name in ("max_items", "profiles_per_run"):
        if getattr(collect, name) < 1:
            raise ValueError(f"collect.{name} must be at least 1, not {getattr(collect, name)}")
    if collect.refresh_months < 0:
        raise ValueError(f"collect.refresh_months must not be negative, not {collect.refresh_months}")
    if not math.isfinite(collect.max_cost_usd) or collect.max_cost_usd < 0:
        raise ValueError(f"collect.max_cost_usd must be a number of dollars, not {collect.max_cost_usd!r}")
    if not math.isfinite(collect.deadline_minutes) or collect.deadline_minutes <= 0:
        raise ValueError(f"collect.deadline_minutes must be more than 0, not {collect.deadline_minutes!r}")


def _validate_source(name: str, source: Source) -> None:
    if not source.pattern.strip():
        raise ValueError(f"{name}.pattern must name the files it maps, e.g. 'scraper_*.csv'")
    if not source.columns:
        raise ValueError(f'{name}.columns must map at least one column, e.g. {{ likeCount = "reactions" }}')
    for column, target in source.columns.items():
        if not isinstance(target, str) or target not in SOURCE_FIELDS:
            raise ValueError(f"{name}.columns.{column}: {target!r} is not a field (known: {', '.join(SOURCE_FIELDS)})")
    if source.platform not in ("", "linkedin", "x"):
        raise ValueError(f"{name}.platform must be linkedin or x, not {source.platform!r}")
    if source.timezone:
        try:
            ZoneInfo(source.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name}.timezone: unknown time zone {source.timezone!r}") from None
    if source.repost_pattern:
        if not source.repost_field:
            raise ValueError(f"{name}.repost_pattern needs the repost_field it is matched on")
        try:
            re.compile(source.repost_pattern)
        except re.error as exc:
            raise ValueError(f"{name}.repost_pattern is not a regular expression: {exc}") from None
    for value, kind in source.kinds.items():
        if kind not in SOURCE_KINDS:
            raise ValueError(f"{name}.kinds.{value}: {kind!r} must be one of {', '.join(SOURCE_KINDS)}")


#: Every rule of the settings' values, in the order they are checked (the first broken one is reported), as
#: before: the values of the documents, then the content's keywords, then the delivery's.
SETTINGS_RULES: tuple[Callable[[Settings], None], ...] = (
    check_timezone,
    check_lang,
    check_weights,
    check_report_sizes,
    check_input_limits,
    check_sections,
    check_min_posts,
    check_logo_suffix,
    check_sources,
    check_content,
    check_smtp_values,
    check_header_texts,
    check_sender,
    check_collect,
)


#: The settings a reader sees, printed in the documents' language (`Text`).
READER_TEXTS = ("title", "subtitle", "sector", "publisher")
LANG_NAMES = {"fr": "French", "en": "English"}


def untranslated(settings: Settings, lang: str) -> list[str]:
    """Warnings for the texts of the documents the settings do not give in `lang` (a document in `lang` would
    print them in another language): one per setting, naming it and saying how to give both."""
    out = []
    for name in READER_TEXTS:
        text = getattr(settings.report, name)
        if text.missing(lang, settings.report.lang):
            out.append(
                f"report.{name} is not given in {LANG_NAMES[lang]}: the {LANG_NAMES[lang]} documents print "
                f'{text.get(lang)!r}; give it in both languages, {name} = {{ fr = "…", en = "…" }}'
            )
    return out
