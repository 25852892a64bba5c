"""The model under the pipeline rules: the needs graph, runs of a workflow, timing."""

from __future__ import annotations

import pytest

from actiongen.load import load_text
from actiongen.model.graph import NeedsGraph
from actiongen.model.runs import Participation, filter_allows, glob_regex, runs_of
from actiongen.model.timing import duration, matrix_legs, max_parallel
from actiongen.model.workflow import Workflow, build_workflow


def workflow(text: str) -> Workflow:
    wf = build_workflow(load_text("w.yml", text))
    assert wf is not None
    return wf


def jobs(body: str, on: str = "push") -> Workflow:
    return workflow(f"on: {on}\njobs:\n{body}")


# --- graph ------------------------------------------------------------------------------

GRAPH = """\
  Lint: {runs-on: x, steps: [{run: a}]}
  build: {needs: lint, runs-on: x, steps: [{run: a}]}
  test: {needs: [build, LINT, nope], runs-on: x, steps: [{run: a}]}
  deploy: {needs: [test], runs-on: x, steps: [{run: a}]}
"""


def test_needs_match_ids_case_insensitively_and_keep_unknown_apart() -> None:
    g = NeedsGraph.of(jobs(GRAPH))
    assert g.needs["test"] == ["build", "Lint"]
    assert g.unknown["test"] == ["nope"]
    assert g.resolve("LINT") == "Lint" and g.resolve("missing") is None
    assert g.ancestors("deploy") == {"test", "build", "Lint"}
    assert g.descendants("build") == {"test", "deploy"}
    assert g.topological() == ["Lint", "build", "test", "deploy"]


def test_cycles_are_found_once_in_needs_order() -> None:
    g = NeedsGraph.of(jobs("""\
  a: {needs: b, runs-on: x, steps: [{run: a}]}
  b: {needs: c, runs-on: x, steps: [{run: a}]}
  c: {needs: [a], runs-on: x, steps: [{run: a}]}
  d: {needs: d, runs-on: x, steps: [{run: a}]}
  e: {needs: a, runs-on: x, steps: [{run: a}]}
"""))
    assert sorted(g.cycles()) == [["a", "b", "c"], ["d"]]
    assert g.topological() is None
    assert g.critical_path(lambda j: 1.0) == ([], 0.0)


def test_critical_path_is_the_heaviest_chain() -> None:
    g = NeedsGraph.of(jobs(GRAPH))
    cost = {"Lint": 1.0, "build": 5.0, "test": 10.0, "deploy": 5.0}
    assert g.critical_path(cost.__getitem__) == (["Lint", "build", "test", "deploy"], 21.0)
    cost["deploy"] = 0.0
    cost["build"] = 0.5  # the chain still runs through build: test needs it
    # On a tie the chain stops at the first job that reaches the total.
    assert g.critical_path(cost.__getitem__) == (["Lint", "build", "test"], 11.5)


# --- runs -------------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "name", "matches"), [
    ("main", "main", True),
    ("release/*", "release/1.0", True),
    ("release/*", "release/1.0/hotfix", False),
    ("release/**", "release/1.0/hotfix", True),
    ("v[0-9]+.*", "v12.3", True),
    ("v[0-9]+.*", "vx", False),
    ("feature?", "feature", True),
])
def test_filter_globs(pattern: str, name: str, matches: bool) -> None:
    assert bool(glob_regex(pattern).match(name)) is matches


def test_negated_filters_apply_in_order() -> None:
    assert filter_allows(["release/**", "!release/**-alpha"], "release/1")
    assert not filter_allows(["release/**", "!release/**-alpha"], "release/1-alpha")
    assert filter_allows(["**", "!docs", "docs"], "docs")


def test_push_with_branch_filter_runs_only_there() -> None:
    wf = workflow("on:\n  push:\n    branches: [main, 'release/*']\njobs: {}\n")
    assert [r.label for r in runs_of(wf)] == [
        "push to main", "push to a branch matching `release/*`"]


def test_push_without_filters_runs_for_any_branch_and_tag() -> None:
    wf = jobs("  a: {if: \"github.ref == 'refs/heads/main'\", runs-on: x, steps: [{run: a}]}\n")
    assert [r.ref for r in runs_of(wf)] == [
        "refs/heads/main", "refs/heads/actiongen-other-branch",
        "refs/tags/v0.0.0-actiongen-other"]


def test_tags_only_push_and_other_events() -> None:
    wf = workflow("""\
on:
  push:
    tags: ['v*']
  pull_request:
  workflow_dispatch:
  release:
    types: [published]
jobs: {}
""")
    labels = [r.label for r in runs_of(wf)]
    assert labels[0] == "push to a tag matching `v*`"
    assert "pull_request" in labels and "release" in labels
    assert not any("branch" in label for label in labels[:2])
    assert {r.event for r in runs_of(wf)} == {"push", "pull_request", "workflow_dispatch",
                                              "release"}


CONDITIONS = """\
on:
  pull_request:
  push:
    branches: [main]
jobs:
  setup:
    if: github.event_name == 'push'
    runs-on: x
    steps: [{run: a}]
  after-setup:
    needs: setup
    runs-on: x
    steps: [{run: a}]
  report:
    needs: setup
    if: always()
    runs-on: x
    steps: [{run: a}]
  labelled:
    if: contains(github.event.pull_request.labels.*.name, 'ci')
    runs-on: x
    steps: [{run: a}]
"""


def test_participation_follows_conditions_and_skipped_needs() -> None:
    wf = workflow(CONDITIONS)
    part = Participation.of(wf, NeedsGraph.of(wf))
    labels = [r.label for r in part.runs]
    assert labels == ["pull_request", "push to main"]
    assert [part.can_run("setup", i) for i in range(2)] == [False, True]
    assert [part.can_run("after-setup", i) for i in range(2)] == [False, True]
    assert [part.can_run("report", i) for i in range(2)] == [True, True]  # always()
    assert part.can_run("labelled", 0) is None  # depends on the labels
    assert part.runs_for("labelled") == [0, 1]


# --- timing -----------------------------------------------------------------------------

def job_with(strategy: str, timeout: str = "10") -> Workflow:
    return jobs(f"  t:\n    runs-on: x\n    timeout-minutes: {timeout}\n"
                f"    strategy:\n{strategy}    steps: [{{run: a}}]\n")


@pytest.mark.parametrize(("strategy", "legs"), [
    ("      fail-fast: false\n", 1),
    ("      matrix:\n        os: [a, b]\n        py: [1, 2, 3]\n", 6),
    ("      matrix:\n        os: [a, b]\n        py: [1, 2, 3]\n"
     "        exclude:\n          - os: b\n", 3),
    ("      matrix:\n        os: [a, b]\n        py: [1, 2]\n"
     "        exclude:\n          - {os: b, py: 2}\n", 3),
    # include: the first entry extends every leg, the second matches a leg, the third adds one
    ("      matrix:\n        os: [a, b]\n        include:\n          - color: green\n"
     "          - {os: a, extra: 1}\n          - {os: c}\n", 3),
    ("      matrix:\n        include:\n          - {os: a}\n          - {os: b}\n", 2),
    ("      matrix:\n        os: ${{ fromJSON(vars.OSES) }}\n        py: [1, 2]\n", 2),
    ("      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}\n", None),
    ("      matrix:\n        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
     "        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n        c: [1, 2, 3]\n", 256),
])
def test_matrix_legs(strategy: str, legs: int | None) -> None:
    assert matrix_legs(job_with(strategy).jobs["t"]) == legs


def test_duration_counts_waves_of_max_parallel() -> None:
    job = job_with("      max-parallel: 4\n      matrix:\n        n: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
                   ).jobs["t"]
    assert max_parallel(job) == 4
    d = duration(job, 99)
    assert (d.minutes, d.waves, d.legs) == (30, 3, 9)
    assert d.describe() == "3 x 10 (9 legs, max-parallel 4)"


def test_duration_without_a_numeric_timeout_uses_the_fallback() -> None:
    job = job_with("      matrix: ${{ fromJSON(x) }}\n      max-parallel: 1\n",
                   timeout="${{ vars.T }}").jobs["t"]
    d = duration(job, 5)
    assert d.minutes == 5  # an unknown matrix counts as one leg
    assert d.describe() == "5 (timeout is an expression: counted as 5)"
