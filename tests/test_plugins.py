"""Rules from other packages, through the ``actiongen.rules`` entry-point group.

The end-to-end test builds a tiny third-party rule package (with an in-tree PEP 517
backend, so no build tool or network is needed), installs it with pip into a fresh
virtual environment that sees this interpreter's packages, and runs the checker
there.  The in-process tests put a ``.dist-info`` folder on ``sys.path`` to exercise
the registry's handling of broken and clashing plugins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING

import pytest

from actiongen.rules import registry
from actiongen.rules.builtin import ALL

from .conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PLUGIN_MODULE = '''\
"""A third-party rule: runners must be pinned to an image version, not `-latest`."""

from __future__ import annotations

from actiongen.findings import Severity
from actiongen.load import Scalar
from actiongen.rules.base import Rule


class RunnerLatest(Rule):
    """
    ## What it does
    Reports `runs-on: *-latest`.

    ## Why is this bad?
    The image changes under you.

    ## Example
    runs-on: ubuntu-latest

    ## Use instead
    runs-on: ubuntu-24.04
    """

    id = "tiny-runner-latest"
    severity = Severity.WARNING
    summary = "a job runs on a moving `-latest` runner image"

    def check(self, ctx):
        for job in ctx.workflow.jobs.values():
            node = job.node.get("runs-on")
            if isinstance(node, Scalar) and str(node.value).endswith("-latest"):
                yield self.finding(ctx, node, f"job `{job.id}` runs on `{node.value}`",
                                   "pin the image version", job=job)


RULES = [RunnerLatest]
'''

# Just enough of PEP 517 and the wheel format to install the package above offline.
BACKEND = '''\
import base64, hashlib, os, tomllib, zipfile

def _meta():
    with open("pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    return project

def _dist(project):
    return project["name"].replace("-", "_") + "-" + project["version"]

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _meta()
    dist = _dist(project)
    name = dist + "-py3-none-any.whl"
    info = dist + ".dist-info/"
    files = {}
    for root, _, names in os.walk("actiongen_tiny"):
        for n in names:
            if n.endswith(".py"):
                path = os.path.join(root, n)
                files[path.replace(os.sep, "/")] = open(path, "rb").read()
    files[info + "METADATA"] = (
        f"Metadata-Version: 2.1\\nName: {project['name']}\\nVersion: {project['version']}\\n"
    ).encode()
    files[info + "WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: tiny\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    )
    eps = "".join(
        f"[{group}]\\n" + "".join(f"{k} = {v}\\n" for k, v in items.items())
        for group, items in project.get("entry-points", {}).items()
    )
    files[info + "entry_points.txt"] = eps.encode()
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(info + "RECORD,,")
    files[info + "RECORD"] = ("\\n".join(record) + "\\n").encode()
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return name
'''

PYPROJECT = '''\
[build-system]
requires = []
build-backend = "tiny_backend"
backend-path = ["."]

[project]
name = "actiongen-tiny-plugin"
version = "0.1.0"

[project.entry-points."actiongen.rules"]
tiny = "actiongen_tiny:RULES"
'''

WORKFLOW = """\
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest  # expect: tiny-runner-latest
    timeout-minutes: 5
    steps:
      - run: echo hi
  pinned:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: echo hi
"""


def _build_plugin(where: Path) -> Path:
    src = where / "plugin"
    (src / "actiongen_tiny").mkdir(parents=True)
    (src / "actiongen_tiny" / "__init__.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    (src / "tiny_backend.py").write_text(BACKEND, encoding="utf-8")
    (src / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return src


def test_an_installed_plugin_rule_runs(tmp_path: Path) -> None:
    src = _build_plugin(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, capture_output=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": str(ROOT)}
    # pip comes from the parent interpreter's site-packages and installs into the venv.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         str(src)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    site = subprocess.run(
        [str(python), "-c", "import actiongen_tiny, sys; print(actiongen_tiny.__file__)"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout
    assert str(venv) in site  # installed into the venv, not the parent

    (tmp_path / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    check = subprocess.run(
        [str(python), "-m", "actiongen", "check", "ci.yml", "--select", "tiny-runner-latest"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    assert check.returncode == 1, check.stderr
    expected = "ci.yml:5:14: warning[tiny-runner-latest] job `test` runs on `ubuntu-latest`"
    assert expected in check.stdout
    assert "pinned" not in check.stdout

    rules = subprocess.run([str(python), "-m", "actiongen", "rules"], capture_output=True,
                           text=True, env=env, timeout=120, check=True).stdout
    listed = {line.split()[0] for line in rules.splitlines() if line.strip()}
    assert "tiny-runner-latest" in listed
    assert {r.id for r in ALL} <= listed  # the built-ins are still there

    # Without the plugin the rule is unknown, so the environment is what made the difference.
    plain = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "ci.yml", "--select", "tiny-runner-latest"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    assert plain.returncode == 2
    assert "unknown rule id `tiny-runner-latest`" in plain.stderr


# --- the registry, in process -------------------------------------------------------------


@pytest.fixture
def fake_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path`` where tests drop modules and ``.dist-info`` entry points."""
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.all_rules.cache_clear()
    yield tmp_path
    registry.all_rules.cache_clear()
    for name in [m for m in sys.modules if m.startswith("fake_plugin")]:
        del sys.modules[name]


def _dist_info(root: Path, name: str, entry_points: dict[str, str]) -> None:
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", "utf-8")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{registry.GROUP}]\n{lines}", "utf-8")


def test_broken_and_clashing_plugins_are_reported_and_skipped(
    fake_plugins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fake_plugins / "fake_plugin_ok.py").write_text(PLUGIN_MODULE, "utf-8")
    (fake_plugins / "fake_plugin_clash.py").write_text(textwrap.dedent('''\
        from actiongen.findings import Severity
        from actiongen.rules.base import Rule

        class Impostor(Rule):
            """Claims a built-in id."""
            id = "duplicate-key"
            summary = "not the real one"
            severity = Severity.NOTE

        class NoSummary(Rule):
            id = "no-summary"
        '''), "utf-8")
    (fake_plugins / "fake_plugin_boom.py").write_text("raise RuntimeError('boom')\n", "utf-8")
    _dist_info(fake_plugins, "fake_plugins", {
        "ok": "fake_plugin_ok:RULES",
        "clash": "fake_plugin_clash:Impostor",
        "bad": "fake_plugin_clash:NoSummary",
        "boom": "fake_plugin_boom:RULES",
        "notarule": "os:path",
    })
    rules = {r.id: r for r in registry.all_rules()}
    err = capsys.readouterr().err
    assert "tiny-runner-latest" in rules
    assert rules["duplicate-key"].__module__ == "actiongen.rules.duplicate_key"
    assert "no-summary" not in rules
    assert "cannot load rule plugin 'boom'" in err and "RuntimeError: boom" in err
    assert "'clash' defines rule 'duplicate-key', which is built in" in err
    assert "'bad'" in err and "has no `summary`" in err
    assert "'notarule'" in err and "does not name a Rule class" in err
    assert all(line.startswith("actiongen: warning: ") for line in err.splitlines())


def test_builtin_registration_is_honest(fake_plugins: Path) -> None:
    # The entry point our pyproject.toml declares loads exactly the built-in rules.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    declared = pyproject["project"]["entry-points"][registry.GROUP]
    assert set(declared) == {"builtin"}
    ep = EntryPoint("builtin", declared["builtin"], registry.GROUP)
    loaded = registry.as_rules(ep.load(), "builtin")
    assert {r.id for r in loaded} == {r.id for r in ALL}
    assert len(loaded) == len(ALL) > 5
    # Installed, the registry takes them from the entry point (no fallback needed).
    _dist_info(fake_plugins, "actiongen_installed", {"builtin": declared["builtin"]})
    assert {r.id for r in registry.all_rules()} == {r.id for r in ALL}


class _Counting:
    made = 0


def test_a_plugin_rule_gets_a_new_instance_per_file(tmp_path: Path) -> None:
    # actiongen's own rules are stateless and shared across files; a plugin's rule may
    # keep state in its instance, so each file gets a fresh one, as it always did.
    from actiongen import engine
    from actiongen.config import Config
    from actiongen.findings import Finding
    from actiongen.rules.base import Context, Rule

    class Stateful(Rule):
        id = "stateful-plugin"
        summary = "counts its instances"

        def __init__(self) -> None:
            _Counting.made += 1
            self.seen: list[str] = []

        def check(self, ctx: Context) -> list[Finding]:
            self.seen.append(ctx.path)
            assert len(self.seen) == 1, "an instance saw two files"
            return []

    builtin = registry.all_rules()[0]
    files = []
    for name in ("a.yml", "b.yml"):
        path = tmp_path / name
        path.write_text("on: push\njobs: {t: {runs-on: x, steps: [{run: 'true'}]}}\n",
                        encoding="utf-8")
        files.append(str(path))
    config = Config()
    for path in files:
        engine.check_file(path, config, [builtin, Stateful])
    assert _Counting.made == 2
    [planned] = [p for p in engine._plan(config, [builtin, Stateful], "workflow")
                 if p[0] is builtin]
    assert isinstance(planned[1], builtin)  # one shared instance of the built-in rule
