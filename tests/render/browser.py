"""Headless Chromium (Debian's `chromium`, installed by .ci/system-deps) on a local file, offline: the DOM after the
page's scripts ran, and screenshots. `python -m tests.render.browser` writes the screenshots of docs/screenshots/."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: No network, no sync, no first-run, no background traffic; every host name resolves to nothing.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
TIMEOUT = 90


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(args: list[str], url: str) -> str:
    executable = chromium()
    if executable is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [executable, *FLAGS, f"--user-data-dir={profile}", *args, url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
    return done.stdout


def without_scripts(page: Path, target: Path) -> Path:
    """A copy of the page without its <script> elements: the page as a browser with JavaScript off shows it
    (headless Chromium needs JavaScript itself to dump, print or photograph a page, so it cannot be turned off)."""
    html = page.read_text(encoding="utf-8")
    stripped = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S | re.I)
    assert "<script" not in stripped.lower()
    target.write_text(stripped, encoding="utf-8")
    return target


def dom(page: Path, fragment: str = "") -> str:
    """The page's DOM as serialised after its load (its scripts have run), opened with `#fragment`."""
    return _run(["--dump-dom"], page.resolve().as_uri() + (f"#{fragment}" if fragment else ""))


def printed(page: Path, target: Path) -> Path:
    """The page printed to PDF (its print stylesheet), as a reader's browser prints it."""
    _run(["--no-pdf-header-footer", f"--print-to-pdf={target.resolve()}"], page.resolve().as_uri())
    return target


#: Headless Chromium lays its window out at least 500 pixels wide, whatever --window-size says: a 390-pixel
#: screenshot was a 500-pixel layout cropped. Below this width the page is shown in an iframe of the exact width,
#: which lays it out (media queries included) at that width.
NARROWEST_WINDOW = 500


def framed(page: Path, target: Path, width: int, height: int, probe: str = "") -> Path:
    """A page that shows `page` in an iframe of `width` × `height` CSS pixels at its top left corner (as `srcdoc`:
    the same origin as the frame, so that `probe`, a script of the frame, can read its layout)."""
    inner = html.escape(page.read_text(encoding="utf-8"), quote=True)
    target.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html, body { margin: 0; overflow: hidden; } '
        "iframe { border: 0; display: block; }</style></head><body>"
        f'<iframe id="page" width="{width}" height="{height}" srcdoc="{inner}"></iframe>{probe}</body></html>',
        encoding="utf-8",
    )
    return target


def screenshot(page: Path, target: Path, width: int, height: int, fragment: str = "") -> Path:
    """A PNG of the page's first `height` pixels, laid out `width` pixels wide (in a frame of that width when it
    is narrower than Chromium's narrowest window)."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    if width < NARROWEST_WINDOW:
        assert not fragment, "a framed page has no address of its own"
        holder = framed(page, target.with_suffix(".frame.html"), width, height)
        url = holder.resolve().as_uri()
    try:
        _run([f"--window-size={width},{height}", f"--screenshot={target.resolve()}"], url)
    finally:
        target.with_suffix(".frame.html").unlink(missing_ok=True)
    return target


#: Read in the frame once everything is laid out: its width, how wide the page is (wider: it scrolls sideways),
#: the height of every row of each ranking table, and the names of the trend cards cut short.
PROBE = """<script>
window.addEventListener("load", function () {
  var w = document.getElementById("page").contentWindow, d = w.document;
  var out = {width: w.innerWidth, page_width: d.documentElement.scrollWidth, rows: {}, cut: [], visible: {}};
  Array.prototype.forEach.call(d.querySelectorAll("table.ranking"), function (t) {
    var box = t.parentNode.getBoundingClientRect();
    out.rows[t.id] = Array.prototype.map.call(t.tBodies[0].rows, function (r) {
      return Math.round(r.getBoundingClientRect().height * 10) / 10;
    });
    out.visible[t.id] = Array.prototype.filter.call(t.tHead.rows[0].cells, function (c) {
      return c.getBoundingClientRect().right <= box.right + 0.5;
    }).map(function (c) { return c.className; });
  });
  Array.prototype.forEach.call(d.querySelectorAll(".mult-name"), function (e) {
    if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) out.cut.push(e.textContent);
  });
  document.body.setAttribute("data-layout", JSON.stringify(out));
});
</script>"""


def layout(page: Path, width: int, height: int = 900) -> dict:
    """How the page lays out `width` pixels wide (PROBE): its width and scrolled width, each ranking table's row
    heights and the classes of the columns shown before it scrolls, the trend titles cut short."""
    with tempfile.TemporaryDirectory(prefix="layout-") as tmp:
        holder = framed(page, Path(tmp) / "frame.html", width, height, PROBE)
        window = max(width, NARROWEST_WINDOW)
        found = re.search(
            r'data-layout="([^"]*)"', _run([f"--window-size={window},{height}", "--dump-dom"], holder.as_uri())
        )
    assert found, "the probe did not run"
    return json.loads(html.unescape(found.group(1)))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


#: The screenshots of the README: a phone and a desktop, both languages.
SHOTS = {"phone": (390, 1500), "desktop": (1280, 1100)}
#: The company report page of the README's emoji picture: the team whose posts carry emoji, flags, CJK and Hebrew.
EMOJI_COMPANY = "vireo"


def _page_png(pdf: Path, needle: str, target: Path) -> None:
    """The first page of `pdf` whose text holds `needle`, as a PNG at 70 dpi (pdftoppm)."""
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        ).group(1)
    )  # type: ignore[union-attr]
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        if needle in text:
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                            str(target.with_suffix(""))], check=True)  # fmt: skip
            return
    raise RuntimeError(f"{pdf}: no page holds {needle!r}")


def main(docs: Path) -> None:
    """The demo's pictures of the README, made again from the code as it is: its web page at a phone's and a
    desktop's width in both languages (docs/screenshots/), the company report page with emoji
    (docs/company-report-emoji.png), and docs/screenshots/MADE.md, which says when and from which commit."""
    from datetime import UTC, datetime

    from ranking import __version__
    from ranking.load.workspace import load_workspace
    from ranking.period import Period
    from ranking.pipeline import compute
    from ranking.render.environment import render
    from ranking.render.pdf import write_pdf
    from ranking.render.web import write_leaderboard_page
    from ranking.report.company import iter_company_contexts
    from ranking.report.leaderboard import leaderboard_context

    repo = Path(__file__).resolve().parent.parent.parent
    shots = docs / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    period = Period(2021, 10)
    data = compute(load_workspace(repo / "fixtures" / "demo"), period).report
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("fr", "en"):
            page = Path(tmp) / f"leaderboard-{lang}.html"
            write_leaderboard_page(leaderboard_context(data, lang), page, data.logo)
            for name, (width, height) in SHOTS.items():
                target = shots / f"leaderboard-{lang}-{name}-{width}.png"
                screenshot(page, target, width, height)
                made.append(f"- `{target.relative_to(docs.parent)}`: leaderboard.html ({lang}), {width} × {height} px")
        report = next(iter_company_contexts(data, "fr", [EMOJI_COMPANY]))
        pdf = Path(tmp) / f"{EMOJI_COMPANY}.pdf"
        write_pdf(render("company.html", report, "fr"), pdf, (data.logo,) if data.logo else ())
        target = docs / "company-report-emoji.png"
        _page_png(pdf, "Tokyo", target)
        made.append(
            f"- `{target.relative_to(docs.parent)}`: companies/{EMOJI_COMPANY}.pdf (fr), its page of posts, 70 dpi"
        )
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    source = f"commit {commit.stdout.strip()}" if commit.returncode == 0 else "a copy without git history"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    (shots / "MADE.md").write_text(
        f"# The demo's pictures\n\nMade by `make screenshots` on {when}, from {source} (ranking {__version__}), "
        f"on the demo workspace (fixtures/demo/) for {period}; headless Chromium for the web page, WeasyPrint and "
        "pdftoppm for the report page:\n\n" + "\n".join(made) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent.parent / "docs")
