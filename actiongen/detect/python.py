"""Python projects: pyproject.toml (PEP 621, Poetry, uv), requirements files, Django."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from actiongen.detect import manifest
from actiongen.detect.manifest import as_list as _list
from actiongen.detect.manifest import as_str as _str
from actiongen.detect.manifest import join as _join
from actiongen.detect.manifest import table as _table
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name, quote_arg
from actiongen.detect.versions import exact_python, pick

POSTGRES = ("psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "asyncpg", "pg8000",
            "psycopg-c", "aiopg")
MYSQL = ("mysqlclient", "pymysql", "mysql-connector-python", "aiomysql", "asyncmy")
REDIS = ("redis", "aioredis", "django-redis", "rq", "hiredis", "arq", "valkey")

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?")
_REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt", "requirements_dev.txt",
                      "dev-requirements.txt", "requirements-test.txt", "test-requirements.txt",
                      "requirements/base.txt", "requirements/dev.txt", "requirements/test.txt",
                      "requirements/local.txt", "requirements/production.txt")


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Python project in ``directory``, or None when there is no Python manifest."""
    here = root / directory
    pyproject_rel = _join(directory, "pyproject.toml")
    pyproject = manifest.read_toml(root, pyproject_rel) or {}
    requirements = [_join(directory, r) for r in _REQUIREMENT_FILES
                    if (root / _join(directory, r)).is_file()]
    has_setup = any((here / n).is_file() for n in ("setup.py", "setup.cfg"))
    pipfile = manifest.read_toml(root, _join(directory, "Pipfile"))
    real_pyproject = any(k in pyproject for k in ("project", "build-system")) or \
        "poetry" in _table(pyproject, "tool")
    if not (real_pyproject or requirements or has_setup or pipfile is not None
            or (here / "manage.py").is_file()):
        return None
    tool = _table(pyproject, "tool")
    poetry = _table(tool, "poetry")
    meta = _table(pyproject, "project")
    project = Project(
        language="python",
        name=project_name(_str(meta.get("name")) or _str(poetry.get("name"))
                          or _setup_name(root, directory) or _django_project(root, directory),
                          here.resolve().name),
        version=DEFAULT_VERSIONS["python"],
        package_manager="pip",
        directory=directory,
    )
    first = pyproject_rel if real_pyproject else next(
        iter(requirements), "Pipfile" if pipfile is not None else "setup.py")
    project.note(f"{first} -> language python")
    _package_manager(root, directory, tool, project)
    _version(root, directory, meta, poetry, project)
    deps, extras = _dependencies(pyproject, root, requirements)
    for section in ("packages", "dev-packages"):
        deps |= {normalize(n) for n in _table(pipfile, section)}
    _commands(here, pyproject, tool, deps, project)
    _services(deps, extras, project)
    if project.package_manager == "pip" and pipfile is not None and not requirements:
        # Pipenv installs into the job's Python (--system), from the lock when there is one.
        locked = " --deploy" if (here / "Pipfile.lock").is_file() else ""
        project.install = f"python -m pip install pipenv && pipenv install --dev --system{locked}"
        project.note(f"Pipfile -> install with pipenv: {project.install}")
    elif project.package_manager == "pip":
        uses_pytest = any("pytest" in c for c in project.commands.values())
        project.install = _pip_install(directory, requirements, meta, has_setup,
                                       uses_pytest and "pytest" not in deps)
    return project


_DEV_FILE = re.compile(r"(^|[/_-])(dev|test|tests|local)([._-]|$)")


def _pip_install(directory: str, requirements: list[str], meta: dict[str, Any], has_setup: bool,
                 add_pytest: bool) -> str:
    """pip must be told what to install: the project, its requirement files, its test extras."""
    parts: list[str] = []
    prefix = "" if directory in ("", ".") else f"{directory}/"
    runtime = [r for r in requirements if not _DEV_FILE.search(r[len(prefix):])]
    dev = [r for r in requirements if _DEV_FILE.search(r[len(prefix):])]
    for rel in runtime[:1] + dev:
        parts.append(f"-r {quote_arg(rel[len(prefix):])}")
    extras = [e for e in _table(meta, "optional-dependencies") if e in ("dev", "test", "tests")]
    if meta or (has_setup and not requirements):
        target = f".[{','.join(extras)}]" if extras else "."
        parts.append(f"-e {quote_arg(target)}")
    if add_pytest:
        parts.append("pytest")
    return "python -m pip install " + " ".join(parts) if parts else "python -m pip install ."


def _setup_name(root: Path, directory: str) -> str | None:
    """The ``name`` setup.cfg's [metadata] or setup.py's ``setup(name=...)`` gives."""
    cfg = manifest.read_text(root, _join(directory, "setup.cfg")) or ""
    match = re.search(r"^\[metadata\][^\[]*?^name\s*=\s*([\w.\-]+)", cfg, re.MULTILINE | re.DOTALL)
    if match:
        return match.group(1)
    setup = manifest.read_text(root, _join(directory, "setup.py")) or ""
    match = re.search(r"\bname\s*=\s*['\"]([\w.\-]+)['\"]", setup)
    return match.group(1) if match else None


def _django_project(root: Path, directory: str) -> str | None:
    """A Django project's name, from the settings module manage.py or pytest points at."""
    for name in ("manage.py", "pytest.ini", "setup.cfg", "tox.ini"):
        text = manifest.read_text(root, _join(directory, name)) or ""
        match = re.search(r"DJANGO_SETTINGS_MODULE\W+([A-Za-z_]\w*)\.", text)
        if match:
            return match.group(1)
    return None


def normalize(name: str) -> str:
    """PEP 503 name normalisation: ``Django_Redis`` -> ``django-redis``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_manager(root: Path, directory: str, tool: dict[str, Any], project: Project) -> None:
    for candidate in _upwards(directory):
        for lockfile, pm in (("uv.lock", "uv"), ("poetry.lock", "poetry")):
            rel = _join(candidate, lockfile)
            if (root / rel).is_file():
                project.package_manager = pm
                project.lockfile = rel
                project.note(f"{rel} -> package manager {pm}")
                return
    if "poetry" in tool:
        project.package_manager = "poetry"
        project.note("[tool.poetry] -> package manager poetry")
    elif "uv" in tool:
        project.package_manager = "uv"
        project.note("[tool.uv] -> package manager uv")
    else:
        for name in ("requirements.txt", "pdm.lock", "Pipfile.lock"):
            rel = _join(directory, name)
            if (root / rel).is_file():
                project.lockfile = rel
                break
        project.note("no uv.lock or poetry.lock -> package manager pip")


def _upwards(directory: str) -> list[str]:
    parts = [] if directory in ("", ".") else directory.split("/")
    return ["/".join(parts[:i]) or "." for i in range(len(parts), -1, -1)]


def _version(root: Path, directory: str, meta: dict[str, Any], poetry: dict[str, Any],
             project: Project) -> None:
    default = DEFAULT_VERSIONS["python"]
    for candidate in _upwards(directory):
        for name in (".python-version", "runtime.txt"):
            rel = _join(candidate, name)
            text = manifest.read_text(root, rel)
            found = exact_python(text) if text else None
            if found:
                project.version = found
                project.note(f"{rel} -> python {found}")
                return
    specs = [("requires-python", _str(meta.get("requires-python")))]
    poetry_deps = _table(poetry, "dependencies")
    specs.append(("tool.poetry.dependencies.python", _str(poetry_deps.get("python"))))
    for where, spec in specs:
        if spec:
            found = pick(spec, default, 2)
            if found:
                project.version = found
                project.note(f"{where} {spec!r} -> python {found}")
                return


def _requirement(text: str) -> tuple[str, set[str]] | None:
    match = _REQUIREMENT_NAME.match(text)
    if not match:
        return None
    extras = {normalize(e) for e in (match.group(2) or "[]")[1:-1].split(",") if e.strip()}
    return normalize(match.group(1)), extras


def _dependencies(pyproject: dict[str, Any], root: Path,
                  requirements: list[str]) -> tuple[set[str], set[str]]:
    """Every dependency name the project declares anywhere, and the extras it asks for."""
    names: set[str] = set()
    extras: set[str] = set()

    def add(text: Any) -> None:
        if isinstance(text, str):
            found = _requirement(text)
            if found:
                names.add(found[0])
                extras.update(found[1])

    meta = _table(pyproject, "project")
    for item in _list(meta.get("dependencies")):
        add(item)
    for group in _table(meta, "optional-dependencies").values():
        for item in _list(group):
            add(item)
    for group in _table(pyproject, "dependency-groups").values():
        for item in _list(group):
            add(item)  # {include-group = ...} tables are skipped by add()
    tool = _table(pyproject, "tool")
    for item in _list(_table(tool, "uv").get("dev-dependencies")):
        add(item)
    for group in _table(_table(tool, "pdm"), "dev-dependencies").values():
        for item in _list(group):
            add(item)
    poetry = _table(tool, "poetry")
    sections = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    sections += [_table(g, "dependencies") for g in _table(poetry, "group").values()]
    for section in sections:
        for name, spec in section.items():
            if name == "python":
                continue
            names.add(normalize(name))
            if isinstance(spec, dict):
                extras.update(normalize(e) for e in _list(spec.get("extras")) if isinstance(e, str))
    for rel in requirements:
        text = manifest.read_text(root, rel) or ""
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                add(line)
    return names, extras


def _commands(here: Path, pyproject: dict[str, Any], tool: dict[str, Any], deps: set[str],
              project: Project) -> None:
    pm = project.package_manager
    run = {"uv": "uv run ", "poetry": "poetry run ", "pip": ""}[pm]
    # A tool configured but not installed by the project runs in a throwaway environment.
    standalone = "uvx " if pm == "uv" else "pipx run "

    lint: list[str] = []
    why: list[str] = []
    if "ruff" in deps:
        lint.append(f"{run}ruff check .")
        why.append("ruff dependency")
    elif "ruff" in tool or (here / "ruff.toml").is_file() or (here / ".ruff.toml").is_file():
        lint.append(f"{standalone}ruff check .")
        why.append("ruff configuration")
    elif "flake8" in deps:
        lint.append(f"{run}flake8")
        why.append("flake8 dependency")
    if "black" in deps:
        lint.append(f"{run}black --check .")
        why.append("black dependency")
    if lint:
        project.set_command("lint", " && ".join(lint), " + ".join(why))

    mypy = _table(tool, "mypy")
    if "mypy" in deps:
        configured = mypy.get("files") or (here / "mypy.ini").is_file()
        target = "" if configured else " " + _source_dir(here, project)
        project.set_command("typecheck", f"{run}mypy{target}", "mypy dependency")
    elif "pyright" in deps or "basedpyright" in deps:
        name = "basedpyright" if "basedpyright" in deps else "pyright"
        project.set_command("typecheck", f"{run}{name}", f"{name} dependency")

    build_system = _table(pyproject, "build-system")
    poetry = _table(tool, "poetry")
    is_package = bool(build_system) and poetry.get("package-mode") is not False
    if is_package and not (here / "manage.py").is_file():
        build = {"uv": "uv build", "poetry": "poetry build", "pip": "pipx run build"}[pm]
        project.set_command("build", build, "[build-system]")
        project.build_output = "dist/"

    _tests(here, tool, deps, run, project)
    _migrations(here, deps, run, project)


def _source_dir(here: Path, project: Project) -> str:
    """What to point mypy at when its configuration names no files."""
    if (here / "src").is_dir():
        return "src"
    package = project.name.replace("-", "_")
    if (here / package).is_dir():
        return quote_arg(package)
    return "."


def _tests(here: Path, tool: dict[str, Any], deps: set[str], run: str, project: Project) -> None:
    django = "django" in deps and (here / "manage.py").is_file()
    pytest_config = _table(tool, "pytest")
    uses_pytest = "pytest" in deps or bool(pytest_config) or any(
        (here / n).is_file() for n in ("pytest.ini", "conftest.py", "tests/conftest.py"))
    if not uses_pytest:
        if django:
            project.set_command("unit", f"{run}python manage.py test", "django manage.py")
        elif (here / "tests").is_dir() or (here / "test").is_dir():
            project.set_command("unit", f"{run}python -m unittest discover", "tests directory")
        return
    pytest = f"{run}pytest" if run else "python -m pytest"
    if "pytest" not in deps and project.package_manager == "uv":
        pytest = "uv run --with pytest pytest"
    test_root = next((d for d in ("tests", "test") if (here / d).is_dir()), None)
    layers = {stage: f"{test_root}/{folder}"
              for stage, folders in (("unit", ("unit",)), ("integration", ("integration",)),
                                     ("e2e", ("e2e", "end_to_end", "functional")))
              for folder in folders
              if test_root and (here / test_root / folder).is_dir()}
    markers = " ".join(str(m) for m in _list(_table(pytest_config, "ini_options").get("markers")))
    if "integration" in layers or "e2e" in layers:
        if "unit" in layers:
            project.set_command("unit", f"{pytest} {layers['unit']}", f"{layers['unit']}/")
        else:
            ignored = " ".join(f"--ignore={layers[s]}" for s in ("integration", "e2e")
                               if s in layers)
            project.set_command("unit", f"{pytest} {ignored}", "pytest")
        for stage in ("integration", "e2e"):
            if stage in layers:
                project.set_command(stage, f"{pytest} {layers[stage]}", f"{layers[stage]}/")
    elif re.search(r"(^|\s)integration\b", markers):
        project.set_command("unit", f'{pytest} -m "not integration"', "pytest markers")
        project.set_command("integration", f"{pytest} -m integration", "pytest marker integration")
    else:
        project.set_command("unit", pytest, "pytest")
    if "playwright" in deps or "pytest-playwright" in deps:
        project.e2e_setup = f"{run}playwright install --with-deps" if run else \
            "python -m playwright install --with-deps"
        project.note(f"playwright dependency -> e2e setup: {project.e2e_setup}")


def _migrations(here: Path, deps: set[str], run: str, project: Project) -> None:
    if "alembic" in deps and ((here / "alembic.ini").is_file() or (here / "alembic").is_dir()):
        project.set_command("migrate", f"{run}alembic upgrade head", "alembic.ini")
    if "django" in deps and (here / "manage.py").is_file():
        project.set_command("migrate", f"{run}python manage.py migrate --no-input",
                            "django manage.py")
    if "yoyo-migrations" in deps:
        project.set_command("migrate", f'{run}yoyo apply --batch --database "$DATABASE_URL"',
                            "yoyo-migrations dependency")


def _services(deps: set[str], extras: set[str], project: Project) -> None:
    if "testcontainers" in deps:
        project.self_contained_tests = True
    for names, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(set(names) & deps)
        if found:
            project.add_service(service, f"{found[0]} dependency")
    # "celery[redis]", "sqlalchemy[postgresql-asyncpg]": the driver comes in as an extra.
    for extra in sorted(extras):
        if extra in ("redis",):
            project.add_service("redis", f"[{extra}] extra")
        elif extra.startswith(("postgres", "psycopg", "asyncpg")):
            project.add_service("postgres", f"[{extra}] extra")
        elif extra.startswith(("mysql", "pymysql")):
            project.add_service("mysql", f"[{extra}] extra")
