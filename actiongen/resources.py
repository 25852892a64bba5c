"""Finding data files (schemas, templates) both in the wheel and in a source tree."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """``schemas`` or ``templates``: in the package when installed, else the repo top level."""
    inside = _HERE / kind
    if inside.is_dir():
        return inside
    return _HERE.parent / kind


def data_path(kind: str, name: str) -> Path:
    return data_dir(kind) / name
