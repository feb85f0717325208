"""Finding the export files of a workspace without being led astray: special files (a FIFO would block the run
forever, a device never ends) are skipped with a warning and never opened; a link that leaves the workspace is
refused unless the settings allow it (`[inputs] allow_links_outside`); a broken link is a problem; every link
followed is told, with its target, so that the manifest says what was read."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ranking.errors import Problem

_KINDS = {
    stat.S_IFIFO: "named pipe (FIFO)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


@dataclass
class Walk:
    """What the walk found: the files with the executive their folder names, and what it refused or skipped."""

    files: list[tuple[Path, str | None]] = field(default_factory=list)
    links: dict[Path, str] = field(default_factory=dict)  # a file read through a link -> where it really is
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def walk_exports(root: Path, allow_outside: bool = False) -> Walk:
    """Every regular export file under `root/exports/`, in a stable order (folder by folder, names sorted)."""
    found = Walk()
    exports = root / "exports"
    base = Path(os.path.realpath(root))
    if not exports.is_dir():
        return found
    visited = {os.path.realpath(exports)}
    if not _allowed(exports, root, base, allow_outside, found):
        return found
    for entry in sorted(exports.iterdir()):
        if entry.name.startswith("."):
            continue
        kind = _kind(entry, root, base, allow_outside, found)
        if kind == "dir":
            files: list[Path] = []
            _walk(entry, root, base, allow_outside, found, visited, files)
            found.files += [(p, entry.name) for p in sorted(files, key=lambda p: (str(p.parent), p.name))]
        elif kind == "file":
            found.files.append((entry, None))
    return found


def _shown(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _allowed(path: Path, root: Path, base: Path, allow_outside: bool, found: Walk) -> bool:
    real = Path(os.path.realpath(path))
    if real.is_relative_to(base) or allow_outside:
        return True
    found.problems.append(
        Problem(
            _shown(root, path),
            f"a link to {real}, outside the workspace: not read (set [inputs] allow_links_outside = true to allow it)",
        )
    )
    return False


def _kind(path: Path, root: Path, base: Path, allow_outside: bool, found: Walk) -> str | None:
    """'dir', 'file' or None (skipped: told in `found`)."""
    shown = _shown(root, path)
    try:
        mode = os.stat(path).st_mode  # follows links: what would be read
    except FileNotFoundError:
        target = os.readlink(path) if path.is_symlink() else "?"
        found.problems.append(Problem(shown, f"a broken link (to {target}, which does not exist)"))
        return None
    except OSError as exc:
        found.problems.append(Problem(shown, f"cannot be read ({exc.strerror or exc})"))
        return None
    if not _allowed(path, root, base, allow_outside, found):
        return None
    real = Path(os.path.realpath(path))
    # read through a link (of the file or of a folder above it) when it is not where its name says
    if (
        not path.is_relative_to(root)
        or not real.is_relative_to(base)
        or real.relative_to(base) != path.relative_to(root)
    ):
        found.links[path] = str(real)
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    found.warnings.append(f"{shown}: a {_KINDS.get(stat.S_IFMT(mode), 'special file')}, skipped (never opened)")
    return None


def _walk(
    folder: Path, root: Path, base: Path, allow_outside: bool, found: Walk, visited: set[str], files: list[Path]
) -> None:
    real = os.path.realpath(folder)
    if real in visited:  # a link back up the tree: walking on would never end
        found.warnings.append(f"{_shown(root, folder)}: a link to a folder already read ({real}), skipped")
        return
    visited.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        found.problems.append(Problem(_shown(root, folder), f"cannot be read ({exc.strerror or exc})"))
        return
    for entry in entries:
        kind = (
            _kind(entry, root, base, allow_outside, found) if not entry.name.startswith(".") or _is_dir(entry) else None
        )
        if kind == "dir":
            _walk(entry, root, base, allow_outside, found, visited, files)
        elif kind == "file":
            files.append(entry)


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()
