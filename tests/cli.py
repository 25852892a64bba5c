"""Running ``python3 -m actiongen`` as a user would, from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from .conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

#: Clean as far as the core rules go: `duplicate-key` and `unused-suppression` find nothing.
CLEAN = "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n" \
        "    timeout-minutes: 5\n    steps:\n      - run: echo hi\n"
#: `runs-on` twice: one duplicate-key error on line 5, column 5.
DUPLICATE = "on: push\njobs:\n  a:\n    runs-on: x\n    runs-on: y\n"
#: A suppression that suppresses nothing: one unused-suppression warning on line 3.
STALE = "on: push\njobs:\n  # actiongen: ignore[duplicate-key] nothing to hide\n" \
        "  a:\n    runs-on: x\n"
#: The rules these inputs are judged by, so other rules' findings do not matter here.
CORE = "duplicate-key,unused-suppression,yaml-syntax"


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """``python3 -m actiongen ARGS`` in ``cwd``, importing this source tree."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_SHA")}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "actiongen", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, check=False, timeout=120,
    )


def make_repo(root: Path, workflows: dict[str, str]) -> Path:
    """A repository (a ``.git`` folder marks it) with ``workflows`` under .github/workflows."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in workflows.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root
