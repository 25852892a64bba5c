"""jsonschema's errors for an invalid document, without importing jsonschema.

The schema rule explains a file that :mod:`actiongen.schema_fast` rejects.  Importing
jsonschema for that costs about 75 ms: more than the rest of a one-file check, and in a
corpus run each worker that meets an invalid file paid it.  This module walks the schema
the way ``jsonschema.Draft202012Validator.iter_errors`` does, for the keywords
:mod:`actiongen.schema_fast` supports, and yields errors with the same messages,
keywords, paths and context.  ``tests/test_schema_errors.py`` holds the two to equal
errors on every fixture and on mutated corpus documents; jsonschema stays the authority.

A schema that uses any other keyword raises :class:`actiongen.schema_fast.Unsupported`,
and the caller asks jsonschema instead.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from typing import TYPE_CHECKING, Any

from actiongen.schema_fast import TYPE_TESTS, json_equal, resolve_ref, screen

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sized

    PathPart = str | int
    Schema = dict[str, Any]
    Errors = Iterator["SchemaError"]

_UNSET: Any = object()
#: Keywords that lose to any other error at the same depth (jsonschema's WEAK_MATCHES).
_WEAK = frozenset({"anyOf", "oneOf"})


class SchemaError:
    """One failed keyword, shaped like ``jsonschema.exceptions.ValidationError``.

    ``path`` and ``schema_path`` are relative to the parent error (for errors in the
    ``context`` of an ``anyOf``/``oneOf``); ``absolute_path`` walks up to the root.
    """

    __slots__ = ("context", "instance", "message", "parent", "path", "schema", "schema_path",
                 "validator", "validator_value")

    def __init__(self, message: str, context: Iterable[SchemaError] = (), *,
                 validator: Any = _UNSET, validator_value: Any = _UNSET,
                 instance: Any = _UNSET, schema: Any = _UNSET) -> None:
        self.message = message
        self.path: deque[PathPart] = deque()
        self.schema_path: deque[PathPart] = deque()
        self.context = list(context)
        self.parent: SchemaError | None = None
        for error in self.context:
            error.parent = self
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema

    @property
    def absolute_path(self) -> deque[PathPart]:
        if self.parent is None:
            return self.path
        path = deque(self.path)
        path.extendleft(reversed(self.parent.absolute_path))
        return path

    def _set(self, validator: str, validator_value: Any, instance: Any, schema: Any) -> None:
        if self.validator is _UNSET:
            self.validator = validator
        if self.validator_value is _UNSET:
            self.validator_value = validator_value
        if self.instance is _UNSET:
            self.instance = instance
        if self.schema is _UNSET:
            self.schema = schema

    def _matches_type(self) -> bool:
        try:
            expected = self.schema["type"]
        except (KeyError, TypeError):
            return False
        names = [expected] if isinstance(expected, str) else expected
        return any(TYPE_TESTS[name](self.instance) for name in names)

    def __repr__(self) -> str:
        return f"<SchemaError {self.message!r}>"


def relevance(error: Any) -> tuple[Any, ...]:
    """jsonschema's ``relevance`` key: shallower, earlier, stronger errors rank higher."""
    return (-len(error.path), error.path, error.validator not in _WEAK, False,
            not error._matches_type())


def best_match(errors: Iterable[Any], key: Callable[[Any], Any] = relevance) -> Any:
    """jsonschema's ``best_match``: the error that best explains a failed ``anyOf``.

    Works on this module's errors and on jsonschema's alike.
    """
    best = max(errors, key=key, default=None)
    if best is None:
        return None
    while best.context:
        smallest = heapq.nsmallest(2, best.context, key=key)
        if len(smallest) == 2 and key(smallest[0]) == key(smallest[1]):
            return best
        best = smallest[0]
    return best


def _size(kind: type[Sized], low: bool, empty_word: str,
          other_word: str) -> Callable[[ErrorWalker, int, Any, Schema], Errors]:
    """A min/max size keyword (items, properties, length), with jsonschema's wording."""
    def check(self: ErrorWalker, bound: int, instance: Any, schema: Schema) -> Errors:
        if isinstance(instance, kind) and (len(instance) < bound if low else len(instance) > bound):
            special = bound == 1 if low else bound == 0
            yield SchemaError(f"{instance!r} {empty_word if special else other_word}")
    return check


class ErrorWalker:
    """Yields the errors of instances against one root schema (local ``$ref`` only)."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._keywords: dict[str, Callable[[Any, Any, dict[str, Any]], Iterator[SchemaError]]] = {
            "$ref": self._ref, "type": self._type, "enum": self._enum, "const": self._const,
            "pattern": self._pattern, "required": self._required,
            "properties": self._properties, "additionalProperties": self._additional,
            "propertyNames": self._property_names, "items": self._items,
            "minItems": self._min_items, "maxItems": self._max_items,
            "minProperties": self._min_properties, "maxProperties": self._max_properties,
            "minLength": self._min_length, "maxLength": self._max_length,
            "minimum": self._minimum, "maximum": self._maximum, "anyOf": self._any_of,
            "oneOf": self._one_of, "allOf": self._all_of, "not": self._not, "if": self._if,
        }

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        """Every error of ``instance``, in jsonschema's order."""
        return self.descend(instance, self.root)

    def is_valid(self, instance: Any, schema: Any) -> bool:
        return next(self.descend(instance, schema), None) is None

    def descend(self, instance: Any, schema: Any, path: PathPart | None = None,
                schema_path: PathPart | None = None) -> Iterator[SchemaError]:
        if schema is True:
            return
        if schema is False:
            yield SchemaError(f"False schema does not allow {instance!r}", validator=None,
                              validator_value=None, instance=instance, schema=schema)
            return
        screen(schema)
        for k, v in schema.items():
            keyword = self._keywords.get(k)
            if keyword is None:
                continue  # annotations and x- extensions
            for error in keyword(v, instance, schema):
                error._set(k, v, instance, schema)
                if k not in ("if", "$ref"):
                    error.schema_path.appendleft(k)
                if path is not None:
                    error.path.appendleft(path)
                if schema_path is not None:
                    error.schema_path.appendleft(schema_path)
                yield error

    # ------------------------------------------------------------ keywords
    def _ref(self, ref: str, instance: Any, schema: Schema) -> Errors:
        return self.descend(instance, resolve_ref(self.root, ref))

    def _type(self, types: Any, instance: Any, schema: Schema) -> Errors:
        names = [types] if isinstance(types, str) else types
        if not any(TYPE_TESTS[name](instance) for name in names):
            reprs = ", ".join(repr(name) for name in names)
            yield SchemaError(f"{instance!r} is not of type {reprs}")

    def _enum(self, enums: list[Any], instance: Any, schema: Schema) -> Errors:
        if all(not json_equal(each, instance) for each in enums):
            yield SchemaError(f"{instance!r} is not one of {enums!r}")

    def _const(self, const: Any, instance: Any, schema: Schema) -> Errors:
        if not json_equal(instance, const):
            yield SchemaError(f"{const!r} was expected")

    def _pattern(self, pattern: str, instance: Any, schema: Schema) -> Errors:
        if isinstance(instance, str) and not re.search(pattern, instance):
            yield SchemaError(f"{instance!r} does not match {pattern!r}")

    def _required(self, required: list[str], instance: Any,
                  schema: Schema) -> Errors:
        if isinstance(instance, dict):
            for name in required:
                if name not in instance:
                    yield SchemaError(f"{name!r} is a required property")

    def _properties(self, properties: dict[str, Any], instance: Any,
                    schema: Schema) -> Errors:
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if name in instance:
                    yield from self.descend(instance[name], sub, path=name, schema_path=name)

    def _additional(self, extra_schema: Any, instance: Any,
                    schema: Schema) -> Errors:
        if not isinstance(instance, dict):
            return
        known = schema.get("properties", {})
        extras = {name for name in instance if name not in known}
        if isinstance(extra_schema, dict):
            for name in extras:
                yield from self.descend(instance[name], extra_schema, path=name)
        elif not extra_schema and extras:
            names = sorted(extras, key=str)
            verb = "was" if len(names) == 1 else "were"
            listed = ", ".join(repr(name) for name in names)
            yield SchemaError(f"Additional properties are not allowed ({listed} {verb} unexpected)")

    def _property_names(self, names: Any, instance: Any,
                        schema: Schema) -> Errors:
        if isinstance(instance, dict):
            for name in instance:
                yield from self.descend(name, names)

    def _items(self, items: Any, instance: Any, schema: Schema) -> Errors:
        if not isinstance(instance, list) or not instance:
            return
        if items is False:
            rest = instance if len(instance) != 1 else instance[0]
            yield SchemaError(f"Expected at most 0 items but found {len(instance)} extra: {rest!r}")
            return
        for index, item in enumerate(instance):
            yield from self.descend(item, items, path=index)

    _min_items = _size(list, True, "should be non-empty", "is too short")
    _max_items = _size(list, False, "is expected to be empty", "is too long")
    _min_properties = _size(dict, True, "should be non-empty", "does not have enough properties")
    _max_properties = _size(dict, False, "is expected to be empty", "has too many properties")
    _min_length = _size(str, True, "should be non-empty", "is too short")
    _max_length = _size(str, False, "is expected to be empty", "is too long")

    def _minimum(self, bound: Any, instance: Any, schema: Schema) -> Errors:
        if TYPE_TESTS["number"](instance) and instance < bound:
            yield SchemaError(f"{instance!r} is less than the minimum of {bound!r}")

    def _maximum(self, bound: Any, instance: Any, schema: Schema) -> Errors:
        if TYPE_TESTS["number"](instance) and instance > bound:
            yield SchemaError(f"{instance!r} is greater than the maximum of {bound!r}")

    def _any_of(self, subs: list[Any], instance: Any, schema: Schema) -> Errors:
        failures: list[SchemaError] = []
        for index, sub in enumerate(subs):
            errors = list(self.descend(instance, sub, schema_path=index))
            if not errors:
                return
            failures.extend(errors)
        yield SchemaError(f"{instance!r} is not valid under any of the given schemas",
                          context=failures)

    def _one_of(self, subs: list[Any], instance: Any, schema: Schema) -> Errors:
        failures: list[SchemaError] = []
        first_valid: Any = None
        remaining = iter(enumerate(subs))
        for index, sub in remaining:
            errors = list(self.descend(instance, sub, schema_path=index))
            if not errors:
                first_valid = sub
                break
            failures.extend(errors)
        else:
            yield SchemaError(f"{instance!r} is not valid under any of the given schemas",
                              context=failures)
        more_valid = [sub for _, sub in remaining if self.is_valid(instance, sub)]
        if more_valid:
            more_valid.append(first_valid)
            reprs = ", ".join(repr(sub) for sub in more_valid)
            yield SchemaError(f"{instance!r} is valid under each of {reprs}")

    def _all_of(self, subs: list[Any], instance: Any, schema: Schema) -> Errors:
        for index, sub in enumerate(subs):
            yield from self.descend(instance, sub, schema_path=index)

    def _not(self, negated: Any, instance: Any, schema: Schema) -> Errors:
        if self.is_valid(instance, negated):
            yield SchemaError(f"{instance!r} should not be valid under {negated!r}")

    def _if(self, condition: Any, instance: Any, schema: Schema) -> Errors:
        if self.is_valid(instance, condition):
            if "then" in schema:
                yield from self.descend(instance, schema["then"], schema_path="then")
        elif "else" in schema:
            yield from self.descend(instance, schema["else"], schema_path="else")
