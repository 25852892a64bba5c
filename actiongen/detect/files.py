"""Walking a repository the way detection needs: bounded, skipping vendored and build trees."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

#: Directories that never hold the project's own manifests or sources.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "vendor", "target", "build", "dist", "out",
    ".venv", "venv", "env", ".tox", ".nox", "__pycache__", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", ".next", ".nuxt", ".output", ".svelte-kit", ".gradle", ".idea",
    ".vscode", "coverage", "tmp", "log", "logs", "third_party", "bower_components",
})


def walk_files(top: Path, suffixes: tuple[str, ...], limit: int = 5000,
               max_depth: int = 12) -> Iterator[Path]:
    """Files under ``top`` ending in one of ``suffixes``, at most ``limit`` of them.

    Symlinked directories are not followed (a loop must not hang ``init``).
    """
    count = 0
    base_depth = len(top.parts)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        if len(here.parts) - base_depth >= max_depth:
            dirnames[:] = []
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(suffixes):
                yield here / name
                count += 1
                if count >= limit:
                    return


def subdirectories(top: Path, depth: int) -> list[Path]:
    """Directories up to ``depth`` levels below ``top`` (not ``top`` itself), shallow first."""
    found: list[Path] = []
    level = [top]
    for _ in range(depth):
        following: list[Path] = []
        for directory in level:
            try:
                children = sorted(p for p in directory.iterdir()
                                  if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in children:
                if child.name in SKIP_DIRS or child.name.startswith("."):
                    continue
                following.append(child)
        found.extend(following)
        level = following
    return found


def read_head(path: Path, size: int = 4096) -> str:
    """The first ``size`` bytes of a file as text (build tags, shebangs); '' when unreadable."""
    try:
        with path.open("rb") as fh:
            return fh.read(size).decode("utf-8", "replace")
    except OSError:
        return ""


def glob_dirs(root: Path, pattern: str) -> list[Path]:
    """Directories matching a workspace glob such as ``packages/*`` or ``apps/**``."""
    pattern = pattern.strip().rstrip("/")
    if not pattern or pattern.startswith("!") or ".." in Path(pattern).parts:
        return []
    if pattern.endswith("/**"):
        pattern = pattern[:-3] + "/*"
    try:
        matches = sorted(root.glob(pattern))
    except (ValueError, OSError):
        return []
    return [m for m in matches if m.is_dir() and not m.is_symlink()
            and not set(m.relative_to(root).parts) & SKIP_DIRS]
