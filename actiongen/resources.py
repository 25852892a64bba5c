"""Finding data files (schemas, templates) both in the wheel and in a source tree.

(os.path rather than pathlib: ``actiongen check`` reads a schema through here, and
importing pathlib costs its start-up a few milliseconds.)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_HERE = os.path.dirname(os.path.realpath(__file__))


def data_folder(kind: str) -> str:
    """``schemas`` or ``templates``: in the package when installed, else the repo top level."""
    inside = os.path.join(_HERE, kind)
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(_HERE), kind)


def data_file(kind: str, name: str) -> str:
    return os.path.join(data_folder(kind), name)


def data_dir(kind: str) -> Path:
    """:func:`data_folder` as a :class:`~pathlib.Path`."""
    from pathlib import Path

    return Path(data_folder(kind))


def data_path(kind: str, name: str) -> Path:
    """:func:`data_file` as a :class:`~pathlib.Path`."""
    from pathlib import Path

    return Path(data_file(kind, name))
