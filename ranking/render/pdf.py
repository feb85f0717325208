"""WeasyPrint: the print stylesheet and fonts parsed once per process, a URL fetcher that serves only the project's
own templates and assets, and byte-identical PDFs (third-party text is data, never markup)."""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from ranking.resources import templates_dir

log = logging.getLogger(__name__)

# WeasyPrint saves a colour emoji font (Noto Color Emoji) anew with fontTools before embedding it, which stamps
# the font with the time of the render unless SOURCE_DATE_EPOCH says which: a fixed one keeps re-renders
# byte-identical (a user's own SOURCE_DATE_EPOCH is kept; spawned workers inherit it).
os.environ.setdefault("SOURCE_DATE_EPOCH", "1609459200")


class FetchRefused(Exception):
    """Raised by the URL fetcher for anything outside the project's templates folder."""


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


#: Every PDF is tagged and declared PDF/UA-1 (ISO 14289-1): the structure tree of headings, tables with their
#: header cells, figures with their text alternatives (the charts' SVG <title>), the document language and title.
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfOptions:
    """What makes two renders of the same document byte-identical: an identifier derived from the document
    itself (the dates come from the `dcterms.*` meta tags of the templates, set from the period); and the
    accessible variant every document is written in."""

    identifier: bytes
    variant: str = PDF_VARIANT

    @classmethod
    def of(cls, html: str) -> PdfOptions:
        return cls(hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii"))


#: The print stylesheet of every document (the templates do not link it: it is parsed once per process).
STYLESHEET = "print.css"


def _stylesheet(fetcher: Any) -> tuple[Any, Any]:
    """The print stylesheet parsed through `fetcher`, with the font configuration holding its @font-face fonts."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    url = (templates_dir().resolve() / STYLESHEET).as_uri()
    return weasyprint.CSS(url=url, url_fetcher=fetcher, font_config=fonts), fonts


@cache
def _shared_stylesheet() -> tuple[Any, Any]:
    """The stylesheet and fonts every document of this process shares: parsing the stylesheet and loading its fonts
    once, and keeping Pango's font caches warm from one document to the next, saves a tenth of a company report."""
    return _stylesheet(_fetcher())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one document is laid out and written, then run once on the
    youngest generation, which holds every object the document made and left (nothing was promoted meanwhile).

    WeasyPrint makes millions of small objects per document and keeps most of them until the PDF is written, so the
    collector's automatic passes scan the same live boxes again and again: 13 % of a company report's CPU, for about
    2 MiB more peak memory (measured on 30 reports of the 200-company benchmark workspace). A caller that paused the
    collector itself keeps it paused."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


class _CharacterRegexes(dict[tuple[frozenset[str], bool], "re.Pattern[str]"]):
    """tinyhtml5's cache of the expression that scans up to one of a set of characters, filled on lookup.

    tinyhtml5 2.1 looks the expression up by its set of characters but stores it under the compiled expression
    (`characters = cache[(characters, opposite)] = regex` rebinds `characters` first), so it builds the expression
    anew on each of the tens of thousands of calls a report makes: 3 % of its CPU. Building the missing entry on
    lookup, exactly as tinyhtml5 builds it, makes the cache hit; its own store still happens and is harmless."""

    def __missing__(self, key: tuple[frozenset[str], bool]) -> re.Pattern[str]:
        characters, opposite = key
        body = "".join([f"\\x{ord(character):02x}" for character in characters])
        pattern = self[key] = re.compile(f"[{body}]+" if opposite else f"[^{body}]+")
        return pattern


def mend_html_parser() -> None:
    """Make tinyhtml5's regular-expression cache work (see `_CharacterRegexes`); a no-op once done, or when its
    module no longer has that cache."""
    try:
        from tinyhtml5 import inputstream
    except ImportError:  # pragma: no cover - WeasyPrint always brings it
        return
    cache = getattr(inputstream, "characters_until_regex", None)
    if type(cache) is dict:
        inputstream.characters_until_regex = _CharacterRegexes(cache)


def warm_up() -> None:
    """Import WeasyPrint, parse the stylesheet, load its fonts and write a one-line PDF: what the first document of
    a process pays on top of its own layout (a second or more), done by a worker before it is handed documents."""
    write_pdf('<html lang="fr"><title>Octobre</title><p>Octobre 2021 · 12 345 <b>é</b></p></html>', io.BytesIO())


def write_pdf(html: str, target: Path | BinaryIO, assets: Iterable[Path] = (), fetcher: Any = None) -> int:
    """Lay out `html` with WeasyPrint, write the PDF to `target` and return its number of pages.

    `assets` are the only files outside templates/ the renderer may read (the publisher's logo). A `fetcher` given
    (tests record what is fetched) reads the stylesheet and fonts too; otherwise they are the process's shared ones."""
    mend_html_parser()
    stylesheet, fonts = _shared_stylesheet() if fetcher is None else _stylesheet(fetcher)
    with collector_paused():  # the document's objects are gone when `_lay_out` returns: the collection frees them
        return _lay_out(html, target, stylesheet, fonts, fetcher or _fetcher(assets))


def _lay_out(html: str, target: Path | BinaryIO, stylesheet: Any, fonts: Any, fetcher: Any) -> int:
    import weasyprint

    base = templates_dir().resolve().as_uri() + "/"
    page = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
    document = page.render(stylesheets=[stylesheet], font_config=fonts)
    options = PdfOptions.of(html)
    document.write_pdf(target, pdf_identifier=options.identifier, pdf_variant=options.variant)
    return len(document.pages)
