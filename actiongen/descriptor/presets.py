"""What each deploy preset supports, needs and defaults to.

Options (``with:``) are one of four kinds: ``text`` (a free value such as a
namespace), ``path`` (relative to the repository), ``secret`` / ``var`` (the *name*
of a GitHub secret or variable; the workflow reads ``secrets.X`` / ``vars.X``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A preset option: (kind, default).  A default of None means "required" unless
#: :attr:`Preset.derived` fills it in.
Option = tuple[str, str | bool | None]

#: Package managers (build tools for java) per language; the first is the default.
PACKAGE_MANAGERS: dict[str, tuple[str, ...]] = {
    "node": ("npm", "pnpm", "yarn", "bun"),
    "python": ("pip", "poetry", "uv"),
    "go": ("go",),
    "rust": ("cargo",),
    "java": ("maven", "gradle"),
    "ruby": ("bundler",),
}


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    summary: str
    strategies: tuple[str, ...]
    options: dict[str, Option] = field(default_factory=dict)
    #: Whether the deploy job requests an OIDC token (``id-token: write``).
    oidc: bool = False
    #: Whether ``rollback: auto`` does something (else the user writes ``run:``).
    rollback: bool = True
    #: Whether the deploy step reports the environment's URL itself.
    reports_url: bool = False
    #: The environment's default trigger: "branch" or "tags".
    default_trigger: str = "branch"
    #: Needs the built artifacts in the deploy job.
    needs_artifacts: bool = False
    #: Needs a container image (``image:``) to deploy.
    needs_image: bool = False


_NAME = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "kubernetes",
            "kubectl against a cluster from a kubeconfig secret (or EKS through OIDC)",
            ("rolling", "blue-green", "canary"),
            {
                "deployment": ("name", None),
                "container": ("name", None),
                "namespace": ("name", "default"),
                "manifests": ("path", None),
                "kubeconfig": ("secret", "KUBE_CONFIG"),
                "eks-cluster": ("name", None),
                "aws-role": ("role", "AWS_ROLE_ARN"),
                "aws-region": ("region", "AWS_REGION"),
            },
            needs_image=True,
        ),
        Preset(
            "aws-ecs",
            "ECS service update through OIDC (CodeDeploy for blue-green)",
            ("rolling", "blue-green"),
            {
                "cluster": ("name", None),
                "service": ("name", None),
                "task-definition": ("path", ".aws/task-definition.json"),
                "container": ("name", None),
                "aws-role": ("role", "AWS_ROLE_ARN"),
                "aws-region": ("region", "AWS_REGION"),
                "codedeploy-application": ("name", None),
                "codedeploy-group": ("name", None),
                "appspec": ("path", "appspec.yaml"),
            },
            oidc=True,
            needs_image=True,
        ),
        Preset(
            "fly",
            "flyctl deploy (Fly.io builds the Dockerfile)",
            ("rolling", "blue-green"),
            {"app": ("name", None), "token": ("secret", "FLY_API_TOKEN")},
        ),
        Preset(
            "vercel",
            "the Vercel CLI (Vercel builds the project)",
            ("rolling",),
            {
                "token": ("secret", "VERCEL_TOKEN"),
                "org-id": ("var", "VERCEL_ORG_ID"),
                "project-id": ("var", "VERCEL_PROJECT_ID"),
                "production": ("bool", None),
                "cli-version": ("version", "latest"),
            },
            reports_url=True,
        ),
        Preset(
            "compose",
            "docker compose over SSH on a host you run",
            ("rolling",),
            {
                "host": ("var", "DEPLOY_HOST"),
                "ssh-key": ("secret", "SSH_PRIVATE_KEY"),
                "known-hosts": ("var", "SSH_KNOWN_HOSTS"),
                "file": ("path", "compose.yaml"),
                "service": ("name", None),
            },
        ),
        Preset(
            "github-pages",
            "GitHub Pages from the build artifacts",
            ("rolling",),
            {"path": ("path", None)},
            oidc=True,
            rollback=False,
            reports_url=True,
            needs_artifacts=True,
        ),
        Preset(
            "pypi",
            "uv publish with PyPI trusted publishing (OIDC, no token)",
            ("rolling",),
            {"repository-url": ("url", None)},
            oidc=True,
            rollback=False,
            default_trigger="tags",
            needs_artifacts=True,
        ),
        Preset(
            "npm",
            "npm publish with provenance",
            ("rolling",),
            {"token": ("secret", "NPM_TOKEN"), "access": ("access", "public")},
            oidc=True,
            rollback=False,
            default_trigger="tags",
            needs_artifacts=True,
        ),
    )
}

#: Patterns for option kinds; the message says what a good value looks like.
OPTION_KINDS: dict[str, tuple[str, str]] = {
    "name": (r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$",
             "is not a name; use letters, digits, ., _ and -"),
    "path": (r"^(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9._/@+-]+$",
             "is not a relative path inside the repository"),
    "secret": (r"^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*$",
               "is not a secret name GitHub accepts; use letters, digits and _"),
    "var": (r"^(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*$",
            "is not a variable name GitHub accepts; use letters, digits and _"),
    "role": (r"^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+|"
             r"(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Za-z_][A-Za-z0-9_]*)$",
             "is neither an IAM role ARN nor a variable name"),
    "region": (r"^([a-z]{2}(-gov)?-[a-z]+-[0-9]|(?![Gg][Ii][Tt][Hh][Uu][Bb]_)[A-Z_][A-Z0-9_]*)$",
               "is neither an AWS region (eu-west-1) nor a variable name (AWS_REGION)"),
    "version": (r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", "is not a version; write one such as 39.1.0"),
    "url": (r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$",
            "is not an https URL"),
    "access": (r"^(public|restricted)$", "is not public or restricted"),
}

#: A DNS-1123 label: what Kubernetes, Fly and compose accept as default names.
NAME_LABEL = _NAME


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def preset_names(preset: str | None, options: dict[str, object]) -> tuple[list[str], list[str]]:
    """(secret names, variable names) the preset's steps read, for setup checklists."""
    if preset is None:
        return [], []
    found: dict[str, list[str]] = {"secret": [], "var": []}
    uses_eks = bool(options.get("eks-cluster"))
    for key, (kind, _default) in PRESETS[preset].options.items():
        value = options.get(key)
        if not isinstance(value, str):
            continue
        if preset == "kubernetes" and (key == "kubeconfig") == uses_eks:
            continue  # EKS logs in through OIDC; otherwise the kubeconfig secret is the login
        if preset == "kubernetes" and key in ("aws-role", "aws-region") and not uses_eks:
            continue
        if kind in ("secret", "var"):
            found[kind].append(value)
        elif kind in ("role", "region") and _IDENTIFIER.match(value):
            found["var"].append(value)
    return found["secret"], found["var"]
