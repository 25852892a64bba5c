"""This checkout's working tree as a user would get it, for tests that hand it to an
outside tool (pre-commit, act) which would otherwise see only committed files."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from .conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

#: A git identity and no user or system git configuration, for commits made by tests.
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with :data:`GIT_ENV`; its standard output."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def untracked(*paths: str) -> list[str]:
    """Files under ``paths`` that git does not track yet (ignored files left out)."""
    return git(ROOT, "ls-files", "--others", "--exclude-standard", "--", *paths).split()


def copy_working_tree(dest: Path) -> None:
    """Copy every tracked or untracked, not ignored, file of this checkout to ``dest``:
    what a clone of the commit would hold, plus the uncommitted work."""
    listing = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listing.split("\0")):
        if (ROOT / rel).is_file():  # a tracked file deleted in the working tree is gone
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
