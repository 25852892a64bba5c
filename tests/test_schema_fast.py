"""The quick schema evaluator must give jsonschema's answer (valid or not) every time.

The schema rule trusts ``actiongen.schema_fast`` to say "valid" without importing
jsonschema, so any disagreement would hide errors or invent them.  These tests hold
the two to the same verdict on the real corpus, on every fixture, on documents
mutated in ways that break (or keep) them, and on keyword edge cases.
"""

from __future__ import annotations

import copy
import functools
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from actiongen.engine import kind_of
from actiongen.load import load_bytes, load_text, to_data
from actiongen.rules.schema import fast_validator, load_schema
from actiongen.schema_fast import Unsupported, compile_node_schema, compile_schema

from .conftest import FIXTURES, shared_path

KINDS = ("workflow", "action")


def _validators(kind: str) -> tuple[Any, jsonschema.Draft202012Validator]:
    fast = fast_validator(kind)
    assert fast is not None, f"the {kind} schema uses a keyword schema_fast lacks"
    return fast, jsonschema.Draft202012Validator(load_schema(kind))


@functools.cache
def _load(path: Path) -> tuple[str, Any]:
    doc = load_bytes(str(path), path.read_bytes())
    return kind_of(str(path), doc.root), to_data(doc.root)


def _assert_agree(kind: str, data: Any, label: str) -> bool:
    fast, full = _validators(kind)
    expected = full.is_valid(data)
    assert fast(data) == expected, f"{label}: jsonschema says valid={expected}"
    return expected


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_draft_2020_12_and_fully_supported(kind: str) -> None:
    schema = load_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert fast_validator(kind) is not None


def _corpus_files() -> list[Path]:
    corpus = shared_path("corpus")
    return sorted(p for p in corpus.glob("*/*/*") if p.suffix in (".yml", ".yaml"))


def test_agree_on_every_corpus_file() -> None:
    files = _corpus_files()
    verdicts = [_assert_agree(*_load(p), str(p)) for p in files]
    assert len(files) > 600
    assert verdicts.count(False) >= 1  # the corpus holds known-invalid files


def test_agree_on_every_fixture() -> None:
    files = [p for p in sorted(FIXTURES.rglob("*.y*ml")) if p.name not in ("config.yml",)]
    loaded = [(p, *_load(p)) for p in files]
    verdicts = [_assert_agree(kind, data, str(p)) for p, kind, data in loaded if data is not None]
    assert True in verdicts and False in verdicts


# ---------------------------------------------------------------- mutations
_VALUES: list[Any] = [
    None, True, False, 0, 1, 1.0, 2.5, -3, "", "10", "true", "yes", "${{ x }}", "read",
    "write", "none", "inherit", "push", "ubuntu-latest", "a/b@v1", "./x.yml", [], ["a"], [1],
    {}, {"a": 1}, {"run": "x"}, {"uses": "a/b@v1"}, {"group": "g"}, {"name": "n"},
]
_KEYS = [
    "uses", "run", "with", "shell", "steps", "runs-on", "parallel", "wait", "wait-all",
    "cancel", "types", "branches", "branches-ignore", "paths", "inputs", "type", "options",
    "required", "default", "value", "image", "group", "name", "if", "env", "contents",
    "using", "main", "matrix", "include", "unknown-key",
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _mutate(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    path = rng.choice(_paths(data))
    if not path:
        return rng.choice(_VALUES)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    op = rng.randrange(4)
    if op == 0:
        parent[last] = copy.deepcopy(rng.choice(_VALUES))
    elif op == 1 and isinstance(parent, dict):
        del parent[last]
    elif op == 2 and isinstance(parent, dict):
        parent[last + rng.choice(["s", "x", "-"])] = parent.pop(last)
    else:
        target = parent[last]
        if isinstance(target, dict):
            target[rng.choice(_KEYS)] = copy.deepcopy(rng.choice(_VALUES))
        elif isinstance(target, list):
            target.append(copy.deepcopy(rng.choice(_VALUES)))
        else:
            parent[last] = copy.deepcopy(rng.choice(_VALUES))
    return data


def test_agree_on_mutated_documents() -> None:
    rng = random.Random(20240611)
    files = _corpus_files()
    sample = rng.sample(files, 160) + sorted(FIXTURES.glob("rules/schema/good*.yml"))
    verdicts = []
    for path in sample:
        kind, data = _load(path)
        for n in range(4):
            mutated = _mutate(data, rng)
            verdicts.append(_assert_agree(kind, mutated, f"{path} mutation {n}"))
    # The mutations must exercise both answers, or the test proves little.
    assert verdicts.count(True) > 50 and verdicts.count(False) > 200


# ---------------------------------------------------------------- keyword edges
EDGES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ({"type": "number"}, [0, 0.5, True, False, "0"]),
    ({"type": ["boolean", "null"]}, [True, None, 0, ""]),
    ({"enum": [1, "a", None]}, [1, 1.0, True, "a", None, False, "b"]),
    ({"enum": [True]}, [True, 1, 1.0]),
    ({"const": False}, [False, 0, 0.0, None]),
    ({"const": [1, {"a": True}]}, [[1, {"a": True}], [1, {"a": 1}], [True, {"a": True}]]),
    ({"minimum": 2, "maximum": 3}, [1, 2, 3.5, True, "9"]),
    ({"pattern": "^a"}, ["ab", "ba", 1, None]),
    ({"minLength": 2, "maxLength": 3}, ["a", "ab", "abcd", 5]),
    ({"required": ["a", "b"]}, [{"a": 1}, {"a": 1, "b": 2}, [], "a"]),
    ({"required": ["a"]}, [{"a": 1}, {}, "x"]),
    ({"minProperties": 1, "maxProperties": 1}, [{}, {"a": 1}, {"a": 1, "b": 2}, []]),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, {"A": 1}, "A"]),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": False},
     [{"a": "x"}, {"a": 1}, {"b": 1}, {}, "s"]),
    ({"additionalProperties": {"type": "integer"}}, [{"a": 1}, {"a": "1"}, {"a": True}]),
    ({"items": {"type": "string"}, "minItems": 1, "maxItems": 2}, [[], ["a"], ["a", 1], {}]),
    ({"items": False}, [[], [1]]),
    ({"anyOf": [{"type": "string"}, {"minimum": 5}]}, ["x", 6, 1, None]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 3, 2.5, "x"]),
    ({"allOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 3]),
    ({"not": {"type": "object", "required": ["a", "b"]}}, [{"a": 1, "b": 1}, {"a": 1}, None]),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"type": "object"}},
     [{"a": 1}, {"a": 1, "b": 1}, {}, "x"]),
    ({"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"},
     [[], [[[]]], [[1]], 1]),
    ({"type": ["string", "number"], "pattern": "x", "x-expected": "ignored"}, ["x", "y", 1]),
    (True, [1, None]),
    (False, [1, None]),
]


@pytest.mark.parametrize(("schema", "instances"), EDGES)
def test_keyword_edges(schema: dict[str, Any], instances: list[Any]) -> None:
    fast = compile_schema(schema)
    full = jsonschema.Draft202012Validator(schema)
    for instance in instances:
        assert fast(instance) == full.is_valid(instance), (schema, instance)


@pytest.mark.parametrize("schema", [
    {"patternProperties": {"^a": {}}},
    {"unevaluatedProperties": False},
    {"prefixItems": [{}]},
    {"$ref": "https://example.com/other.json"},
    {"$ref": "#/$defs/missing"},
    {"type": "decimal"},
    {"dependentRequired": {"a": ["b"]}},
])
def test_unsupported_keywords_refuse_to_compile(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)


# ---------------------------------------------------------------- the node evaluator
# The schema rule validates the loader's nodes without converting them to plain data
# (compile_node_schema); its verdict must be the data evaluator's on to_data(node).


def _as_node(instance: Any) -> Any:
    """The loader's node for a JSON value (JSON is YAML; escaped emoji are not)."""
    doc = load_text("x.yml", json.dumps(instance, ensure_ascii=False))
    assert doc.root is not None and not doc.problems
    return doc.root


@functools.cache
def _node_validator(kind: str) -> Any:
    return compile_node_schema(load_schema(kind))


def test_node_evaluator_agrees_on_every_corpus_file_and_fixture() -> None:
    files = _corpus_files() + [
        p for p in sorted(FIXTURES.rglob("*.y*ml")) if p.name != "config.yml"]
    verdicts = []
    for path in files:
        doc = load_bytes(str(path), path.read_bytes())
        if doc.root is None:
            continue
        kind = kind_of(str(path), doc.root)
        verdict = _node_validator(kind)(doc.root)
        assert verdict == fast_validator(kind)(to_data(doc.root)), str(path)  # type: ignore[misc]
        verdicts.append(verdict)
    assert verdicts.count(True) > 600 and verdicts.count(False) >= 2


def test_node_evaluator_agrees_on_mutated_documents() -> None:
    rng = random.Random(20251126)
    sample = rng.sample(_corpus_files(), 120) + sorted(FIXTURES.glob("rules/schema/good*.yml"))
    verdicts = []
    for path in sample:
        kind, data = _load(path)
        for n in range(4):
            mutated = _mutate(data, rng)
            verdict = _node_validator(kind)(_as_node(mutated))
            assert verdict == _assert_agree(kind, mutated, f"{path} mutation {n}")
            verdicts.append(verdict)
    assert verdicts.count(True) > 50 and verdicts.count(False) > 150


@pytest.mark.parametrize(("schema", "instances"), [
    (s, i) for s, i in EDGES if not isinstance(s, bool)] + [
    ({"enum": [[1], {"a": None}]}, [[1], {"a": None}, {"a": 0}, [1, 2], 1]),
    ({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}},
     [{"a": [1, 2]}, {"a": [1, "x"]}, {"a": 1}, {}, [], "x"]),
    ({"properties": {"a": {"type": "object"}}, "additionalProperties": {"type": "string"}},
     [{"a": {}}, {"a": "x"}, {"b": "x"}, {"b": {}}, {"b": 1}, [1], 2]),
    ({"type": ["object", "array"], "properties": {"a": {"type": "null"}}},
     [{"a": None}, {"a": 1}, [], [1], "x"]),
])
def test_node_evaluator_keyword_edges(schema: dict[str, Any], instances: list[Any]) -> None:
    node_check = compile_node_schema(schema)
    full = jsonschema.Draft202012Validator(schema)
    for instance in instances:
        assert node_check(_as_node(instance)) == full.is_valid(instance), (schema, instance)


def test_node_evaluator_shares_aliased_nodes_and_stops_on_cycles() -> None:
    # An alias is the same node object twice; a self-referencing one is a cycle, which
    # the rule reports as too deep (RecursionError), as the data evaluator does.
    schema = {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
              "$ref": "#/$defs/n"}
    doc = load_text("x.yml", "- &a [[], []]\n- *a\n")
    assert doc.root is not None
    assert compile_node_schema(schema)(doc.root) is True
    cyclic = load_text("x.yml", "&a [*a]\n")
    if cyclic.root is not None:
        with pytest.raises(RecursionError):
            compile_node_schema(schema)(cyclic.root)
