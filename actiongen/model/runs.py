"""The runs a workflow can have (an event on a ref) and which jobs take part in each.

A *run* is a representative trigger: ``push`` to ``refs/heads/main``, a pull request,
a tag push.  Refs come from the workflow itself (branch and tag filters, ``refs/…``
literals and ``github.ref_name`` comparisons in job conditions) plus one branch and
one tag named nowhere, which stand for "any other".  Whether a job runs is asked of
:func:`actiongen.model.conditions.evaluate` under each run, three-valued: True, False,
or None when the answer depends on something a trigger does not fix (labels, outputs).
A job whose needs are skipped is skipped too, unless its condition uses a status
function that runs it anyway (``always()``, ``failure()``, ``cancelled()``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from actiongen.lazyre import lazy_compile
from actiongen.load import Mapping, Scalar
from actiongen.model.conditions import Facts, evaluate, scenario
from actiongen.model.workflow import str_items

if TYPE_CHECKING:
    from actiongen.load import Node
    from actiongen.model.graph import NeedsGraph
    from actiongen.model.workflow import Job, Workflow

#: A branch and a tag no filter or condition names: "any other ref".
OTHER_BRANCH = "refs/heads/actiongen-other-branch"
OTHER_TAG = "refs/tags/v0.0.0-actiongen-other"
PULL_REF = "refs/pull/1/merge"
#: Ends a sample ref made from a ``startsWith`` prefix (kept out of labels).
PREFIX_MARK = "-actiongen-sample"
MERGE_QUEUE_REF = "refs/heads/gh-readonly-queue/main/pr-1"

_BRACKETS = lazy_compile(r"\[([^\]]*)\]")
_REF_LITERAL = lazy_compile(r"'(refs/(?:heads|tags)/[^']*)'")
_REF_PREFIX = lazy_compile(r"startswith\(\s*github\.ref\s*,\s*'(refs/(?:heads|tags)/[^']*)'",
                         re.IGNORECASE)
_REF_NAME = lazy_compile(
    r"github\.ref_name\s*[!=]=\s*'([^']+)'|'([^']+)'\s*[!=]=\s*github\.ref_name"
)
_STATUS_ANYWAY = lazy_compile(r"\b(always|failure|cancelled)\s*\(", re.IGNORECASE)

#: Events that run on the default branch (one of the branch candidates).
_TAG_EVENTS = frozenset({"release", "create", "delete", "registry_package"})


class Run:
    """One way the workflow can be triggered; ``label`` says it in words."""

    __slots__ = ("event", "facts", "label", "ref")

    def __init__(self, event: str, ref: str | None, label: str, facts: Facts) -> None:
        self.event = event
        self.ref = ref
        self.label = label
        self.facts = facts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Run):
            return NotImplemented
        return (self.event, self.ref, self.label) == (other.event, other.ref, other.label)

    def __hash__(self) -> int:
        return hash((self.event, self.ref, self.label))

    def __repr__(self) -> str:
        return f"Run({self.label!r})"

    def describe(self) -> str:
        """``push to main``, ``pull_request``, ``release of a tag matching `v*```…"""
        return self.label


def glob_regex(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern syntax (``*``, ``**``, ``?``, ``+``, ``[]``) as a regex."""
    return _glob_regex(pattern)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c in "?+":
            out.append(c)  # zero-or-one / one-or-more of the preceding character
        elif c == "[":
            close = pattern.find("]", i + 1)
            if close == -1:
                out.append(re.escape(c))
            else:
                out.append(pattern[i:close + 1])
                i = close + 1
                continue
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return lazy_compile("".join(out) + r"\Z")
    except re.error:
        return lazy_compile(re.escape(pattern) + r"\Z")


def filter_allows(patterns: list[str], name: str) -> bool:
    """Whether a positive filter list (``branches:``), ``!`` negations included, admits ``name``."""
    allowed = False
    for p in patterns:
        if p.startswith("!"):
            if glob_regex(p[1:]).match(name):
                allowed = False
        elif glob_regex(p).match(name):
            allowed = True
    return allowed


def _sample(pattern: str) -> str | None:
    """A name the filter pattern matches (``release/*`` gives ``release/x``)."""
    if pattern.startswith("!"):
        return None
    sample = _BRACKETS.sub(lambda m: (m.group(1).lstrip("^!") or "x")[0], pattern)
    sample = sample.replace("**", "x").replace("*", "x").replace("?", "").replace("+", "")
    sample = sample.replace("\\", "")
    return sample if glob_regex(pattern).match(sample) else None


def condition_of(job: Job) -> str | bool | None:
    """The job's ``if:`` as :func:`evaluate` takes it."""
    node = job.if_
    if node is None:
        return None
    if isinstance(node, Scalar):
        if isinstance(node.value, bool):
            return node.value
        if node.value is None:
            return None
        return node.text
    return None  # a mapping or list is a schema error; treat as no condition


def _literal_refs(workflow: Workflow) -> tuple[list[str], list[str]]:
    """Refs the job conditions name; a ``startsWith`` prefix gets a sample suffix."""
    heads: list[str] = []
    tags: list[str] = []
    for job in workflow.jobs.values():
        cond = condition_of(job)
        if not isinstance(cond, str):
            continue
        prefixes = {m.group(1) for m in _REF_PREFIX.finditer(cond)}
        for m in _REF_LITERAL.finditer(cond):
            ref = m.group(1)
            if ref in prefixes or ref.endswith("/"):
                ref += "x" + PREFIX_MARK  # any ref below the prefix
            (heads if ref.startswith("refs/heads/") else tags).append(ref)
        for m in _REF_NAME.finditer(cond):
            heads.append("refs/heads/" + (m.group(1) or m.group(2)))
    return list(dict.fromkeys(heads)), list(dict.fromkeys(tags))


def _filter(cfg: Node | None, key: str) -> list[str] | None:
    if not isinstance(cfg, Mapping):
        return None
    node = cfg.get(key)
    if node is None:
        return None
    return [s.text for s in str_items(node)]


#: A candidate ref and how messages name it (``main``, ``a branch matching `release/*```).
_Candidate = tuple[str, str]


def _named(ref: str) -> _Candidate:
    if ref == OTHER_BRANCH:
        return ref, "another branch"
    if ref == OTHER_TAG:
        return ref, "another tag"
    kind = "tag" if ref.startswith("refs/tags/") else "branch"
    short = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    if short.endswith("x" + PREFIX_MARK):
        return ref, f"a {kind} starting with `{short.removesuffix('x' + PREFIX_MARK)}`"
    return ref, f"tag {short}" if kind == "tag" else short


def _candidates(kind: str, literal: list[str], patterns: list[str] | None) -> list[_Candidate]:
    """Literal refs, one sample per filter pattern, and "another" ref of the kind."""
    prefix = "refs/heads/" if kind == "branch" else "refs/tags/"
    out = [_named(r) for r in literal]
    for p in patterns or []:
        sample = _sample(p)
        if sample is not None:
            plain = sample == p
            out.append(_named(prefix + p) if plain else (prefix + sample,
                                                          f"a {kind} matching `{p}`"))
    out.append(_named(OTHER_BRANCH if kind == "branch" else OTHER_TAG))
    return out


def _admitted(cands: list[_Candidate], prefix: str, only: list[str] | None,
              ignore: list[str] | None) -> list[_Candidate]:
    seen: set[str] = set()
    out: list[_Candidate] = []
    for ref, label in cands:
        name = ref.removeprefix(prefix)
        if ref in seen:
            continue
        if only is not None and not filter_allows(only, name):
            continue
        if ignore is not None and filter_allows(ignore, name):
            continue
        seen.add(ref)
        out.append((ref, label))
    return out


def _push_refs(cfg: Node | None, heads: list[str], tags: list[str]) -> list[_Candidate]:
    branches, branches_ignore = _filter(cfg, "branches"), _filter(cfg, "branches-ignore")
    tag_f, tags_ignore = _filter(cfg, "tags"), _filter(cfg, "tags-ignore")
    has_branch_filter = branches is not None or branches_ignore is not None
    has_tag_filter = tag_f is not None or tags_ignore is not None
    refs: list[_Candidate] = []
    # With only one kind of filter, GitHub does not run for the other kind of ref.
    if has_branch_filter or not has_tag_filter:
        refs += _admitted(_candidates("branch", heads, branches), "refs/heads/",
                          branches, branches_ignore)
    if has_tag_filter or not has_branch_filter:
        refs += _admitted(_candidates("tag", tags, tag_f), "refs/tags/", tag_f, tags_ignore)
    return refs


def _base_refs(cfg: Node | None, heads: list[str]) -> list[_Candidate]:
    branches, ignore = _filter(cfg, "branches"), _filter(cfg, "branches-ignore")
    return _admitted(_candidates("branch", heads, branches), "refs/heads/", branches, ignore)


def runs_of(workflow: Workflow) -> list[Run]:
    """Representative runs for every trigger in ``on:``; one run about which nothing is
    known when ``on:`` names no event."""
    heads, tags = _literal_refs(workflow)
    any_branch = _admitted(_candidates("branch", heads, None), "", None, None)
    any_tag = _admitted(_candidates("tag", tags, None), "", None, None)
    out: list[Run] = []
    for event, cfg in workflow.on.events.items():
        refs: list[_Candidate]
        if event == "push":
            refs = _push_refs(cfg, heads, tags)
        elif event == "pull_request":
            refs = [(PULL_REF, "")]
        elif event == "pull_request_target":
            refs = _base_refs(cfg, heads)
        elif event == "merge_group":
            refs = [(MERGE_QUEUE_REF, "")]
        elif event in _TAG_EVENTS:
            refs = any_tag
        elif event in ("workflow_dispatch", "workflow_call"):
            refs = [*any_branch, *any_tag]
        else:  # issues, schedule, workflow_run…: the default branch, whichever it is
            refs = any_branch
        for ref, where in refs:
            facts = scenario(event, ref)
            if event == "workflow_call":
                # The caller's event, which this file cannot know.
                del facts.values["github.event_name"]
            if not where or (event != "push" and ref in (OTHER_BRANCH, OTHER_TAG)):
                label = event
            else:
                label = f"{event} {'to' if event == 'push' else 'on'} {where}"
            out.append(Run(event, ref, label, facts))
    if not out:  # no usable `on:` (the schema rule says so): assume nothing about the run
        out.append(Run("any event", None, "any event", Facts()))
    return out


def _and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


class Participation:
    """Which jobs can run in which runs, memoised per (job, run)."""

    __slots__ = ("_memo", "graph", "runs", "workflow")

    def __init__(self, workflow: Workflow, graph: NeedsGraph, runs: list[Run]) -> None:
        self.workflow = workflow
        self.graph = graph
        self.runs = runs
        self._memo: dict[tuple[str, int], bool | None] = {}

    @classmethod
    def of(cls, workflow: Workflow, graph: NeedsGraph) -> Participation:
        return cls(workflow, graph, runs_of(workflow))

    def can_run(self, job_id: str, run_index: int) -> bool | None:
        """True, False, or None (depends on something the run does not fix)."""
        key = (job_id, run_index)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a needs cycle: no answer rather than endless recursion
        job = self.workflow.jobs[job_id]
        cond = condition_of(job)
        result = evaluate(cond, self.runs[run_index].facts)
        if not (isinstance(cond, str) and _STATUS_ANYWAY.search(cond)):
            for need in self.graph.needs.get(job_id, ()):
                result = _and3(result, self.can_run(need, run_index))
                if result is False:
                    break
        self._memo[key] = result
        return result

    def runs_for(self, job_id: str) -> list[int]:
        """Indexes of the runs in which the job may run (True or unknown)."""
        return [i for i in range(len(self.runs)) if self.can_run(job_id, i) is not False]
