"""Jinja2 + WeasyPrint: one Environment factory, one `render()` entry point, and a fetcher that serves only
the project's own templates and assets (third-party text is data, never markup)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2

from ranking.i18n import Translator
from ranking.resources import templates_dir

log = logging.getLogger(__name__)


class FetchRefused(Exception):
    """Raised by the URL fetcher for anything outside the project's templates folder."""


def environment(lang: str) -> jinja2.Environment:
    """The Jinja environment of one language: autoescape always on, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    t = Translator(lang)
    env.globals["t"] = t
    env.filters["num"] = t.number
    env.filters["pct"] = t.percent
    env.filters["day"] = t.day
    env.filters["short_day"] = t.short_day
    return env


def render(template: str, context: Any, lang: str) -> str:
    """Render `template` with one document context (a frozen dataclass, reachable as `doc`)."""
    return environment(lang).get_template(template).render(doc=context)


def allowed(url: str, assets: Iterable[Path] = ()) -> Path | None:
    """The local file `url` names when the renderer may read it (a file of templates/ or one of `assets`)."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parsed.path)).resolve()
    if path.is_relative_to(templates_dir().resolve()) or path in {a.resolve() for a in assets}:
        return path if path.is_file() else None
    return None


def _fetcher(assets: Iterable[Path] = ()) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    extra = tuple(assets)

    class ProjectFetcher(URLFetcher):
        """Serves only files under the templates folder and the run's own assets (the publisher's logo);
        refuses every other URL (other files, http:, data:)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = allowed(url, extra)
            if path is not None:
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
            log.debug("refused to fetch %s", url)
            raise FetchRefused(f"refused to fetch {url}")

    return ProjectFetcher()


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
    }.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class PdfOptions:
    """What makes two renders of the same document byte-identical: an identifier derived from the document
    itself (the dates come from the `dcterms.*` meta tags of the templates, set from the period)."""

    identifier: bytes

    @classmethod
    def of(cls, html: str) -> PdfOptions:
        return cls(hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii"))


def write_pdf(html: str, target: Path, assets: Iterable[Path] = (), fetcher: Any = None) -> int:
    """Lay out `html` with WeasyPrint, write the PDF to `target` and return its number of pages.

    `assets` are the only files outside templates/ the renderer may read (the publisher's logo)."""
    import weasyprint

    base = templates_dir().resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher or _fetcher(assets)).render()
    document.write_pdf(target, pdf_identifier=PdfOptions.of(html).identifier)
    return len(document.pages)
