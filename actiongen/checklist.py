"""The setup checklist ``init`` prints: what to create on GitHub before the pipeline can deploy.

Environments with their protection rules, then the secrets and variables each job reads,
each with the ``gh`` command that does it. The secret and variable names come from the
rendered workflows themselves (every ``secrets.X`` / ``vars.X`` a job reads, filed under
that job's environment), so the list cannot drift from what the pipeline needs. Values are
never printed: ``gh secret set`` asks for them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from actiongen.descriptor import Descriptor

_SECRET = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
_VARIABLE = re.compile(r"\bvars\.([A-Za-z_][A-Za-z0-9_]*)")
# Provided by GitHub itself; nobody has to create them.
_BUILTIN_SECRETS = frozenset({"GITHUB_TOKEN"})
REPOSITORY = ""  # the key under which repository-level names are filed


@dataclass
class EnvironmentSetup:
    """One environment: where it may deploy from, and whether it needs a reviewer."""

    name: str
    branches: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    production: bool = False


@dataclass
class Setup:
    """Everything to create on GitHub, by environment ('' for the repository)."""

    environments: list[EnvironmentSetup] = field(default_factory=list)
    secrets: dict[str, set[str]] = field(default_factory=dict)
    variables: dict[str, set[str]] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)


def collect(descriptor: Descriptor, workflows: Mapping[str, str],
            placeholders: Iterable[str] = ()) -> Setup:
    """The setup a descriptor and its rendered workflows need."""
    setup = Setup(placeholders=list(placeholders))
    for env in descriptor.environments.values():
        setup.environments.append(EnvironmentSetup(
            name=env.name, branches=list(env.refs.branches), tags=list(env.refs.tags),
            production=env.production))
        setup.secrets.setdefault(env.name, set()).update(env.secrets.values())
        setup.variables.setdefault(env.name, set()).update(env.vars.values())
    setup.secrets.setdefault(REPOSITORY, set()).update(descriptor.repository_secrets())
    setup.variables.setdefault(REPOSITORY, set()).update(descriptor.repository_vars())
    for path, text in workflows.items():
        _scan(path, text, setup)
    for names in setup.secrets.values():
        names -= _BUILTIN_SECRETS
    # A name an environment provides need not also be a repository secret.
    for table in (setup.secrets, setup.variables):
        in_envs = set().union(*(v for k, v in table.items() if k != REPOSITORY))
        table[REPOSITORY] = table.get(REPOSITORY, set()) - in_envs
    return setup


def _scan(path: str, text: str, setup: Setup) -> None:
    """File each ``secrets.X`` / ``vars.X`` a job reads under the job's environment."""
    from actiongen.load import load_text
    from actiongen.model.workflow import build_workflow

    doc = load_text(path, text)
    workflow = build_workflow(doc)
    if workflow is None:
        return
    for job in workflow.jobs.values():
        environment = job.environment.name_text if job.environment is not None else None
        if environment is not None and "${{" in environment:
            environment = None
        where = environment or REPOSITORY
        body = doc.text[job.node.start:job.node.end]
        setup.secrets.setdefault(where, set()).update(_SECRET.findall(body))
        setup.variables.setdefault(where, set()).update(_VARIABLE.findall(body))


def render(setup: Setup, files: Iterable[str]) -> str:
    """The checklist as text, with the ``gh`` commands."""
    lines = ["", "Next steps", ""]
    step = 1
    lines.append(f"{step}. Review and commit: {', '.join(files)}")
    lines.append("   Edit .github/actiongen.yml (not the workflow), then run `actiongen generate`.")
    if setup.placeholders:
        step += 1
        lines.append(f"{step}. Replace the placeholders init could not know:")
        lines += [f"     {key}" for key in setup.placeholders]
    if setup.environments:
        step += 1
        lines.append(f"{step}. Create the environments with their protection rules "
                     "(Settings > Environments):")
        for env in setup.environments:
            lines += _environment_commands(env)
    secret_lines = _names_commands(setup)
    if secret_lines:
        step += 1
        lines.append(f"{step}. Add the secrets and variables the jobs read "
                     "(gh asks for each secret's value):")
        lines += secret_lines
    return "\n".join(lines) + "\n"


def _environment_commands(env: EnvironmentSetup) -> list[str]:
    rules = []
    if env.branches:
        rules.append("deploys only from branch " + ", ".join(env.branches))
    if env.tags:
        rules.append("deploys only from tags " + ", ".join(env.tags))
    if env.production:
        rules.append("a required reviewer approves each deploy")
    lines = [f"   - {env.name}: {'; '.join(rules) or 'no rules'}"]
    api = f"repos/{{owner}}/{{repo}}/environments/{_url_part(env.name)}"
    policy = {"protected_branches": False, "custom_branch_policies": True}
    # One line per command (no here-documents), so an indented copy and paste still works.
    if env.production:
        # The reviewer is the user running gh; a team is {"type": "Team", "id": <team id>}.
        body = json.dumps({"reviewers": [{"type": "User", "id": 0}],
                           "deployment_branch_policy": policy}, separators=(",", ":"))
        body = body.replace('"id":0', '"id":%s')
        lines.append(f"       printf '{body}' \"$(gh api user --jq .id)\" | "
                     f"gh api -X PUT {api} --input -")
    else:
        body = json.dumps({"deployment_branch_policy": policy}, separators=(",", ":"))
        lines.append(f"       echo '{body}' | gh api -X PUT {api} --input -")
    for kind, patterns in (("branch", env.branches), ("tag", env.tags)):
        for pattern in patterns:
            lines.append(f"       gh api -X POST {api}/deployment-branch-policies "
                         f"-f name={_shell(pattern)} -f type={kind}")
    if env.production:
        lines.append("       (required reviewers on private repositories need GitHub Team or "
                     "Enterprise)")
    return lines


def _names_commands(setup: Setup) -> list[str]:
    lines: list[str] = []
    keys = [REPOSITORY] + [e.name for e in setup.environments]
    keys += sorted(k for k in set(setup.secrets) | set(setup.variables) if k not in keys)
    for key in keys:
        flag = f" --env {_shell(key)}" if key else ""
        where = f"environment {key}" if key else "repository"
        secrets = sorted(setup.secrets.get(key, ()))
        variables = sorted(setup.variables.get(key, ()))
        if not secrets and not variables:
            continue
        lines.append(f"   - {where}:")
        lines += [f"       gh secret set {name}{flag}" for name in secrets]
        lines += [f'       gh variable set {name}{flag} --body "<value>"' for name in variables]
    return lines


def _shell(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:@%+=,-]+", value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


def _url_part(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
