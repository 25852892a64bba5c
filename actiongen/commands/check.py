"""``actiongen check``: run the rules over workflows and action metadata."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actiongen.config import Config


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check workflows and action metadata",
        description="Check workflows (.github/workflows/*.yml) and action metadata (action.yml). "
        "With no paths, checks the repository the command runs in.",
    )
    p.add_argument("paths", nargs="*", help="files or directories (default: this repository)")
    p.add_argument("--format", "-f", default="text",
                   choices=["text", "json", "sarif", "github", "markdown"])
    p.add_argument("--fail-on", choices=["error", "warning", "note", "never"], default=None,
                   help="exit 1 when a finding is at or above this level (default: warning)")
    p.add_argument("--config", type=Path, default=None, help="configuration file")
    p.add_argument("--select", default=None, help="only these rule ids (comma-separated)")
    p.add_argument("--ignore", default=None, help="skip these rule ids (comma-separated)")
    p.add_argument("--output", "-o", type=Path, default=None, help="write the report to a file")
    p.add_argument("--explain-stages", action="store_true",
                   help="print each job's stage and the reason, then exit")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--jobs", "-j", type=int, default=0,
                   help="worker processes (default: one per core above a small threshold)")
    p.set_defaults(run=run)


def _config(args: argparse.Namespace) -> Config:
    from actiongen.config import ConfigError, discover
    from actiongen.engine import repository_root
    from actiongen.errors import UserError

    try:
        return discover(Path(repository_root()), args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from actiongen import engine
    from actiongen.errors import UserError
    from actiongen.findings import Severity
    from actiongen.rules.registry import all_rules

    config = _config(args)
    rules = list(all_rules())
    known = {r.id for r in rules}
    for opt in ("select", "ignore"):
        value = getattr(args, opt)
        if value:
            ids = {s.strip() for s in value.split(",") if s.strip()}
            unknown = ids - known
            if unknown:
                raise UserError(f"--{opt}: unknown rule id(s): {', '.join(sorted(unknown))}")
            keep = (lambda r, ids=ids: r.id in ids) if opt == "select" else (
                lambda r, ids=ids: r.id not in ids)
            rules = [r for r in rules if keep(r)]
    paths = args.paths or engine.default_paths(engine.repository_root())
    for p in args.paths:
        if not Path(p).exists():
            raise UserError(f"{p}: no such file or directory")
    files = engine.discover(paths, config)

    if args.explain_stages:
        from actiongen.commands.explain import explain_stages

        return explain_stages(files, config, sys.stdout)

    fail_on = config.fail_on if args.fail_on is None else (
        None if args.fail_on == "never" else Severity.parse(args.fail_on))
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty())

    from actiongen.report import reporter

    rep = reporter(args.format, color=color)
    results = [engine.check_file(f, config, rules) for f in files]
    if args.output is not None:
        from actiongen.writes import atomic_write_text
        import io

        buf = io.StringIO()
        rep.report(results, buf)
        try:
            atomic_write_text(args.output, buf.getvalue())
        except OSError as exc:
            raise UserError(f"{args.output}: cannot write: {exc.strerror}") from None
    else:
        rep.report(results, sys.stdout)
    if fail_on is None:
        return 0
    worst = max((f.severity for r in results for f in r.findings), default=None)
    return 1 if worst is not None and worst >= fail_on else 0
