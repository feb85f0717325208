"""`.ci/system-deps`: `make demo` installs only what the demo needs (the PDFs' libraries and fonts), the browser
tests and the screenshots Chromium too (`--browser`). Run against stand-ins of dpkg-query and apt-get that report
every package missing and record what they are asked to install."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / ".ci" / "system-deps"


def installed(tmp_path: Path, *args: str) -> list[str]:
    """The packages the script asks apt-get to install, with nothing installed (as root)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "apt.log"
    (bin_ / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (bin_ / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    (bin_ / "id").write_text("#!/bin/sh\necho 0\n")
    for tool in bin_.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", str(SCRIPT), *args], check=True, env=env, capture_output=True)
    lines = log.read_text().splitlines() if log.exists() else []
    return [word for line in lines if line.startswith("install") for word in line.split()[3:]]


def test_the_demo_installs_no_browser(tmp_path: Path) -> None:
    packages = installed(tmp_path)
    assert "poppler-utils" in packages and "libpango-1.0-0" in packages
    assert "chromium" not in packages


def test_the_tests_and_the_screenshots_install_chromium(tmp_path: Path) -> None:
    assert "chromium" in installed(tmp_path, "--browser")


@pytest.mark.parametrize(("target", "browser"), [("demo", False), ("test", True), ("screenshots", True)])
def test_each_make_target_asks_for_what_it_needs(target: str, browser: bool) -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    needs = re.search(rf"^{target}:(.*)$", makefile, flags=re.M)
    assert needs, target
    assert ("system-browser" in needs.group(1).split()) == browser
    assert "system" in needs.group(1).split() or browser
