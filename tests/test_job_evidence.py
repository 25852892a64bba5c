"""The keyword-gated command alternations match exactly what the joined regex matches.

``Alternatives`` keeps a big alternation as branches that are compiled and tried only
when one of their keywords occurs.  That is only sound when every match of a branch
holds one of its keywords, and the leftmost-first choice among branches must be the
joined regex's.  These tests compare both on hand-written scripts and on every script
of the shared corpus.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from actiongen.load import Mapping, Scalar, load_bytes, walk
from actiongen.model import job_evidence
from actiongen.model.job_evidence import Alternatives
from actiongen.rules import _deploy
from tests.conftest import shared_path

if TYPE_CHECKING:
    from collections.abc import Iterable

ALTERNATIVES = {
    "deploy.DEPLOY_RUN": _deploy._DEPLOY_RUN,
    "deploy.PUBLISH_RUN": _deploy._PUBLISH_RUN,
    "deploy.VERIFY_RUN": _deploy._VERIFY_RUN,
    "deploy.MIGRATION_RUN": _deploy._MIGRATION_RUN,
    "deploy.ROLLBACK": _deploy._ROLLBACK,
    "deploy.DRY_RUN": _deploy._DRY_RUN,
    "evidence.DEPLOY_STEP_NAME": job_evidence._DEPLOY_STEP_NAME,
}
COMMANDS = {
    "evidence.DEPLOY_RUN": job_evidence._DEPLOY_RUN,
    "evidence.TEST_RUN": job_evidence._TEST_RUN,
    "evidence.BUILD_RUN": job_evidence._BUILD_RUN,
    "evidence.COMMIT_RUN": job_evidence._COMMIT_RUN,
    "evidence.VERIFY_RUN": job_evidence._VERIFY_RUN,
}

SCRIPTS = [
    "kubectl apply -f k8s/\nkubectl rollout status deployment/app --timeout=120s",
    "helm upgrade --install app ./chart --atomic --wait",
    "npx prisma migrate deploy && ./deploy.sh production",
    "npm run db:migrate\nnpm publish --provenance",
    "bundle exec rake db:migrate && cap production deploy",
    "python manage.py migrate --noinput\ncurl --fail https://example.com/healthz",
    "MIGRATE UP; Alembic -c x upgrade head; goose postgres up",
    "docker buildx build --push -t x .\ngh release create v1 dist/*",
    "cargo publish --dry-run\ncargo test --all\npytest -q\nnpm run lint:fix",
    "make\nmake test\nmake check-all\nruff check .\nmypy src",
    "echo ok; yarn build && vercel deploy --prod",
    "aws s3 sync dist s3://bucket && aws ecs update-service --cluster c",
    "curl -sSf https://example.com/health | jq .\nwget --spider https://x/ready",
    "./scripts/release.sh && twine upload dist/*",
    # Non-ASCII text: case folding maps U+212A (Kelvin) and U+017F (long s) to k and s.
    "\u212aubectl apply; \u017fmoke; Prisma DB push; \u017fupabase db push",
    "echo '\U0001f680 Rolling back'; helm rollback app; npm run deploy -- --DRY-RUN",
    "",
    "deploy\n deploy.sh\nsurge ./dist",
]


def _corpus_scripts() -> list[str]:
    root = shared_path("corpus")
    out: list[str] = []
    for path in sorted(root.rglob("*.y*ml")):
        doc = load_bytes(str(path), path.read_bytes())
        if doc.root is None:
            continue
        for node in walk(doc.root):
            if not isinstance(node, Mapping):
                continue
            for key, value in node.items():
                if key in ("run", "script", "command", "args") and isinstance(value, Scalar):
                    out.append(value.text)
    return out


def _check_keywords(alternatives: Alternatives, texts: Iterable[str]) -> None:
    """Every match of a branch holds one of the branch's keywords, and one of each of
    its further groups (the gate is sound)."""
    for i, (keys, pattern) in enumerate(alternatives.branches):
        branch = re.compile(pattern, alternatives._flags)
        groups = (keys, *alternatives.also(i))
        for text in texts:
            if any(c in text for c in "\u0130\u0131\u017f\u212a"):
                continue  # letters that fold to ASCII: such text tries every branch
            for m in branch.finditer(text):
                found = m.group(0).lower()
                for group in groups:
                    assert any(k in found for k in group), (pattern, m.group(0), group)


def _check_alternatives(alternatives: Alternatives, texts: Iterable[str]) -> None:
    _check_keywords(alternatives, texts)
    joined = re.compile(alternatives.joined(), alternatives._flags)
    for text in texts:
        m = joined.search(text)
        got = alternatives.search(text)
        assert (m.span() if m else None) == (got.span() if got else None), text
        assert alternatives.matches(text) is (m is not None), text
        assert alternatives.remove(text) == joined.sub("", text), text


def _check_commands(name: str, texts: Iterable[str]) -> None:
    commands = COMMANDS[name]
    joined = re.compile(commands.alternatives.joined())

    def expected(text: str) -> tuple[int, int] | None:
        # What the single alternation found: per line holding a keyword, the first
        # match that starts a word.
        if not any(k in text for k in commands.keywords):
            return None
        offset = 0
        for line in text.split("\n"):
            if any(k in line for k in commands.keywords):
                for m in joined.finditer(line):
                    i = m.start()
                    if i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_"):
                        return offset + i, offset + m.end()
            offset += len(line) + 1
        return None

    _check_keywords(commands.alternatives, [t.lower() for t in texts])
    for text in texts:
        lowered = text.lower()
        assert commands.find(lowered) == expected(lowered), text


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_alternatives_match_like_the_joined_regex(name: str) -> None:
    _check_alternatives(ALTERNATIVES[name], SCRIPTS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_commands_find_like_the_joined_regex(name: str) -> None:
    _check_commands(name, SCRIPTS)


def test_hand_written_scripts_are_found() -> None:
    # The expectations themselves, so the comparison above is not vacuous.
    assert _deploy._DEPLOY_RUN.matches(SCRIPTS[0])
    m = _deploy._MIGRATION_RUN.search(SCRIPTS[2])
    assert m is not None and m.group(0) == "prisma migrate deploy"
    # The leftmost match wins: the npm branch starts before `db:migrate` does.
    assert _deploy._MIGRATION_RUN.remove(SCRIPTS[3]) == "\nnpm publish --provenance"
    assert _deploy._VERIFY_RUN.matches(SCRIPTS[14])  # U+017F + `moke` folds to `smoke`
    assert job_evidence._TEST_RUN.find(SCRIPTS[8]) == (24, 34)  # `cargo test`, line 2


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_branch_is_reachable_through_the_line_keywords(name: str) -> None:
    # Only lines holding a keyword are read. Every match of a branch holds one of its
    # keys, and one of each of its further groups: one of those groups must consist of
    # words holding a keyword, or the branch is never tried (`vendor/bin/phpunit` once
    # went unseen this way).
    commands = COMMANDS[name]
    alternatives = commands.alternatives
    for i, (keys, pattern) in enumerate(alternatives.branches):
        groups = [keys, *alternatives.also(i)]
        assert any(all(any(k in word for k in commands.keywords) for word in group)
                   for group in groups), pattern


def test_phpunit_alone_is_test_evidence() -> None:
    assert job_evidence._TEST_RUN.find("composer install\nvendor/bin/phpunit") is not None


def test_deploy_step_names_split_per_alternative() -> None:
    # The branches of `\b(?:A|B|...)\b`, each as `\bA\b`: whether some branch matches is
    # whether the grouped form matches.
    grouped = re.compile(
        r"\b(?:deploy(?:ing)?|publish(?:ing)?|push(?:ing)?\s+(?:to|the|image|tag|docker|manifest)"
        r"|(?:build|tag)\s+and\s+push|upload\b.{0,30}\bto|create\s+(?:github\s+|a\s+)?release"
        r"|release\s+to)\b",
        re.IGNORECASE,
    )
    names = ["Deploy to production", "Deployment notes", "Publishing docs", "Push to registry",
             "push", "Build and push image", "Upload the wheels to PyPI", "Upload", "uploads to x",
             "Create a release", "Release to npm", "Pre-release", "\u017fhip and pu\u017fh to x"]
    assert [job_evidence._DEPLOY_STEP_NAME.matches(n) for n in names] == [
        grouped.search(n) is not None for n in names]
    assert sum(job_evidence._DEPLOY_STEP_NAME.matches(n) for n in names) == 8  # long s folds


def test_corpus_scripts_match_like_the_joined_regex() -> None:
    scripts = _corpus_scripts()
    assert len(scripts) > 1000
    for alternatives in ALTERNATIVES.values():
        _check_alternatives(alternatives, scripts)
    for name in COMMANDS:
        _check_commands(name, scripts)
