"""``actiongen check``: run the rules over workflows and action metadata.

Exit codes: 0 when no finding is at or above ``--fail-on``, 1 when one is, 2 for
usage, configuration and I/O errors (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from actiongen.config import Config
    from actiongen.rules.base import Rule

_ACTION_NAMES = ("action.yml", "action.yaml")
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
              ".pytest_cache", ".ruff_cache", "site-packages", "vendor", "third_party"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check workflows and action metadata",
        description="Check workflows (.github/workflows/*.yml) and action metadata (action.yml). "
        "With no paths, checks the repository the command runs in; a directory is searched "
        "for workflows and action files.",
        epilog="Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, "
        "2 usage, configuration or I/O error.",
    )
    p.add_argument("paths", nargs="*", help="files or directories (default: this repository)")
    p.add_argument("--format", "-f", default="text",
                   choices=["text", "json", "sarif", "github", "markdown"],
                   help="output format (default: text)")
    p.add_argument("--fail-on", choices=["error", "warning", "note", "never"], default=None,
                   help="exit 1 when a finding is at or above this level "
                   "(default: fail-on from the configuration, else warning)")
    p.add_argument("--config", default=None, metavar="FILE",
                   help="configuration file (default: the check: section of "
                   ".github/actiongen.yml, else [tool.actiongen] in pyproject.toml)")
    p.add_argument("--select", action="append", default=None, metavar="IDS",
                   help="run only these rules (comma-separated ids; repeatable)")
    p.add_argument("--ignore", action="append", default=None, metavar="IDS",
                   help="skip these rules (comma-separated ids; repeatable)")
    p.add_argument("--output", "-o", default=None, metavar="FILE",
                   help="write the report to FILE (atomically) instead of standard output")
    p.add_argument("--explain-stages", action="store_true",
                   help="print each job's stage and the reason, then exit")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                   help="colour text output (auto: only on a terminal; honours NO_COLOR)")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="worker processes (default 0: one per core when there are many files)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show files done and findings so far on standard error "
                   "(default: only when it is a terminal)")
    p.set_defaults(run=run)


def _ids(values: list[str] | None) -> set[str]:
    return {s.strip() for v in values or () for s in v.split(",") if s.strip()}


def _suggest(word: str, options: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def load_config(args: argparse.Namespace, root: str) -> Config:
    from actiongen.config import ConfigError, discover
    from actiongen.errors import UserError

    try:
        return discover(root, args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def select_rules(args: argparse.Namespace, config: Config) -> tuple[list[type[Rule]], Config]:
    """The rules to run, and the configuration with explicit ``--select`` choices applied.

    An unknown rule id is an error wherever it is named (configuration, ``--select``,
    ``--ignore``): a typo would otherwise silently leave a rule on or off.
    """

    from actiongen.errors import UserError
    from actiongen.rules.registry import all_rules

    rules = list(all_rules())
    known = sorted(r.id for r in rules)
    for rule_id in config.rules:
        if rule_id not in known:
            where = config.rule_origins.get(rule_id) or f"{config.source}: rules.{rule_id}"
            raise UserError(f"{where}: unknown rule id{_suggest(rule_id, known)}; "
                            "`actiongen rules` lists them")
    selected, ignored = _ids(args.select), _ids(args.ignore)
    for opt, ids in (("--select", selected), ("--ignore", ignored)):
        for rule_id in sorted(ids):
            if rule_id not in known:
                raise UserError(f"{opt}: unknown rule id `{rule_id}`{_suggest(rule_id, known)}")
    if selected:
        rules = [r for r in rules if r.id in selected]
        # Naming a rule on the command line runs it even if the configuration turns it off.
        levels = {k: v for k, v in config.rules.items() if not (k in selected and v is None)}
        config = config.replace(rules=levels)
    rules = [r for r in rules if r.id not in ignored]
    return rules, config


def _walk_actions(root: str) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in _SKIP_DIRS and (not d.startswith(".") or d == ".github")
        )
        found.extend(os.path.join(dirpath, n) for n in filenames if n.lower() in _ACTION_NAMES)
    return found


def repository_files(root: str) -> list[str]:
    """What ``actiongen check`` with no paths checks: the workflows GitHub would run
    (``.github/workflows/*.yml|yaml``, not subfolders) and every action metadata file."""
    files: list[str] = []
    workflows = os.path.join(root, ".github", "workflows")
    if os.path.isdir(workflows):
        files.extend(
            os.path.join(workflows, n) for n in os.listdir(workflows)
            if n.lower().endswith((".yml", ".yaml")) and os.path.isfile(os.path.join(workflows, n))
        )
    files.extend(_walk_actions(root))
    # Show paths the way the user would type them from here.
    here = os.getcwd()
    shown = []
    for f in files:
        rel = os.path.relpath(f, here)
        shown.append(f if rel.startswith(os.pardir) else rel)
    return sorted(set(shown))


def use_color(choice: str, stream: TextIO, to_file: bool) -> bool:
    """``--color``: always, never, or (auto) only on a terminal, honouring NO_COLOR/FORCE_COLOR."""
    if choice != "auto":
        return choice == "always"
    if to_file or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _write(args: argparse.Namespace, text: str) -> None:
    from actiongen.errors import UserError

    if args.output is None:
        out = sys.stdout
        if (out.encoding or "").lower().replace("-", "") not in ("utf8", "utf8sig"):
            # A report must not crash on a terminal that cannot show "…" or a file name.
            reconfigure = getattr(out, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        out.write(text)
        out.flush()
        return
    from actiongen.writes import atomic_write_text

    try:
        atomic_write_text(args.output, text)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write the report: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    import gc
    import io

    # Checking allocates many short-lived objects and makes few reference cycles: the
    # cyclic collector's default pace (a pass per 700 allocations) cost 5-10% of the CPU
    # of checking the corpus; one pass per 10,000 leaves peak memory the same (measured:
    # 36 MB in one process over the 634 corpus workflows).  Forked workers inherit it.
    gc.set_threshold(10_000, 10, 10)

    from actiongen import engine
    from actiongen.errors import UserError
    from actiongen.findings import Severity
    from actiongen.report import reporter

    if args.jobs < 0:
        raise UserError("--jobs: must be 0 (automatic) or more")
    for p in args.paths:
        if not os.path.exists(p):
            raise UserError(f"{p}: no such file or directory")
    root = engine.repository_root()
    config = load_config(args, root)
    rules, config = select_rules(args, config)
    if args.paths:
        files = engine.discover(args.paths, config)
    else:
        files = [f for f in repository_files(root) if not config.is_excluded(f)]
        if not files:
            print(f"actiongen: no workflows or action files found in {root}", file=sys.stderr)

    if args.explain_stages:
        from actiongen.commands.explain import explain_stages

        return explain_stages(files, config, sys.stdout)

    if args.fail_on is None:
        fail_on = config.fail_on
    else:
        fail_on = None if args.fail_on == "never" else Severity.parse(args.fail_on)

    from actiongen import parallel

    color = use_color(args.color, sys.stdout, args.output is not None) and args.format == "text"
    rep = reporter(args.format, color=color, root=root, rules=rules)
    checked = parallel.check_files(files, config, rules, args.jobs)
    progress = parallel.Progress.for_stream(len(files), sys.stderr, args.progress)
    if args.output is None and parallel.is_streaming(rep):
        _write(args, "")  # prepares standard output (encoding errors) before streaming to it
        results = parallel.report_as_checked(rep, checked, sys.stdout, progress)
    else:  # a document (json, sarif, ...) or a file written atomically: all at once
        results = parallel.collect(checked, progress)
        buf = io.StringIO()
        rep.report(results, buf)
        _write(args, buf.getvalue())
    from actiongen import lazyre

    lazyre.save()  # the compiled patterns, for the next run (only when some are new)
    if fail_on is None:
        return 0
    worst = max((f.severity for r in results for f in r.findings), default=None)
    return 1 if worst is not None and worst >= fail_on else 0
