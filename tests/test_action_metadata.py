"""The composite action's metadata (``action.yml``) passes the tools users and
marketplaces judge it by, and keeps its inputs out of shell code.

actionlint does not read action metadata, so its shell check is done here: each
``run:`` script goes to shellcheck as the bash script the runner writes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from ruamel.yaml import YAML

from .cli import run_cli
from .conftest import ROOT

ACTION = ROOT / "action.yml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _metadata() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(ACTION)
    return data


def _run_steps() -> list[dict[str, Any]]:
    return [s for s in _metadata()["runs"]["steps"] if "run" in s]


def test_zizmor_offline_finds_nothing() -> None:
    proc = subprocess.run([_tool("zizmor"), "--offline", str(ACTION)], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_github_actions_schema() -> None:
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-actions", str(ACTION)], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actiongen_check_finds_nothing() -> None:
    proc = run_cli("check", "--format", "json", "action.yml", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"findings": []' in proc.stdout


@pytest.mark.parametrize("step", [s["name"] for s in _run_steps()])
def test_scripts_pass_shellcheck(step: str) -> None:
    shellcheck = _tool("shellcheck")
    (found,) = [s for s in _run_steps() if s["name"] == step]
    assert found["shell"] == "bash"
    # The step's env: is what the script may read; declaring it keeps shellcheck from
    # taking PIP_ARGS for a misspelt pip_args.
    declared = "".join(f"export {name}\n" for name in found.get("env", {}))
    script = "#!/usr/bin/env bash\nset -eo pipefail\n" + declared + found["run"]
    proc = subprocess.run([shellcheck, "--shell=bash", "--severity=style", "-"], input=script,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout


def test_inputs_reach_scripts_only_through_env() -> None:
    for step in _run_steps():
        assert "${{" not in step["run"], step["name"]
    text = ACTION.read_text(encoding="utf-8")
    declared = set(_metadata()["inputs"])
    used = set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", text))
    assert used == declared  # every input does something, none is misspelt
    assert declared == {"paths", "config", "fail-on", "sarif-file", "check-drift",
                        "python-version", "pip-args"}


def test_python_is_pinned_and_leaves_the_job_alone() -> None:
    (setup,) = [s for s in _metadata()["runs"]["steps"]
                if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert re.fullmatch(r"actions/setup-python@[0-9a-f]{40}", setup["uses"])
    assert setup["with"]["update-environment"] is False
    install = next(s for s in _run_steps() if "ACTION_PATH" in s.get("env", {}))
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$RUNNER_TEMP' in install["run"]  # the virtualenv lives in the runner's temp
