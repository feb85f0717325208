"""`--quiet` prints nothing but errors: the PDF libraries' font warnings included, in workers too."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from ranking.render.pool import QUIET_LOGGERS, _initialise
from tests.workspaces import person, post, workspace

#: The CLI with a renderer that logs a font warning at each document, as WeasyPrint does for a font it cannot
#: subset (rendering in this process: --jobs 1).
NOISY = """
import logging, sys
import ranking.render.pool as parallel
original = parallel.write_pdf
def noisy(*args, **kwargs):
    logging.getLogger("weasyprint").warning('Unable to subset "Noto Color Emoji" with HarfBuzz')
    return original(*args, **kwargs)
parallel.write_pdf = noisy
from ranking.cli import cli
cli(sys.argv[1:])
"""


def test_quiet_silences_the_pdf_libraries_warnings(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", [person("ana", "acme", ceo=True)],
                     [post("7100000000000000001", "ana", "2021-10-05T08:00:00Z", 5, text="Salut 🇫🇷 🚀")])  # fmt: skip
    script = tmp_path / "noisy.py"
    script.write_text(NOISY, encoding="utf-8")
    base = [sys.executable, str(script), "run", "-w", str(root), "-p", "2021-10", "-j", "1"]
    loud = subprocess.run([*base, "-o", str(tmp_path / "a")], capture_output=True, text=True, check=True)
    assert "Unable to subset" in loud.stderr
    quiet = subprocess.run([*base, "-o", str(tmp_path / "b"), "-q"], capture_output=True, text=True, check=True)
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_workers_take_the_levels_of_the_main_process() -> None:
    before = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    try:
        _initialise(dict.fromkeys(QUIET_LOGGERS, logging.ERROR))
        assert not any(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in QUIET_LOGGERS)
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
