"""Ruby projects: ``Gemfile`` / ``Gemfile.lock``, Rails, RSpec or Minitest, RuboCop."""

from __future__ import annotations

import re
from pathlib import Path

from actiongen.detect import manifest
from actiongen.detect.manifest import join as _join
from actiongen.detect.project import DEFAULT_VERSIONS, Project, project_name

POSTGRES = ("pg", "sequel_pg")
MYSQL = ("mysql2", "trilogy")
REDIS = ("redis", "sidekiq", "resque", "redis-client", "kredis", "hiredis")

_GEM = re.compile(r"""^\s*gem\s*\(?\s*["']([\w.\-]+)["']""", re.MULTILINE)
_RUBY = re.compile(r"""^\s*ruby\s*\(?\s*["'][~>=<\s]*(\d+\.\d+(?:\.\d+)?)""", re.MULTILINE)


def detect(root: Path, directory: str = ".") -> Project | None:
    """The Ruby project in ``directory``, or None without a Gemfile."""
    rel = _join(directory, "Gemfile")
    gemfile = manifest.read_text(root, rel)
    if gemfile is None:
        gems_rel = _join(directory, "gems.rb")
        gemfile = manifest.read_text(root, gems_rel)
        if gemfile is None:
            return None
        rel = gems_rel
    here = root / directory
    rails = (here / "config" / "application.rb").is_file() or (here / "bin" / "rails").is_file()
    app_name = None
    if rails:
        application = manifest.read_text(root, _join(directory, "config/application.rb")) or ""
        module = re.search(r"^\s*module\s+(\w+)", application, re.MULTILINE)
        app_name = _snake(module.group(1)) if module else None
    gemspec = sorted(here.glob("*.gemspec"))
    project = Project(
        language="ruby",
        name=project_name(app_name or (gemspec[0].stem if gemspec else None), here.resolve().name),
        version=DEFAULT_VERSIONS["ruby"],
        package_manager="bundler",
        directory=directory,
    )
    project.note(f"{rel} -> language ruby" + (" (rails)" if rails else ""))
    lock_rel = _join(directory, "Gemfile.lock" if rel.endswith("Gemfile") else "gems.locked")
    lock = manifest.read_text(root, lock_rel)
    if lock is not None:
        project.lockfile = lock_rel
    gems = set(_GEM.findall(gemfile)) | _locked_dependencies(lock or "")
    _version(root, directory, gemfile, lock or "", project)
    _commands(here, rails, gems, gemspec, project)
    _services(gems, project)
    return project


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _locked_dependencies(lock: str) -> set[str]:
    """The gems listed under DEPENDENCIES in Gemfile.lock (the Gemfile's direct gems)."""
    section = re.search(r"^DEPENDENCIES\n((?:[ \t]+.*\n?)*)", lock, re.MULTILINE)
    if not section:
        return set()
    return set(re.findall(r"^\s+([\w.\-]+)", section.group(1), re.MULTILINE))


def _version(root: Path, directory: str, gemfile: str, lock: str, project: Project) -> None:
    for name in (".ruby-version", ".tool-versions"):
        text = manifest.read_text(root, _join(directory, name)) or ""
        pattern = r"^\s*ruby\s+(\d+\.\d+(?:\.\d+)?)" if name == ".tool-versions" \
            else r"^\s*(?:ruby-)?(\d+\.\d+(?:\.\d+)?)"
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            project.version = match.group(1)
            project.note(f"{name} -> ruby {project.version}")
            return
    match = _RUBY.search(gemfile)
    if match:
        project.version = match.group(1)
        project.note(f"Gemfile ruby directive -> ruby {project.version}")
        return
    match = re.search(r"^RUBY VERSION\n\s+ruby (\d+\.\d+\.\d+)", lock, re.MULTILINE)
    if match:
        project.version = match.group(1)
        project.note(f"Gemfile.lock RUBY VERSION -> ruby {project.version}")


def _commands(here: Path, rails: bool, gems: set[str], gemspec: list[Path],
              project: Project) -> None:
    rails_bin = "bin/rails" if (here / "bin" / "rails").is_file() else "bundle exec rails"
    if "rubocop" in gems or (here / ".rubocop.yml").is_file():
        project.set_command("lint", "bundle exec rubocop", "rubocop")
    elif "standard" in gems:
        project.set_command("lint", "bundle exec standardrb", "standard")
    if "sorbet" in gems:
        project.set_command("typecheck", "bundle exec srb tc", "sorbet")
    elif "steep" in gems:
        project.set_command("typecheck", "bundle exec steep check", "steep")
    if gemspec and not rails:
        project.set_command("build", f"gem build {gemspec[0].name}", gemspec[0].name)
        project.build_output = "*.gem"
    rspec = ("rspec" in gems or "rspec-rails" in gems or "rspec-core" in gems) and \
        (here / "spec").is_dir()
    if rspec:
        system = [d for d in ("spec/system", "spec/features") if (here / d).is_dir()]
        if system:
            names = [d.split("/", 1)[1] for d in system]
            folders = names[0] if len(names) == 1 else "{" + ",".join(names) + "}"
            project.set_command(
                "unit", f'bundle exec rspec --exclude-pattern "spec/{folders}/**/*_spec.rb"',
                "rspec")
            project.set_command("e2e", "bundle exec rspec " + " ".join(system),
                                "rspec system specs")
        else:
            project.set_command("unit", "bundle exec rspec", "rspec")
    elif rails and (here / "test").is_dir():
        project.set_command("unit", f"{rails_bin} test", "rails test/")
        if (here / "test" / "system").is_dir():
            project.set_command("e2e", f"{rails_bin} test:system", "rails test/system")
    elif (here / "test").is_dir() and (here / "Rakefile").is_file():
        project.set_command("unit", "bundle exec rake test", "minitest + Rakefile")
    if rails and (here / "db" / "migrate").is_dir():
        project.set_command("migrate", f"{rails_bin} db:migrate", "rails db/migrate")
    elif "sequel" in gems and (here / "db" / "migrations").is_dir():
        project.set_command("migrate", 'bundle exec sequel -m db/migrations "$DATABASE_URL"',
                            "sequel migrations")
    if "e2e" in project.commands and ("selenium-webdriver" in gems or "cuprite" in gems):
        project.note("system tests drive a browser: ubuntu runners ship Chrome")


def _services(gems: set[str], project: Project) -> None:
    if "testcontainers" in gems:
        project.self_contained_tests = True
    for names, service in ((POSTGRES, "postgres"), (MYSQL, "mysql"), (REDIS, "redis")):
        found = sorted(set(names) & gems)
        if found:
            project.add_service(service, f"{found[0]} gem")
