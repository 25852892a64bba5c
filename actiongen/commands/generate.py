"""``actiongen generate``: render the workflows the descriptor describes.

Writes only files it owns, atomically, and never over a hand edit: a workflow whose
header hash no longer matches its body (edited since it was generated), or one that
has no actiongen header at all, is left alone unless ``--force``.  ``--check`` writes
nothing and exits 1 with a diff when the committed workflows drifted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "generate",
        help="render the CI/CD workflows from .github/actiongen.yml",
        description="Render every workflow the descriptor (.github/actiongen.yml) describes "
        "and write it under .github/workflows. The output is checked by actiongen's own rules "
        "first; nothing is written when that check fails.",
    )
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 with a diff when a workflow differs (drift)")
    p.add_argument("--force", action="store_true",
                   help="overwrite workflows that were edited by hand or not generated")
    p.add_argument("--format", "-f", choices=["text", "markdown"], default="text",
                   help="how --check shows drift (markdown: for job summaries and PR comments)")
    p.add_argument("--descriptor", type=Path, default=None,
                   help="the descriptor (default: .github/actiongen.yml of this repository)")
    p.set_defaults(run=run)


def _locate(explicit: Path | None) -> tuple[Path, Path]:
    """(descriptor path, repository root the workflow paths are relative to)."""
    from actiongen.descriptor import DEFAULT_PATH
    from actiongen.engine import repository_root
    from actiongen.errors import UserError

    if explicit is not None:
        descriptor = explicit
        parent = descriptor.resolve().parent
        root = parent.parent if parent.name == ".github" else Path(repository_root(str(parent)))
    else:
        root = Path(repository_root())
        descriptor = root / DEFAULT_PATH
        if not descriptor.is_file() and (root / ".github" / "actiongen.yaml").is_file():
            descriptor = root / ".github" / "actiongen.yaml"
    if not descriptor.is_file():
        raise UserError(f"{descriptor}: no descriptor here; run `actiongen init` to write one")
    return _shorter(descriptor), root


def _checker_only(path: Path) -> bool:
    """The file configures only the checker (a repository that generates nothing)."""
    from actiongen.load import Mapping, load_bytes

    try:
        doc = load_bytes(str(path), path.read_bytes())
    except OSError:
        return False
    root = doc.root
    return isinstance(root, Mapping) and not doc.problems and set(root.keys()) <= {"check"}


def _shorter(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it (for messages)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _display(root: Path, rel: str) -> str:
    try:
        return str((root / rel).relative_to(Path.cwd()))
    except ValueError:
        return str(root / rel)


def run(args: argparse.Namespace) -> int:
    from actiongen.descriptor import load_descriptor
    from actiongen.render import render_workflows

    descriptor_path, root = _locate(args.descriptor)
    if _checker_only(descriptor_path):
        print(f"actiongen: {descriptor_path} holds only the checker's `check:` section; "
              "nothing to generate")
        return 0
    files = render_workflows(load_descriptor(descriptor_path))
    if args.check:
        return check_drift(root, files, args.format, sys.stdout)
    return write(root, files, force=args.force, out=sys.stdout)


def _read(path: Path) -> str | None:
    from actiongen.errors import UserError

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UserError(f"{path}: cannot read: {reason}") from None


def unified_diff(rel: str, old: str | None, new: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{rel}" if old is not None else "/dev/null",
        tofile=f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def check_drift(root: Path, files: dict[str, str], fmt: str, out: TextIO) -> int:
    """Print a diff for every workflow that differs from its rendering; 1 when any does."""
    drifted = []
    for rel, text in files.items():
        current = _read(root / rel)
        if current != text:
            drifted.append((rel, current, text))
    if not drifted:
        if fmt == "markdown":
            out.write("### actiongen: workflows are up to date\n\n"
                      "Every generated workflow matches `.github/actiongen.yml`.\n")
        else:
            out.write("actiongen: workflows are up to date with the descriptor\n")
        return 0
    if fmt == "markdown":
        out.write("### actiongen: generated workflows drifted\n\n")
        for rel, current, text in drifted:
            state = "is missing" if current is None else "differs from what the descriptor renders"
            out.write(f"`{rel}` {state}:\n\n")
            diff = unified_diff(rel, current, text)
            fence = "```" if "```" not in diff else "````"
            out.write(f"{fence}diff\n{diff}{fence}\n\n")
        out.write("Run `actiongen generate` and commit the result.\n")
    else:
        for rel, current, text in drifted:
            out.write(unified_diff(rel, current, text))
        names = ", ".join(rel for rel, _, _ in drifted)
        out.write(f"actiongen: {names} drifted from the descriptor; "
                  "run `actiongen generate` and commit the result\n")
    return 1


def write(root: Path, files: dict[str, str], *, force: bool, out: TextIO) -> int:
    """Write every file, or none: all refusals are found before the first write."""
    from actiongen.errors import UserError
    from actiongen.render.header import provenance
    from actiongen.writes import atomic_write_text

    plan: list[tuple[str, str]] = []
    refused: list[str] = []
    for rel, text in files.items():
        current = _read(root / rel)
        if current == text:
            out.write(f"unchanged {_display(root, rel)}\n")
            continue
        if current is not None and not force:
            made = provenance(current)
            if not made.generated:
                refused.append(f"{_display(root, rel)} was not generated by actiongen")
                continue
            if made.edited:
                refused.append(f"{_display(root, rel)} was edited by hand since it was generated")
                continue
        plan.append((rel, text))
    if refused:
        raise UserError("; ".join(refused) + "; nothing was written (move your changes into "
                        ".github/actiongen.yml, or pass --force to overwrite)")
    for rel, text in plan:
        try:
            atomic_write_text(root / rel, text)
        except OSError as exc:
            raise UserError(f"{_display(root, rel)}: cannot write: {exc.strerror}") from None
        out.write(f"wrote {_display(root, rel)}\n")
    return 0
