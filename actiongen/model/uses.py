"""Parsing ``uses:`` references (``owner/repo/path@ref``, ``./local``, ``docker://``)."""

from __future__ import annotations

from actiongen.lazyre import lazy_compile

_SHA = lazy_compile(r"[0-9a-f]{40}([0-9a-f]{24})?$")


class ActionRef:
    """A parsed ``uses:`` value."""

    __slots__ = ("owner_repo", "path", "raw", "ref")

    def __init__(self, raw: str, owner_repo: str | None, path: str, ref: str | None) -> None:
        self.raw = raw
        self.owner_repo = owner_repo  # "actions/checkout"; None for local and docker
        self.path = path  # subdirectory inside the repository, "" when none
        self.ref = ref

    def _key(self) -> tuple[str, str | None, str, str | None]:
        return (self.raw, self.owner_repo, self.path, self.ref)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ActionRef) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"ActionRef({self.raw!r})"

    @property
    def is_local(self) -> bool:
        # ``$/path`` is GitHub's self-repository syntax: this repository at this commit.
        return self.raw.startswith(("./", "../", "$/"))

    @property
    def is_docker(self) -> bool:
        return self.raw.startswith("docker://")

    @property
    def is_pinned(self) -> bool:
        """Pinned to an immutable reference: a full commit SHA, a local path or a docker digest."""
        if self.is_local:
            return True
        if self.is_docker:
            return "@sha256:" in self.raw
        return self.ref is not None and bool(_SHA.match(self.ref))

    @property
    def name(self) -> str:
        """``owner/repo`` plus the subpath, without the ref."""
        if self.owner_repo is None:
            return self.raw
        return f"{self.owner_repo}/{self.path}" if self.path else self.owner_repo


def parse_uses(text: str) -> ActionRef:
    text = text.strip()
    if text.startswith(("./", "../", "$/", "docker://")):
        return ActionRef(text, None, "", None)
    target, _, ref = text.partition("@")
    parts = target.split("/")
    owner_repo = "/".join(parts[:2])
    path = "/".join(parts[2:])
    return ActionRef(text, owner_repo, path, ref or None)
