"""What reaches the result of an expression: the basis of the injection and secret rules."""

from __future__ import annotations

import pytest

from actiongen.model.flow import Flow, output_flows, secret_names


def paths(text: str) -> set[str]:
    return {f.path + ("/whole" if f.whole else "") for f in output_flows(text)}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("github.event.issue.title", {"github.event.issue.title"}),
        # context names are case-insensitive; indexes become wildcards
        ("github.event.Issue['Title']", {"github.event.issue.title"}),
        ("github.event.commits[0].message", {"github.event.commits.*.message"}),
        ("github.event.commits.*.message", {"github.event.commits.*.message"}),
        # booleans and predicates do not carry the text
        ("contains(github.event.issue.title, 'bug')", set()),
        ("github.event.issue.title == 'x'", set()),
        ("!secrets.TOKEN", set()),
        ("startsWith(github.head_ref, 'dependabot/')", set()),
        # `a && b` yields b; `a || b` yields either
        ("github.event_name == 'push' && secrets.A || secrets.B", {"secrets.a", "secrets.b"}),
        ("github.head_ref || github.ref_name", {"github.head_ref", "github.ref_name"}),
        # functions that build text from their arguments
        ("format('{0}-{1}', github.head_ref, 'x')", {"github.head_ref"}),
        ("join(github.event.commits.*.message, ', ')", {"github.event.commits.*.message"}),
        ("toJSON(secrets)", {"secrets/whole"}),
        ("fromJSON(steps.meta.outputs.json).tags", {"steps.meta.outputs.json"}),
        # literals
        ("'toJSON(secrets)'", set()),
        ("true", set()),
    ],
)
def test_output_flows(expression: str, expected: set[str]) -> None:
    assert paths(expression) == expected


def test_an_expression_that_does_not_parse_outputs_every_reference() -> None:
    assert paths("secrets.A ((") == {"secrets.a"}


def test_reaches_matches_wildcards_and_whole_objects() -> None:
    assert Flow("github.event.commits.*.message").reaches("github.event.commits.*.message")
    assert Flow("github.event.pull_request", whole=True).reaches("github.event.pull_request.title")
    assert not Flow("github.event.pull_request").reaches("github.event.pull_request.title")
    assert not Flow("github.event.pull_request.number").reaches("github.event.pull_request.title")


def test_secret_names() -> None:
    assert secret_names(output_flows("secrets.npm_token")) == ["NPM_TOKEN"]
    assert secret_names(output_flows("github.token")) == ["GITHUB_TOKEN"]
    assert secret_names(output_flows("toJSON(secrets)")) == ["*"]
    assert secret_names(output_flows("secrets.X != ''")) == []
