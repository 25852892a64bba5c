"""The action pin table: every action the generator uses, pinned to a full commit SHA.

The table (``actiongen/data/pins.json``) is transcribed from the actions' public
repositories: release tag, the commit it points to, and the runtime (``runs.using``).
Templates never spell a ref themselves; they ask :func:`uses`, so an upgrade is one
edit to the table and shows up as a snapshot diff.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).resolve().parent / "data" / "pins.json"

#: Runtimes GitHub still runs without a deprecation warning.
CURRENT_RUNTIMES = frozenset({"node24", "composite", "docker"})


class Pin:
    """One pinned action: ``repo`` (``owner/name``), release ``tag``, commit ``sha``."""

    __slots__ = ("note", "repo", "runtime", "sha", "tag")

    def __init__(self, repo: str, tag: str, sha: str, runtime: str, note: str = "") -> None:
        self.repo = repo
        self.tag = tag
        self.sha = sha
        self.runtime = runtime
        self.note = note

    def __repr__(self) -> str:
        return f"Pin({self.repo!r}, {self.tag!r}, {self.sha!r}, {self.runtime!r})"

    def ref(self, path: str = "") -> str:
        """The ``uses:`` value: ``owner/name[/path]@sha``."""
        target = f"{self.repo}/{path.strip('/')}" if path else self.repo
        return f"{target}@{self.sha}"

    @property
    def comment(self) -> str:
        """The version comment written after the SHA (``v7.0.1``)."""
        return self.tag or "unreleased"


class UnknownAction(KeyError):
    """An action the pin table does not hold: a template bug, never user input."""


@lru_cache(maxsize=1)
def table() -> dict[str, Pin]:
    """Every pin, keyed by lower-case ``owner/name`` (GitHub names are case-insensitive)."""
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    out: dict[str, Pin] = {}
    for repo, info in data["actions"].items():
        out[repo.lower()] = Pin(
            repo=repo,
            tag=info.get("tag", ""),
            sha=info["sha"],
            runtime=info["runtime"],
            note=info.get("note", ""),
        )
    return out


def pin(action: str) -> tuple[Pin, str]:
    """The pin of ``owner/name[/path]`` and the path inside the repository."""
    parts = action.strip("/").split("/")
    repo, path = "/".join(parts[:2]), "/".join(parts[2:])
    found = table().get(repo.lower())
    if found is None:
        raise UnknownAction(f"{repo} is not in the pin table {_TABLE.name}")
    return found, path


def uses(action: str) -> str:
    """``owner/name[/path]@<sha> # <tag>``: a complete ``uses:`` value with its comment."""
    found, path = pin(action)
    return f"{found.ref(path)} # {found.comment}"
