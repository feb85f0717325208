"""Jinja2 + WeasyPrint: one Environment factory, one `render()` entry point, and a fetcher that serves only
the project's own templates and assets (third-party text is data, never markup)."""

from __future__ import annotations

import logging
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
    return env


def render(template: str, context: Any, lang: str) -> str:
    """Render `template` with one document context (a frozen dataclass, reachable as `doc`)."""
    return environment(lang).get_template(template).render(doc=context)


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Serves only files under the templates folder; refuses every other URL (file:, http:, data:)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            root = templates_dir().resolve()
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
            log.debug("refused to fetch %s", url)
            raise FetchRefused(f"refused to fetch {url}")

    return ProjectFetcher()


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
    }.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class PdfOptions:
    """What makes two renders of the same document byte-identical."""

    identifier: bytes = b"ranking"


def write_pdf(html: str, target: Path) -> None:
    """Lay out `html` with WeasyPrint and write the PDF to `target`."""
    import weasyprint

    base = templates_dir().resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=_fetcher())
    document.write_pdf(target, pdf_identifier=PdfOptions().identifier)
