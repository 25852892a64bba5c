"""Running the rules over files: discovery, loading, suppressions, isolation.

One file never stops the run: unreadable files and crashing rules become findings.
"""

from __future__ import annotations

import gc
import os
import stat
from typing import TYPE_CHECKING

from actiongen.findings import Finding, Severity, Span
from actiongen.lazyre import lazy_compile
from actiongen.load import MAX_FILE_BYTES, Document, LoadProblem, Mapping, load_bytes

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from actiongen.config import Config
    from actiongen.rules.base import Rule

WORKFLOW_SUFFIXES = (".yml", ".yaml")
ACTION_NAMES = ("action.yml", "action.yaml")
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
_SUPPRESS = lazy_compile(r"(?:^|\s)#\s*actiongen:\s*ignore\[([^\]]*)\]")


class FileResult:
    """The findings of one file, plus what the reporters need to show them safely."""

    __slots__ = ("findings", "lines", "path", "redactions")

    def __init__(
        self,
        path: str,
        findings: list[Finding] | None = None,
        lines: list[str] | None = None,
        redactions: list[Span] | None = None,
    ) -> None:
        self.path = path
        self.findings: list[Finding] = [] if findings is None else findings
        self.lines: list[str] = [] if lines is None else lines
        self.redactions: list[Span] = [] if redactions is None else redactions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileResult):
            return NotImplemented
        return (self.path, self.findings, self.lines, self.redactions) == (
            other.path,
            other.findings,
            other.lines,
            other.redactions,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FileResult({self.path!r}, {len(self.findings)} finding(s))"


def kind_of(path: str, root: object = None) -> str:
    """"action" for action metadata (``action.yml``, fixtures ``*action.yml``), else "workflow".

    A workflow may be named after what it does (``publish-action.yml``): when the
    loaded ``root`` has ``jobs`` or ``on`` and no ``runs``, such a file is a workflow.
    """
    name = os.path.basename(path).lower()
    if name in ACTION_NAMES:
        return "action"
    if not name.endswith(ACTION_NAMES):
        return "workflow"
    if isinstance(root, Mapping) and "runs" not in root and ("jobs" in root or "on" in root):
        return "workflow"
    return "action"


def discover(paths: Sequence[str], config: Config) -> list[str]:
    """The workflow and action files named by ``paths`` (files or directories), sorted."""
    found: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found.extend(_walk(p))
        else:
            found.append(p)
    unique = sorted(set(found))
    return [f for f in unique if not config.is_excluded(f)]


def _walk(root: str) -> list[str]:
    github: list[str] = []
    other_yaml: list[str] = []
    saw_workflows_dir = False
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        in_workflows = _is_workflows_folder(dirpath)
        saw_workflows_dir = saw_workflows_dir or in_workflows
        for name in filenames:
            if not name.lower().endswith(WORKFLOW_SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            if in_workflows or name.lower() in ACTION_NAMES:
                github.append(full)
            else:
                other_yaml.append(full)
    # A tree with no .github/workflows folder (a folder of workflows) is taken whole.
    return github if saw_workflows_dir else github + other_yaml


def _is_workflows_folder(path: str) -> bool:
    parts = [p for p in path.replace(os.sep, "/").split("/") if p not in ("", ".")]
    return parts[-2:] == [".github", "workflows"]


def repository_root(start: str = ".") -> str:
    """The closest folder at or above ``start`` holding ``.git``; else ``start`` itself."""
    here = candidate = os.path.realpath(start)
    while True:
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return here
        candidate = parent


def load_file(path: str) -> Document:
    try:
        data = _read_regular_file(path)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        doc = Document(path, "", None, [], [0])
        doc.problems.append(
            LoadProblem(
                "encoding",
                Span.point(1, 1),
                f"cannot read the file: {reason}",
                "check that the file exists and is readable",
            )
        )
        return doc
    return load_bytes(path, data)


def _read_regular_file(path: str) -> bytes:
    """The file's bytes, at most one past the loader's limit.

    Opened non-blocking and checked to be a regular file, so a FIFO named ``x.yml``
    in a scanned folder is reported instead of blocking the run forever.  Read in
    pieces sized by the file: asking a buffered reader for the whole limit allocated a
    megabyte per file (30 ms over the corpus, against 5 ms now).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise OSError(f"it is {what}")
        limit = MAX_FILE_BYTES + 1
        chunks: list[bytes] = []
        size = 0
        ask = min(info.st_size + 1, limit)  # the whole file in one read, as a rule
        while size < limit:
            chunk = os.read(fd, ask)
            if not chunk:  # its end (it may have shrunk or grown since fstat)
                break
            chunks.append(chunk)
            size += len(chunk)
            ask = min(1 << 16, limit - size)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_file(path: str, config: Config, rules: Iterable[type[Rule]]) -> FileResult:
    """Every enabled rule over one file.

    The cyclic garbage collector is off meanwhile: the file's node tree is young and
    large, so each collection during the check walked all of it (3 ms a time; 17 ms
    over the corpus) to find next to nothing; the tree is acyclic and freed by
    reference counting.  What little cyclic garbage a file leaves is collected later,
    when enough has gathered across files.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        doc = load_file(path)
        return check_document(doc, config, rules, kind_of(path, doc.root))
    finally:
        if enabled:
            gc.enable()


def check_document(
    doc: Document, config: Config, rules: Iterable[type[Rule]], kind: str
) -> FileResult:
    from actiongen.rules.base import Context

    ctx = Context(doc=doc, config=config, kind=kind)
    if doc.root is not None:
        try:
            if kind == "workflow":
                from actiongen.model.workflow import build_workflow

                ctx.workflow = build_workflow(doc)
            else:
                from actiongen.model.action import build_action

                ctx.action = build_action(doc)
        except Exception:  # a model bug must not hide the other files' findings
            return FileResult(
                doc.path, [_internal(doc.path, "model", _format_exc())], doc.lines
            )
    findings: list[Finding] = []
    ran: set[str] = set()  # rules enabled for this file: only their suppressions can be unused
    has_model = ctx.workflow is not None or ctx.action is not None
    for rule_cls, rule, level, needs_model in _plan(config, rules, kind):
        if needs_model and not has_model:
            continue
        ran.add(rule_cls.id)
        try:
            for f in (rule or rule_cls()).check(ctx):
                if f.severity == rule_cls.severity:
                    f.severity = level
                findings.append(f)
        except Exception:
            findings.append(_internal(doc.path, rule_cls.id, _format_exc()))
    findings = _apply_suppressions(doc, findings, config, ran)
    findings.sort(key=Finding.sort_key)
    # Reports read lines only to show findings: most files have none, and need no split.
    return FileResult(doc.path, findings, doc.lines if findings else [], ctx.redactions)


#: Rules that read the file itself, not the model: they run on files with no model too.
_MODEL_FREE = frozenset({"yaml-syntax", "duplicate-key", "schema"})
#: A rule of a plan: its class, an instance to reuse (None: a new one per file), its
#: configured level, and whether it needs the model.
_Planned = tuple[type["Rule"], "Rule | None", Severity, bool]
#: The last plan made for each kind of file, with what it was made from.
_PLANS: dict[str, tuple[Config, dict[str, Severity | None], int, tuple[type[Rule], ...],
                        list[_Planned]]] = {}


def _plan(config: Config, rules: Iterable[type[Rule]], kind: str) -> list[_Planned]:
    """The rules that apply to ``kind`` with their configured level and whether they need
    the model, worked out once per run rather than once per file.

    actiongen's own rules keep no state between checks, so one instance of each serves
    every file; a plugin's rule gets a new instance per file, as it always has.
    """
    rules = tuple(rules)
    cached = _PLANS.get(kind)
    if (
        cached is not None
        and cached[0] is config
        and cached[1] is config.rules
        and cached[2] == len(config.rules)
        and cached[3] == rules
    ):
        return cached[4]
    plan: list[_Planned] = []
    for rule_cls in rules:
        if kind not in rule_cls.applies_to:
            continue
        level = config.rules.get(rule_cls.id, rule_cls.severity)
        if level is None:
            continue
        shared = rule_cls() if rule_cls.__module__.startswith("actiongen.rules.") else None
        plan.append((rule_cls, shared, level, rule_cls.id not in _MODEL_FREE))
    _PLANS[kind] = (config, config.rules, len(config.rules), rules, plan)
    return plan


def _format_exc() -> str:
    import traceback  # only on the error path: it costs ~9 ms to import

    return traceback.format_exc()


def _internal(path: str, where: str, tb: str) -> Finding:
    last = tb.strip().splitlines()[-1] if tb.strip() else "unknown error"
    return Finding(
        rule="internal-error",
        severity=Severity.ERROR,
        path=path,
        span=Span.point(1, 1),
        message=f"rule `{where}` crashed on this file ({last}); the other rules still ran",
        fix="please report this file to the actiongen issue tracker",
    )


class _Suppression:
    __slots__ = ("column", "line", "rules", "used")

    def __init__(self, rules: set[str], line: int, column: int) -> None:
        self.rules = rules
        self.line = line
        self.column = column
        self.used = False


def _apply_suppressions(
    doc: Document, findings: list[Finding], config: Config, ran: set[str]
) -> list[Finding]:
    if "actiongen:" not in doc.text:
        return findings
    covers: dict[int, list[_Suppression]] = {}  # line -> the comments that cover it
    entries: list[_Suppression] = []
    for number, line in enumerate(doc.text.split("\n"), start=1):
        m = _SUPPRESS.search(line)
        if not m:
            continue
        ids = {s.strip() for s in m.group(1).split(",") if s.strip()}
        entry = _Suppression(ids, number, m.start(1))
        entries.append(entry)
        covers.setdefault(number, []).append(entry)
        if not line[: m.start()].strip():  # a comment alone on its line covers the next line
            covers.setdefault(number + 1, []).append(entry)
    kept: list[Finding] = []
    for f in findings:
        hit = False
        for entry in covers.get(f.span.line, []):
            if f.rule in entry.rules or "*" in entry.rules:
                entry.used = True
                hit = True
        if not hit:
            kept.append(f)
    level = config.rules.get("unused-suppression", Severity.WARNING)
    if level is None or "unused-suppression" not in ran:
        return kept
    from actiongen.rules.registry import all_rules

    # A comment naming a known rule that did not run (off, not selected) may be needed
    # later; one naming no rule at all (a typo) is reported.
    skipped = {r.id for r in all_rules()} - ran
    for entry in entries:
        if entry.used or entry.rules & skipped:
            continue
        names = ", ".join(sorted(entry.rules))
        kept.append(
            Finding(
                rule="unused-suppression",
                severity=level,
                path=doc.path,
                span=Span(entry.line, entry.column + 1, entry.line, entry.column + 1 + len(names)),
                message=f"`actiongen: ignore[{names}]` suppresses nothing here",
                fix="remove the comment, or correct the rule id it names",
            )
        )
    return kept


def run(paths: Sequence[str], config: Config, rules: Sequence[type[Rule]]) -> Iterator[FileResult]:
    """Check every file in order; results stream as each file finishes."""
    for path in discover(paths, config):
        yield check_file(path, config, rules)
