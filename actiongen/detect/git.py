"""What the repository's ``.git`` directory says: the GitHub slug and the branch names.

Read from files rather than by running ``git``: init must work where git is absent, and a
missing or odd ``.git`` only means fewer hints.
"""

from __future__ import annotations

import re
from pathlib import Path

_REMOTE = re.compile(r"github\.com[:/]+([\w.\-]+)/([\w.\-]+?)(?:\.git)?/?$")


def git_dir(root: Path) -> Path | None:
    """The git directory of ``root`` (a ``.git`` folder, or the one a ``.git`` file points to)."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        try:
            text = dot.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        match = re.match(r"gitdir:\s*(.+)", text.strip())
        if match:
            target = (root / match.group(1).strip()).resolve()
            return target if target.is_dir() else None
    return None


def github_slug(root: Path) -> tuple[str, str] | None:
    """``(owner, repo)`` of the ``origin`` remote (or the first GitHub remote)."""
    directory = git_dir(root)
    if directory is None:
        return None
    try:
        config = (directory / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    remotes: list[tuple[str, str]] = []
    for name, body in re.findall(r'^\[remote "([^"]+)"\]\s*\n((?:[ \t]+.*\n?)*)', config,
                                 re.MULTILINE):
        url = re.search(r"^\s*url\s*=\s*(\S+)", body, re.MULTILINE)
        if url:
            match = _REMOTE.search(url.group(1))
            if match:
                remotes.append((name, f"{match.group(1)}/{match.group(2)}"))
    remotes.sort(key=lambda r: r[0] != "origin")
    if not remotes:
        return None
    owner, repo = remotes[0][1].split("/", 1)
    return owner, repo


def branches(root: Path) -> set[str]:
    """Local and remote-tracking branch names the repository knows about."""
    directory = git_dir(root)
    if directory is None:
        return set()
    names: set[str] = set()
    for base in ("refs/heads", "refs/remotes/origin"):
        top = directory / base
        if top.is_dir():
            for path in top.rglob("*"):
                if path.is_file() and path.name != "HEAD":
                    names.add(path.relative_to(top).as_posix())
    try:
        packed = (directory / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        packed = ""
    for ref in re.findall(r"^[0-9a-f]{40}\s+refs/(?:heads|remotes/origin)/(\S+)$", packed,
                          re.MULTILINE):
        if ref != "HEAD":
            names.add(ref)
    head = current_branch(root)
    if head:
        names.add(head)
    return names


def current_branch(root: Path) -> str | None:
    directory = git_dir(root)
    if directory is None:
        return None
    try:
        head = (directory / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    match = re.fullmatch(r"ref:\s*refs/heads/(\S+)", head)
    return match.group(1) if match else None
