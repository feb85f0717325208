"""Post texts render whole in the PDFs: emoji, flags, CJK and right-to-left scripts find a font (the system
fonts of .ci/system-deps), and the emoji font embedded is stamped with a fixed time (byte-identical re-renders)."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from fontTools.misc.timeTools import epoch_diff
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from ranking.cli import cli
from tests.workspaces import person, post, workspace

TEXT = "Lancement à Lyon 🚀🇫🇷 avec nos partenaires de Tokyo 東京 et de Tel-Aviv תל אביב"


def embedded_fonts(pdf: Path) -> dict[str, bytes]:
    """The fonts a PDF embeds: base name (without the subset tag) -> font file."""
    found: dict[str, bytes] = {}
    for page in PdfReader(pdf).pages:
        for ref in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            files = [descriptor.get_object().get(k) for k in ("/FontFile2", "/FontFile3")] if descriptor else []
            data = next((f.get_object().get_data() for f in files if f is not None), b"")
            found[str(font["/BaseFont"]).split("+", 1)[-1]] = data
    return found


def test_emoji_flags_cjk_and_hebrew_are_drawn_with_fonts_that_have_them(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)],
                     [post("7100000000000000001", "ana", "2021-10-05T08:00:00Z", 50, 3, 1, text=TEXT)])  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    fonts = embedded_fonts(out / "2021-10" / "companies" / "acme.pdf")
    assert "Noto-Color-Emoji" in fonts
    assert any("CJK" in name for name in fonts)
    # Hebrew: Source Sans has none of it; a font with Hebrew letters is embedded for it
    others = [TTFont(io.BytesIO(data)) for name, data in fonts.items() if not name.startswith("Source-Sans")]
    assert any(0x05D0 in (f.getBestCmap() or {}) for f in others)  # א
    emoji = TTFont(io.BytesIO(fonts["Noto-Color-Emoji"]))
    assert emoji["head"].modified == 1609459200 - epoch_diff  # the fixed SOURCE_DATE_EPOCH, not the render's time
