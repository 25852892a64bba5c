from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The outside tools come with the test extra, beside this interpreter: `.venv/bin/python
# -m pytest` must find them (and run them for subprocesses) as an activated venv would,
# rather than whatever else PATH holds (a pyenv shim that a sample's .python-version
# sends to another Python, for one).
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join(filter(None, [_BIN, os.environ.get("PATH")]))


# The compiled-regex cache (actiongen.lazyre) of this test session lives in a folder of
# its own, for the CLI run in subprocesses too: tests never write to ~/.cache.
if "ACTIONGEN_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["ACTIONGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="actiongen-test-cache-")


def shared_path(*parts: str) -> Path:
    """A path in ../shared, skipping the test where the shared material is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared material is only on the developers' machines)")
    return path
