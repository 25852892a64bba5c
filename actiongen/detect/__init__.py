"""Project detection for ``actiongen init``: read the manifests, guess the pipeline.

One small module per ecosystem (:mod:`.node`, :mod:`.python`, :mod:`.golang`, :mod:`.rust`,
:mod:`.java`, :mod:`.ruby`), each with ``detect(root, directory) -> Project | None``.
:func:`detect` runs them at the repository root and, when nothing is there, in the
directories just below it (monorepo layouts), and picks the most likely main project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from actiongen.detect.manifest import ManifestError
from actiongen.detect.project import LANGUAGES, Project

__all__ = ["Detection", "Project", "detect", "detect_language"]

_MODULES = {"node": "node", "python": "python", "go": "golang", "rust": "rust",
            "java": "java", "ruby": "ruby"}
# Directory names that usually hold the deployable application in a monorepo.
_PREFERRED_DIRS = ("app", "api", "backend", "server", "service", "web", "src")
# Folders whose manifests belong to examples, fixtures or tooling, not to the project.
_NOT_PROJECT_DIRS = frozenset({
    "test", "tests", "testdata", "fixtures", "__fixtures__", "examples", "example", "samples",
    "sample", "docs", "doc", "scripts", "tools", "hack", "e2e", "benchmarks", "bench",
})


@dataclass
class Detection:
    """The main project (None when no manifest was found) and the others seen beside it."""

    project: Project | None
    alternatives: list[Project] = field(default_factory=list)
    slug: tuple[str, str] | None = None
    branches: set[str] = field(default_factory=set)


def _detector(language: str) -> Callable[[Path, str], Project | None]:
    module = import_module(f"actiongen.detect.{_MODULES[language]}")
    detector: Callable[[Path, str], Project | None] = module.detect
    return detector


def detect_language(root: Path, language: str, directory: str = ".") -> Project | None:
    """Run one ecosystem's detection (when the user picks a language ``init`` did not)."""
    project = _detector(language)(root, directory)
    if project is not None:
        _finish(root, project)
    return project


def detect(root: Path) -> Detection:
    """Detect the project in the repository at ``root``."""
    from actiongen.detect import git
    from actiongen.detect.files import subdirectories

    found = _detect_in(root, ".")
    # Look below the root when nothing is there, or only tooling (a package.json for commit
    # hooks, a requirements.txt for docs): monorepos keep their apps in folders.
    if not any(p.commands for p in found):
        broken: ManifestError | None = None
        for sub in subdirectories(root, 2):
            if set(sub.relative_to(root).parts) & _NOT_PROJECT_DIRS:
                continue
            try:
                found.extend(_detect_in(root, sub.relative_to(root).as_posix()))
            except ManifestError as exc:
                # A broken manifest in some folder must not stop init; unless nothing works.
                broken = broken or exc
        if not found and broken is not None:
            raise broken
    found.sort(key=_rank, reverse=True)
    for project in found:
        _finish(root, project)
    detection = Detection(project=found[0] if found else None, alternatives=found[1:],
                          slug=git.github_slug(root), branches=git.branches(root))
    for other in detection.alternatives:
        if detection.project is not None:
            detection.project.note(f"also found: {other.language} project in {other.directory}")
    return detection


def _detect_in(root: Path, directory: str) -> list[Project]:
    found: list[Project] = []
    for language in LANGUAGES:
        project = _detector(language)(root, directory)
        if project is not None:
            found.append(project)
    return found


def _rank(project: Project) -> tuple[int, int]:
    """Higher is more likely the main project.

    A repository's other manifests are often tooling for the main one (a Rails or Django
    app's package.json bundles assets, a Go service's package.json runs commit hooks), so a
    non-Node manifest gets a head start; a directory closer to the root wins ties.
    """
    score = project.strength + (0 if project.language == "node" else 2)
    depth = 0 if project.directory == "." else project.directory.count("/") + 1
    name = project.directory.rsplit("/", 1)[-1]
    if name in _PREFERRED_DIRS:
        score += 1
    return (score - depth, -LANGUAGES.index(project.language))


def _finish(root: Path, project: Project) -> None:
    from actiongen.detect import containers, deploy

    containers.apply(root, project)
    deploy.apply(root, project)
