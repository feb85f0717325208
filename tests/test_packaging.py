"""`pip install .` ships the templates: the wheel holds every file of templates/, and an installed copy renders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what the package is made of: setuptools builds in the source folder (build/,
    # *.egg-info), so two test workers building the checkout at once would collide, and a stale build/ of the
    # checkout could hand the wheel a file the sources no longer have.
    source = out / "source"
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")  # the build compiles the catalogues
    for folder in ("ranking", "templates"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignored)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("ranking-*.whl"))


def test_wheel_holds_every_template_file(wheel: Path) -> None:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        "ranking/templates/" + p.relative_to(REPO / "templates").as_posix()
        for p in (REPO / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".mo"
    }
    assert wanted, "templates/ is empty"
    assert wanted <= shipped, sorted(wanted - shipped)


def test_wheel_ships_each_catalogue_compiled(wheel: Path) -> None:
    import io

    from babel.messages.mofile import read_mo

    archive = zipfile.ZipFile(wheel)
    for lang in ("fr", "en"):
        name = f"ranking/templates/locale/{lang}/LC_MESSAGES/messages.mo"
        assert name in archive.namelist(), name
        compiled = read_mo(io.BytesIO(archive.read(name)))
        assert "cover.period" in compiled and compiled["cover.period"].string, lang


def test_installed_copy_renders_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    env.pop("PYTHONSAFEPATH", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import ranking.resources as r; print(r.templates_dir())"],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(target)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ranking",
            "run",
            "-w",
            str(REPO / "fixtures" / "demo"),
            "-p",
            "2021-10",
            "-o",
            "out",
            "-q",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "out" / "2021-10" / "leaderboard.pdf").stat().st_size > 10_000
