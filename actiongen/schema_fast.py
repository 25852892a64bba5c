"""A small, exact JSON Schema (draft 2020-12) evaluator that only says *valid* or not.

Importing ``jsonschema`` costs about 65 ms, more than the rest of a one-file check.
Almost every file is valid, so the schema rule asks this evaluator first and imports
``jsonschema`` only to explain a file this evaluator rejects.  The JSON schemas stay
the single source of truth: this module compiles them, it does not restate them.

It supports the keywords our schemas use, with jsonschema's semantics (booleans are not
numbers, ``1.0`` is an integer, ``enum`` tells ``true`` from ``1``, ``pattern`` searches).
A schema with any other keyword does not compile (:class:`Unsupported`), and the caller
falls back to jsonschema for everything.  ``tests/test_schema_fast.py`` holds the two
to the same answers on the corpus, the fixtures and mutated documents.

:func:`compile_node_schema` evaluates the loader's nodes directly, with the answer the
data evaluator gives for ``to_data(node)``: converting a whole file to plain data cost
as much as validating it, and validation looks at fewer nodes than conversion makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actiongen.lazyre import lazy_compile

if TYPE_CHECKING:
    from collections.abc import Callable

    Check = Callable[[Any], bool]

#: Keywords that never affect validity.
_ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly", "format", "$anchor",
})
_HANDLED = frozenset({
    "type", "enum", "const", "pattern", "required", "properties", "additionalProperties",
    "propertyNames", "items", "minItems", "maxItems", "minProperties", "maxProperties",
    "minLength", "maxLength", "minimum", "maximum", "anyOf", "oneOf", "allOf", "not",
    "if", "then", "else", "$ref",
})


class Unsupported(Exception):
    """The schema uses a keyword (or form) this evaluator does not implement."""


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    "integer": _is_integer,
}


def _unbool(x: Any) -> Any:
    # jsonschema compares enum/const members so that True != 1 and False != 0.
    if isinstance(x, bool):
        return ("bool", x)
    return x


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(_unbool(a) == _unbool(b))


def _screen(schema: Any) -> None:
    """Refuse what this module cannot evaluate: jsonschema answers for those files."""
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be an object or a boolean, not {schema!r}")
    for key in schema:
        if key not in _HANDLED and key not in _ANNOTATIONS and not key.startswith("x-"):
            raise Unsupported(f"keyword {key!r}")


def resolve_ref(root: Any, ref: str) -> Any:
    """The subschema a local ``$ref`` (``#/$defs/step``) points at in ``root``."""
    if not ref.startswith("#"):
        raise Unsupported(f"remote $ref {ref!r}")
    node = root
    pointer = ref[1:]
    if pointer:
        for part in pointer.lstrip("/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError) as exc:
                raise Unsupported(f"unresolvable $ref {ref!r}") from exc
    return node


#: Public names for :mod:`actiongen.schema_errors`, which shares these semantics.
TYPE_TESTS = _TYPES
json_equal = _equal
screen = _screen


class _Applicators:
    """What both compilers share: ``$ref`` (compiled once; cycles go through a cell) and
    the logic keywords (allOf, anyOf, oneOf, not, if)."""

    done: dict[str, Check]
    pending: dict[str, list[Check]]

    def compile(self, schema: Any) -> Check:
        raise NotImplementedError

    def resolve(self, ref: str) -> Any:
        raise NotImplementedError

    def ref(self, ref: str) -> Check:
        known = self.done.get(ref)
        if known is not None:
            return known
        pending = self.pending.get(ref)
        if pending is not None:  # a cycle (steps inside steps): late-bound
            return lambda x: pending[0](x)
        cell: list[Check] = []
        self.pending[ref] = cell
        compiled = self.compile(self.resolve(ref))
        cell.append(compiled)
        del self.pending[ref]
        self.done[ref] = compiled
        return compiled


    def _conditional(self, schema: dict[str, Any]) -> Check:
        cond = self.compile(schema["if"])
        then = self.compile(schema.get("then", True))
        other = self.compile(schema.get("else", True))
        return lambda x: then(x) if cond(x) else other(x)

    def _applicators(self, schema: dict[str, Any]) -> list[Check]:
        out: list[Check] = []
        if "allOf" in schema:
            out.append(_all([self.compile(s) for s in schema["allOf"]]))
        if "anyOf" in schema:
            any_subs = [self.compile(s) for s in schema["anyOf"]]
            out.append(lambda x: any(s(x) for s in any_subs))
        if "oneOf" in schema:
            one_subs = [self.compile(s) for s in schema["oneOf"]]
            out.append(lambda x: sum(1 for s in one_subs if s(x)) == 1)
        if "not" in schema:
            negated = self.compile(schema["not"])
            out.append(lambda x: not negated(x))
        if "if" in schema:
            out.append(self._conditional(schema))
        return out


class _Compiler(_Applicators):
    """Compiles each subschema once into one closure; ``$ref`` cycles go through a cell."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.done: dict[str, Check] = {}
        self.pending: dict[str, list[Check]] = {}
        #: Checks that only test the type, with the builtin types they accept outright:
        #: the node evaluator tests those inline (most values are checked this way).
        self.exact_of: dict[Check, frozenset[type]] = {}

    def resolve(self, ref: str) -> Any:
        return resolve_ref(self.root, ref)

    def compile(self, schema: Any) -> Check:
        if schema is True or schema is False:
            return _always if schema else _never
        _screen(schema)
        if set(schema) == {"required"} and len(schema["required"]) == 1:
            # The usual `if` condition ("has key X"): worth one call instead of three.
            key = schema["required"][0]
            return lambda x: not isinstance(x, dict) or key in x
        types = self._type(schema["type"]) if "type" in schema else None
        parts: dict[type, Check] = {}
        for kinds, part in (((str,), self._strings(schema)), ((int, float), self._numbers(schema)),
                            ((dict,), self._objects(schema)), ((list,), self._arrays(schema))):
            if part is not None:
                parts.update((k, part) for k in kinds)
        rest: list[Check] = []
        if "$ref" in schema:
            rest.append(self.ref(schema["$ref"]))
        if "enum" in schema:
            rest.append(self._enum(schema["enum"]))
        if "const" in schema:
            const = schema["const"]
            rest.append(lambda x: _equal(x, const))
        rest.extend(self._applicators(schema))
        if not parts and types is None:
            return _all(rest)
        if not parts and not rest and types is not None:
            exact, careful = types
            check: Check = lambda x: type(x) in exact or careful(x)  # noqa: E731
            self.exact_of[check] = exact
            return check
        return _combine(types, parts, _all(rest) if rest else None)

    def _type(self, types: Any) -> tuple[frozenset[type], Check]:
        """The exact builtin types a ``type`` keyword accepts, and the careful test.

        Data from YAML has exact builtin types, so one set lookup decides; anything
        else (subclasses, integral floats for "integer") takes the careful test.
        """
        names = [types] if isinstance(types, str) else list(types)
        try:
            tests = [_TYPES[t] for t in names]
        except KeyError as exc:
            raise Unsupported(f"type {exc.args[0]!r}") from exc
        exact = frozenset(t for n in names for t in _EXACT[n])
        return exact, lambda x: any(t(x) for t in tests)

    def _enum(self, values: list[Any]) -> Check:
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)
            return lambda x: isinstance(x, str) and x in allowed
        return lambda x: any(_equal(x, v) for v in values)

    def _strings(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "pattern" in schema:
            search = lazy_compile(schema["pattern"]).search
            checks.append(lambda x: search(x) is not None)
        if "minLength" in schema:
            low = schema["minLength"]
            checks.append(lambda x: len(x) >= low)
        if "maxLength" in schema:
            high = schema["maxLength"]
            checks.append(lambda x: len(x) <= high)
        return _all(checks) if checks else None

    def _numbers(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "minimum" in schema:
            low = schema["minimum"]
            checks.append(lambda x: not _is_number(x) or x >= low)
        if "maximum" in schema:
            high = schema["maximum"]
            checks.append(lambda x: not _is_number(x) or x <= high)
        return _all(checks) if checks else None

    def _objects(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "required" in schema:
            required = tuple(schema["required"])
            checks.append(lambda x: all(k in x for k in required))
        if "minProperties" in schema:
            low = schema["minProperties"]
            checks.append(lambda x: len(x) >= low)
        if "maxProperties" in schema:
            high = schema["maxProperties"]
            checks.append(lambda x: len(x) <= high)
        if "propertyNames" in schema:
            name_ok = self.compile(schema["propertyNames"])
            checks.append(lambda x: all(name_ok(k) for k in x))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._properties(schema))
        return _all(checks) if checks else None

    def _properties(self, schema: dict[str, Any]) -> Check:
        # Compiled on first use: a workflow names 2 of 40 events, and a one-file check
        # should not pay for compiling the other 38.
        props: dict[str, Check] = {}
        for k, v in schema.get("properties", {}).items():
            props[k] = self._lazy(props, k, v)
        extra = schema.get("additionalProperties", True)
        get = props.get
        if extra is True:
            def check_known(x: dict[str, Any]) -> bool:
                for k, v in x.items():
                    c = get(k)
                    if c is not None and not c(v):
                        return False
                return True
            return check_known
        if extra is False:
            def check_closed(x: dict[str, Any]) -> bool:
                for k, v in x.items():
                    c = get(k)
                    if c is None or not c(v):
                        return False
                return True
            return check_closed
        other = self.compile(extra)

        def check_open(x: dict[str, Any]) -> bool:
            for k, v in x.items():  # noqa: SIM110 -- a loop is faster than all(genexpr)
                if not get(k, other)(v):
                    return False
            return True
        return check_open

    def _lazy(self, table: dict[str, Check], key: str, schema: Any) -> Check:
        """A check that compiles ``schema`` when first called and then takes its place."""
        def first_use(x: Any) -> bool:
            compiled = self.compile(schema)
            table[key] = compiled
            return compiled(x)
        return first_use

    def _arrays(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "items" in schema:
            if not isinstance(schema["items"], dict | bool):
                raise Unsupported("`items` as a list (use prefixItems)")
            item_ok = self.compile(schema["items"])

            def check_items(x: list[Any]) -> bool:
                for i in x:  # noqa: SIM110 -- a loop is faster than all(genexpr)
                    if not item_ok(i):
                        return False
                return True
            checks.append(check_items)
        if "minItems" in schema:
            low = schema["minItems"]
            checks.append(lambda x: len(x) >= low)
        if "maxItems" in schema:
            high = schema["maxItems"]
            checks.append(lambda x: len(x) <= high)
        return _all(checks) if checks else None

_BUILTIN = frozenset({dict, list, str, int, float, bool, type(None)})
_EXACT: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "null": (type(None),), "number": (int, float), "integer": (int,),
}


def _always(x: Any) -> bool:
    return True


def _never(x: Any) -> bool:
    return False


def _part_for(x: Any, parts: dict[type, Check]) -> Check | None:
    # Instances of subclasses (never produced by the loader) take the careful route.
    if isinstance(x, bool):
        return None
    for kind in (dict, list, str, int, float):
        if isinstance(x, kind):
            return parts.get(kind)
    return None


def _combine(
    types: tuple[frozenset[type], Check] | None, parts: dict[type, Check], rest: Check | None
) -> Check:
    """One closure for a subschema: its type, the checks for the instance's type, the rest."""
    exact, careful = types if types is not None else (None, _always)
    get = parts.get
    builtin = _BUILTIN

    def check(x: Any) -> bool:
        tp = type(x)
        if exact is not None and tp not in exact and not careful(x):
            return False
        part = get(tp) if tp in builtin else _part_for(x, parts)
        if part is not None and not part(x):
            return False
        return rest is None or rest(x)
    return check


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    frozen = tuple(checks)

    def check_all(x: Any) -> bool:
        for c in frozen:  # noqa: SIM110 -- a loop is faster than all(genexpr)
            if not c(x):
                return False
        return True
    return check_all


def _scan(compiler: _Compiler, schema: Any) -> None:
    """Refuse, up front, a schema with anything the (lazy) compiler would refuse later."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be an object or a boolean, not {schema!r}")
    for key, value in schema.items():
        if key not in _HANDLED and key not in _ANNOTATIONS and not key.startswith("x-"):
            raise Unsupported(f"keyword {key!r}")
        if key in ("properties", "$defs", "definitions"):
            for sub in value.values():
                _scan(compiler, sub)
        elif key in ("allOf", "anyOf", "oneOf"):
            for sub in value:
                _scan(compiler, sub)
        elif key in ("additionalProperties", "propertyNames", "not", "if", "then", "else"):
            _scan(compiler, value)
        elif key == "items":
            if not isinstance(value, dict | bool):
                raise Unsupported("`items` as a list (use prefixItems)")
            _scan(compiler, value)
        elif key == "type":
            names = [value] if isinstance(value, str) else value
            unknown = [n for n in names if n not in _TYPES]
            if unknown:
                raise Unsupported(f"type {unknown[0]!r}")
        elif key == "$ref":
            compiler.resolve(value)


def compile_schema(schema: Any) -> Callable[[Any], bool]:
    """A function telling whether an instance is valid under ``schema``.

    Raises :class:`Unsupported` when the schema needs a keyword this module lacks.
    """
    compiler = _Compiler(schema)
    _scan(compiler, schema)
    return compiler.compile(schema)


class _NodeCompiler(_Applicators):
    """Compiles subschemas into checks over loader nodes (Mapping, Sequence, Scalar).

    (Key tests read ``Mapping.by_key``, the loader's key index, without a Python call.)

    A scalar stands for its value: the check hands ``node.value`` to the data
    evaluator's check for the same subschema, and the loops over pairs and items do so
    directly (a check that only tests the type is done inline there).  Mappings and
    sequences get checks shaped like the data ones: ``object`` keywords read the pairs,
    ``array`` keywords the items.  Schemas are compiled on first use and not scanned up
    front: a keyword this module lacks raises :class:`Unsupported` when a document
    first reaches it, and the caller then asks jsonschema.
    """

    def __init__(self, root: Any) -> None:
        from actiongen.load import Mapping, Scalar, Sequence, to_data

        self.data = _Compiler(root)
        #: For the rare ``enum``/``const`` that meets a collection.
        self.to_data = to_data
        self.done: dict[str, Check] = {}
        self.pending: dict[str, list[Check]] = {}
        self.mapping, self.scalar, self.sequence = Mapping, Scalar, Sequence

    def resolve(self, ref: str) -> Any:
        return self.data.resolve(ref)

    def compile(self, schema: Any) -> Check:
        if schema is True or schema is False:
            return _always if schema else _never
        _screen(schema)
        mapping_type, scalar_type, sequence_type = self.mapping, self.scalar, self.sequence
        if set(schema) == {"required"} and len(schema["required"]) == 1:
            # The usual `if` condition ("has key X"); a scalar is no object, so it passes.
            key = schema["required"][0]
            return lambda x: type(x) is not mapping_type or key in x.by_key
        exact: frozenset[type] | None = None
        if "type" in schema:
            self.data._type(schema["type"])  # refuses unknown type names
            names = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            exact = frozenset(
                {"object": mapping_type, "array": sequence_type}[n]
                for n in names if n in ("object", "array")
            )
        rest: list[Check] = []
        if "$ref" in schema:
            rest.append(self.ref(schema["$ref"]))
        rest.extend(self._applicators(schema))
        object_keys = _OBJECT_KEYWORDS.intersection(schema)
        array_keys = _ARRAY_KEYWORDS.intersection(schema)
        compares = "enum" in schema or "const" in schema
        if (exact is None and not object_keys and not array_keys and not compares
                and _VALUE_KEYWORDS.isdisjoint(schema)):
            # Only `$ref` and applicators, whose checks take scalars too: no wrapper
            # (`{"$ref": ...}` is the commonest subschema).
            return _all(rest)
        data = self.data
        data_check: Check | None = None  # for a scalar's value, compiled when one comes

        def of_value(value: Any) -> bool:
            nonlocal data_check
            if data_check is None:
                data_check = data.compile(schema)
            return data_check(value)

        if (not rest and not compares and not array_keys and object_keys
                and object_keys <= {"properties", "additionalProperties"}
                and (exact is None or mapping_type in exact)):
            # The commonest collection schema: a mapping's keys and values, nothing else.
            # One function tests the type and loops (see _properties).
            sequence_ok = exact is None or sequence_type in exact

            def not_mapping(x: Any) -> bool:
                if type(x) is scalar_type:
                    return of_value(x.value)
                return sequence_ok and type(x) is sequence_type
            return self._properties(schema, not_mapping)
        parts: dict[type, Check] = {}
        objects, arrays = self._objects(schema), self._arrays(schema)
        if objects is not None:
            parts[mapping_type] = objects
        if arrays is not None:
            parts[sequence_type] = arrays
        to_data = self.to_data
        if "enum" in schema:
            values = schema["enum"]
            rest.append(lambda x: any(_equal(to_data(x), v) for v in values))
        if "const" in schema:
            const = schema["const"]
            rest.append(lambda x: _equal(to_data(x), const))
        others = _all(rest) if rest else None
        get = parts.get

        def check(x: Any) -> bool:
            tp = type(x)
            if tp is scalar_type:
                return of_value(x.value)
            if exact is not None and tp not in exact:
                return False
            part = get(tp)
            if part is not None and not part(x):
                return False
            return others is None or others(x)
        return check

    def _objects(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "required" in schema:
            required = tuple(schema["required"])
            if len(required) == 1:
                key = required[0]
                checks.append(lambda x: key in x.by_key)
            else:
                def has_all(x: Any) -> bool:
                    keys = x.by_key
                    for k in required:  # noqa: SIM110 -- a loop is faster than all(genexpr)
                        if k not in keys:
                            return False
                    return True
                checks.append(has_all)
        if "minProperties" in schema:
            low = schema["minProperties"]
            checks.append(lambda x: len(x.pairs) >= low)
        if "maxProperties" in schema:
            high = schema["maxProperties"]
            checks.append(lambda x: len(x.pairs) <= high)
        if "propertyNames" in schema:
            name_ok = self.data.compile(schema["propertyNames"])
            checks.append(lambda x: all(name_ok(k.text) for k, _ in x.pairs))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._properties(schema, _never))
        return _all(checks) if checks else None

    def _properties(self, schema: dict[str, Any], not_mapping: Check) -> Check:
        """The check of ``properties`` and ``additionalProperties``; ``not_mapping``
        answers for anything else (only a fused schema passes such things)."""
        declared: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        mapping_type, scalar_type = self.mapping, self.scalar
        if not declared and extra is not True and extra is not False:
            # `env:`, `with:`, `outputs:`: any key, one schema for every value.
            only_node = self.compile(extra)
            only_value = self.data.compile(extra)
            only_exact = self.data.exact_of.get(only_value, frozenset())

            def check_values(x: Any) -> bool:
                if type(x) is not mapping_type:
                    return not_mapping(x)
                for _, v in x.pairs:
                    if type(v) is scalar_type:
                        value = v.value
                        if type(value) not in only_exact and not only_value(value):
                            return False
                    elif not only_node(v):
                        return False
                return True
            return check_values
        # Each declared property has a node check (for mappings and sequences) and a
        # check of a scalar's value (with the types it accepts outright, when it tests
        # only those), compiled on first use: a workflow names 2 of 40 events.
        nodes: dict[str, Check] = {}
        values: dict[str, Check] = {}
        exacts: dict[str, frozenset[type]] = {}
        node_get, value_get, exact_get = nodes.get, values.get, exacts.get
        data = self.data

        def node_check(name: str) -> Check | None:
            if name not in declared:
                return None
            compiled = nodes[name] = self.compile(declared[name])
            return compiled

        def value_check(name: str) -> Check | None:
            if name not in declared:
                return None
            compiled = values[name] = data.compile(declared[name])
            exact = data.exact_of.get(compiled)
            if exact is not None:
                exacts[name] = exact
            return compiled

        if extra is True or extra is False:
            closed = extra is False

            def check_declared(x: Any) -> bool:
                if type(x) is not mapping_type:
                    return not_mapping(x)
                for k, v in x.pairs:
                    name = k.text
                    if type(v) is scalar_type:
                        t = exact_get(name)
                        if t is not None and type(v.value) in t:
                            continue
                        c = value_get(name) or value_check(name)
                        if c is None:
                            if closed:
                                return False
                        elif not c(v.value):
                            return False
                    else:
                        c = node_get(name) or node_check(name)
                        if c is None:
                            if closed:
                                return False
                        elif not c(v):
                            return False
                return True
            return check_declared
        other_node = self.compile(extra)
        other_value = self.data.compile(extra)
        other_exact = self.data.exact_of.get(other_value, frozenset())

        def check_open(x: Any) -> bool:
            if type(x) is not mapping_type:
                return not_mapping(x)
            for k, v in x.pairs:
                name = k.text
                if type(v) is scalar_type:
                    value = v.value
                    t = exact_get(name)
                    if t is not None and type(value) in t:
                        continue
                    c = value_get(name) or value_check(name)
                    if c is None:
                        if type(value) in other_exact:
                            continue
                        c = other_value
                    if not c(value):
                        return False
                elif not (node_get(name) or node_check(name) or other_node)(v):
                    return False
            return True
        return check_open

    def _arrays(self, schema: dict[str, Any]) -> Check | None:
        checks: list[Check] = []
        if "items" in schema:
            if not isinstance(schema["items"], dict | bool):
                raise Unsupported("`items` as a list (use prefixItems)")
            item_node = self.compile(schema["items"])
            item_value = self.data.compile(schema["items"])
            item_exact = self.data.exact_of.get(item_value, frozenset())
            scalar_type = self.scalar

            def check_items(x: Any) -> bool:
                for i in x.items:
                    if type(i) is scalar_type:
                        if type(i.value) not in item_exact and not item_value(i.value):
                            return False
                    elif not item_node(i):
                        return False
                return True
            checks.append(check_items)
        if "minItems" in schema:
            low = schema["minItems"]
            checks.append(lambda x: len(x.items) >= low)
        if "maxItems" in schema:
            high = schema["maxItems"]
            checks.append(lambda x: len(x.items) <= high)
        return _all(checks) if checks else None

    def _conditional(self, schema: dict[str, Any]) -> Check:
        condition = schema["if"]
        if (isinstance(condition, dict) and set(condition) == {"required"}
                and len(condition["required"]) == 1):
            # "Has key X" (how steps and jobs pick their kind), tested in place.
            then = self.compile(schema.get("then", True))
            other = self.compile(schema.get("else", True))
            key, mapping_type = condition["required"][0], self.mapping
            return lambda x: then(x) if type(x) is not mapping_type or key in x.by_key else other(x)
        return super()._conditional(schema)


_OBJECT_KEYWORDS = frozenset({"required", "minProperties", "maxProperties", "propertyNames",
                              "properties", "additionalProperties"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems"})
_VALUE_KEYWORDS = frozenset({"pattern", "minLength", "maxLength", "minimum", "maximum"})


def compile_node_schema(schema: Any) -> Callable[[Any], bool]:
    """A function telling whether a loader node (``actiongen.load``) is valid under
    ``schema``: the answer :func:`compile_schema` gives for ``to_data(node)``.

    Parts of the schema compile when a document first reaches them, so a keyword this
    module lacks raises :class:`Unsupported` then, from the returned function.
    """
    return _NodeCompiler(schema).compile(schema)
