"""Configuration: its three sources, what each key does, and one-line errors for bad files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from actiongen.config import Config, ConfigError, discover, from_data
from actiongen.findings import Severity

from .cli import CORE, DUPLICATE, make_repo, run_cli

if TYPE_CHECKING:
    from pathlib import Path

FULL = """\
# The generator's descriptor shares this file; only `check:` is the checker's.
name: shop
deploy:
  environments: [staging, production]
check:
  fail-on: error
  rules:
    duplicate-key: note
    unused-suppression: off
    yaml-syntax: on
  budgets:
    build: 8
    pipeline: 40
  environments: [staging, production, qa]
  production: [production, "prod-*"]
  stages:
    deploy: ["ship-*"]
    other: [nightly]
  exclude: [legacy/, "*.draft.yml"]
"""


def test_the_check_section_of_actiongen_yml(tmp_path: Path) -> None:
    make_repo(tmp_path, {})
    (tmp_path / ".github" / "actiongen.yml").write_text(FULL, encoding="utf-8")
    cfg = discover(tmp_path)
    assert cfg.source is not None and cfg.source.endswith("actiongen.yml")
    assert cfg.fail_on is Severity.ERROR
    # `on` keeps the rule's own severity, so it records nothing.
    assert cfg.rules == {"duplicate-key": Severity.NOTE, "unused-suppression": None}
    assert cfg.budgets == {"commit": 1, "build": 8, "test": 10, "deploy": 5, "verify": 5}
    assert cfg.pipeline_minutes == 40
    assert cfg.environments == ["staging", "production", "qa"]
    assert cfg.is_production("Production") and cfg.is_production("prod-eu")
    assert not cfg.is_production("staging")
    assert cfg.stage_globs == {"deploy": ["ship-*"], "other": ["nightly"]}
    assert cfg.is_excluded("legacy/.github/workflows/ci.yml")
    assert cfg.is_excluded("./.github/workflows/x.draft.yml")
    assert not cfg.is_excluded(".github/workflows/ci.yml")


def test_defaults() -> None:
    cfg = Config()
    assert cfg.fail_on is Severity.WARNING
    assert cfg.pipeline_minutes == 26  # the seed's stage budgets: 1 + 5 + 10 + 5 + 5
    assert cfg.is_production("prod") and not cfg.is_production("staging")


def test_descriptor_without_check_section_falls_back_to_pyproject(tmp_path: Path) -> None:
    make_repo(tmp_path, {})
    (tmp_path / ".github" / "actiongen.yml").write_text("name: shop\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.actiongen]\nfail-on = "note"\n'
        '[tool.actiongen.budgets]\ntest = 12\n', encoding="utf-8")
    cfg = discover(tmp_path)
    assert cfg.source is not None and cfg.source.endswith("pyproject.toml")
    assert cfg.fail_on is Severity.NOTE
    assert cfg.budgets["test"] == 12


def test_actiongen_yml_wins_over_pyproject(tmp_path: Path) -> None:
    make_repo(tmp_path, {})
    (tmp_path / ".github" / "actiongen.yml").write_text("check:\n  fail-on: note\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.actiongen]\nfail-on = "error"\n', "utf-8")
    assert discover(tmp_path).fail_on is Severity.NOTE


def test_no_configuration_anywhere(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    cfg = discover(tmp_path)
    assert cfg.source is None and cfg.rules == {}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lint.yml", "check:\n  fail-on: never\n"),       # a check: section
        ("lint.yml", "fail-on: never\n"),                  # or the whole document
        ("lint.toml", '[tool.actiongen]\nfail-on = "never"\n'),
        ("lint.toml", 'fail-on = "never"\n'),
    ],
)
def test_explicit_config_file(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    cfg = discover(tmp_path, tmp_path / name)
    assert cfg.fail_on is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (".github/actiongen.yml", "check:\n  rules:\n    timeout-missing: loud\n",
         ".github/actiongen.yml:3:22: check.rules.timeout-missing: 'loud' is not one of "
         "'error', 'warning', 'note', 'off', 'on', false, true"),
        (".github/actiongen.yml", "name: x\ncheck:\n  rulez: {}\n",
         ".github/actiongen.yml:3:3: check.rulez: unknown key; did you mean `rules`?"),
        (".github/actiongen.yml", "check:\n  budgets:\n    build: five\n",
         ".github/actiongen.yml:3:12: check.budgets.build: expected a whole number, got 'five'"),
        (".github/actiongen.yml", "check:\n  budgets:\n    deploy: 0\n",
         ".github/actiongen.yml:3:13: check.budgets.deploy: 0 is less than the minimum of 1"),
        (".github/actiongen.yml", "check:\n  stages:\n    deploi: [x]\n",
         ".github/actiongen.yml:3:5: check.stages.deploi: unknown key; did you mean `deploy`?"),
        (".github/actiongen.yml", "check:\n  exclude: [a, '']\n",
         ".github/actiongen.yml:2:16: check.exclude[1]: '' should be non-empty"),
        (".github/actiongen.yml", "check: [1]\n",
         ".github/actiongen.yml:1:8: check: expected a mapping, got [1]"),
        (".github/actiongen.yml", "check:\n  fail-on: error\n  fail-on: note\n",
         ".github/actiongen.yml:3:3: duplicate key `fail-on` (first defined on line 2); "
         "GitHub rejects workflows with duplicate keys"),
        (".github/actiongen.yml", "check:\n  rules: [\n",
         ".github/actiongen.yml:3:1: YAML syntax error"),
        ("pyproject.toml", '[tool.actiongen]\nfail-on = "loud"\n',
         "pyproject.toml: tool.actiongen.fail-on: 'loud' is not one of "
         "'error', 'warning', 'note', 'never'"),
        ("pyproject.toml", "[tool.actiongen\n", "pyproject.toml: "),
    ],
)
def test_bad_configuration_is_one_line_naming_file_and_key(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    make_repo(tmp_path, {"ci.yml": DUPLICATE})
    (tmp_path / name).write_text(text, encoding="utf-8")
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"actiongen: error: {message}")
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_unknown_rule_id_in_configuration_is_an_error(tmp_path: Path) -> None:
    # An error, not a warning: a typo would silently leave the rule on (or off).
    make_repo(tmp_path, {"ci.yml": DUPLICATE})
    (tmp_path / ".github" / "actiongen.yml").write_text(
        "check:\n  rules:\n    duplicate-kye: off\n", "utf-8")
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        "actiongen: error: .github/actiongen.yml:3:5: check.rules.duplicate-kye: unknown rule id "
        "(did you mean `duplicate-key`?); `actiongen rules` lists them\n"
    )


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    proc = run_cli("check", "--config", "nope.yml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "actiongen: error: nope.yml: no such configuration file\n"


@pytest.mark.parametrize(
    ("level", "rules", "code"),
    [
        ("note", ["duplicate-key"], 0),      # below the default fail-on (warning)
        ("error", ["duplicate-key"], 1),
        ("off", [], None),
    ],
)
def test_the_engine_applies_configured_severity(
    tmp_path: Path, level: str, rules: list[str], code: int | None
) -> None:
    make_repo(tmp_path, {"ci.yml": DUPLICATE})
    (tmp_path / "lint.yml").write_text(f"rules:\n  duplicate-key: {level}\n", "utf-8")
    proc = run_cli("check", "--config", "lint.yml", "-f", "json", cwd=tmp_path)
    doc = json.loads(proc.stdout)
    dup = [f for f in doc["findings"] if f["rule"] == "duplicate-key"]
    assert [f["rule"] for f in dup] == rules
    assert all(f["severity"] == level for f in dup)
    if code is not None:  # (naming an "off" rule in --select would turn it back on)
        strict = run_cli("check", "--config", "lint.yml", "--select", CORE, cwd=tmp_path)
        assert strict.returncode == code


def test_stage_globs_reach_explain_stages(tmp_path: Path) -> None:
    workflow = ("on: push\njobs:\n  ship-it:\n    runs-on: x\n  lint:\n    runs-on: x\n")
    make_repo(tmp_path, {"ci.yml": workflow})
    (tmp_path / ".github" / "actiongen.yml").write_text(
        "check:\n  stages:\n    deploy: ['ship-*']\n", "utf-8")
    proc = run_cli("check", "--explain-stages", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "ship-it" in x)
    assert "deploy" in line and "configured" in line


def test_excluded_paths_are_not_checked(tmp_path: Path) -> None:
    make_repo(tmp_path, {"ci.yml": DUPLICATE, "old.yml": DUPLICATE})
    (tmp_path / ".github" / "actiongen.yml").write_text(
        "check:\n  exclude: [.github/workflows/old.yml]\n", "utf-8")
    for args in ((), (".github/workflows",), (".github/workflows/old.yml",
                                               ".github/workflows/ci.yml")):
        proc = run_cli("check", "-f", "json", "--select", CORE, *args, cwd=tmp_path)
        doc = json.loads(proc.stdout)
        assert doc["summary"]["files"] == 1
        assert {f["path"].rsplit("/", 1)[-1] for f in doc["findings"]} == {"ci.yml"}


def test_from_data_keeps_working_for_fixture_configs() -> None:
    cfg = from_data({"rules": {"duplicate-key": "error"}}, "tests/fixtures/x/config.yml")
    assert cfg.rules == {"duplicate-key": Severity.ERROR}
    with pytest.raises(ConfigError, match=r"^tests/fixtures/x/config.yml: check.budgets.x: "):
        from_data({"budgets": {"x": 1}}, "tests/fixtures/x/config.yml")
