"""Plain descriptor data (already schema-valid) to a :class:`Descriptor`, checking meaning.

The schema checks shapes; this module checks what shapes cannot say: a package
manager that belongs to another language, a URL without a scheme, a secret name
GitHub would refuse, a production deploy with no way back, a preset option of the
wrong kind.  Each problem names its key path and the fix.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from actiongen.descriptor.errors import Problem
from actiongen.descriptor.model import (
    Descriptor,
    Environment,
    Image,
    Notify,
    RefGuard,
    Rollback,
    Service,
    Verify,
)
from actiongen.descriptor.presets import NAME_LABEL, OPTION_KINDS, PACKAGE_MANAGERS, PRESETS
from actiongen.descriptor.refs import ref_problem

DEFAULT_VERSIONS: dict[str, str] = {
    "node": "24",
    "bun": "latest",
    "python": "3.13",
    "go": "stable",
    "rust": "stable",
    "java": "21",
    "ruby": "3.4",
}

_ENV_NAME = re.compile(r"^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*$")
_URL = re.compile(r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[^\s]*)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STEP_KEYS = frozenset({
    "name", "id", "if", "uses", "run", "with", "env", "shell", "working-directory",
    "continue-on-error", "timeout-minutes",
})
_SHA_REF = re.compile(r"@[0-9a-f]{40}$")


def slug(text: str) -> str:
    """A job-id and DNS-label friendly form: lower case, runs of other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Builder:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], message: str, fix: str = "") -> None:
        self.problems.append(Problem(path, message, fix))

    # --- small checks -------------------------------------------------------------------

    def text(self, path: tuple[str | int, ...], value: str, *, single_line: bool = False) -> None:
        if _CONTROL.search(value):
            self.problem(path, "holds a control character", "remove it")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            self.problem(path, "holds an unpaired surrogate, which is not text", "remove it")
        if single_line and ("\n" in value or "\r" in value):
            self.problem(path, "spans several lines", "write it on one line")

    def url(self, path: tuple[str | int, ...], value: str) -> None:
        if _URL.match(value):
            return
        shown = value if len(value) <= 60 else value[:57] + "..."
        if "://" not in value and " " not in value and value.strip():
            self.problem(path, f"\"{shown}\" is not a URL",
                         f"write https://{value.lstrip('/')}")
        else:
            self.problem(path, f"\"{shown}\" is not a URL",
                         "write an http(s) URL such as https://example.com")

    def names(self, path: tuple[str | int, ...], value: Any, what: str) -> dict[str, str]:
        """``[A, B]`` or ``{ENV: NAME}`` to ``{env var: secret/variable name}``."""
        pairs = [(v, v) for v in value] if isinstance(value, list) else list(value.items())
        out: dict[str, str] = {}
        folded: dict[str, str] = {}
        for i, (env_name, name) in enumerate(pairs):
            where = (*path, i) if isinstance(value, list) else (*path, env_name)
            ok = True
            if not isinstance(name, str) or not _ENV_NAME.match(name):
                self.problem(where, f"{_show(name)} is not a {what} name GitHub accepts",
                             "use letters, digits and _, not starting with a digit or GITHUB_")
                ok = False
            if ok and not _ENV_NAME.match(str(env_name)):
                self.problem(where, f"{_show(env_name)} is not an environment variable name",
                             "use letters, digits and _, not starting with a digit or GITHUB_")
                ok = False
            if ok:
                key = str(env_name).upper()
                if key in folded:
                    self.problem(where, f"`{env_name}` is listed twice (names ignore case)",
                                 "remove one of them")
                folded[key] = env_name
                out[str(env_name)] = str(name)
        return out

    # --- sections -----------------------------------------------------------------------

    def build(self) -> Descriptor | None:
        d = self.data
        name = d["name"]
        self.text(("name",), name, single_line=True)
        if "${{" in name:
            self.problem(("name",), "holds `${{`, but the workflow name cannot hold expressions",
                         "remove the `${{`")
        language = d["language"]
        manager = d.get("package-manager") or PACKAGE_MANAGERS[language][0]
        if manager not in PACKAGE_MANAGERS[language]:
            self.problem(("package-manager",), f"`{manager}` is not a {language} package manager",
                         f"write one of: {', '.join(PACKAGE_MANAGERS[language])}")
        raw_version = d.get("version")
        if raw_version is None:
            versions: tuple[str, ...] = (
                DEFAULT_VERSIONS["bun" if manager == "bun" else language],)
        elif isinstance(raw_version, list):
            versions = tuple(raw_version)
        else:
            versions = (raw_version,)

        commands = dict(d.get("commands") or {})
        if "test" in commands:
            if "unit" in commands:
                self.problem(("commands", "test"), "`test` and `unit` are the same stage",
                             "keep only `unit`")
            commands["unit"] = commands.pop("test")
        install = commands.pop("install", None)
        for stage, command in commands.items():
            self.text(("commands", stage), command)
        if install is not None:
            self.text(("commands", "install"), install)

        services = self.services(d.get("services") or {}, commands)
        artifacts = tuple(d.get("artifacts") or ())
        if artifacts and "build" not in commands:
            self.problem(("artifacts",), "artifacts come from the build job, but there is none",
                         "add commands.build")
        for i, a in enumerate(artifacts):
            if "${{" in a or "\n" in a:
                self.problem(("artifacts", i), "is not a plain path", "remove `${{` and newlines")
        image = self.image(d.get("image"))
        check_cfg, budgets, pipeline, production_names = self.check(d.get("check"))
        branches = tuple(d.get("branches") or ())
        for i, b in enumerate(branches):
            why = ref_problem(b)
            if why:
                self.problem(("branches", i), f"\"{_clip(b)}\" {why}",
                             "write a branch name git accepts")

        desc = Descriptor(
            name=name,
            language=language,
            versions=versions,
            package_manager=manager,
            commands=commands,
            install=install,
            runs_on=d.get("runs-on", "ubuntu-latest"),
            branches=branches,
            services=services,
            artifacts=artifacts,
            dependency_cache=d.get("cache", True) is not False,
            image=image,
            workflow_file=d.get("workflow", "ci-cd.yml"),
            budgets=budgets,
            pipeline_budget=pipeline,
            check=check_cfg,
            source=self.source,
            data=d,
        )
        top_verify = d.get("verify") or {}
        top_rollback = d.get("rollback", "auto")
        slugs: dict[str, str] = {}
        for env_name, env_data in (d.get("deploy") or {}).items():
            env = self.environment(desc, env_name, env_data, top_verify, top_rollback,
                                   production_names)
            if env is None:
                continue
            if env.slug in slugs:
                self.problem(("deploy", env_name),
                             f"`{env_name}` and `{slugs[env.slug]}` give the same job ids",
                             "rename one of them")
                continue
            slugs[env.slug] = env_name
            desc.environments[env_name] = env
        if top_verify and not d.get("deploy"):
            self.problem(("verify",), "there is no deploy to verify",
                         "add deploy: or remove verify:")
        notify = d.get("notify")
        if notify is not None:
            desc.notify = Notify(notify["slack"], tuple(notify.get("on") or ("failure",)))
        desc.hooks = self.hooks(d.get("steps") or {})
        desc.extra_jobs = self.extra_jobs(d.get("jobs") or {})
        return desc if not self.problems else None

    def services(self, data: dict[str, Any], commands: dict[str, str]) -> tuple[Service, ...]:
        out = []
        for kind, spec in data.items():
            version = spec if isinstance(spec, str) else spec["version"]
            if isinstance(spec, dict) and "for" in spec:
                jobs = tuple(spec["for"])
            else:
                default = next((j for j in ("integration", "e2e", "unit") if j in commands), None)
                if default is None:
                    self.problem(("services", kind), "there are no tests to give the service to",
                                 "add commands.integration (or unit / e2e)")
                    continue
                jobs = (default,)
            for j in jobs:
                if j not in commands:
                    self.problem(("services", kind, "for"), f"there is no `{j}` job",
                                 f"add commands.{j}, or remove it from `for`")
            out.append(Service(kind, version, jobs))
        return tuple(out)

    def image(self, data: Any) -> Image | None:
        if data is None:
            return None
        if isinstance(data, str):
            return Image(data)
        img = Image(
            name=data["name"],
            dockerfile=data.get("dockerfile", "Dockerfile"),
            context=data.get("context", "."),
            username=data.get("username", "REGISTRY_USERNAME"),
            password=data.get("password", "REGISTRY_PASSWORD"),
            aws_role=data.get("aws-role", "AWS_ROLE_ARN"),
        )
        for key in ("dockerfile", "context"):
            if "${{" in str(data.get(key, "")):
                self.problem(("image", key), "is not a plain path", "remove `${{`")
        return img

    def check(self, data: Any) -> tuple[dict[str, Any] | None, dict[str, int], int, list[str]]:
        from actiongen.config import Config, ConfigError, from_data

        try:
            cfg = from_data(data, self.source) if data is not None else Config()
        except ConfigError as exc:
            message = str(exc)
            prefix = f"{self.source}: "
            if message.startswith(prefix):
                message = message[len(prefix):]
            self.problem(("check",), message, "see schemas/config.schema.json")
            cfg = Config()
        return data, dict(cfg.budgets), cfg.pipeline_minutes, list(cfg.production)

    def environment(
        self,
        desc: Descriptor,
        name: str,
        data: dict[str, Any],
        top_verify: dict[str, Any],
        top_rollback: Any,
        production_names: list[str],
    ) -> Environment | None:
        from actiongen.config import Config

        here: tuple[str | int, ...] = ("deploy", name)
        start = len(self.problems)
        preset_name = data.get("preset")
        run = data.get("run")
        if preset_name is None and run is None:
            self.problem(here, "says neither how to deploy (`preset:`) nor what to run (`run:`)",
                         f"add preset: ({', '.join(PRESETS)}) or run: <command>")
            return None
        if preset_name is not None and run is not None:
            self.problem(here, "has both `preset:` and `run:`", "keep one of them")
            return None
        preset = PRESETS.get(preset_name) if preset_name else None
        if run is not None:
            self.text((*here, "run"), run)

        # Where it deploys from.
        branches = list(data.get("branches") or [])
        if "branch" in data:
            branches.insert(0, data["branch"])
        tags = list(data.get("tags") or [])
        if not branches and not tags:
            if preset is not None and preset.default_trigger == "tags":
                tags = ["v*"]
            else:
                self.problem(here, "does not say which pushes deploy to it",
                             "add branch: main (or tags: [\"v*\"])")
        for key, patterns in (("branch", branches), ("tags", tags)):
            for i, pattern in enumerate(patterns):
                where = (*here, key) if key == "branch" and "branch" in data and i == 0 else (
                    (*here, "branches" if key == "branch" else "tags",
                     i - (1 if key == "branch" and "branch" in data else 0)))
                why = ref_problem(pattern)
                if why:
                    self.problem(where, f"\"{_clip(pattern)}\" {why}",
                                 "write a name git accepts, or a prefix ending in *")

        production = Config(production=production_names).is_production(name)

        url = data.get("url")
        if url is not None:
            self.text((*here, "url"), url, single_line=True)
            self.url((*here, "url"), url)
        elif preset is None or not preset.reports_url:
            if preset is not None and preset.name in ("pypi", "npm"):
                url = None
            elif production:
                self.problem(here, "a production environment needs its `url:`",
                             "add url: https://...")

        # How it deploys.
        strategy = data.get("strategy")
        canary = tuple(data.get("canary") or ())
        if strategy is None:
            strategy = "canary" if canary else "rolling"
        supported = preset.strategies if preset is not None else ("rolling", "blue-green", "canary")
        if strategy not in supported:
            what = f"the {preset.name} preset" if preset is not None else "run:"
            self.problem((*here, "strategy"), f"{what} does not support {strategy}",
                         f"use {' or '.join(supported)}, or deploy with run: commands")
        if strategy == "canary":
            if not canary:
                canary = (10, 50, 100)
            if list(canary) != sorted(set(canary)) or canary[-1] != 100:
                self.problem((*here, "canary"), f"{list(canary)} does not climb to 100",
                             "list rising percentages ending at 100, e.g. [10, 50, 100]")
        elif canary:
            self.problem((*here, "canary"), f"steps are only for strategy canary, not {strategy}",
                         "set strategy: canary, or remove canary:")
        promote = data.get("promote")
        if promote is not None:
            self.text((*here, "promote"), promote)
            if run is None or strategy != "blue-green":
                self.problem((*here, "promote"),
                             "is only for run: deploys with strategy blue-green", "remove it")
        elif run is not None and strategy == "blue-green":
            self.problem(here, "a blue-green run: deploy needs the command that switches traffic",
                         "add promote: <command>")

        options = self.options(desc, here, preset, data.get("with"), production, strategy)

        env_vars = self.names((*here, "vars"), data.get("vars") or [], "variable")
        env_secrets = self.names((*here, "secrets"), data.get("secrets") or [], "secret")

        # Verification.
        merged = {**top_verify, **(data.get("verify") or {})}
        verify = self.verify(here, merged, url, preset, "verify" in data)
        if strategy == "canary" and verify.health is None:
            self.problem(here, "a canary is checked between its steps, and there is no health URL",
                         "add verify: {health: /healthz}")
        publishes = preset is not None and preset.name in ("pypi", "npm")
        if not verify.active and not publishes:
            # A deploy nobody checks is one the rollback can never notice (seed §50.2).
            kind = "a production deploy" if production else "a deploy"
            self.problem(here, f"{kind} needs verification",
                         "add verify: {health: /healthz} (or smoke: <command>)")

        # Rollback.
        raw_rb = data.get("rollback", top_rollback)
        rb_path = (*here, "rollback") if "rollback" in data else ("rollback",)
        if isinstance(raw_rb, dict):
            self.text((*rb_path, "run"), raw_rb["run"])
            rollback = Rollback("command", raw_rb["run"])
        elif raw_rb == "none":
            rollback = Rollback("none")
        elif preset is not None and preset.rollback and not (
            preset.name == "vercel" and not options.get("production")
        ):
            rollback = Rollback("auto")
        else:
            rollback = Rollback("none")
        if production and rollback.mode == "none":
            how = (f"the {preset.name} preset cannot roll back by itself" if preset is not None
                   and raw_rb != "none" else "production needs a way back")
            self.problem(rb_path, f"{how}; a failed production deploy would stay live",
                         "write rollback: {run: <command that restores the previous version>}")

        migrate = data.get("migrate")
        if migrate is None:
            migrate = "migrate" in desc.commands and (
                preset is None or preset.name not in ("pypi", "npm", "github-pages"))
        elif migrate and "migrate" not in desc.commands:
            self.problem((*here, "migrate"), "there is no migration command",
                         "add commands.migrate")

        if len(self.problems) > start:
            return None
        oidc = preset is not None and (preset.oidc or bool(options.get("eks-cluster")))
        return Environment(
            name=name,
            slug=slug(name),
            refs=RefGuard(tuple(branches), tuple(tags)),
            url=url,
            preset=preset.name if preset is not None else None,
            run=run,
            promote=promote,
            strategy=strategy,
            canary=canary if strategy == "canary" else (),
            options=options,
            vars=env_vars,
            secrets=env_secrets,
            verify=verify,
            rollback=rollback,
            migrate=bool(migrate),
            production=production,
            oidc=oidc,
        )

    def options(
        self,
        desc: Descriptor,
        here: tuple[str | int, ...],
        preset: Any,
        given: dict[str, Any] | None,
        production: bool,
        strategy: str,
    ) -> dict[str, Any]:
        given = given or {}
        if preset is None:
            if given:
                self.problem((*here, "with"), "options are for presets, and there is none",
                             "remove with:, or set preset:")
            return {}
        out: dict[str, Any] = {}
        for key, value in given.items():
            if key not in preset.options:
                close = difflib.get_close_matches(key, list(preset.options), n=1)
                hint = f"did you mean `{close[0]}`?" if close else ""
                self.problem((*here, "with", key),
                             f"the {preset.name} preset has no option `{key}`",
                             hint or f"use one of: {', '.join(preset.options)}")
                continue
            kind = preset.options[key][0]
            if kind == "bool":
                if not isinstance(value, bool):
                    self.problem((*here, "with", key),
                                 f"expected true or false, got {_show(value)}",
                                 "write true or false")
                    continue
            else:
                pattern, hint = OPTION_KINDS[kind]
                if not isinstance(value, str) or not re.match(pattern, value):
                    self.problem((*here, "with", key), f"{_show(value)} {hint}", "")
                    continue
            out[key] = value
        default_name = slug(desc.name)
        label_ok = re.match(NAME_LABEL, default_name) is not None
        for key, (kind, default) in preset.options.items():
            if key in out:
                continue
            if default is not None:
                out[key] = default
            elif kind == "name" and key in ("deployment", "container", "app", "service"):
                if label_ok:
                    out[key] = default_name
                else:
                    self.problem((*here, "with"), f"`{key}` cannot default to the project name",
                                 f"add with: {{{key}: <name>}}")
        name = preset.name
        if name == "vercel" and "production" not in out:
            out["production"] = production
        if name == "kubernetes" and desc.image is None:
            if "manifests" not in out:
                self.problem(here, "the kubernetes preset needs an image to roll out",
                             "add image: <registry>/<name> (or with: {manifests: k8s/})")
            elif strategy != "rolling":
                self.problem(here, f"a kubernetes {strategy} deploy sets the new image",
                             "add image: <registry>/<name>")
        if name == "aws-ecs":
            if desc.image is None:
                self.problem(here, "the aws-ecs preset deploys an image",
                             "add image: <account>.dkr.ecr.<region>.amazonaws.com/<name>")
            if "cluster" not in given:
                self.problem((*here, "with"), "the aws-ecs preset needs the cluster name",
                             "add with: {cluster: <name>}")
            if strategy == "blue-green":
                for key in ("codedeploy-application", "codedeploy-group"):
                    if key not in given:
                        self.problem((*here, "with"), f"blue-green on ECS goes through CodeDeploy "
                                     f"and needs `{key}`", f"add with: {{{key}: <name>}}")
        if name == "github-pages":
            if "path" not in out:
                if desc.artifacts:
                    out["path"] = desc.artifacts[0]
                else:
                    self.problem(here,
                                 "GitHub Pages publishes the build's artifacts, and there are none",
                                 "add artifacts: [dist/] (and commands.build)")
            elif out["path"] not in desc.artifacts:
                self.problem((*here, "with", "path"), "is not one of the build's artifacts",
                             "list it under artifacts:")
        if name == "pypi" and not desc.artifacts:
            self.problem(here, "publishing to PyPI needs the built distributions",
                         "add commands.build (e.g. uv build) and artifacts: [dist/]")
        return out

    def verify(
        self,
        here: tuple[str | int, ...],
        data: dict[str, Any],
        url: str | None,
        preset: Any,
        local: bool,
    ) -> Verify:
        base: tuple[str | int, ...] = (*here, "verify") if local else ("verify",)
        health = data.get("health")
        if health is not None:
            self.text((*base, "health"), health, single_line=True)
            if health.startswith("/"):
                if url is None and (preset is None or not preset.reports_url):
                    self.problem((*base, "health"), "is a path, but the environment has no url",
                                 f"add deploy.{here[1]}.url, or write the full URL")
                elif " " in health or "${{" in health:
                    self.problem((*base, "health"), "is not a URL path", "remove spaces and `${{`")
            else:
                self.url((*base, "health"), health)
        smoke = data.get("smoke")
        if smoke is not None:
            self.text((*base, "smoke"), smoke)
        return Verify(health=health, retries=data.get("retries", 5),
                      interval=data.get("interval", 10), smoke=smoke)

    def hooks(self, data: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for stage, where in data.items():
            for position, steps in where.items():
                for i, step in enumerate(steps):
                    self.step(("steps", stage, position, i), step)
                out.setdefault(stage, {})[position] = list(steps)
        return out

    def step(self, path: tuple[str | int, ...], step: dict[str, Any]) -> None:
        for key in step:
            if key not in _STEP_KEYS:
                close = difflib.get_close_matches(str(key), sorted(_STEP_KEYS), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                self.problem((*path, key), f"unknown step key `{key}`{hint}",
                             f"use {', '.join(sorted(_STEP_KEYS))}")
        has_run, has_uses = "run" in step, "uses" in step
        if has_run == has_uses:
            self.problem(path, "a step needs exactly one of `run:` and `uses:`", "")
            return
        if has_uses:
            uses = step["uses"]
            if not isinstance(uses, str) or not (
                uses.startswith("./") or _SHA_REF.search(uses)
                or (uses.startswith("docker://") and "@sha256:" in uses)
            ):
                self.problem((*path, "uses"), f"{_show(uses)} is not pinned to a full commit SHA",
                             "write owner/repo@<40-hex sha> # vX.Y.Z")
        if has_run and isinstance(step["run"], str) and re.search(
            r"\$\{\{[^}]*\b(secrets|github\.event|inputs)\.", step["run"]
        ):
            self.problem((*path, "run"), "expands secrets or event data inside the script",
                         "pass the value through env: and use $NAME in the script")

    def extra_jobs(self, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for job_id, job in data.items():
            for i, step in enumerate(job.get("steps") or []):
                self.step(("jobs", job_id, "steps", i), step)
            out[job_id] = dict(job)
        return out


def _show(value: Any) -> str:
    text = f"\"{value}\"" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _clip(text: str) -> str:
    text = text.encode("unicode_escape").decode("ascii") if _CONTROL.search(text) else text
    return text if len(text) <= 60 else text[:57] + "..."


def build(data: dict[str, Any], source: str) -> tuple[Descriptor | None, list[Problem]]:
    """The descriptor, or None and the problems that stop it."""
    builder = _Builder(data, source)
    desc = builder.build()
    return desc, builder.problems
