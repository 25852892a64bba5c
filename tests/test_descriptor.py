"""The descriptor: defaults, and errors that name file, position, key path and the fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actiongen.descriptor import DescriptorError, from_data, load_descriptor
from actiongen.render import dump_descriptor

from .cli import run_cli
from .gallery import EXAMPLES, GALLERY

#: The smallest deployable app: a production environment with verification and rollback.
APP = """\
name: shop
language: node
commands:
  build: npm run build
  unit: npm test
deploy:
  production:
    branch: main
    url: https://example.com
    run: ./deploy.sh
verify:
  health: /healthz
rollback:
  run: ./rollback.sh
"""


def load(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "actiongen.yml"
    path.write_text(text, encoding="utf-8")
    return load_descriptor(path)


def errors(tmp_path: Path, text: str) -> list[str]:
    """The error lines, with the temporary directory cut off the file name."""
    with pytest.raises(DescriptorError) as info:
        load(tmp_path, text)
    return [line.replace(str(tmp_path) + "/", "") for line in str(info.value).splitlines()]


def test_defaults_are_filled_in(tmp_path: Path) -> None:
    d = load(tmp_path, APP)
    assert d.package_manager == "npm"
    assert d.versions == ("24",)
    env = d.environments["production"]
    assert env.production and env.strategy == "rolling"
    assert env.refs.branches == ("main",) and env.refs.tags == ()
    assert env.verify.health == "/healthz" and env.verify.retries == 5
    assert env.rollback.mode == "command"
    assert d.budgets == {"commit": 1, "build": 5, "test": 10, "deploy": 5, "verify": 5}
    assert d.pipeline_budget == 26


def test_check_section_budgets_size_the_timeouts(tmp_path: Path) -> None:
    d = load(tmp_path, APP + "check:\n  budgets: {build: 7, pipeline: 40}\n")
    assert d.budgets["build"] == 7 and d.pipeline_budget == 40


def test_url_without_scheme_names_path_and_fix(tmp_path: Path) -> None:
    # The issue's own example message.
    lines = errors(tmp_path, APP.replace("https://example.com", "example.com"))
    assert lines == [
        'actiongen.yml:9:10: deploy.production.url: "example.com" is not a URL; '
        "write https://example.com"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A typo'd key: where, what, and the likely fix.
        ("commands:", "comands:", "actiongen.yml:3:1: comands: unknown key `comands`; "
         "did you mean `commands`?"),
        ("language: node", "language: nodejs",
         "actiongen.yml:2:11: language: \"nodejs\" is not one of node, python, go, rust, java, "
         "ruby; did you mean `node`?"),
        # YAML reads 3.10 as 3.1: the message quotes what the user wrote.
        ("language: node", "language: node\nversion: 3.10",
         'actiongen.yml:3:10: version: 3.10 is a number, not a string; quote it: "3.10"'),
        ("language: node", "language: node\npackage-manager: pip",
         "actiongen.yml:3:18: package-manager: `pip` is not a node package manager; "
         "write one of: npm, pnpm, yarn, bun"),
        ("    run: ./deploy.sh", "    run: ./deploy.sh\n    secrets: [DEPLOY TOKEN]",
         'actiongen.yml:11:15: deploy.production.secrets[0]: "DEPLOY TOKEN" is not a secret name '
         "GitHub accepts; use letters, digits and _, not starting with a digit or GITHUB_"),
        ("    run: ./deploy.sh", "    run: ./deploy.sh\n    secrets: [GITHUB_TOKEN]",
         'actiongen.yml:11:15: deploy.production.secrets[0]: "GITHUB_TOKEN" is not a secret '
         "name GitHub accepts; use letters, digits and _, not starting with a digit or GITHUB_"),
        ("branch: main", "branch: feature branch",
         'actiongen.yml:8:13: deploy.production.branch: "feature branch" holds a space, which '
         "git refuses in ref names or actiongen cannot guard; write a name git accepts, or a "
         "prefix ending in *"),
        ("branch: main", "branch: rel*ease",
         'actiongen.yml:8:13: deploy.production.branch: "rel*ease" has `*` before its end; only '
         "a trailing `*` (a prefix) is supported; write a name git accepts, or a prefix ending "
         "in *"),
        ("branch: main", "tags: [\"v..1\"]",
         'actiongen.yml:8:12: deploy.production.tags[0]: "v..1" holds `..`, `//` or `@{`, which '
         "git refuses; write a name git accepts, or a prefix ending in *"),
        ("  production:", "  prod/eu:",
         'actiongen.yml:7:3: deploy.prod/eu: "prod/eu" is not an environment name actiongen '
         "accepts; use letters, digits, spaces, ., _ and -"),
    ],
)
def test_errors_name_position_path_and_fix(tmp_path: Path, old: str, new: str,
                                           expected: str) -> None:
    assert expected in errors(tmp_path, APP.replace(old, new, 1))


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        # Production needs a way to know it worked, and a way back.
        (("verify:\n  health: /healthz\n", ""), "deploy.production", "needs verification"),
        (("rollback:\n  run: ./rollback.sh\n", ""), "rollback", "a way back"),
        (("    run: ./deploy.sh", "    preset: vercel\n    strategy: canary"),
         "deploy.production.strategy", "vercel preset does not support canary"),
        (("    run: ./deploy.sh", "    run: ./deploy.sh\n    strategy: canary\n"
                                   "    canary: [50, 10]"),
         "deploy.production.canary", "does not climb to 100"),
        (("    run: ./deploy.sh", "    run: ./deploy.sh\n    promote: ./switch.sh"),
         "deploy.production.promote", "only for run: deploys with strategy blue-green"),
        (("    run: ./deploy.sh", "    run: ./deploy.sh\n    strategy: blue-green"),
         "deploy.production", "needs the command that switches traffic"),
        (("    run: ./deploy.sh", "    preset: fly\n    with: {ap: shop}"),
         "deploy.production.with.ap", "did you mean `app`?"),
        (("    run: ./deploy.sh", "    preset: aws-ecs"), "deploy.production",
         "deploys an image"),
        (("    run: ./deploy.sh", ""), "deploy.production", "neither how to deploy"),
        (("  unit: npm test", "  unit: npm test\nartifacts: [/etc/passwd]"), "artifacts[0]",
         "not a relative path"),
        (("  build: npm run build\n", ""), "deploy.production",
         None),  # still fine without a build: no error at all
        (("  unit: npm test", "  unit: npm test\nservices: {redis: {version: \"7\", "
                              "for: [e2e]}}"), "services.redis.for", "there is no `e2e` job"),
        (("  unit: npm test", "  unit: npm test\n  test: npm test"), "commands.test",
         "the same stage"),
        (("name: shop", "name: shop ${{ github.token }}"), "name", "cannot hold expressions"),
        (("  production:", "  Production:\n    branch: x\n    run: ./a.sh\n    url: "
                           "https://a.example\n  production:"), "deploy.production",
         "give the same job ids"),
        (("rollback:", "check:\n  budgets: {pipeline: 2}\nrollback:"),
         "check.budgets.pipeline", "cannot hold the longest chain"),
        (("  health: /healthz", "  health: /healthz\n  retries: 30\n  interval: 60"),
         "verify.retries", "longer than job `verify-production` may run"),
        (("rollback:", "check:\n  budgets: {commit: zero}\nrollback:"), "check",
         "budgets.commit"),
        (("  unit: npm test", "  unit: npm test\njobs:\n  audit:\n    timeout-minutes: 3\n"
                              "    needs: [biuld]\n    steps:\n      - run: npm audit"),
         "jobs.audit.needs", "there is no job `biuld`"),
        (("  unit: npm test", "  unit: npm test\nsteps:\n  build:\n    before:\n"
                              "      - uses: actions/setup-node@v4"),
         "steps.build.before[0].uses", "not pinned to a full commit SHA"),
        (("  unit: npm test", "  unit: npm test\nsteps:\n  unit:\n    after:\n"
                              "      - run: echo ${{ secrets.TOKEN }}"),
         "steps.unit.after[0].run", "pass the value through env:"),
    ],
)
def test_meaning_errors(tmp_path: Path, edit: tuple[str, str], path: str,
                        words: str | None) -> None:
    text = APP.replace(edit[0], edit[1], 1)
    assert text != APP
    if words is None:
        load(tmp_path, text)
        return
    from actiongen.render import render_workflows

    with pytest.raises(DescriptorError) as info:
        # Some problems (job graph, budgets) are found while planning the pipeline.
        render_workflows(load(tmp_path, text))
    messages = [f"{'.'.join(map(str, p.path))}|{p.message} {p.fix}" for p in info.value.problems]
    formatted = [line for line in str(info.value).splitlines()]
    assert any(path in m and words in m for m in formatted), formatted
    assert messages


def test_canary_needs_a_health_url(tmp_path: Path) -> None:
    # The canary is checked between its steps; a smoke command alone cannot do that.
    text = APP.replace("  health: /healthz", "  smoke: npm run smoke").replace(
        "    run: ./deploy.sh", "    run: ./deploy.sh\n    strategy: canary")
    assert errors(tmp_path, text) == [
        "actiongen.yml:8:5: deploy.production: a canary is checked between its steps, and "
        "there is no health URL; add verify: {health: /healthz}"]


def test_every_deploy_needs_verification_but_a_publish_does_not(tmp_path: Path) -> None:
    # A staging deploy nobody checks could never trigger its rollback either.
    text = APP.replace("verify:\n  health: /healthz\n", "").replace(
        "  production:", "  staging:").replace("rollback:\n  run: ./rollback.sh\n", "")
    assert errors(tmp_path, text) == [
        "actiongen.yml:8:5: deploy.staging: a deploy needs verification; add verify: "
        "{health: /healthz} (or smoke: <command>)"]
    published = from_data({"name": "lib", "language": "python", "package-manager": "uv",
                           "commands": {"build": "uv build"}, "artifacts": ["dist/"],
                           "deploy": {"pypi": {"preset": "pypi"}}})
    assert published.environments["pypi"].refs.tags == ("v*",)


def test_a_pipeline_must_run_something() -> None:
    # A project with nothing to run yet is a valid descriptor, but it renders no workflow.
    from actiongen.render import render_workflows

    idle = from_data({"name": "x", "language": "go", "commands": {"migrate": "goose up"}})
    with pytest.raises(DescriptorError, match="there is nothing to run"):
        render_workflows(idle)


def test_errors_from_data_have_no_position() -> None:
    with pytest.raises(DescriptorError) as info:
        from_data({"name": "x", "language": "cobol"}, source="init")
    assert str(info.value).startswith("init: language: \"cobol\" is not one of")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: [unclosed\n", "YAML syntax error"),
        ("name: a\nname: b\nlanguage: go\n", "duplicate key `name`"),
        ("- just\n- a list\n", "must be a mapping"),
        ("", "the file is empty"),
    ],
)
def test_unusable_files_are_one_line_errors(tmp_path: Path, text: str, words: str) -> None:
    lines = errors(tmp_path, text)
    assert any(words in line and line.startswith("actiongen.yml:") for line in lines), lines


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DescriptorError, match="cannot read the file"):
        load_descriptor(tmp_path / "absent.yml")


def test_reserved_check_section_is_left_to_the_checker(tmp_path: Path) -> None:
    d = load(tmp_path, APP + "check:\n  rules: {deploy-no-rollback: off}\n  exclude: [x/*]\n")
    assert d.check == {"rules": {"deploy-no-rollback": "off"}, "exclude": ["x/*"]}


def test_dump_descriptor_round_trips() -> None:
    data = {
        "name": "shop",
        "language": "python",
        "version": "3.10",  # must stay a string
        "commands": {"unit": "pytest -k 'not slow: yes' # not a comment",
                     "lint": "ruff check .\nmypy ."},
        "services": {"postgres": "16"},
        "deploy": {"production": {"branch": "main", "url": "https://a.example", "run": "true",
                                  "rollback": {"run": "true"}}},
        "verify": {"health": "/", "retries": 3},
    }
    text = dump_descriptor(data)
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/actiongen/"
        "actiongen/main/schemas/descriptor.schema.json")
    assert 'version: "3.10"' in text
    from actiongen.load import load_text, to_data

    assert to_data(load_text("x.yml", text).root) == data
    from_data(data)  # and it is a valid descriptor


def test_schema_is_valid_and_accepts_the_gallery() -> None:
    import jsonschema

    from actiongen.descriptor.validate import schema

    jsonschema.Draft202012Validator.check_schema(schema())
    from actiongen.load import load_text, to_data

    validator = jsonschema.Draft202012Validator(schema())
    for name in GALLERY:
        text = (EXAMPLES / name / "actiongen.yml").read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        errs = list(validator.iter_errors(to_data(load_text(name, text).root)))
        assert errs == [], (name, errs)


def test_schema_command_prints_the_schema(tmp_path: Path) -> None:
    proc = run_cli("schema", cwd=tmp_path)
    assert proc.returncode == 0
    printed = json.loads(proc.stdout)
    assert printed["title"].startswith("actiongen project descriptor")
    assert "deploy" in printed["properties"]
    config = json.loads(run_cli("schema", "--config", cwd=tmp_path).stdout)
    assert "budgets" in config["properties"]


def test_gallery_descriptors_are_short() -> None:
    # A typical app needs 10-20 lines (comments aside); none of the gallery is long.
    for name in GALLERY:
        lines = [line for line in (EXAMPLES / name / "actiongen.yml").read_text().splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        assert len(lines) <= 45, (name, len(lines))
    seed = [line for line in (EXAMPLES / "seed-node" / "actiongen.yml").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert len(seed) <= 40


def test_requirements_list_what_to_create_per_environment() -> None:
    # For init's setup checklist: the descriptor's own names and the ones its preset reads.
    d = load_descriptor(EXAMPLES / "ruby-rails-compose" / "actiongen.yml")
    req = d.requirements()
    assert req["production"] == {"secrets": ["RAILS_MASTER_KEY", "SSH_PRIVATE_KEY"],
                                 "vars": ["DEPLOY_HOST", "SSH_KNOWN_HOSTS"],
                                 "branches": ["main"], "tags": []}
    assert req["staging"]["vars"] == ["SSH_KNOWN_HOSTS", "STAGING_HOST"]
    # The registry password of a non-ghcr image lives in an environment of its own.
    assert req["registry"]["secrets"] == ["REGISTRY_PASSWORD"]
    assert d.repository_secrets() == ["SLACK_WEBHOOK_URL"]
    eks = load_descriptor(EXAMPLES / "python-poetry-eks-blue-green" / "actiongen.yml")
    # EKS logs in with OIDC: a role variable, no kubeconfig secret.
    assert eks.requirements()["production"]["secrets"] == ["CATALOG_DATABASE_URL"]
    assert "EKS_DEPLOY_ROLE" in eks.requirements()["production"]["vars"]
