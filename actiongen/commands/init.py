"""``actiongen init``: detect the project, write the descriptor and the pipeline, print a checklist.

On a terminal it asks for each key value with the detected default in brackets; ``--yes``
takes every default. When standard input is not a terminal and ``--yes`` is not given it
takes the defaults too (as ``npm init -y`` and projen's non-interactive runs do) and says so
on standard error, so scripted and CI runs never hang on a prompt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actiongen.detect import Detection
    from actiongen.detect.plan import Plan

DESCRIPTOR = ".github/actiongen.yml"
DEFAULT_WORKFLOW = ".github/workflows/ci-cd.yml"
SERVICES = ("postgres", "mysql", "redis")
_RUNTIMES = {"node": "Node.js", "python": "Python", "go": "Go", "rust": "Rust", "java": "Java",
             "ruby": "Ruby"}
_STAGE_LABELS = {
    "lint": "Lint command", "typecheck": "Type-check command", "build": "Build command",
    "unit": "Unit test command", "integration": "Integration test command",
    "e2e": "End-to-end test command", "migrate": "Migration command",
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "init",
        help="detect the project and write .github/actiongen.yml and its CI/CD workflow",
        description="Detect the project (package.json, pyproject.toml, go.mod, Cargo.toml, "
        "pom.xml, build.gradle, Gemfile), write .github/actiongen.yml and the generated "
        "workflow, and print the setup checklist. On a terminal it asks for each value with "
        "the detected default; without a terminal, or with --yes, it takes the defaults.",
    )
    p.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
    p.add_argument("--yes", "-y", action="store_true", help="take every detected default")
    p.add_argument("--force", action="store_true",
                   help="overwrite the descriptor and workflow if they exist")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from actiongen.detect import detect
    from actiongen.errors import UserError

    root = Path(args.path)
    if not root.is_dir():
        raise UserError(f"{args.path}: not a directory")
    if not args.force:
        # Before reading or asking anything: the answer would be thrown away.
        _refuse_existing(root, [DESCRIPTOR, DEFAULT_WORKFLOW])
    detection = detect(root)
    interactive = not args.yes and sys.stdin.isatty()
    if not args.yes and not interactive:
        print("actiongen: standard input is not a terminal; taking the detected defaults "
              "(pass --yes to say so)", file=sys.stderr)
    plan = _ask(root, detection) if interactive else _default_plan(root, detection)
    files, setup = _render(plan)
    if not args.force:
        _refuse_existing(root, list(files))
    from actiongen.writes import atomic_write_files

    try:
        atomic_write_files({root / rel: text for rel, text in files.items()})
    except OSError as exc:
        where = exc.filename or root
        written = [rel for rel, text in files.items() if _holds(root / rel, text)]
        outcome = f"only {', '.join(written)} was written" if written else "no file was changed"
        raise UserError(f"{where}: cannot write: {exc.strerror or exc}; {outcome}") from None
    _report(detection, plan, files, setup)
    return 0


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _default_plan(root: Path, detection: Detection) -> Plan:
    from actiongen.detect.plan import from_detection
    from actiongen.errors import UserError

    if detection.project is None:
        raise UserError(
            f"{root}: no project found (looked for package.json, pyproject.toml, requirements.txt, "
            "go.mod, Cargo.toml, pom.xml, build.gradle(.kts) and Gemfile here and in the "
            "folders below); run `actiongen init` in a terminal to answer the questions, or "
            "write .github/actiongen.yml by hand (`actiongen schema` prints its schema)")
    return from_detection(detection)


def _refuse_existing(root: Path, paths: list[str]) -> None:
    from actiongen.errors import UserError

    existing = [p for p in paths if (root / p).exists() or (root / p).is_symlink()]
    if not existing:
        return
    hint = " (run `actiongen generate` to render the existing descriptor)" \
        if DESCRIPTOR in existing else ""
    raise UserError(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                    f"pass --force to overwrite{hint}; nothing was written")


def _render(plan: Plan) -> tuple[dict[str, str], object]:
    """The files to write (descriptor first) and the checklist setup; writes nothing."""
    from actiongen import checklist
    from actiongen.descriptor import from_data
    from actiongen.errors import UserError
    from actiongen.render import dump_descriptor, render_workflows

    data = plan.descriptor()
    try:
        descriptor = from_data(data, DESCRIPTOR)
    except UserError as exc:
        # The plan came from detection or from answers: say which value to change.
        raise UserError(f"init would write an invalid descriptor: {exc}") from None
    workflows = {_workflow_path(rel): text for rel, text in render_workflows(descriptor).items()}
    text = dump_descriptor(data)
    files = {DESCRIPTOR: _annotate(text, plan.placeholders), **workflows}
    setup = checklist.collect(descriptor, workflows, plan.placeholders)
    return files, setup


def _workflow_path(rel: str) -> str:
    rel = rel.replace("\\", "/")
    return rel if rel.startswith(".github/") else f".github/workflows/{rel}"


def _annotate(text: str, placeholders: list[str]) -> str:
    """Say under the schema line which values are placeholders."""
    if not placeholders:
        return text
    import textwrap

    first, _, rest = text.partition("\n")
    note = ("# Written by `actiongen init`. Replace its placeholders, then run "
            "`actiongen generate`:\n")
    note += "".join(f"#   {line}\n" for line in textwrap.wrap(", ".join(placeholders), 84))
    if not first.startswith("#"):
        return note + text
    return f"{first}\n{note}{rest}"


def _report(detection: Detection, plan: Plan, files: dict[str, str], setup: object) -> None:
    from actiongen import checklist

    project = detection.project
    out = sys.stdout
    if project is not None:
        where = "" if project.directory == "." else f" in {project.directory}/"
        out.write(f"Detected a {project.language} project{where} "
                  f"({plan.package_manager}, {plan.language} {plan.version}):\n")
        for fact in project.evidence:
            out.write(f"  {fact}\n")
    for rel in files:
        out.write(f"Wrote {rel}\n")
    assert isinstance(setup, checklist.Setup)
    out.write(checklist.render(setup, list(files)))


# ----------------------------------------------------------------------------- questions


def _ask(root: Path, detection: Detection) -> Plan:
    """Ask for each key value on the terminal, the detected one as the default."""
    from actiongen.descriptor.presets import PACKAGE_MANAGERS
    from actiongen.detect import detect_language
    from actiongen.detect.plan import (
        EnvironmentPlan,
        from_detection,
        placeholder_deploy,
        placeholder_rollback,
        service_stages,
    )
    from actiongen.detect.project import DEFAULT_VERSIONS, LANGUAGES, Project

    project = detection.project
    language = _choose("Language", project.language if project else None, LANGUAGES)
    if project is None or language != project.language:
        directory = project.directory if project else "."
        project = detect_language(root, language, directory) or Project(
            language=language, name=root.resolve().name, version=DEFAULT_VERSIONS[language],
            package_manager=PACKAGE_MANAGERS[language][0], directory=directory)
    plan: Plan = from_detection(detection, project)
    plan.name = _question("Project name", plan.name) or plan.name
    plan.package_manager = _choose("Package manager", plan.package_manager,
                                   PACKAGE_MANAGERS[language])
    if plan.package_manager == "bun" and project.package_manager != "bun":
        plan.version = "latest"  # the version is bun's own when bun runs the project
    runtime = "Bun" if plan.package_manager == "bun" else _RUNTIMES[language]
    plan.version = _question(f"{runtime} version", plan.version) or plan.version
    for stage, label in _STAGE_LABELS.items():
        answer = _question(label + " ('-' for none)", plan.commands.get(stage, ""))
        if answer:
            plan.commands[stage] = answer
        else:
            plan.commands.pop(stage, None)
    chosen = _question("Services for the tests (postgres, mysql, redis; '-' for none)",
                       ", ".join(plan.services))
    names = [n.strip() for n in chosen.replace(",", " ").split() if n.strip()]
    plan.services = {n: plan.services.get(n, _service_default(n)) for n in names
                     if n in SERVICES}
    plan.service_stages = service_stages(plan.language, plan.commands)
    kept: list[EnvironmentPlan] = []
    for env in plan.environments:
        if env.preset in ("pypi", "npm"):
            kept.append(env)
            continue
        branch = _question(f"{env.name.capitalize()} deploys from branch ('-' for no {env.name})",
                           env.branches[0] if env.branches else "")
        if not branch:
            continue
        env.branches = [branch]
        if env.preset is None:
            url = _question(f"{env.name.capitalize()} URL", env.url or "")
            if url and url != env.url:
                env.url = url
                _resolve(plan, f"deploy.{env.name}.url")
            placeholder = placeholder_deploy(env.name)
            run = _question(f"{env.name.capitalize()} deploy command",
                            "" if env.run == placeholder else (env.run or ""))
            if run:
                env.run = run
                _resolve(plan, f"deploy.{env.name}.run")
            placeholder = placeholder_rollback(env.name)
            rollback = _question(f"{env.name.capitalize()} rollback command",
                                 "" if env.rollback == placeholder else (env.rollback or ""))
            if rollback:
                env.rollback = rollback
                _resolve(plan, f"deploy.{env.name}.rollback.run")
        kept.append(env)
    plan.environments = kept
    for key in list(plan.placeholders):
        if not any(key.startswith(f"deploy.{e.name}.") for e in kept):
            _resolve(plan, key)
    if any(e.preset not in ("pypi", "npm") for e in kept):
        plan.health = _question("Health check path or URL", plan.health or "/health") or None
    else:
        plan.health = None
    return plan


def _resolve(plan: Plan, key: str) -> None:
    if key in plan.placeholders:
        plan.placeholders.remove(key)


def _service_default(name: str) -> str:
    from actiongen.detect.project import SERVICE_VERSIONS

    return SERVICE_VERSIONS[name]


def _question(label: str, default: str) -> str:
    """One answer: Enter keeps the default, '-' means none."""
    from actiongen.errors import UserError

    prompt = f"{label} [{default}]: " if default else f"{label}: "
    try:
        answer = input(prompt).strip()
    except EOFError:
        raise UserError("init cancelled; nothing was written") from None
    if answer == "-":
        return ""
    return answer or default


def _choose(label: str, default: str | None, choices: tuple[str, ...]) -> str:
    """An answer from ``choices``; asks again, listing them, on anything else."""
    while True:
        answer = _question(label, default or "")
        if answer in choices:
            return answer
        print(f"  please answer one of: {', '.join(choices)}", file=sys.stderr)
