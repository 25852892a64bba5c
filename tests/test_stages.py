"""Stage classification on hand-written jobs: configuration, evidence, names, graph.

Each case is a small workflow and the stage the seed's model (commit → build → test →
deploy → verify, plus `other`) gives its jobs, with the reason a user would see in
``--explain-stages``.
"""

from __future__ import annotations

import pytest

from actiongen.config import Config, from_data
from actiongen.load import load_text
from actiongen.model.graph import NeedsGraph
from actiongen.model.stages import StageInfo, classify, read_name, words_of
from actiongen.model.workflow import build_workflow


def stages_of(jobs: str, config: Config | None = None) -> dict[str, StageInfo]:
    workflow = build_workflow(load_text("w.yml", "on: push\njobs:\n" + jobs))
    assert workflow is not None
    return classify(workflow, config or Config(), NeedsGraph.of(workflow))


def stage(jobs: str, job: str, config: Config | None = None) -> str:
    return stages_of(jobs, config)[job].stage


@pytest.mark.parametrize(("name", "expected"), [
    ("lint", "commit"),
    ("build-and-test", "test"),
    ("Build & Test (${{ matrix.os }})", "test"),
    ("build-and-deploy", "deploy"),
    ("deploy-docs", "deploy"),
    ("publish-test-results", "other"),
    ("test-report", "other"),
    ("test-publish", "test"),
    ("check-publish", "commit"),
    ("cargo-publish-dry-run", "build"),
    ("build-release-binaries", "build"),
    ("pre-commit", "commit"),
    ("smoke-test", "verify"),  # a verification by name; the graph may make it a test
    ("healthcheck", "verify"),
    ("rollback-production", "other"),
    ("alls-green", "other"),
    ("prepare-release", "other"),
    ("generate-wheels-matrix", "other"),
    ("typeCheck", "commit"),
    ("e2e_tests", "test"),
])
def test_names_read_as_words(name: str, expected: str) -> None:
    verdict = read_name(name)
    assert verdict is not None and verdict.stage == expected, verdict


def test_repeated_separators_are_one() -> None:
    # "--" and "_-_" separate words like "-" does, so phrases still join across them.
    assert words_of("pre--commit") == ["precommit"]
    verdict = read_name("cargo-publish-dry--run")
    assert verdict is not None and verdict.stage == "build"


def test_names_that_say_nothing() -> None:
    assert read_name("windows") is None
    assert read_name("${{ matrix.os }}") is None


def test_release_job_that_only_builds_is_a_build() -> None:
    info = stages_of("""\
  release:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm run build
      - uses: actions/upload-artifact@v4
        with: {name: dist, path: dist}
""")["release"]
    assert info.stage == "build"
    assert "only build" in info.reason and "npm run build" in info.reason


def test_release_job_that_publishes_is_a_deploy() -> None:
    assert stage("""\
  release:
    runs-on: ubuntu-latest
    steps:
      - run: npm run build
      - run: npm publish --provenance
""", "release") == "deploy"


@pytest.mark.parametrize(("steps", "expected"), [
    ("      - uses: re-actors/alls-green@release/v1\n"
     "        with: {jobs: '${{ toJSON(needs) }}'}\n", "other"),
    ("      - run: exit 0\n", "other"),
    ("      - if: contains(needs.*.result, 'failure')\n        run: exit 1\n", "other"),
    ("      - uses: actions/checkout@v4\n      - run: cargo check --all-targets\n", "commit"),
])
def test_check_jobs_gates_and_checks(steps: str, expected: str) -> None:
    jobs = f"""\
  unit:
    runs-on: ubuntu-latest
    steps:
      - run: cargo test
  check:
    needs: unit
    runs-on: ubuntu-latest
    steps:
{steps}"""
    assert stage(jobs, "check") == expected


def test_check_job_that_checks_build_output_is_a_test() -> None:
    info = stages_of("""\
  build-wheels:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
  check-wheels:
    needs: build-wheels
    runs-on: ubuntu-latest
    steps:
      - run: twine check dist/*
""")["check-wheels"]
    assert info.stage == "test"
    assert "`build-wheels`" in info.reason


@pytest.mark.parametrize(("run", "expected"), [
    ("mkdocs build --strict", "build"),
    ("mkdocs gh-deploy --force", "deploy"),
])
def test_docs_jobs_by_what_they_do(run: str, expected: str) -> None:
    assert stage(f"  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n",
                 "docs") == expected


def test_create_release_that_builds_need_is_not_the_deploy() -> None:
    got = stages_of("""\
  create-release:
    runs-on: ubuntu-latest
    steps:
      - run: gh release create "$TAG" --draft
  build:
    needs: create-release
    runs-on: ubuntu-latest
    steps:
      - run: cargo build --release
      - run: gh release upload "$TAG" target/release/tool
""")
    assert got["create-release"].stage == "other"
    assert got["build"].stage == "build"


@pytest.mark.parametrize(("job", "environment", "steps", "expected"), [
    ("deploy", "production", "./deploy.sh", "deploy"),
    ("anything", "production", "./run.sh", "deploy"),
    ("update", "production", "./update.sh", "deploy"),  # a deploy target stays a deploy
    ("integration-tests", "integration", "pytest tests/integration", "test"),
    ("triage", "automations", "./triage.sh", "other"),
    ("sync", "automations", "./sync.sh", "other"),  # not a deploy target
    ("test-publish", "testpypi", "uv publish --index testpypi", "test"),  # a rehearsal
    ("release-gate", "release-gate", "echo approved", "other"),  # an approval gate
    ("rollback", "production", "./rollback.sh", "other"),
])
def test_environment_means_deploy_unless(job: str, environment: str, steps: str,
                                         expected: str) -> None:
    jobs = f"""\
  {job}:
    runs-on: ubuntu-latest
    environment: {environment}
    steps:
      - run: {steps}
"""
    assert stage(jobs, job) == expected


PIPELINE = """\
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
  deploy:
    needs: test
    runs-on: ubuntu-latest
    environment: staging
    steps:
      - run: ./deploy.sh
  e2e-staging:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: npx playwright test
  health-check:
    runs-on: ubuntu-latest
    steps:
      - run: curl --fail https://staging.example.com/health
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: ./smoke.sh
"""


def test_graph_decides_verification() -> None:
    got = stages_of(PIPELINE)
    assert got["e2e-staging"].stage == "verify"  # a test after a deploy checks it
    assert "after deploy job `deploy`" in got["e2e-staging"].reason
    # By name, waiting for no deploy: verifications that ought to need the deploy.
    assert got["health-check"].stage == "verify"
    assert got["smoke"].stage == "verify"


def test_health_check_without_deploys_is_a_test() -> None:
    got = stages_of(PIPELINE.replace("environment: staging", "environment: {}")
                    .replace("./deploy.sh", "./prepare.sh").replace("  deploy:", "  setup:")
                    .replace("needs: deploy", "needs: setup"))
    assert got["health-check"].stage == "test"
    assert got["smoke"].stage == "test"
    assert got["smoke"].reason.endswith("but the workflow deploys nothing: a test")


def test_smoke_test_a_deploy_needs_is_a_test() -> None:
    got = stages_of("""\
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: ./smoke.sh
  deploy:
    needs: smoke
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
""")
    assert got["smoke"].stage == "test"
    assert "a deploy needs it" in got["smoke"].reason


def test_configuration_comes_first() -> None:
    config = from_data({"stages": {"test": ["e2e-*"], "other": ["deploy"]}}, "cfg")
    got = stages_of(PIPELINE, config)
    assert got["deploy"] == StageInfo("other", "configured: `deploy` in stages.other", "config")
    assert got["e2e-staging"].stage == "test"


def test_steps_place_unnamed_jobs() -> None:
    got = stages_of("""\
  linux:
    runs-on: ubuntu-latest
    steps:
      - run: python -m pytest -x
  windows:
    runs-on: windows-latest
    steps:
      - uses: PyO3/maturin-action@v1
  macos:
    runs-on: macos-latest
    steps:
      - run: echo hello
""")
    assert (got["linux"].stage, got["windows"].stage, got["macos"].stage) == (
        "test", "build", "other")
    assert got["linux"].reason == "its steps run tests (`python -m pytest`)"


def test_called_workflow_name_counts() -> None:
    got = stages_of("""\
  ship:
    uses: ./.github/workflows/deploy-production.yml
  linux:
    uses: octo/ci/.github/workflows/run-tests.yml@v1
""")
    assert got["ship"].stage == "deploy" and got["linux"].stage == "test"
    assert "called workflow" in got["linux"].reason


def test_every_job_gets_a_stage_in_order() -> None:
    got = stages_of(PIPELINE)
    assert list(got) == ["test", "deploy", "e2e-staging", "health-check", "smoke"]


def test_a_verify_job_that_probes_the_live_service() -> None:
    jobs = """\
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
  verify:
    runs-on: ubuntu-latest
    steps:
      - run: curl --fail https://example.com/healthz
  wait-for-server:
    runs-on: ubuntu-latest
    steps:
      - run: ./serve & curl --retry 5 http://localhost:8080/health && npm test
"""
    got = stages_of(jobs)
    assert got["verify"].stage == "verify"
    assert "probe a live service" in got["verify"].reason
    assert got["wait-for-server"].stage == "test"  # localhost: the job's own server


def test_uploading_sarif_to_code_scanning_is_not_a_deploy() -> None:
    jobs = """\
  actiongen:
    runs-on: ubuntu-latest
    steps:
      - run: actiongen check --format sarif --output results.sarif
      - name: Upload SARIF to code scanning
        uses: github/codeql-action/upload-sarif@0000000000000000000000000000000000000000
        with:
          sarif_file: results.sarif
"""
    assert stage(jobs, "actiongen") != "deploy"
