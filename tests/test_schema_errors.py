"""The error walker must give jsonschema's errors, and so the schema rule's findings.

The schema rule explains invalid files with ``actiongen.schema_errors`` instead of
importing jsonschema.  These tests hold the two to the same errors (message, keyword,
paths, instance, context, in the same order), the same ``best_match`` and the same
worded findings, on every fixture, on the corpus and on mutated documents.
"""

from __future__ import annotations

import random
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from jsonschema.exceptions import best_match as js_best_match

from actiongen.load import load_text
from actiongen.rules._schema_messages import Explainer
from actiongen.rules.schema import error_walker, full_validator, schema_errors
from actiongen.schema_errors import ErrorWalker, best_match
from actiongen.schema_fast import Unsupported

from .conftest import FIXTURES
from .test_schema_fast import EDGES, KINDS, _corpus_files, _load, _mutate


def _shape(error: Any) -> tuple[Any, ...]:
    """Everything the explainer and best_match read from an error, recursively."""
    return (
        error.message, error.validator, repr(error.validator_value), repr(error.instance),
        repr(error.schema), list(error.path), list(error.absolute_path),
        list(error.schema_path), error._matches_type(),
        [_shape(e) for e in error.context],
    )


def _assert_same_errors(kind: str, data: Any, label: str) -> int:
    ours = list(error_walker(kind).iter_errors(data))
    theirs = list(full_validator(kind).iter_errors(data))
    assert [_shape(e) for e in ours] == [_shape(e) for e in theirs], label
    for mine, other in zip(ours, theirs, strict=True):
        if mine.context:
            assert _shape(best_match(mine.context)) == _shape(js_best_match(other.context)), label
            # best_match works on jsonschema's errors too (the fallback path).
            assert best_match(other.context) is js_best_match(other.context), label
    return len(ours)


def test_same_errors_on_every_fixture() -> None:
    files = [p for p in sorted(FIXTURES.rglob("*.y*ml")) if p.name != "config.yml"]
    counts = [_assert_same_errors(kind, data, str(p))
              for p in files for kind, data in [_load(p)] if data is not None]
    assert sum(counts) > 20  # the schema fixtures are invalid in many ways


def test_same_errors_on_the_corpus() -> None:
    counts = [_assert_same_errors(*_load(p), str(p)) for p in _corpus_files()]
    assert len(counts) > 600 and sum(counts) >= 2


def test_same_errors_on_mutated_documents() -> None:
    rng = random.Random(20261126)
    files = _corpus_files()
    sample = rng.sample(files, 160) + sorted(FIXTURES.glob("rules/schema/good*.yml"))
    counts = []
    for path in sample:
        kind, data = _load(path)
        for n in range(4):
            counts.append(_assert_same_errors(kind, _mutate(data, rng), f"{path} mutation {n}"))
    # Most mutations must break the document, or the test proves little.
    assert sum(1 for c in counts if c) > 200


@pytest.mark.parametrize(("schema", "instances"), EDGES)
def test_keyword_edges(schema: Any, instances: list[Any]) -> None:
    ours = ErrorWalker(schema)
    theirs = jsonschema.Draft202012Validator(schema)
    for instance in instances:
        assert [_shape(e) for e in ours.iter_errors(instance)] == [
            _shape(e) for e in theirs.iter_errors(instance)], (schema, instance)


@pytest.mark.parametrize(("schema", "instance"), [
    ({"oneOf": [{"type": "integer"}, {"minimum": 2}, {"maximum": 9}]}, 3),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, None),
    ({"items": False}, [1, 2]),
    ({"maxItems": 0, "maxProperties": 0, "maxLength": 0}, [1]),
    ({"minItems": 3}, [1]),
    ({"minProperties": 2, "maxProperties": 1}, {"a": 1}),
    ({"minLength": 1}, ""),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"b": 1, "c": 2, "a": 3}),
    ({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}, {}),
    ({"not": True}, 1),
    ({"allOf": [False, {"const": 2}]}, 1),
])
def test_messages_and_variants(schema: Any, instance: Any) -> None:
    ours = [_shape(e) for e in ErrorWalker(schema).iter_errors(instance)]
    assert ours, (schema, instance)
    theirs = jsonschema.Draft202012Validator(schema).iter_errors(instance)
    assert ours == [_shape(e) for e in theirs]


@pytest.mark.parametrize("schema", [
    {"patternProperties": {"^a": {}}},
    {"$ref": "https://example.com/other.json"},
    {"$ref": "#/$defs/missing"},
])
def test_unsupported_keywords_are_refused(schema: Any) -> None:
    with pytest.raises(Unsupported):
        list(ErrorWalker(schema).iter_errors({"a": 1}))


@pytest.mark.parametrize("kind", KINDS)
def test_same_findings_on_the_schema_fixtures(kind: str) -> None:
    files = [p for p in sorted(FIXTURES.glob("rules/schema/bad*.yml"))
             if (kind == "action") == p.name.endswith("action.yml")]
    assert files
    for path in files:
        doc = load_text(str(path), path.read_text(encoding="utf-8"))
        assert doc.root is not None
        _, data = _load(path)
        theirs = sorted(full_validator(kind).iter_errors(data),
                        key=lambda e: list(map(str, e.path)))
        ours = Explainer(kind, doc.root, data).problems(schema_errors(kind, data))
        expected = Explainer(kind, doc.root, data).problems(theirs)  # type: ignore[arg-type]
        assert [(p.message, p.fix, p.job, p.step) for p in ours] == [
            (p.message, p.fix, p.job, p.step) for p in expected], path
        assert ours, path


def test_explaining_an_invalid_file_does_not_import_jsonschema(tmp_path: Any) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\npermissions: {}\njobs:\n  t:\n    runs-on: x\n"
                   "    timeout-minutes: 1\n    stpes: [{run: 'true'}]\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from actiongen.cli import main\n"
        f"rc = main(['check', '--select', 'schema', {str(bad)!r}])\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema was imported'\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 1, out.stderr
    assert "unknown key `stpes`" in out.stdout and "did you mean `steps`?" in out.stdout
